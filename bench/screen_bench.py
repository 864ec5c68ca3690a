"""Benchmark of ingest + screen at several population sizes (not a test: it prints figures).

    python -m bench.screen_bench --sizes 10000 100000                  (make bench)
    python -m bench.screen_bench --sizes 1000000 --cache .bench-cache   (make bench-1m)
    python -m bench.screen_bench --store path/to/store.db --key KEY     (screen an existing store)

Each size runs in its own process so that peak RSS is that size's own. Per size: generate the
synthetic population (three exports), ingest it into a fresh SQLite store through the export
connector, then screen (load → resolve → indicators → score → network → cases). With ``--cache``
the store of a size is kept and reused, so a second run measures the screen alone; the screen's
peak RSS is then measured in a process that did no ingest. Records/second count every record of
every kind (workers, engagements, payouts, payments, sign-ins, devices, signals).
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
from typing import Any

from pydantic import SecretStr

KEY = "bench-key-0123456789abcdef"


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def build(contractors: int, seed: int, root: Path) -> dict[str, float]:
    """Generate and ingest one population into ``root/store.db``."""
    from hiresentry.app.synthetic import generate
    from hiresentry.connectors.base import sync
    from hiresentry.connectors.export import ExportConnector
    from hiresentry.core.keys import LinkKeyHasher
    from hiresentry.core.store import Store, sqlite_url

    root.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    generate(contractors, seed, root / "exports")
    generated = time.perf_counter() - started
    store = Store.open(sqlite_url(root / "store.db"), LinkKeyHasher(SecretStr(KEY)))
    started = time.perf_counter()
    ingested = 0
    for source in ("hr", "payroll", "idp"):
        connector = ExportConnector.from_config(source, {"path": str(root / "exports" / source)})
        ingested += sync(connector, store).total
    ingest_s = time.perf_counter() - started
    store.close()
    return {"generate_s": generated, "ingest_s": ingest_s, "ingested": ingested, "ingest_rss_mb": _rss_mb()}


def screen_store(path: Path, key: str) -> dict[str, Any]:
    """Screen an existing store; figures of the screen alone."""
    from hiresentry.core.indicators import load_catalogue
    from hiresentry.core.keys import LinkKeyHasher
    from hiresentry.core.levels import Level, LevelThresholds
    from hiresentry.core.screen import screen
    from hiresentry.core.store import Store, sqlite_url

    store = Store.open(sqlite_url(path), LinkKeyHasher(SecretStr(key)))
    catalogue = load_catalogue()
    started = time.perf_counter()
    result = screen(store, catalogue, LevelThresholds(), Level.LOW)
    screen_s = time.perf_counter() - started
    store.close()
    return {
        "records": result.stats.records,
        "workers": result.stats.workers,
        "persons": result.stats.persons,
        "screen_s": screen_s,
        "cases": result.stats.cases,
        "networks": result.stats.networks,
        "peak_rss_mb": _rss_mb(),
        **{f"step_{k}_s": v for k, v in result.stats.seconds.items()},
    }


def run_one(contractors: int, seed: int, cache: Path | None) -> dict[str, Any]:
    """Build (or reuse) one population's store and screen it, in a child process each."""
    figures: dict[str, Any] = {"contractors": contractors}
    with tempfile.TemporaryDirectory(prefix="hiresentry-bench-") as tmp:
        root = (cache / f"{contractors}-{seed}") if cache else Path(tmp)
        if not (root / "store.db").exists() or not (root / "built").exists():
            figures |= _child(["--build", str(contractors), "--seed", str(seed), "--root", str(root)])
            (root / "built").write_text(json.dumps(figures), encoding="utf-8")
        else:
            figures |= json.loads((root / "built").read_text(encoding="utf-8")) | {"cached": True}
        figures |= _child(["--store", str(root / "store.db"), "--key", KEY])
    return figures


def _child(args: list[str]) -> dict[str, Any]:
    child = subprocess.run(
        [sys.executable, "-m", "bench.screen_bench", *args], check=True, capture_output=True, text=True
    )
    result: dict[str, Any] = json.loads(child.stdout.strip().splitlines()[-1])
    return result


def main(argv: list[str] | None = None) -> None:
    """Parse arguments; run children; print a table."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--cache", type=Path, help="keep and reuse each size's store here")
    parser.add_argument("--store", type=Path, help="screen this existing store only")
    parser.add_argument("--key", default=KEY, help="the store's link-key secret (with --store)")
    parser.add_argument("--build", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--root", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.build:
        print(json.dumps(build(args.build, args.seed, args.root)))
        return
    if args.store:
        print(json.dumps(screen_store(args.store, args.key)))
        return
    header = (
        f"{'contractors':>11} {'records':>10} {'ingest s':>9} {'ingest rec/s':>12} {'screen s':>9} "
        f"{'screen rec/s':>12} {'screen RSS MB':>13} {'cases':>6}  steps (s)"
    )
    print(header)
    for size in args.sizes:
        r = run_one(size, args.seed, args.cache)
        steps = ", ".join(f"{k[5:-2]} {v:.2f}" for k, v in r.items() if k.startswith("step_"))
        ingest = f"{r['ingest_s']:>9.1f} {r['ingested'] / r['ingest_s']:>12,.0f}"
        screen_rate = r["records"] / r["screen_s"]
        print(
            f"{r['contractors']:>11,} {r['records']:>10,} {ingest} {r['screen_s']:>9.2f} {screen_rate:>12,.0f} "
            f"{r['peak_rss_mb']:>13,.0f} {r['cases']:>6}  {steps}" + ("  (store cached)" if r.get("cached") else ""),
            flush=True,
        )


if __name__ == "__main__":
    main()
