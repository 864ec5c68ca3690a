"""The explainable additive score: named evidence weights summed per person, mapped to a level.

Within one indicator only the strongest hit counts (two shared accounts are one kind of evidence,
not twice the evidence); across indicators weights add. Then two kinds of named adjustment:

- **qualifiers** (declared travel, a declared household, agency submissions, pooled EOR accounts)
  lower the indicators they apply to by their percentage. Several qualifiers on one indicator add
  up, to at most the whole indicator, so the total can never drop below zero; a *critical*
  indicator is lowered by at most half unless a qualifier's YAML says ``silences_critical``.
- **modifiers** (hired via a staffing vendor) raise the indicators they apply to, after the
  qualifiers, by their percentage. A modifier alone scores nothing.

Every term stays named and carries its reason, so the case can say exactly why it scored what it
scored ("+25 % of 70 because hired via staffing vendor X").
"""

from __future__ import annotations

import polars as pl

from hiresentry.core.levels import Level, LevelThresholds

CRITICAL_KEEP = 0.5
"""Share of a critical indicator's weight that qualifiers cannot remove (unless ``silences_critical``)."""

TERM = pl.Struct({"name": pl.Utf8(), "weight": pl.Float64(), "reason": pl.Utf8()})


def _normalised(evidence: pl.DataFrame) -> pl.DataFrame:
    """Evidence with the adjustment columns, whether or not the producer knew about them."""
    defaults = {
        "kind": pl.lit("indicator"),
        "factor": pl.lit(None, dtype=pl.Float64),
        "applies_to": pl.lit([], dtype=pl.List(pl.Utf8)),
        "silences_critical": pl.lit(False),
        "explanation": pl.lit(""),
        "severity": pl.lit("medium"),
    }
    return evidence.with_columns([expr.alias(name) for name, expr in defaults.items() if name not in evidence.columns])


def _applies(target: str) -> pl.Expr:
    return (pl.col("applies_to").list.len() == 0) | pl.col("applies_to").list.contains(pl.col(target))


def _adjustments(evidence: pl.DataFrame, kind: str) -> pl.DataFrame:
    """One row per (person, modifier or qualifier): its strongest factor and first explanation."""
    return (
        evidence.filter(pl.col("kind") == kind)
        .sort(pl.col("factor").abs(), descending=True)
        .group_by("pid", "indicator")
        .agg(
            pl.col("factor").first(),
            pl.col("applies_to").first(),
            pl.col("silences_critical").any(),
            pl.col("explanation").first(),
        )
    )


def _qualified(base: pl.DataFrame, qualifiers: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(base terms with their remaining weight ``kept``, qualifier terms with their reasons)."""
    pairs = (
        qualifiers.join(base.rename({"indicator": "term", "weight": "term_weight"}), on="pid")
        .filter(_applies("term"))
        .with_columns((-pl.col("factor") / 100).clip(0, 1).alias("share"))
    )
    per_term = (
        pairs.filter(pl.col("share") > 0)
        .group_by("pid", "term")
        .agg(
            pl.col("share").sum().alias("asked"),
            pl.col("silences_critical").any().alias("may_silence"),
            pl.col("critical").first(),
        )
        .with_columns(
            pl.min_horizontal(
                "asked",
                pl.when(pl.col("critical") & ~pl.col("may_silence")).then(1 - CRITICAL_KEEP).otherwise(1.0),
            ).alias("lowered")
        )
    )
    pairs = pairs.join(per_term.select("pid", "term", "asked", "lowered"), on=["pid", "term"]).with_columns(
        (-pl.col("term_weight") * pl.col("share") * pl.col("lowered") / pl.col("asked")).alias("delta")
    )
    capped = pl.when(pl.col("lowered") < pl.col("asked")).then(pl.lit(" (capped: critical)")).otherwise(pl.lit(""))
    terms = (
        pairs.with_columns(
            pl.format(
                "{} {} by {}%{}",
                "term",
                pl.col("term_weight").round(2),
                (pl.col("lowered") / pl.col("asked") * pl.col("share") * 100).round(0).cast(pl.Int64),
                capped,
            ).alias("part")
        )
        .group_by("pid", "indicator")
        .agg(
            pl.col("delta").sum().alias("weight"),
            pl.format("lowers {}: {}", pl.col("part").sort().str.join(", "), pl.col("explanation").first()).alias(
                "reason"
            ),
        )
    )
    kept = base.join(
        per_term.select("pid", "term", "lowered"), left_on=["pid", "indicator"], right_on=["pid", "term"], how="left"
    )
    kept = kept.with_columns((pl.col("weight") * (1 - pl.col("lowered").fill_null(0.0))).alias("kept"))
    return kept, terms


def _modified(kept: pl.DataFrame, modifiers: pl.DataFrame) -> pl.DataFrame:
    """Modifier terms: their percentage of what the evidence they apply to still weighs."""
    pairs = modifiers.join(kept.rename({"indicator": "term"}), on="pid").filter(_applies("term"))
    return (
        pairs.group_by("pid", "indicator")
        .agg(
            pl.col("factor").first(),
            pl.col("kept").sum().alias("raised"),
            pl.col("term").sort().str.join(", ").alias("terms"),
            pl.col("explanation").first(),
        )
        .select(
            "pid",
            "indicator",
            (pl.col("factor") / 100 * pl.col("raised")).alias("weight"),
            pl.format(
                "+{}% of {} ({}): {}",
                pl.col("factor").round(0).cast(pl.Int64),
                pl.col("raised").round(2),
                "terms",
                "explanation",
            ).alias("reason"),
        )
    )


def score(evidence: pl.DataFrame, thresholds: LevelThresholds) -> pl.DataFrame:
    """Per person: ``score``, ``level`` and ``terms`` (list of {name, weight, reason}).

    ``reason`` is null for an indicator term (its title explains it) and says what a modifier or
    qualifier did for the others.
    """
    evidence = _normalised(evidence)
    base = (
        evidence.filter(pl.col("kind") == "indicator")
        .group_by("pid", "indicator")
        .agg(pl.col("weight").max(), (pl.col("severity") == "critical").any().alias("critical"))
    )
    kept, qualifier_terms = _qualified(base, _adjustments(evidence, "qualifier"))
    modifier_terms = _modified(kept, _adjustments(evidence, "modifier"))
    terms = pl.concat(
        [
            base.select(
                "pid", pl.col("indicator").alias("name"), "weight", pl.lit(None, dtype=pl.Utf8).alias("reason")
            ),
            qualifier_terms.select("pid", pl.col("indicator").alias("name"), "weight", "reason"),
            modifier_terms.select("pid", pl.col("indicator").alias("name"), "weight", "reason"),
        ]
    ).with_columns(pl.col("weight").round(2))
    terms = terms.filter((pl.col("weight") != 0) | pl.col("reason").is_null())
    totals = terms.group_by("pid").agg(
        pl.col("weight").sum().clip(lower_bound=0).round(2).alias("score"),
        pl.struct("name", "weight", "reason").sort_by("weight", descending=True).alias("terms"),
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
