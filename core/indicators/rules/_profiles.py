"""What the code-hosting profile rules share: who owns a profile, its account, and migrated history.

A profile (``profiles`` frame) belongs to the worker record that cited it (``wid``), so to that
record's person (``pid``). Repositories, commits and follows point at their profile with
``profile_remote_id`` in their own source.
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from hiresentry.core.indicators.rules._shared import owners
from hiresentry.core.population import Population


def profile_owners(pop: Population) -> pl.DataFrame:
    """One row per live profile: source, profile_remote_id, profile_ref, pid, worker_ref, legal_name,
    platform, login, ``account`` (platform:login, lower case), created_at."""
    return pop.profiles.join(owners(pop), on="wid").select(
        "source",
        pl.col("remote_id").alias("profile_remote_id"),
        pl.col("ref").alias("profile_ref"),
        "pid",
        "worker_ref",
        "legal_name",
        "platform",
        "login",
        pl.format("{}:{}", "platform", pl.col("login").str.to_lowercase()).alias("account"),
        "created_at",
    )


def with_profile(frame: pl.DataFrame, pop: Population) -> pl.DataFrame:
    """``frame`` (repos, commits or follows) with the columns of its profile (see :func:`profile_owners`)."""
    return frame.drop("wid").join(profile_owners(pop), on=["source", "profile_remote_id"])


def hosted_elsewhere(pop: Population, hosts: Sequence[str]) -> pl.DataFrame:
    """Persons (pid) who cite a profile on another code host (``hosts``): their old history has a home.

    Someone who moved from GitLab or Bitbucket brings commits older than the new account; citing
    the old profile is what explains them.
    """
    names = [h.lower() for h in hosts]
    host = pl.col("url").str.to_lowercase().str.extract(r"^(?:[a-z]+://)?(?:www\.)?([^/?#:]+)", 1)
    if not names:
        return pl.DataFrame(schema={"pid": pl.Int64})
    return (
        pop.workers.select("pid", url="profile_urls")
        .explode("url")
        .drop_nulls("url")
        .filter(host.is_in(names))
        .select("pid")
        .unique()
    )


def day(column: str) -> pl.Expr:
    """A timestamp column as its UTC date, for explanations."""
    return pl.col(column).dt.date().cast(pl.Utf8)
