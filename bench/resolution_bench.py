"""Identity resolution vs Splink on the same linkage input, in the same run (not a test: it prints figures).

    python -m bench.resolution_bench                       (FEBRL 4, with and without the tax id)
    python -m bench.resolution_bench --synthetic 20000     (also the generator's population)

For each input, both tools see the same records, built once through ``Population.from_records``:

- **hiresentry**: ``resolve(pop)``: deterministic keys, blocking, hand-set Fellegi-Sunter weights;
- **Splink** 5 (DuckDB backend, in memory): the same features as comparisons (name, date of
  birth, tax id, email, phone, home address, claimed country, with the same levels where Splink's
  library has them), the same blocking rules plus our deterministic keys as blocking rules, the
  prior from deterministic rules, u by random sampling and m by EM (offline, no labels), then
  ``predict`` and clustering at match probability 0.5.

Both outputs are scored the same way: every cross-source pair of records inside one resolved
person (cluster) is a predicted link, compared with the true links. Times are wall-clock seconds
of the resolution itself (Splink: training included, as it needs it); the population frames are
built before either clock starts. Figures go to ``docs/benchmarks.md``.
"""

from __future__ import annotations

import argparse
import logging
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl
from pydantic import SecretStr

from hiresentry.core.keys import LinkKeyHasher
from hiresentry.core.model import Record, Worker
from hiresentry.core.population import Population
from hiresentry.core.resolve import BLOCKING_RULES, resolve
from hiresentry.core.resolve.febrl import LinkageQuality, cross_links, load_febrl4, quality
from hiresentry.core.resolve.profiles import build_profiles

HASHER = LinkKeyHasher(SecretStr("bench-key-0123456789abcdef"))


@dataclass(frozen=True)
class Linkage:
    """One benchmark input: the population, its two sources and the true cross-source links."""

    name: str
    pop: Population
    sources: tuple[str, str]
    truth: frozenset[tuple[str, str]]


@dataclass(frozen=True)
class Outcome:
    """One tool's figures on one input."""

    seconds: float
    quality: LinkageQuality
    candidates: int
    pairs: str  # what ``candidates`` counts


def run_hiresentry(linkage: Linkage) -> Outcome:
    """Our resolver, timed."""
    started = time.perf_counter()
    resolution = resolve(linkage.pop)
    seconds = time.perf_counter() - started
    members = resolution.persons.join(resolution.refs, on="wid")
    found = quality(cross_links(members, linkage.sources), linkage.truth)
    candidates = resolution.blocking.candidates if resolution.blocking else 0
    return Outcome(seconds, found, candidates, "candidate pairs from blocking")


def splink_input(pop: Population, source: str) -> Any:
    """One source's records as the table Splink reads (pyarrow), from the same profiles we compare."""
    profiles = build_profiles(pop).join(pop.workers.select("wid", "source", "ref"), on="wid")
    first = pl.col("legal_name").str.to_lowercase().str.extract(r"^\s*(\S+)")
    rest = pl.col("legal_name").str.to_lowercase().str.extract(r"^\s*\S+\s+(.+?)\s*$")
    return (
        profiles.filter(pl.col("source") == source)
        .select(
            pl.col("ref").alias("unique_id"),
            first.alias("given_name"),
            rest.alias("surname"),
            "name_key",
            "name_phonetic",
            "tokens",
            "sounds",
            "date_of_birth",
            pl.col("date_of_birth").dt.strftime("%Y%m%d").alias("dob_text"),
            "birth_year_month",
            "birth_year_day",
            "birth_month_day",
            "tax_key",
            "home_addr_key",
            "locality",
            "country",
            "emails",
            "phones",
        )
        .to_arrow()
    )


def splink_settings() -> Any:
    """Splink settings mirroring our features and blocking rules."""
    import splink.comparison_level_library as cll
    import splink.comparison_library as cl
    from splink import SettingsCreator, block_on

    name = cl.CustomComparison(
        output_column_name="name",
        comparison_levels=[
            cll.NullLevel("name_key"),
            cll.ExactMatchLevel("name_key"),
            cll.Or(cll.ExactMatchLevel("name_phonetic"), cll.ArraySubsetLevel("tokens")),
            cll.And(cll.JaroWinklerLevel("given_name", 0.85), cll.JaroWinklerLevel("surname", 0.85)),
            cll.ArrayIntersectLevel("tokens", 1),
            cll.ElseLevel(),
        ],
    )
    dob = cl.CustomComparison(
        output_column_name="date_of_birth",
        comparison_levels=[
            cll.NullLevel("dob_text"),
            cll.ExactMatchLevel("dob_text"),
            cll.DamerauLevenshteinLevel("dob_text", 1),
            cll.ElseLevel(),
        ],
    )
    address = cl.CustomComparison(
        output_column_name="home_address",
        comparison_levels=[
            cll.NullLevel("home_addr_key"),
            cll.ExactMatchLevel("home_addr_key"),
            cll.ExactMatchLevel("locality"),
            cll.JaroWinklerLevel("locality", 0.9),
            cll.ElseLevel(),
        ],
    )
    ours = [
        block_on(*r.columns, arrays_to_explode=[c for c in r.columns if c in ("sounds", "emails", "phones")])
        for r in BLOCKING_RULES
    ]
    deterministic = [block_on("tax_key"), block_on("name_key", "date_of_birth")]
    return SettingsCreator(
        link_type="link_and_dedupe",
        comparisons=[
            name,
            dob,
            cl.ExactMatch("tax_key"),
            cl.ArrayIntersectAtSizes("emails", [1]),
            cl.ArrayIntersectAtSizes("phones", [1]),
            address,
            cl.ExactMatch("country"),
        ],
        blocking_rules_to_generate_predictions=[*deterministic, *ours],
        retain_intermediate_calculation_columns=False,
    )


def run_splink(linkage: Linkage) -> Outcome:
    """Splink on the same records, timed from loading its tables to its clusters."""
    from splink import Linker, block_on
    from splink.backends.duckdb import DuckDBAPI

    tables = [splink_input(linkage.pop, s) for s in linkage.sources]
    started = time.perf_counter()
    db = DuckDBAPI()
    # never "left"/"right": DuckDB reads those as keywords in Splink's SQL
    frames = [db.register(t, dataset_display_name=f"src_{i}") for i, t in enumerate(tables)]
    linker = Linker(frames, splink_settings(), log_level=logging.ERROR)
    training = linker.training
    training.estimate_probability_two_random_records_match(
        [block_on("name_key", "date_of_birth"), block_on("tax_key")], recall=0.7
    )
    training.estimate_u_using_random_sampling(max_pairs=2e6)
    for column in ("date_of_birth", "name_phonetic"):
        try:
            training.estimate_parameters_using_expectation_maximisation(block_on(column))
        except ValueError as exc:  # a level EM never observes (m = 0) on very regular data
            print(f"  (Splink EM session blocked on {column} skipped: {str(exc)[:60]}…)", flush=True)
    predictions = linker.inference.predict(threshold_match_probability=0.5)
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(predictions, 0.5)
    table = pl.from_arrow(clusters.as_duckdbpyrelation().select("cluster_id, unique_id").arrow())
    seconds = time.perf_counter() - started
    assert isinstance(table, pl.DataFrame)
    members = table.select(pl.col("cluster_id").alias("pid"), pl.col("unique_id").alias("ref"))
    candidates = int(predictions.as_duckdbpyrelation().aggregate("count(*)").fetchall()[0][0])
    found = quality(cross_links(members, linkage.sources), linkage.truth)
    return Outcome(seconds, found, candidates, "pairs predicted at p >= 0.5")


def febrl(with_tax_id: bool) -> Linkage:
    """FEBRL 4 as a linkage input."""
    data = load_febrl4(with_tax_id=with_tax_id)
    name = "FEBRL 4" + ("" if with_tax_id else " without tax id")
    return Linkage(name, Population.from_records(data.records, HASHER), ("febrl_a", "febrl_b"), data.true_links)


def synthetic(contractors: int) -> Linkage:
    """The generator's population: HR vs payroll worker records (the IdP has no birth dates)."""
    from hiresentry.app.synthetic import generate
    from hiresentry.connectors.export import ExportConnector
    from hiresentry.connectors.export.files import read_csv, read_jsonl

    with tempfile.TemporaryDirectory(prefix="hiresentry-resolution-bench-") as tmp:
        root = Path(tmp)
        generate(contractors, 2026, root)
        records: list[Record] = []
        for source in ("hr", "payroll"):  # only the worker files: nothing else is resolved
            for kind, path in ExportConnector.from_config(source, {"path": str(root / source)}).files():
                if kind == "workers":
                    lines = read_csv(path, Worker) if path.suffix == ".csv" else read_jsonl(path)
                    records.extend(Worker.model_validate((line.data or {}) | {"source": source}) for line in lines)
    truth = frozenset((f"E{100001 + i}", f"PR-{500001 + i}") for i in range(contractors))
    pop = Population.from_records(records, HASHER)
    return Linkage(f"synthetic {contractors:,} contractors", pop, ("hr", "payroll"), truth)


def _row(tool: str, outcome: Outcome) -> str:
    q = outcome.quality
    return (
        f"  {tool:<11} {outcome.seconds:>8.2f} s  P {q.precision:.4f}  R {q.recall:.4f}  F1 {q.f1:.4f}"
        f"  (tp {q.true_positives}, fp {q.false_positives}, fn {q.false_negatives};"
        f" {outcome.candidates:,} {outcome.pairs})"
    )


def main(argv: list[str] | None = None) -> None:
    """Run both tools on every input and print the table."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--synthetic", type=int, default=0, help="also link HR vs payroll of N generated contractors")
    args = parser.parse_args(argv)
    inputs: list[Callable[[], Linkage]] = [lambda: febrl(True), lambda: febrl(False)]
    if args.synthetic:
        inputs.append(lambda: synthetic(args.synthetic))
    for make in inputs:
        linkage = make()
        ours = run_hiresentry(linkage)
        theirs = run_splink(linkage)
        records = linkage.pop.workers.height
        print(f"{linkage.name}: {records:,} records, {len(linkage.truth):,} true links", flush=True)
        print(_row("hiresentry", ours))
        print(_row("Splink", theirs))
        print(f"  time ratio Splink / hiresentry: {theirs.seconds / ours.seconds:.1f}x", flush=True)


if __name__ == "__main__":
    main()
