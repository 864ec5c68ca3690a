"""Write a synthetic contractor population to disk (not a test: it prints where and how long).

    python -m bench.generate --contractors 100000 --seed 1 --out /tmp/population

Produces ``OUT/hr`` (workers as CSV), ``OUT/payroll`` and ``OUT/idp`` (JSON Lines) in the export
connector's format, and ``OUT/truth.json`` listing the planted patterns and benign look-alikes.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from hiresentry.app.synthetic import generate


def _size(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def main(argv: list[str] | None = None) -> None:
    """Parse arguments, generate, report."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--contractors", type=int, default=2000, help="contractors to generate")
    parser.add_argument("--seed", type=int, default=2026, help="random seed (same seed, same bytes)")
    parser.add_argument("--out", type=Path, required=True, help="output folder")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    truth = generate(args.contractors, args.seed, args.out)
    elapsed = time.perf_counter() - started
    lines = sum(1 for f in args.out.rglob("*") if f.is_file() and f.name != "truth.json" for _ in f.open("rb"))
    print(f"wrote {args.contractors:,} contractors (seed {args.seed}) to {args.out.resolve()}")
    print(f"  {lines:,} lines, {_size(args.out) / 1e6:,.1f} MB in {elapsed:.1f} s")
    print(f"  {len(truth.planted)} planted groups, {len(truth.benign)} benign look-alikes: {args.out / 'truth.json'}")


if __name__ == "__main__":
    main()
