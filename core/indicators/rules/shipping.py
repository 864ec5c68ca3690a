"""Equipment after it leaves IT: where it goes, where it turns up, and whether it is the one shipped."""

from __future__ import annotations

from typing import Any

import polars as pl

from hiresentry.core.indicators.registry import indicator
from hiresentry.core.indicators.rules._geo import foreign_device_observations
from hiresentry.core.indicators.rules._shared import gathered, owners
from hiresentry.core.indicators.rules._signals import signal_rows
from hiresentry.core.population import Population


@indicator("SHIP-ADDR-CHURN")
def ship_address_churn(pop: Population, params: dict[str, Any]) -> pl.DataFrame:
    """The person's equipment went to ``min_addresses`` or more different ship-to addresses.

    Ship-to addresses from every source (worker ship-to, device shipments) are compared by their
    keyed standard form, so one address written two ways is one address. One move is two
    addresses and does not fire.
    """
    worker_ships = pop.workers.select("wid", "ref", key="ship_addr_key", masked="ship_addr_masked")
    device_ships = pop.devices.select("wid", "ref", key="shipped_to_key", masked="shipped_to_masked")
    ships = pl.concat([worker_ships, device_ships]).drop_nulls("key").join(pop.workers.select("wid", "pid"), on="wid")
    churned = ships.group_by("pid").agg(pl.col("key").n_unique().alias("n"))
    churned = churned.filter(pl.col("n") >= int(params["min_addresses"]))
    ships = ships.join(churned, on="pid", how="semi").drop("pid").join(owners(pop), on="wid")
    grouped = ships.group_by("pid").agg(
        pl.col("key").n_unique().alias("n"),
        gathered("worker_ref", "ref").alias("records"),
        pl.col("masked").unique().sort().alias("keys"),
    )
    return grouped.filter(pl.col("n") >= int(params["min_addresses"])).select(
        "pid",
        pl.format("equipment ship-to address changed: {} different addresses", "n").alias("explanation"),
        "records",
        "keys",
    )


@indicator("DEV-GEO-ABROAD")
def device_abroad(pop: Population, params: dict[str, Any]) -> pl.DataFrame:
    """A company device is located (MDM) or shipped outside every country the person claims, or was re-shipped.

    A contradiction, not a country: a person who says they live where the device is never fires.
    Declared travel is the QUAL-DECLARED-TRAVEL qualifier, which lowers this by half at most.
    """
    seen = foreign_device_observations(pop).select(
        "pid",
        "worker_ref",
        "ref",
        "serial_masked",
        pl.format("{} in {} (claims {})", "how", "country", pl.col("claimed").list.join("/")).alias("what"),
    )
    reshipped = signal_rows(pop, params).select(
        "pid",
        "worker_ref",
        "ref",
        pl.lit(None, dtype=pl.Utf8).alias("serial_masked"),
        pl.concat_str(pl.lit("re-shipped"), pl.format(" ({})", "detail").fill_null("")).alias("what"),
    )
    grouped = (
        pl.concat([seen, reshipped])
        .group_by("pid")
        .agg(
            pl.col("what").unique().sort().alias("what"),
            gathered("worker_ref", "ref").alias("records"),
            pl.col("serial_masked").drop_nulls().unique().sort().alias("keys"),
        )
    )
    return grouped.select(
        "pid",
        pl.format("company device {}", pl.col("what").list.join("; ")).alias("explanation"),
        "records",
        "keys",
    )


@indicator("DEV-SERIAL-MISMATCH")
def serial_mismatch(pop: Population, params: dict[str, Any]) -> pl.DataFrame:
    """The device that signs in (MDM serial) is none of the devices shipped to the person.

    Only people with at least one recorded shipment are compared; a replacement device is a second
    shipment, so it matches.
    """
    devices = pop.devices.join(pop.workers.select("wid", "pid"), on="wid")
    shipped = devices.select("pid", key="shipped_serial_key", masked="shipped_serial_masked").drop_nulls("key")
    reported = (
        devices.select("pid", "wid", "ref", "serial_masked", key="serial_key")
        .drop_nulls("key")
        .join(shipped.select("pid").unique(), on="pid", how="semi")
        .join(shipped, on=["pid", "key"], how="anti")
        .join(owners(pop).select("wid", "worker_ref"), on="wid")
        .join(shipped.group_by("pid").agg(pl.col("masked").unique().sort().alias("shipped_masked")), on="pid")
    )
    grouped = reported.group_by("pid").agg(
        pl.col("serial_masked").unique().sort().alias("seen"),
        pl.col("shipped_masked").first(),  # one list per person (joined per pid)
        gathered("worker_ref", "ref").alias("records"),
    )
    return grouped.select(
        "pid",
        pl.format(
            "device serial {} signs in, but {} was shipped",
            pl.col("seen").list.join(", "),
            pl.col("shipped_masked").list.join(", "),
        ).alias("explanation"),
        "records",
        pl.concat_list("seen", "shipped_masked").alias("keys"),
    )
