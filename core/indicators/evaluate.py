"""Evaluate the catalogue over a resolved population, all indicators set-based."""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from hiresentry.core.indicators.catalogue import Indicator
from hiresentry.core.indicators.registry import conform
from hiresentry.core.population import Population

EVIDENCE_SCHEMA: dict[str, pl.DataType] = {
    "pid": pl.Int64(),
    "indicator": pl.Utf8(),
    "title": pl.Utf8(),
    "severity": pl.Utf8(),
    "weight": pl.Float64(),
    "explanation": pl.Utf8(),
    "records": pl.List(pl.Utf8()),
    "keys": pl.List(pl.Utf8()),
    "kind": pl.Utf8(),
    "factor": pl.Float64(),
    "applies_to": pl.List(pl.Utf8()),
    "silences_critical": pl.Boolean(),
}
"""One row per hit. ``kind`` is indicator, modifier or qualifier. An indicator's ``weight`` is its
points; a modifier's or qualifier's ``weight`` is 0 here and its percentage is in ``factor``: what
that comes to depends on the person's other evidence, which ``core.score`` works out. Code that
sums ``weight`` therefore never mistakes a percentage for points."""


def run_indicator(indicator: Indicator, pop: Population) -> pl.DataFrame:
    """Hits of one indicator with its id, title, severity, kind and effective weight or factor."""
    hits = conform(indicator.fn(pop, dict(indicator.parameters)), indicator.id)
    spec = indicator.spec
    adjusts = spec.kind != "indicator"
    effective = pl.col("weight").fill_null(indicator.weight)
    return hits.with_columns(
        pl.lit(indicator.id).alias("indicator"),
        pl.lit(spec.title).alias("title"),
        pl.lit(spec.severity).alias("severity"),
        (pl.lit(0.0) if adjusts else effective).alias("weight"),
        pl.lit(spec.kind).alias("kind"),
        (effective if adjusts else pl.lit(None, dtype=pl.Float64)).alias("factor"),
        pl.lit(spec.applies_to, dtype=pl.List(pl.Utf8)).alias("applies_to"),
        pl.lit(spec.silences_critical).alias("silences_critical"),
    ).select([pl.col(name).cast(dtype) for name, dtype in EVIDENCE_SCHEMA.items()])


def evaluate(indicators: Sequence[Indicator], pop: Population) -> pl.DataFrame:
    """Evidence rows (one per indicator hit per person) of every enabled indicator.

    A modifier or qualifier hit is kept only for a person with a hit of an indicator it applies
    to: with nothing to adjust it is no evidence of anything (most vendor hires have no other
    evidence, and a case must not open, nor a network escalate, on context alone).
    """
    frames = [run_indicator(ind, pop) for ind in indicators if ind.enabled]
    if not frames:
        return pl.DataFrame(schema=EVIDENCE_SCHEMA)
    evidence = pl.concat(frames, how="vertical")
    return relevant(evidence)


def relevant(evidence: pl.DataFrame) -> pl.DataFrame:
    """``evidence`` without the modifier and qualifier hits that have no indicator hit to adjust."""
    indicators = evidence.filter(pl.col("kind") == "indicator").select("pid", target="indicator")
    adjustments = evidence.filter(pl.col("kind") != "indicator").with_row_index("row")
    applicable = (
        adjustments.select("row", "pid", "applies_to")
        .join(indicators, on="pid")
        .filter((pl.col("applies_to").list.len() == 0) | pl.col("applies_to").list.contains(pl.col("target")))
        .select("row")
        .unique()
    )
    kept = adjustments.join(applicable, on="row", how="semi").drop("row")
    return pl.concat([evidence.filter(pl.col("kind") == "indicator"), kept])
