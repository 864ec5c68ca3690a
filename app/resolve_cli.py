"""``hiresentry resolve``: who is who across the sources, and why the records were merged.

    hiresentry resolve [--config FILE] [--source export:PATH ...] [--json]

Loads the given sources (like ``screen``), resolves every worker record in the store into people
and prints them. ``--json`` prints one document on stdout (progress goes to stderr)::

    {"people": [{"person_id": "p-…", "records": [{"source": …, "remote_id": …}, …],
                 "reasons": [{"rule": …, "reason": …, "records": [ref, ref], "score": …,
                              "features": [{"feature": …, "level": …, "weight": …}, …]}, …]}, …]}

``person_id`` is stable: derived from the person's smallest record ref, like a case's dedup key.
Each reason is one merge edge with its waterfall (missing features are left out).

Mount it on the main app with ``app.command("resolve")(resolve_command)``; ``resolve_app`` is
the same command as a stand-alone Typer app (tests, embedding).
"""

from __future__ import annotations

import json
import sys
from typing import Annotated, Any

import polars as pl
import typer
from rich.console import Console
from rich.table import Table

from hiresentry.app import wiring
from hiresentry.app.common import ConfigOption, JsonOption, err, load, out
from hiresentry.app.flows import run_sync
from hiresentry.core.population import Population
from hiresentry.core.resolve import REASONS, Resolution, person_id, resolve
from hiresentry.core.resolve.engine import waterfall_text
from hiresentry.core.resolve.weights import MISSING

SourceOption = Annotated[
    list[str] | None, typer.Option("--source", help="export:PATH or export:NAME=PATH (repeatable)")
]


def _split_ref(ref: str) -> dict[str, str]:
    source, _, remote_id = ref.partition("/")
    return {"source": source, "remote_id": remote_id}


def _reason(row: dict[str, Any]) -> dict[str, Any]:
    features = [
        {"feature": f["feature"], "level": f["level"], "weight": round(float(f["weight"]), 2)}
        for f in row["features"] or []
        if f["level"] != MISSING
    ]
    text = REASONS[row["rule"]]
    if row["score"] is not None:
        text = f"{text} ({waterfall_text(row['features'], row['score'])})"
    return {
        "rule": row["rule"],
        "reason": text,
        "records": [row["ref_a"], row["ref_b"]],
        "score": None if row["score"] is None else round(float(row["score"]), 2),
        "features": features,
    }


def people_document(pop: Population, resolution: Resolution) -> dict[str, list[dict[str, Any]]]:
    """The ``{"people": [...]}`` document: every person, records sorted, people by person id."""
    members = (
        pop.workers.select("wid", "ref").join(resolution.persons, on="wid").group_by("pid").agg(pl.col("ref").sort())
    )
    reasons: dict[int, list[dict[str, Any]]] = {}
    for row in resolution.explained().iter_rows(named=True):
        reasons.setdefault(row["pid"], []).append(_reason(row))
    people = [
        {
            "person_id": person_id(refs),
            "records": [_split_ref(r) for r in refs],
            "reasons": reasons.get(pid, []),
        }
        for pid, refs in zip(members["pid"].to_list(), members["ref"].to_list(), strict=True)
    ]
    return {"people": sorted(people, key=lambda p: p["person_id"])}


def print_people(console: Console, document: dict[str, list[dict[str, Any]]]) -> None:
    """A table of the people with more than one record, then a one-line summary."""
    people = document["people"]
    merged = sorted((p for p in people if len(p["records"]) > 1), key=lambda p: (-len(p["records"]), p["person_id"]))
    table = Table(title="resolved people (more than one record)")
    for column in ("person", "records", "merged on"):
        table.add_column(column)
    for person in merged:
        refs = "\n".join(f"{r['source']}/{r['remote_id']}" for r in person["records"])
        rules = "\n".join(sorted({reason["reason"] for reason in person["reasons"]}))
        table.add_row(person["person_id"], refs, rules)
    if merged:
        console.print(table)
    records = sum(len(p["records"]) for p in people)
    console.print(f"{records} worker records → {len(people)} people ({len(merged)} with more than one record)")


def resolve_command(config: ConfigOption = None, source: SourceOption = None, as_json: JsonOption = False) -> None:
    """Resolve every worker record in the store into people and show why records were merged."""
    cfg = load(config)
    console = err if as_json else out
    store = wiring.open_store(cfg)
    try:
        extra = [wiring.parse_source_option(s) for s in source or []]
        if extra or cfg.sources:
            run_sync(store, cfg, extra, console)
        pop = Population.from_store(store)
    finally:
        store.close()
    document = people_document(pop, resolve(pop))
    if as_json:
        sys.stdout.write(json.dumps(document, indent=2) + "\n")
    else:
        print_people(out, document)


resolve_app = typer.Typer(add_completion=False, pretty_exceptions_show_locals=False, help=resolve_command.__doc__)
resolve_app.command("resolve")(resolve_command)
