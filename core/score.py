"""The explainable additive score: named evidence weights summed per person, mapped to a level.

Within one indicator only the strongest hit counts (two shared accounts are one kind of evidence,
not twice the evidence); across indicators weights add. Every term stays named so the case can
say exactly why it scored what it scored.
"""

from __future__ import annotations

import polars as pl

from hiresentry.core.levels import Level, LevelThresholds


def score(evidence: pl.DataFrame, thresholds: LevelThresholds) -> pl.DataFrame:
    """Per person: ``score``, ``level`` and ``terms`` (list of {name, weight})."""
    per_indicator = evidence.group_by("pid", "indicator").agg(pl.col("weight").max())
    totals = per_indicator.group_by("pid").agg(
        pl.col("weight").sum().alias("score"),
        pl.struct(pl.col("indicator").alias("name"), "weight").sort_by("weight", descending=True).alias("terms"),
    )
    level = pl.lit(Level.INFO.value)
    for name, floor in (
        (Level.LOW, thresholds.low),
        (Level.MEDIUM, thresholds.medium),
        (Level.HIGH, thresholds.high),
        (Level.CRITICAL, thresholds.critical),
    ):
        level = pl.when(pl.col("score") >= floor).then(pl.lit(name.value)).otherwise(level)
    return totals.with_columns(level.alias("level"))
