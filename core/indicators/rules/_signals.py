"""The one helper every hiring-signal indicator shares: observations in, hits out.

An indicator built on signals is a list of names (``signals``) plus the names that clear them
(``cleared_by``, e.g. a liveness retest that passed) and how many observations it takes
(``min_signals``, for signals that are noisy alone). All of that is YAML; the functions in
``interview.py`` and ``onboarding.py`` are one call each.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import polars as pl

from hiresentry.core.indicators.rules._shared import gathered, owners
from hiresentry.core.population import Population

DETAIL_CHARS = 100


def signal_rows(pop: Population, params: Mapping[str, Any]) -> pl.DataFrame:
    """Observations named in ``params["signals"]`` that no later ``cleared_by`` signal cleared.

    Columns: pid, worker_ref, ref, signal, observed_at, detail. A clearing signal clears every
    firing observation of the same person made before it (or without a time); a firing
    observation made after the clearing one stands.
    """
    names = list(params["signals"])
    clearing = list(params.get("cleared_by") or [])
    signals = (
        pop.hiring_signals.select("wid", "ref", "signal", "observed_at", "detail")
        .filter(pl.col("signal").is_in([*names, *clearing]))
        .join(owners(pop), on="wid")
    )
    firing = signals.filter(pl.col("signal").is_in(names))
    if clearing:
        cleared = (
            signals.filter(pl.col("signal").is_in(clearing))
            .group_by("pid")
            .agg(pl.col("observed_at").max().alias("cleared_at"), pl.col("observed_at").is_null().any().alias("always"))
        )
        firing = firing.join(cleared, on="pid", how="left").filter(
            ~pl.col("always").fill_null(False)
            & (pl.col("cleared_at").is_null() | (pl.col("observed_at") > pl.col("cleared_at")).fill_null(False))
        )
    return firing.select("pid", "worker_ref", "ref", "signal", "observed_at", "detail")


def signal_hits(rows: pl.DataFrame, noun: str, min_signals: int = 1) -> pl.DataFrame:
    """One hit per person with at least ``min_signals`` observations, naming them and a detail."""
    grouped = (
        rows.sort("observed_at", nulls_last=True)
        .group_by("pid")
        .agg(
            pl.len().alias("n"),
            pl.col("signal").unique(maintain_order=True).alias("names"),
            pl.col("detail").drop_nulls().min().alias("detail"),
            gathered("worker_ref", "ref").alias("records"),
        )
    )
    grouped = grouped.filter(pl.col("n") >= min_signals)
    detail = pl.when(pl.col("detail").is_not_null()).then(
        pl.format(' ("{}")', pl.col("detail").str.slice(0, DETAIL_CHARS))
    )
    return grouped.select(
        "pid",
        pl.format(
            "{}: {} observation(s), {}{}",
            pl.lit(noun),
            "n",
            pl.col("names").list.join(", "),
            detail.otherwise(pl.lit("")),
        ).alias("explanation"),
        "records",
        pl.lit([], dtype=pl.List(pl.Utf8)).alias("keys"),
    )


def signal_indicator(pop: Population, params: Mapping[str, Any], noun: str) -> pl.DataFrame:
    """``signal_hits(signal_rows(...))`` with the YAML's ``min_signals`` (default 1)."""
    return signal_hits(signal_rows(pop, params), noun, int(params.get("min_signals", 1)))
