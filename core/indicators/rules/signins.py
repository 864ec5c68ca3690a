"""Sign-in indicators from identity-provider and platform logs: VPNs, countries, hours, session length."""

from __future__ import annotations

from typing import Any

import polars as pl

from hiresentry.core.indicators.registry import indicator
from hiresentry.core.indicators.rules._geo import direct_signins, foreign_signins
from hiresentry.core.indicators.rules._shared import owners
from hiresentry.core.population import Population


@indicator("NET-VPN-PROXY")
def vpn_proxy(pop: Population, params: dict[str, Any]) -> pl.DataFrame:
    """Sign-ins through a consumer VPN, VPS or proxy that is not the company's own.

    Providers named in DPRK IT-worker reporting (Astrill above all) weigh more. Approved corporate
    VPNs never count, which is the listed false positive ("legitimate VPN use is common").
    """
    approved = [p.lower() for p in params["approved_providers"]]
    high_risk = [p.lower() for p in params["high_risk_providers"]]
    events = pop.access_events.with_columns(
        pl.col("vpn_provider").str.to_lowercase().alias("provider"),
    ).filter(
        (pl.col("provider").is_not_null() & ~pl.col("provider").is_in(approved))
        | (pl.col("provider").is_null() & pl.col("is_proxy"))
    )
    events = events.with_columns(
        pl.any_horizontal([pl.col("provider").str.contains(h, literal=True) for h in high_risk] or [pl.lit(False)])
        .fill_null(False)
        .alias("high_risk"),
        pl.col("vpn_provider").fill_null("an unnamed proxy/VPS").alias("via"),
    ).join(owners(pop), on="wid")
    grouped = events.group_by("pid").agg(
        pl.len().alias("n"),
        pl.col("high_risk").any().alias("high_risk"),
        pl.col("via").unique().sort().alias("providers"),
        pl.col("worker_ref").unique().sort().alias("records"),
        pl.col("egress_masked").drop_nulls().unique().sort().alias("keys"),
    )
    grouped = grouped.filter(pl.col("n") >= int(params["min_events"]))
    return grouped.select(
        "pid",
        pl.when(pl.col("high_risk"))
        .then(pl.lit(float(params["weight_high_risk"])))
        .otherwise(pl.lit(None, dtype=pl.Float64))
        .alias("weight"),
        pl.format("{} sign-in(s) through {}", "n", pl.col("providers").list.join(", ")).alias("explanation"),
        "records",
        "keys",
    )


@indicator("FL-MULTI-IP")
def multi_country_signins(pop: Population, params: dict[str, Any]) -> pl.DataFrame:
    """Direct sign-ins of one person from two countries within ``window_hours`` of each other.

    Each sign-in is compared with the person's previous one (a window function over the
    time-sorted events, no per-record Python). VPN and proxy sign-ins are left out: their exit
    country says nothing about the person, and NET-VPN-PROXY covers them. IP changes within one
    country (mobile carriers) never fire. Declared travel is QUAL-DECLARED-TRAVEL.
    """
    window = pl.duration(hours=float(params["window_hours"]))
    events = direct_signins(pop).drop_nulls("country")
    travellers = events.group_by("pid").agg(pl.col("country").n_unique().alias("n")).filter(pl.col("n") > 1)
    events = events.join(travellers, on="pid", how="semi").sort("pid", "time")
    events = events.with_columns(
        pl.col("time").shift().over("pid").alias("previous_time"),
        pl.col("country").shift().over("pid").alias("previous_country"),
    )
    jumps = events.filter(
        (pl.col("country") != pl.col("previous_country")) & (pl.col("time") - pl.col("previous_time") <= window)
    )
    grouped = jumps.group_by("pid").agg(
        pl.len().alias("n"),
        pl.format("{}→{}", "previous_country", "country").unique().sort().alias("moves"),
        pl.col("worker_ref").unique().sort().alias("records"),
        pl.col("egress_masked").drop_nulls().unique().sort().alias("keys"),
    )
    return grouped.filter(pl.col("n") >= int(params["min_jumps"])).select(
        "pid",
        pl.format(
            "{} sign-in(s) from another country within {} h of the previous one: {}",
            "n",
            pl.lit(params["window_hours"]),
            pl.col("moves").list.join(", "),
        ).alias("explanation"),
        "records",
        "keys",
    )


@indicator("FL-ALWAYS-ON")
def always_on(pop: Population, params: dict[str, Any]) -> pl.DataFrame:
    """At least ``min_sessions`` sessions that lasted ``min_hours`` or more (sources that report session ends)."""
    long = (
        pop.access_events.drop_nulls("ended_at")
        .with_columns(((pl.col("ended_at") - pl.col("time")).dt.total_minutes() / 60).alias("hours"))
        .filter(pl.col("hours") >= float(params["min_hours"]))
        .join(owners(pop), on="wid")
    )
    grouped = long.group_by("pid").agg(
        pl.len().alias("n"),
        pl.col("hours").max().round(0).cast(pl.Int64).alias("longest"),
        pl.col("worker_ref").unique().sort().alias("records"),
    )
    return grouped.filter(pl.col("n") >= int(params["min_sessions"])).select(
        "pid",
        pl.format("{} sessions of {} h or more (longest {} h)", "n", pl.lit(params["min_hours"]), "longest").alias(
            "explanation"
        ),
        "records",
        pl.lit([], dtype=pl.List(pl.Utf8)).alias("keys"),
    )


def _night_shares(pop: Population, start: int, end: int, min_events: int, min_share: float) -> pl.DataFrame:
    """pid → sign-ins (``events``), share at night in every claimed time zone (``share``), refs.

    Only persons who can reach ``min_events`` and ``min_share`` are returned. Polars converts a
    column to one time zone at a time, so the loop runs over the distinct claimed zones (a few
    hundred at most), each converting its events as a whole column.
    """
    events = (
        pop.access_events.select("wid", "time").with_row_index("event").join(pop.workers.select("wid", "pid"), on="wid")
    )
    zones = pop.workers.drop_nulls("claimed_timezone").select("pid", zone="claimed_timezone").unique()
    paired = events.join(zones, on="pid")
    parts = [
        part.select("event", "wid", "pid", (pl.col("time").dt.convert_time_zone(str(zone)).dt.hour()).alias("hour"))
        for (zone,), part in paired.partition_by("zone", as_dict=True).items()
    ]
    if not parts:
        return pl.DataFrame(
            schema={"pid": pl.Int64, "events": pl.UInt32, "share": pl.Float64, "refs": pl.List(pl.Utf8)}
        )
    hour = pl.col("hour")
    night = (hour >= start) | (hour < end) if start > end else hour.is_between(start, end - 1)
    rows = pl.concat(parts).with_columns(night.alias("night"))
    # Necessary condition, cheap: night in all zones for a share s needs night rows for at least s.
    candidates = (
        rows.group_by("pid")
        .agg(pl.col("event").n_unique().alias("events"), pl.col("night").mean().alias("rows_share"))
        .filter((pl.col("events") >= min_events) & (pl.col("rows_share") >= min_share))
    )
    rows = rows.join(candidates, on="pid", how="semi")
    # an event is at night only if it is night in every zone the person claims
    per_event = rows.group_by("event").agg(pl.col("night").all(), pl.col("pid", "wid").first())
    return (
        per_event.join(owners(pop).select("wid", "worker_ref"), on="wid")
        .group_by("pid")
        .agg(
            pl.len().alias("events"), pl.col("night").mean().alias("share"), pl.col("worker_ref").unique().alias("refs")
        )
        .filter(pl.col("share") >= min_share)
    )


def _abroad_shares(pop: Population, min_events: int, min_share: float) -> pl.DataFrame:
    """pid → direct sign-ins (``direct``), those outside every claimed country (``abroad``), where.

    Only persons with at least ``min_events`` times ``min_share`` sign-ins abroad are counted.
    """
    foreign = (
        foreign_signins(pop)
        .group_by("pid")
        .agg(pl.len().alias("abroad"), pl.col("country").unique().sort().alias("countries"), pl.col("claimed").first())
        .filter(pl.col("abroad") >= min_events * min_share)
    )
    direct = (
        direct_signins(pop)
        .join(foreign, on="pid", how="semi")
        .group_by("pid")
        .agg(pl.len().alias("direct"), pl.col("worker_ref").unique().alias("direct_refs"))
    )
    return direct.join(foreign, on="pid").filter(
        (pl.col("direct") >= min_events) & (pl.col("abroad") / pl.col("direct") >= min_share)
    )


@indicator("NET-GEO-HOURS")
def geo_hours(pop: Population, params: dict[str, Any]) -> pl.DataFrame:
    """Sign-ins mostly at night in every claimed time zone, or mostly from outside every claimed country.

    Needs ``min_events`` sign-ins and a share of ``min_share``: a night owl's late evenings or one
    trip do not fire. "Night" is from ``night_start`` to ``night_end`` local time; a "Texas" worker
    on Asian office hours lands there. Egress countries count only for direct sign-ins (not via a
    VPN). Declared travel is QUAL-DECLARED-TRAVEL.
    """
    share, minimum = float(params["min_share"]), int(params["min_events"])
    merged = _night_shares(pop, int(params["night_start"]), int(params["night_end"]), minimum, share).join(
        _abroad_shares(pop, minimum, share), on="pid", how="full", coalesce=True
    )
    at_night = pl.col("share").is_not_null()
    abroad = pl.col("abroad").is_not_null()
    night_text = pl.format(
        "{}% of {} sign-ins at night in the claimed time zone",
        (pl.col("share") * 100).round(0).cast(pl.Int64),
        "events",
    )
    abroad_text = pl.format(
        "{} of {} direct sign-ins from {} (claims {})",
        "abroad",
        "direct",
        pl.col("countries").list.join("/"),
        pl.col("claimed").list.join("/"),
    )
    records = pl.concat_list(pl.col("refs").fill_null([]), pl.col("direct_refs").fill_null([]))
    return merged.filter(at_night | abroad).select(
        "pid",
        pl.concat_str(
            pl.when(at_night).then(night_text), pl.when(abroad).then(abroad_text), separator="; ", ignore_nulls=True
        ).alias("explanation"),
        records.list.unique().list.sort().alias("records"),
        pl.lit([], dtype=pl.List(pl.Utf8)).alias("keys"),
    )
