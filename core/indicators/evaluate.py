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
}


def run_indicator(indicator: Indicator, pop: Population) -> pl.DataFrame:
    """Hits of one indicator with its id, title, severity and effective weight."""
    hits = conform(indicator.fn(pop, dict(indicator.parameters)), indicator.id)
    return hits.with_columns(
        pl.lit(indicator.id).alias("indicator"),
        pl.lit(indicator.spec.title).alias("title"),
        pl.lit(indicator.spec.severity).alias("severity"),
        pl.col("weight").fill_null(indicator.weight),
    ).select(list(EVIDENCE_SCHEMA))


def evaluate(indicators: Sequence[Indicator], pop: Population) -> pl.DataFrame:
    """Evidence rows (one per indicator hit per person) of every enabled indicator."""
    frames = [run_indicator(ind, pop) for ind in indicators if ind.enabled]
    if not frames:
        return pl.DataFrame(schema=EVIDENCE_SCHEMA)
    return pl.concat(frames, how="vertical")
