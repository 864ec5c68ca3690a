"""Comparison-ready profiles: one row per worker record with every field the matcher reads.

The population frames hold link keys only as keyed hashes (tax id, home address, emails, phones),
so those compare by equality; names, dates of birth and the locality of the home address (the
masked form keeps city, region and country) are kept as text and compare fuzzily.
"""

from __future__ import annotations

import polars as pl

from hiresentry.core.keys.mask import DOT
from hiresentry.core.population import Population


def _digest(column: str) -> pl.Expr:
    """A keyed hash as 64 bits (null stays null): equality on integers instead of 32-character text.

    Two different identifiers collide with probability ~n²/2^65 (1e-6 for ten million keys), and a
    collision can only add evidence to a pair that the names and the gate must still carry.
    """
    return pl.when(pl.col(column).is_not_null()).then(pl.col(column).hash())


def _key_lists(pop: Population, key_type: str, alias: str) -> pl.DataFrame:
    return (
        pop.worker_keys.filter(pl.col("key_type") == key_type)
        .group_by("wid")
        .agg(_digest("key_hash").alias(alias))  # unique per record by the store's constraint
    )


def build_profiles(pop: Population) -> pl.DataFrame:
    """Profiles of every worker record, in ``wid`` order.

    Columns: ``wid``, ``ref_rank`` (a hash of ``source/remote_id``: a tie-break free of load order),
    ``legal_name``, ``name_key`` (null when the name has no tokens), ``tokens``
    (sorted name tokens), ``sounds`` (their Soundex codes), ``name_phonetic``, ``date_of_birth``,
    ``birth_year_month``, ``birth_year_day``, ``birth_month_day`` (integers, for blocking past a
    one-field typo), ``tax_key``, ``home_addr_key``, ``locality``,
    ``country``, ``emails`` and ``phones`` (lists, null when none). Keyed hashes (tax id, home
    address, emails, phones) are carried as 64-bit digests of the stored hashes.
    """
    workers = pop.workers
    locality = (
        pl.col("home_addr_masked").str.strip_prefix(DOT * 3).str.strip_chars().str.to_lowercase().alias("locality")
    )
    name_key = pl.when(pl.col("name_key") != "").then(pl.col("name_key"))
    year = pl.col("date_of_birth").dt.year().cast(pl.Int32)
    month = pl.col("date_of_birth").dt.month().cast(pl.Int32)
    day = pl.col("date_of_birth").dt.day().cast(pl.Int32)
    return (
        workers.select(
            "wid",
            pl.col("ref").hash().alias("ref_rank"),
            "legal_name",
            name_key.alias("name_key"),
            name_key.str.split(" ").alias("tokens"),
            pl.when(pl.col("name_phonetic") != "").then(pl.col("name_phonetic")).alias("name_phonetic"),
            pl.when(pl.col("name_phonetic") != "").then(pl.col("name_phonetic").str.split(" ")).alias("sounds"),
            "date_of_birth",
            (year * 100 + month).alias("birth_year_month"),
            (year * 100 + day).alias("birth_year_day"),
            (month * 100 + day).alias("birth_month_day"),
            _digest("tax_key").alias("tax_key"),
            _digest("home_addr_key").alias("home_addr_key"),
            pl.when(locality != "").then(locality).alias("locality"),
            pl.col("claimed_country").alias("country"),
        )
        .join(_key_lists(pop, "email", "emails"), on="wid", how="left")
        .join(_key_lists(pop, "phone", "phones"), on="wid", how="left")
        .sort("wid")
    )
