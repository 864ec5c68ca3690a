"""Deterministic identity resolution: which worker records are claims of the same person.

Records are merged only on identity-strong evidence (DESIGN §4):

- ``same_tax_id``: equal keyed tax-id hashes;
- ``same_name_and_dob``: equal order-independent name keys and equal dates of birth;
- ``same_email_compatible_name``: a shared email whose holders' names are compatible
  (initials, nicknames, transliteration; ``core.keys.names``).

Everything else two records may share (a payout account, a phone, an address, a device, an email
under an *unrelated* name) is **not** merged: that sharing is the evidence the network indicators
look for. The work is set-based: keys are grouped in Polars, pairs are generated only inside key
groups, and components come from a sparse graph (SciPy), so the cost stays near-linear.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from hiresentry.core.keys import names_compatible
from hiresentry.core.population import Population

REASONS = {
    "same_tax_id": "same tax id",
    "same_name_and_dob": "same name and date of birth",
    "same_email_compatible_name": "same email under a compatible name",
}


@dataclass(frozen=True)
class Resolution:
    """The outcome: ``persons`` (wid → pid) and the merge edges that justify it (with reasons)."""

    persons: pl.DataFrame
    edges: pl.DataFrame

    def reasons_for(self, pid: int) -> list[str]:
        """Human-readable merge reasons of one person."""
        wids = self.persons.filter(pl.col("pid") == pid)["wid"]
        rows = self.edges.filter(pl.col("a").is_in(wids.implode()))
        return sorted({REASONS[r] for r in rows["rule"].to_list()})


def _star_edges(frame: pl.DataFrame, keys: list[str], rule: str) -> pl.DataFrame:
    """Link every record of a key group to the group's lowest wid."""
    grouped = frame.drop_nulls(keys).select("wid", *keys)
    roots = grouped.group_by(keys).agg(pl.col("wid").min().alias("root"), pl.len().alias("n")).filter(pl.col("n") > 1)
    return (
        grouped.join(roots, on=keys)
        .filter(pl.col("wid") != pl.col("root"))
        .select(pl.col("root").alias("a"), pl.col("wid").alias("b"), pl.lit(rule).alias("rule"))
    )


def _email_edges(pop: Population) -> pl.DataFrame:
    emails = pop.worker_keys.filter(pl.col("key_type") == "email").select("wid", "key_hash").unique()
    named = emails.join(pop.workers.select("wid", "legal_name", "name_key"), on="wid")
    pairs = (
        named.join(named, on="key_hash", suffix="_b")
        .filter(pl.col("wid") < pl.col("wid_b"))
        .select("wid", "wid_b", "legal_name", "legal_name_b", "name_key", "name_key_b")
        .unique(subset=["wid", "wid_b"])
    )
    same_key = pairs.filter(pl.col("name_key") == pl.col("name_key_b"))
    # Only pairs whose name keys differ need the (Python) compatibility check; they are few.
    differing = pairs.filter(pl.col("name_key") != pl.col("name_key_b"))
    compatible = [
        names_compatible(a, b)
        for a, b in zip(differing["legal_name"].to_list(), differing["legal_name_b"].to_list(), strict=True)
    ]
    kept = pl.concat([same_key, differing.filter(pl.Series(compatible, dtype=pl.Boolean))])
    return kept.select(
        pl.col("wid").alias("a"),
        pl.col("wid_b").alias("b"),
        pl.lit("same_email_compatible_name").alias("rule"),
    )


def resolve(pop: Population) -> Resolution:
    """Resolve the population's worker records into persons."""
    n = pop.workers.height
    edges = pl.concat(
        [
            _star_edges(pop.workers, ["tax_key"], "same_tax_id"),
            _star_edges(pop.workers, ["name_key", "date_of_birth"], "same_name_and_dob"),
            _email_edges(pop),
        ]
    ).with_columns(pl.col("a").cast(pl.Int64), pl.col("b").cast(pl.Int64))
    if n == 0:
        persons = pl.DataFrame({"wid": [], "pid": []}, schema={"wid": pl.Int64, "pid": pl.Int64})
        return Resolution(persons, edges)
    a = edges["a"].to_numpy()
    b = edges["b"].to_numpy()
    graph = coo_matrix((np.ones(len(a), dtype=np.int8), (a, b)), shape=(n, n))
    _, labels = connected_components(graph, directed=False)
    persons = pl.DataFrame({"wid": np.arange(n, dtype=np.int64), "pid": labels.astype(np.int64)})
    return Resolution(persons, edges)
