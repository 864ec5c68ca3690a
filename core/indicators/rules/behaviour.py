"""Post-hire behaviour: security findings, engagement, referrals, threats, and how the worker was hired."""

from __future__ import annotations

from typing import Any

import polars as pl

from hiresentry.core.indicators.registry import indicator
from hiresentry.core.indicators.rules._shared import first_start, gathered, owners
from hiresentry.core.indicators.rules._signals import signal_hits, signal_indicator, signal_rows
from hiresentry.core.population import Population


@indicator("DEV-MALWARE-DAY1")
def malware_day_one(pop: Population, params: dict[str, Any]) -> pl.DataFrame:
    """Malware, unauthorised software or tampering within ``first_days`` of the engagement start.

    Observations without a time, or of people without a known start, count: the finding itself is
    the evidence, the timing only makes it sharper.
    """
    rows = signal_rows(pop, params).join(first_start(pop), on="pid", how="left")
    days = (pl.col("observed_at").dt.date() - pl.col("start")).dt.total_days()
    early = rows.filter(pl.col("start").is_null() | pl.col("observed_at").is_null() | (days <= params["first_days"]))
    return signal_hits(early.drop("start"), "endpoint soon after onboarding", int(params.get("min_signals", 1)))


@indicator("DATA-EXFIL")
def data_exfiltration(pop: Population, params: dict[str, Any]) -> pl.DataFrame:
    """Company code or data copied to personal storage, bulk pulls, harvested credentials."""
    return signal_indicator(pop, params, "data movement")


@indicator("BEH-LOW-ENGAGEMENT")
def low_engagement(pop: Population, params: dict[str, Any]) -> pl.DataFrame:
    """Minimal output, little contact, swings in quality: reported at least ``min_signals`` times."""
    return signal_indicator(pop, params, "engagement")


@indicator("BEH-EXTORTION")
def extortion(pop: Population, params: dict[str, Any]) -> pl.DataFrame:
    """Threatens to publish code or data, or makes demands, after a refusal or termination."""
    return signal_indicator(pop, params, "threat")


@indicator("BEH-REFERRALS")
def referrals(pop: Population, params: dict[str, Any]) -> pl.DataFrame:
    """The worker referred at least ``min_referees`` other candidates (distinct persons).

    A referee whose records share keys with the referrer is NET-REFERRAL-CLUSTER, which weighs more.
    """
    referrers = pop.workers.select("wid", "source", pl.col("remote_id").alias("referrer_remote_id"))
    edges = (
        pop.workers.drop_nulls("referrer_remote_id")
        .select(pl.col("pid").alias("referee"), pl.col("ref").alias("referee_ref"), "source", "referrer_remote_id")
        .join(referrers, on=["source", "referrer_remote_id"])
        .join(owners(pop), on="wid")
        .filter(pl.col("pid") != pl.col("referee"))
    )
    grouped = edges.group_by("pid").agg(
        pl.col("referee").n_unique().alias("n"),
        gathered("worker_ref", "referee_ref").alias("records"),
    )
    return grouped.filter(pl.col("n") >= int(params["min_referees"])).select(
        "pid",
        pl.format("referred {} other candidates", "n").alias("explanation"),
        "records",
        pl.lit([], dtype=pl.List(pl.Utf8)).alias("keys"),
    )


@indicator("HIRE-VIA-VENDOR")
def hired_via_vendor(pop: Population, params: dict[str, Any]) -> pl.DataFrame:
    """Modifier: the worker is engaged through a staffing, outsourcing or contract firm.

    Contract IT work through vendors is a common route in; the modifier makes the person's other
    evidence count more and is worth nothing alone. Vendors whose own checks are audited can be
    listed in ``trusted_vendors``.
    """
    trusted = [v.strip().lower() for v in params["trusted_vendors"]]
    vendors = (
        pop.engagements.with_columns(pl.col("staffing_vendor").str.strip_chars().alias("vendor"))
        .filter(pl.col("vendor").str.len_chars() > 0)
        .filter(~pl.col("vendor").str.to_lowercase().is_in(trusted))
        .join(owners(pop), on="wid")
    )
    grouped = vendors.group_by("pid").agg(
        pl.col("vendor").unique().sort().alias("vendors"),
        gathered("worker_ref", "ref").alias("records"),
    )
    return grouped.select(
        "pid",
        pl.format("hired via staffing vendor {}", pl.col("vendors").list.join(", ")).alias("explanation"),
        "records",
        pl.lit([], dtype=pl.List(pl.Utf8)).alias("keys"),
    )
