"""Building blocks the rule functions share: person joins, start dates and the shared-key pattern."""

from __future__ import annotations

import polars as pl

from hiresentry.core.population import Population


def owners(pop: Population) -> pl.DataFrame:
    """wid → pid, worker ref and legal name: what a rule needs to name who a record belongs to."""
    return pop.workers.select("wid", "pid", pl.col("ref").alias("worker_ref"), "legal_name", "agency")


def first_start(pop: Population) -> pl.DataFrame:
    """pid → the earliest engagement start date (``start``) of the person."""
    return (
        pop.engagements.drop_nulls("start_date")
        .join(owners(pop), on="wid")
        .group_by("pid")
        .agg(pl.col("start_date").min().alias("start"))
    )


LEGAL_SUFFIXES = r"\b(inc|incorporated|llc|l l c|ltd|limited|corp|corporation|co|company|gmbh|bv|sa|plc|pty)\b"


def organisation_key(column: str) -> pl.Expr:
    """An organisation's name for comparison: lower case, no punctuation, no legal suffix."""
    text = pl.col(column).str.to_lowercase().str.replace_all(r"[^\w\s]", " ")
    return text.str.replace_all(LEGAL_SUFFIXES, " ").str.replace_all(r"\s+", " ").str.strip_chars()


def gathered(*columns: str) -> pl.Expr:
    """In a group-by: the distinct, sorted values of ``columns`` over the group, as one list.

    The usual way a hit lists its records (worker and payout/device refs) or its masked keys.
    """
    return pl.concat_list(*columns).list.explode(keep_nulls=False, empty_as_null=False).unique().sort()


def shared_key_hits(
    pop: Population,
    keyed: pl.DataFrame,
    noun: str,
    min_people: int = 2,
    exclude_same_agency: bool = False,
) -> pl.DataFrame:
    """Hits for every person whose key (``key`` column) is also held by other, distinct persons.

    ``keyed`` has columns wid, key, masked. Different identities sharing one key is the signal;
    records of one person sharing it is not (resolution merged them). With
    ``exclude_same_agency``, a key held only by workers submitted by one and the same agency is
    ignored (agency submission addresses; Greenhouse's auto-merge excludes them for this reason).
    """
    joined = keyed.drop_nulls("key").join(pop.workers.select("wid", "pid"), on="wid")
    # count first, on two columns; gather names and refs only for the few keys that are shared
    shared = joined.group_by("key").agg(pl.col("pid").n_unique().alias("n")).filter(pl.col("n") >= min_people)
    joined = joined.join(shared, on="key", how="semi").drop("pid").join(owners(pop), on="wid")
    groups = joined.group_by("key").agg(
        pl.col("pid").n_unique().alias("people"),
        pl.col("pid").unique().alias("pids"),
        pl.col("masked").min(),  # min, not first: deterministic whatever the row order
        pl.format("{} ({})", "worker_ref", "legal_name").unique().sort().alias("members"),
        pl.col("worker_ref").unique().sort().alias("records"),
        pl.col("agency").n_unique().alias("agencies"),
        pl.col("agency").null_count().alias("no_agency"),
    )
    groups = groups.filter(pl.col("people") >= min_people)
    if exclude_same_agency:
        groups = groups.filter(~((pl.col("agencies") == 1) & (pl.col("no_agency") == 0)))
    return groups.explode("pids").select(
        pl.col("pids").alias("pid"),
        pl.format(
            "{} {} is used by {} different identities: {}",
            pl.lit(noun),
            "masked",
            "people",
            pl.col("members").list.join(", "),
        ).alias("explanation"),
        "records",
        pl.concat_list("masked").alias("keys"),
    )
