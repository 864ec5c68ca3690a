"""Benchmark of ingest + screen at several population sizes (not a test: it prints figures).

    python -m bench.screen_bench --sizes 10000 100000       (or: make bench)

Each size runs in its own process so that peak RSS is that size's own. Per size: generate the
synthetic population (three exports), ingest it into a fresh SQLite store through the export
connector, then screen (load → resolve → indicators → score → cases). Records/second count every
record of every kind (workers, engagements, payouts, payments, sign-ins, devices, signals).
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from pydantic import SecretStr


def run_one(contractors: int, seed: int) -> dict[str, float]:
    """Generate, ingest and screen one population; return the figures."""
    from hiresentry.app.synthetic import generate
    from hiresentry.connectors.base import sync
    from hiresentry.connectors.export import ExportConnector
    from hiresentry.core.indicators import load_catalogue
    from hiresentry.core.keys import LinkKeyHasher
    from hiresentry.core.levels import Level, LevelThresholds
    from hiresentry.core.screen import screen
    from hiresentry.core.store import Store, sqlite_url

    with tempfile.TemporaryDirectory(prefix="hiresentry-bench-") as tmp:
        root = Path(tmp)
        started = time.perf_counter()
        generate(contractors, seed, root / "exports")
        generated = time.perf_counter() - started
        store = Store.open(sqlite_url(root / "bench.db"), LinkKeyHasher(SecretStr("bench-key-0123456789abcdef")))
        started = time.perf_counter()
        ingested = 0
        for source in ("hr", "payroll", "idp"):
            connector = ExportConnector.from_config(source, {"path": str(root / "exports" / source)})
            ingested += sync(connector, store).total
        ingest_s = time.perf_counter() - started
        ingest_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        started = time.perf_counter()
        result = screen(store, load_catalogue(), LevelThresholds(), Level.LOW)
        screen_s = time.perf_counter() - started
        store.close()
    return {
        "contractors": contractors,
        "records": result.stats.records,
        "ingested": ingested,
        "generate_s": generated,
        "ingest_s": ingest_s,
        "screen_s": screen_s,
        "cases": result.stats.cases,
        "peak_rss_mb_after_ingest": ingest_rss,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        **{f"step_{k}_s": v for k, v in result.stats.seconds.items()},
    }


def main(argv: list[str] | None = None) -> None:
    """Run every size in a child process and print a table."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.one:
        print(json.dumps(run_one(args.one, args.seed)))
        return
    print(
        f"{'contractors':>11} {'records':>9} {'ingest s':>9} {'ingest rec/s':>12} {'screen s':>9} "
        f"{'screen rec/s':>12} {'peak RSS MB':>11} {'cases':>6}  steps (s)"
    )
    for size in args.sizes:
        child = subprocess.run(
            [sys.executable, "-m", "bench.screen_bench", "--one", str(size), "--seed", str(args.seed)],
            check=True,
            capture_output=True,
            text=True,
        )
        r = json.loads(child.stdout.strip().splitlines()[-1])
        steps = ", ".join(f"{k[5:-2]} {v:.2f}" for k, v in r.items() if k.startswith("step_"))
        ingest_rate = r["ingested"] / r["ingest_s"]
        screen_rate = r["records"] / r["screen_s"]
        print(
            f"{r['contractors']:>11,} {r['records']:>9,} {r['ingest_s']:>9.1f} {ingest_rate:>12,.0f} "
            f"{r['screen_s']:>9.2f} {screen_rate:>12,.0f} {r['peak_rss_mb']:>11,.0f} {r['cases']:>6}  {steps}",
            flush=True,
        )


if __name__ == "__main__":
    main()
