"""Deterministic merge rules: identity-strong keys that make two records one person on their own.

- ``same_tax_id``: equal keyed tax-id hashes;
- ``same_name_and_dob``: equal order-independent name keys and equal dates of birth;
- ``same_email_compatible_name``: a shared email whose holders' names are compatible
  (initials, nicknames, transliteration; ``core.keys.names``).

Each rule yields *star* edges (every record of a key group to the group's lowest wid), so a group
of n records costs n-1 edges, never n²: the cost stays linear in the number of records.
"""

from __future__ import annotations

import polars as pl

from hiresentry.core.keys import names_compatible
from hiresentry.core.population import Population

EDGE_SCHEMA = pl.Schema({"a": pl.Int64(), "b": pl.Int64(), "rule": pl.Utf8()})


def _star_edges(frame: pl.DataFrame, keys: list[str], rule: str) -> pl.DataFrame:
    """Link every record of a key group to the group's lowest wid."""
    return (
        frame.drop_nulls(keys)
        .select("wid", pl.col("wid").min().over(keys).alias("root"))
        .filter(pl.col("wid") != pl.col("root"))
        .select(pl.col("root").alias("a"), pl.col("wid").alias("b"), pl.lit(rule).alias("rule"))
    )


def _email_edges(pop: Population) -> pl.DataFrame:
    """Star edges for mailboxes whose holders all carry one name key; pairs checked by name otherwise.

    Almost every shared mailbox is one person's (one name key): those groups cost n-1 edges. Only
    mailboxes shared under different name keys (an agency inbox, a couple, a scheme) are paired
    and run through the (Python) compatibility check; they are few.
    """
    emails = (
        pop.worker_keys.filter(pl.col("key_type") == "email")
        .select("wid", "key_hash")  # unique per record: the store's constraint, the row builder's dict
        .join(pop.workers.select("wid", "legal_name", "name_key"), on="wid")
        .with_columns(
            pl.len().over("key_hash").alias("n"), pl.col("name_key").n_unique().over("key_hash").alias("keys")
        )
        .filter(pl.col("n") > 1)
    )
    uniform = _star_edges(
        emails.filter((pl.col("keys") == 1) & (pl.col("name_key") != "")), ["key_hash"], "same_email_compatible_name"
    )
    mixed = emails.filter(pl.col("keys") > 1).select("wid", "key_hash", "legal_name", "name_key")
    pairs = (
        mixed.join(mixed, on="key_hash", suffix="_b")
        .filter(pl.col("wid") < pl.col("wid_b"))
        .select("wid", "wid_b", "legal_name", "legal_name_b", "name_key", "name_key_b")
        .unique(subset=["wid", "wid_b"])
    )
    same_key = pairs.filter((pl.col("name_key") == pl.col("name_key_b")) & (pl.col("name_key") != ""))
    differing = pairs.filter(pl.col("name_key") != pl.col("name_key_b"))
    compatible = [
        names_compatible(a, b)
        for a, b in zip(differing["legal_name"].to_list(), differing["legal_name_b"].to_list(), strict=True)
    ]
    kept = pl.concat([same_key, differing.filter(pl.Series(compatible, dtype=pl.Boolean))])
    checked = kept.select(
        pl.col("wid").alias("a"),
        pl.col("wid_b").alias("b"),
        pl.lit("same_email_compatible_name").alias("rule"),
    )
    return pl.concat([uniform, checked])


def deterministic_edges(pop: Population) -> pl.DataFrame:
    """Edges (a, b, rule) of every deterministic rule; a record without a name never matches on it."""
    named = pop.workers.filter(pl.col("name_key") != "")
    return pl.concat(
        [
            _star_edges(pop.workers, ["tax_key"], "same_tax_id"),
            _star_edges(named, ["name_key", "date_of_birth"], "same_name_and_dob"),
            _email_edges(pop),
        ]
    ).cast(EDGE_SCHEMA)
