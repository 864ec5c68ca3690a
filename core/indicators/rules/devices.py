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
            pl.col("home_addr_masked").first().alias("home"),
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
        .first()
        .alias("explanation"),
        gathered("worker_ref", "ref").alias("records"),
        gathered("ship", "home").alias("keys"),
    )


@indicator("DEV-RMM")
def remote_access_tools(pop: Population, params: dict[str, Any]) -> pl.DataFrame:
    """Unapproved remote-access tools on a company device; two or more weigh more.

    Tool names match the known list by case-insensitive substring ("AnyDesk 8.1" is AnyDesk);
    tools on the approved list (the company's own IT-support tooling) never count.
    """
    known = [t.lower() for t in params["known_tools"]]
    approved = [t.lower() for t in params["approved_tools"]]
    tools = (
        pop.devices.select("wid", "ref", "serial_masked", pl.col("remote_access_tools").alias("tool"))
        .explode("tool")
        .drop_nulls("tool")
        .with_columns(pl.col("tool").str.to_lowercase().alias("lower"))
        .filter(
            pl.any_horizontal([pl.col("lower").str.contains(k, literal=True) for k in known] or [pl.lit(False)])
            & ~pl.any_horizontal([pl.col("lower").str.contains(a, literal=True) for a in approved] or [pl.lit(False)])
        )
        .join(owners(pop), on="wid")
    )
    grouped = tools.group_by("pid").agg(
        pl.col("tool").unique().sort().alias("tools"),
        gathered("worker_ref", "ref").alias("records"),
        pl.col("serial_masked").drop_nulls().unique().sort().alias("keys"),
    )
    return grouped.select(
        "pid",
        pl.when(pl.col("tools").list.len() >= 2)
        .then(pl.lit(float(params["weight_multiple"])))
        .otherwise(pl.lit(None, dtype=pl.Float64))
        .alias("weight"),
        pl.format("unapproved remote-access tools on a company device: {}", pl.col("tools").list.join(", ")).alias(
            "explanation"
        ),
        "records",
        "keys",
    )
