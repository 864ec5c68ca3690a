"""Equipment indicators: where company laptops are shipped and what runs on them."""

from __future__ import annotations

from typing import Any

import polars as pl

from hiresentry.core.indicators.registry import indicator
from hiresentry.core.indicators.rules._shared import gathered, owners
from hiresentry.core.population import Population


@indicator("SHIP-ADDR-NOT-HOME")
def ship_not_home(pop: Population, params: dict[str, Any]) -> pl.DataFrame:
    """Equipment ship-to address is none of the person's home addresses.

    Addresses compare by their standardised, keyed form, so "123 Main Street Apt 4" and
    "123 MAIN ST #4" are the same place and do not fire.
    """
    people = owners(pop)
    homes = (
        pop.workers.drop_nulls("home_addr_key")
        .select("pid", "home_addr_key", "home_addr_masked")
        .group_by("pid")
        .agg(
            pl.col("home_addr_key").unique().alias("home_keys"),
            pl.col("home_addr_masked").min().alias("home"),
        )
    )
    worker_ships = pop.workers.drop_nulls("ship_addr_key").select(
        "wid", pl.col("ship_addr_key").alias("ship_key"), pl.col("ship_addr_masked").alias("ship"), "ref"
    )
    device_ships = pop.devices.drop_nulls("shipped_to_key").select(
        "wid", pl.col("shipped_to_key").alias("ship_key"), pl.col("shipped_to_masked").alias("ship"), "ref"
    )
    ships = (
        pl.concat([worker_ships, device_ships])
        .join(people, on="wid")
        .join(homes, on="pid")
        .filter(~pl.col("home_keys").list.contains(pl.col("ship_key")))
    )
    return ships.group_by("pid").agg(
        pl.format("equipment ship-to address {} is not the home address {}", "ship", "home")
        .min()  # the smallest explanation: deterministic whatever the row order
        .alias("explanation"),
        gathered("worker_ref", "ref").alias("records"),
        gathered("ship", "home").alias("keys"),
    )


def inventory_matches(pop: Population, columns: list[str], known: list[str], approved: list[str]) -> pl.DataFrame:
    """Device inventory entries (from ``columns``) that match a known name and no approved one.

    Names match by case-insensitive substring ("AnyDesk 8.1" is AnyDesk). Columns: pid,
    worker_ref, ref, serial_masked, item.
    """
    known = [k.lower() for k in known]
    approved = [a.lower() for a in approved]
    items = pl.concat(
        [
            pop.devices.select("wid", "ref", "serial_masked", pl.col(c).fill_null([]).alias("item")).explode("item")
            for c in columns
        ]
    ).drop_nulls("item")
    lower = pl.col("item").str.to_lowercase()
    return (
        items.filter(
            pl.any_horizontal([lower.str.contains(k, literal=True) for k in known] or [pl.lit(False)])
            & ~pl.any_horizontal([lower.str.contains(a, literal=True) for a in approved] or [pl.lit(False)])
        )
        .join(owners(pop), on="wid")
        .select("pid", "worker_ref", "ref", "serial_masked", "item")
    )


def _inventory_hits(matches: pl.DataFrame, what: str) -> pl.DataFrame:
    grouped = matches.group_by("pid").agg(
        pl.col("item").unique().sort().alias("items"),
        gathered("worker_ref", "ref").alias("records"),
        pl.col("serial_masked").drop_nulls().unique().sort().alias("keys"),
    )
    return grouped.select(
        "pid",
        pl.col("items").list.len().alias("n"),
        pl.format("{}: {}", pl.lit(what), pl.col("items").list.join(", ")).alias("explanation"),
        "records",
        "keys",
    )


@indicator("DEV-RMM")
def remote_access_tools(pop: Population, params: dict[str, Any]) -> pl.DataFrame:
    """Unapproved remote-access tools on a company device; two or more weigh more.

    Tool names match the known list by case-insensitive substring ("AnyDesk 8.1" is AnyDesk);
    tools on the approved list (the company's own IT-support tooling) never count.
    """
    matches = inventory_matches(pop, ["remote_access_tools"], params["known_tools"], params["approved_tools"])
    hits = _inventory_hits(matches, "unapproved remote-access tools on a company device")
    return hits.with_columns(
        pl.when(pl.col("n") >= 2)
        .then(pl.lit(float(params["weight_multiple"])))
        .otherwise(pl.lit(None, dtype=pl.Float64))
        .alias("weight")
    ).drop("n")


@indicator("DEV-IPKVM")
def ip_kvm(pop: Population, params: dict[str, Any]) -> pl.DataFrame:
    """IP-KVM hardware (PiKVM, TinyPilot…) or a KVM switch attached to a company device (T1219.003).

    Lets someone elsewhere drive the laptop below the operating system, where no RMM inventory
    sees it. Lab and datacenter KVMs the company uses itself go in ``approved_peripherals``.
    """
    matches = inventory_matches(pop, ["peripherals"], params["known_devices"], params["approved_peripherals"])
    return _inventory_hits(matches, "remote-control hardware on a company device").drop("n")


@indicator("DEV-KEEPAWAKE")
def keep_awake(pop: Population, params: dict[str, Any]) -> pl.DataFrame:
    """Keep-awake tools (Caffeine, Amphetamine, mouse jigglers) that make a device look attended.

    Widely used for harmless reasons, hence the low weight; tools on the company image go in
    ``approved_tools``.
    """
    matches = inventory_matches(pop, ["software", "peripherals"], params["known_tools"], params["approved_tools"])
    return _inventory_hits(matches, "keep-awake tools on a company device").drop("n")
