"""The laptop-farm signature: one place serving several workers' laptops, plus how they are used.

A facilitator receives company laptops at one address, keeps them online behind one router, and
lets workers abroad drive them through remote-access tools or IP-KVMs (Chapman: 90+ laptops, 49
re-shipped abroad; Knoot: Splashtop; the June 2025 searches: KVM switches). Each of those traces
alone has honest explanations (households share addresses and routers; IT installs remote tools),
so the indicator fires only when a *place* (a ship-to address or an egress network at the same
time) serves two or more identities **and** the identities behind it show at least
``min_supporting`` of: unapproved remote-access tools or IP-KVM hardware, ship-to differing from
home, sign-in hours off the claimed time zone, devices reporting from outside the claimed country.
Every member of a qualifying place is hit, with the place and the supporting traces named.
"""

from __future__ import annotations

from typing import Any

import polars as pl

from hiresentry.core.indicators.registry import indicator
from hiresentry.core.indicators.rules._shared import gathered, owners
from hiresentry.core.population import Population


def _contains_any(column: str, needles: list[str]) -> pl.Expr:
    lowered = pl.col(column).str.to_lowercase()
    return pl.any_horizontal([lowered.str.contains(n, literal=True) for n in needles] or [pl.lit(False)])


def _places(pop: Population, params: dict[str, Any]) -> pl.DataFrame:
    """(pid, place, label) for every ship-to address and egress window a person uses."""
    people = pop.workers.select("wid", "pid")
    approved = [p.lower() for p in params["approved_vpn_providers"]]
    window = f"{int(params['egress_window_days'])}d"
    devices = pop.devices.drop_nulls("shipped_to_key").select(
        "wid",
        pl.format("ship:{}", "shipped_to_key").alias("place"),
        pl.format("ship-to {}", "shipped_to_masked").alias("label"),
    )
    ships = pop.workers.drop_nulls("ship_addr_key").select(
        "wid",
        pl.format("ship:{}", "ship_addr_key").alias("place"),
        pl.format("ship-to {}", "ship_addr_masked").alias("label"),
    )
    egress = pop.access_events.filter(
        pl.col("egress_key").is_not_null() & ~pl.col("vpn_provider").str.to_lowercase().is_in(approved).fill_null(False)
    ).select(
        "wid",
        pl.format(
            "egress:{}|{}|{}", "egress_key", pl.col("asn").fill_null(0), pl.col("time").dt.truncate(window)
        ).alias("place"),
        pl.format("egress {} AS{}", "egress_masked", pl.col("asn").fill_null(0)).alias("label"),
    )
    return pl.concat([devices, ships, egress]).join(people, on="wid").select("pid", "place", "label").unique()


def _tool_people(pop: Population, params: dict[str, Any]) -> pl.DataFrame:
    known = [t.lower() for t in params["known_tools"]]
    approved = [t.lower() for t in params["approved_tools"]]
    kvm = [k.lower() for k in params["kvm_hardware"]]
    tools = (
        pop.devices.select("wid", pl.col("remote_access_tools").alias("item"))
        .explode("item")
        .drop_nulls("item")
        .filter(_contains_any("item", known) & ~_contains_any("item", approved))
    )
    hardware = (
        pop.devices.select("wid", pl.col("peripherals").alias("item"))
        .explode("item")
        .drop_nulls("item")
        .filter(_contains_any("item", kvm))
    )
    return pl.concat([tools, hardware]).join(pop.workers.select("wid", "pid"), on="wid").select("pid").unique()


def _ship_not_home(pop: Population) -> pl.DataFrame:
    homes = pop.workers.drop_nulls("home_addr_key").group_by("pid").agg(pl.col("home_addr_key").unique().alias("homes"))
    ships = pl.concat(
        [
            pop.workers.drop_nulls("ship_addr_key").select("wid", pl.col("ship_addr_key").alias("ship")),
            pop.devices.drop_nulls("shipped_to_key").select("wid", pl.col("shipped_to_key").alias("ship")),
        ]
    )
    return (
        ships.join(pop.workers.select("wid", "pid"), on="wid")
        .join(homes, on="pid")
        .filter(~pl.col("homes").list.contains(pl.col("ship")))
        .select("pid")
        .unique()
    )


def _off_hours(pop: Population, params: dict[str, Any]) -> pl.DataFrame:
    """People whose sign-ins mostly fall outside working hours in their claimed time zone."""
    zones = pop.workers.drop_nulls("claimed_timezone").group_by("pid").agg(pl.col("claimed_timezone").min())
    events = (
        pop.access_events.select("wid", "time").join(pop.workers.select("wid", "pid"), on="wid").join(zones, on="pid")
    )
    start, end = int(params["working_hours"][0]), int(params["working_hours"][1])
    parts = []
    # one vectorised conversion per distinct time zone (tens), not per event
    for zone in events["claimed_timezone"].unique().to_list():
        part = events.filter(pl.col("claimed_timezone") == zone)
        parts.append(part.select("pid", pl.col("time").dt.convert_time_zone(zone).dt.hour().alias("hour")))
    if not parts:
        return pl.DataFrame(schema={"pid": pl.Int64()})
    hours = pl.concat(parts).with_columns(((pl.col("hour") < start) | (pl.col("hour") >= end)).alias("off"))
    return (
        hours.group_by("pid")
        .agg(pl.len().alias("n"), pl.col("off").mean().alias("share"))
        .filter((pl.col("n") >= int(params["min_sign_ins"])) & (pl.col("share") >= float(params["off_hours_share"])))
        .select("pid")
    )


def _abroad(pop: Population) -> pl.DataFrame:
    claimed = (
        pop.workers.drop_nulls("claimed_country")
        .group_by("pid")
        .agg(pl.col("claimed_country").unique().alias("claimed"))
    )
    return (
        pop.devices.drop_nulls("mdm_country")
        .join(pop.workers.select("wid", "pid"), on="wid")
        .join(claimed, on="pid")
        .filter(~pl.col("claimed").list.contains(pl.col("mdm_country")))
        .select("pid")
        .unique()
    )


@indicator("NET-LAPTOP-FARM")
def laptop_farm(pop: Population, params: dict[str, Any]) -> pl.DataFrame:
    """Every identity behind a place that serves several identities and shows farm traces."""
    places = _places(pop, params)
    shared = (
        places.group_by("place")
        .agg(pl.col("pid").unique().alias("pids"), pl.col("label").min())
        .filter(pl.col("pids").list.len() >= int(params["min_people"]))
        .explode("pids")
        .rename({"pids": "pid"})
    )
    signals = {
        "unapproved remote-access tools or IP-KVM": _tool_people(pop, params),
        "ship-to is not home": _ship_not_home(pop),
        "sign-ins outside working hours of the claimed time zone": _off_hours(pop, params),
        "device reports from outside the claimed country": _abroad(pop),
    }
    flagged = shared
    for name, frame in signals.items():
        flagged = flagged.join(frame.with_columns(pl.lit(name).alias(name)), on="pid", how="left")
    names = list(signals)
    per_place = (
        flagged.join(owners(pop), on="pid")
        .group_by("place")
        .agg(
            pl.col("pid").unique().alias("pids"),
            pl.col("label").min(),
            pl.col("worker_ref").unique().sort().alias("members"),
            *[pl.col(n).drop_nulls().first().alias(n) for n in names],
        )
    )
    per_place = per_place.with_columns(
        pl.concat_list(names).list.drop_nulls().alias("traces"), pl.col("pids").list.len().alias("people")
    ).filter(pl.col("traces").list.len() >= int(params["min_supporting"]))
    # a person behind several places: explain with the first place in a fixed order (not row order)
    hits = per_place.explode("pids").rename({"pids": "pid"}).sort("label", "place")
    return hits.group_by("pid").agg(
        pl.format(
            "laptop-farm signature: {} serves {} identities; traces: {}",
            "label",
            "people",
            pl.col("traces").list.join(", "),
        )
        .min()  # the smallest explanation: deterministic whatever the row order
        .alias("explanation"),
        gathered("members").alias("records"),
        pl.col("label").unique().sort().alias("keys"),
    )
