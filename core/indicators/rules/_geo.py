"""Where a person says they are, and observations that contradict it.

The contradiction is the evidence, never a country by itself: an observation counts only when it
lies outside *every* country the person claims in any source, and a person who claims no country
contradicts nothing. The same observations feed DEV-GEO-ABROAD, NET-GEO-HOURS and the
declared-travel qualifier, so the qualifier excuses exactly what the indicators saw.
"""

from __future__ import annotations

import polars as pl

from hiresentry.core.indicators.rules._shared import owners
from hiresentry.core.population import Population

UTC = pl.Datetime("us", "UTC")


def _claim_pairs(pop: Population) -> pl.DataFrame:
    return pop.workers.select("pid", country="claimed_country").drop_nulls("country").unique()


def person_countries(pop: Population) -> pl.DataFrame:
    """pid → every country the person claims in any source (``claimed``, non-empty lists only)."""
    return _claim_pairs(pop).sort("country").group_by("pid").agg(pl.col("country").alias("claimed"))


def _outside_claims(pop: Population, observations: pl.DataFrame) -> pl.DataFrame:
    """Observations (pid, country) of persons who claim a country, in none of the countries they claim."""
    pairs = _claim_pairs(pop)
    claimants = observations.join(pairs.select("pid").unique(), on="pid", how="semi")
    outside = claimants.join(pairs, on=["pid", "country"], how="anti")
    return outside.join(person_countries(pop).join(outside.select("pid").unique(), on="pid", how="semi"), on="pid")


def foreign_device_observations(pop: Population) -> pl.DataFrame:
    """Company devices located (MDM) or shipped outside every claimed country.

    Columns: pid, worker_ref, ref, serial_masked, country, at (when known), how, claimed.
    """
    devices = pop.devices.join(owners(pop), on="wid")
    located = devices.drop_nulls("mdm_country").select(
        "pid", "worker_ref", "ref", "serial_masked", pl.col("mdm_country").alias("country"),
        pl.col("located_at").alias("at"), pl.lit("located by MDM").alias("how"),
    )  # fmt: skip
    shipped = devices.drop_nulls("shipped_to_country").select(
        "pid", "worker_ref", "ref", "serial_masked", pl.col("shipped_to_country").alias("country"),
        pl.lit(None, dtype=UTC).alias("at"), pl.lit("shipped").alias("how"),
    )  # fmt: skip
    return _outside_claims(pop, pl.concat([located, shipped]))


def direct_signins(pop: Population) -> pl.DataFrame:
    """Sign-ins not through a VPN or proxy (whose exit says nothing about where the person is).

    Columns: pid, worker_ref, ref, time, country, asn, egress_key, egress_masked.
    """
    direct = pop.access_events.filter(~pl.col("is_proxy") & pl.col("vpn_provider").is_null())
    return direct.join(owners(pop), on="wid").select(
        "pid", "worker_ref", "ref", "time", "country", "asn", "egress_key", "egress_masked"
    )


def foreign_signins(pop: Population) -> pl.DataFrame:
    """Direct sign-ins from outside every claimed country; columns of ``direct_signins`` + claimed."""
    return _outside_claims(pop, direct_signins(pop).drop_nulls("country"))
