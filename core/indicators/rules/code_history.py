"""Code-hosting history indicators: commits older than the account, copied repositories, follower rings.

Fabricated developer personas lean on a code-hosting profile (SEAL's checklist, Ketman's network
heuristics): a fresh account filled with backdated commits, other people's repositories pushed as
new projects, and a handful of fresh accounts following each other to look established. Each of
these also describes honest people (migrated history, re-uploaded coursework, a bootcamp cohort),
so every indicator here weighs little alone: it strengthens other evidence.

All of it is judged on the bounded sample a source takes (a page of the newest and a page of the
oldest commits per repository, a sample of followers), never on the whole platform.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import polars as pl

from hiresentry.core.indicators.registry import indicator
from hiresentry.core.indicators.rules._profiles import day, hosted_elsewhere, profile_owners, with_profile
from hiresentry.core.indicators.rules._shared import gathered
from hiresentry.core.population import Population

_NO_KEYS = pl.lit([], dtype=pl.List(pl.Utf8))


@indicator("CODE-COMMITS-BEFORE-ACCOUNT")
def commits_before_account(pop: Population, params: dict[str, Any]) -> pl.DataFrame:
    """Commits the platform attributes to the account, dated before the account existed.

    An account cannot author a commit before it exists unless the dates were set by hand (a common
    way to fake a long contribution history) or older history was migrated in. At least
    ``min_commits`` such commits, more than ``grace_days`` early; persons who cite a profile on
    another code host (``migrated_hosts``) are left out, since that is where old history comes from.
    """
    grace = dt.timedelta(days=int(params["grace_days"]))
    early = (
        with_profile(pop.profile_commits.filter(pl.col("by_owner").fill_null(False)), pop)
        .drop_nulls(["authored_at", "created_at"])
        .filter(pl.col("authored_at") < pl.col("created_at") - grace)
        .join(hosted_elsewhere(pop, params["migrated_hosts"]), on="pid", how="anti")
    )
    found = (
        early.group_by("pid", "profile_ref", "login", "created_at")
        .agg(
            pl.col("sha").n_unique().alias("commits"),
            pl.col("authored_at").min().alias("earliest"),
            gathered("worker_ref", "profile_ref").alias("records"),
        )
        .filter(pl.col("commits") >= int(params["min_commits"]))
    )
    return found.select(
        "pid",
        pl.format(
            "{} commits attributed to account {} are dated before it existed (created {}, earliest commit {})",
            "commits",
            "login",
            day("created_at"),
            day("earliest"),
        ).alias("explanation"),
        "records",
        _NO_KEYS.alias("keys"),
    )


def _predating(pop: Population, params: dict[str, Any]) -> pl.DataFrame:
    """(pid, repo, reason): non-fork repositories holding others' history from before the account."""
    grace = dt.timedelta(days=int(params["grace_days"]))
    return (
        with_profile(pop.profile_commits.filter(~pl.col("repo_fork") & ~pl.col("by_owner").fill_null(False)), pop)
        .drop_nulls(["authored_at", "created_at"])
        .filter(pl.col("authored_at") < pl.col("created_at") - grace)
        .join(hosted_elsewhere(pop, params["migrated_hosts"]), on="pid", how="anti")
        .group_by("pid", "repo", "worker_ref", "profile_ref")
        .agg(pl.len().alias("n"), pl.col("authored_at").min().alias("earliest"), pl.col("created_at").first())
        .select(
            "pid",
            "repo",
            "worker_ref",
            "profile_ref",
            pl.format(
                "{}: {} commit(s) not by the account, from {}, before the account was created on {}",
                "repo",
                "n",
                day("earliest"),
                day("created_at"),
            ).alias("reason"),
        )
    )


def _overlapping(pop: Population, column: str, ignored: list[str], max_accounts: int | None) -> pl.DataFrame:
    """(pid, repo, worker_ref, profile_ref, object, other): a non-fork repository's git objects (``column``:
    commit or tree ids) also seen in a repository of another account held by another person."""
    commits = with_profile(pop.profile_commits, pop).drop_nulls(column).filter(~pl.col(column).is_in(ignored))
    holders = commits.select(pl.col(column).alias("object"), "pid", "account", "repo").unique()
    counts = holders.group_by("object").agg(
        pl.col("pid").n_unique().alias("persons"), pl.col("account").n_unique().alias("accounts")
    )
    keep = counts.filter((pl.col("persons") >= 2) & (pl.col("accounts") >= 2))
    if max_accounts is not None:
        keep = keep.filter(pl.col("accounts") <= max_accounts)  # boilerplate every scaffold produces
    holders = holders.join(keep, on="object", how="semi")
    mine = (
        commits.filter(~pl.col("repo_fork"))
        .select(pl.col(column).alias("object"), "pid", "account", "repo", "worker_ref", "profile_ref")
        .join(keep, on="object", how="semi")
        .unique()
    )
    return (
        mine.join(holders, on="object", suffix="_other")
        .filter((pl.col("pid") != pl.col("pid_other")) & (pl.col("account") != pl.col("account_other")))
        .select("pid", "repo", "worker_ref", "profile_ref", "object", pl.col("repo_other").alias("other"))
    )


@indicator("CODE-REPO-COPIED")
def repo_copied(pop: Population, params: dict[str, Any]) -> pl.DataFrame:
    """Non-fork repositories whose history predates the account, or that copy another candidate's repository.

    A copy shows as the same commits (identical commit ids: history pushed as is) or the same trees
    (identical content re-committed under a new author) in a repository of another account held
    by another person. Trees need ``min_shared_trees`` in common, and a tree found under more than
    ``max_tree_accounts`` accounts is scaffolding everyone generates, not a copy.
    """
    commits = _overlapping(pop, "sha", [], None)
    trees = _overlapping(pop, "tree_sha", list(params["ignore_trees"]), int(params["max_tree_accounts"]))
    shared = pl.concat(
        [commits.with_columns(pl.lit("commit(s)").alias("what")), trees.with_columns(pl.lit("tree(s)").alias("what"))]
    )
    copies = (
        shared.group_by("pid", "repo", "worker_ref", "profile_ref", "what")
        .agg(pl.col("object").n_unique().alias("n"), pl.col("other").unique().sort().alias("others"))
        .filter((pl.col("what") == "commit(s)") | (pl.col("n") >= int(params["min_shared_trees"])))
        .select(
            "pid",
            "repo",
            "worker_ref",
            "profile_ref",
            pl.format(
                "{}: {} {} also in {} (another candidate's account)",
                "repo",
                "n",
                "what",
                pl.col("others").list.join(", "),
            ).alias("reason"),
        )
    )
    reasons = pl.concat([_predating(pop, params), copies])
    grouped = reasons.group_by("pid").agg(
        pl.col("reason").unique().sort().alias("reasons"),
        gathered("worker_ref", "profile_ref").alias("records"),
    )
    return grouped.select(
        "pid",
        pl.format("repositories that look copied: {}", pl.col("reasons").list.join("; ")).alias("explanation"),
        "records",
        _NO_KEYS.alias("keys"),
    )


@indicator("CODE-FOLLOWER-RING")
def follower_ring(pop: Population, params: dict[str, Any]) -> pl.DataFrame:
    """Followers that are a ring: created around the account, following each other and almost no one else.

    A ring member is a sampled follower created within ``cluster_days`` of the account, following at
    most ``max_following`` accounts, owning at most ``max_member_repos`` repositories, and
    following at least ``min_links`` other ring candidates of the same account. ``min_ring``
    members fire. A bootcamp cohort also joins together and follows each other, but its members
    write code and follow many others.
    """
    window = dt.timedelta(days=int(params["cluster_days"]))
    profiles = profile_owners(pop).select("source", "profile_remote_id", "pid", "login", "created_at")
    follows = (
        pop.profile_follows.drop("wid")
        .join(profiles, on=["source", "profile_remote_id"])
        .drop_nulls(["follower_created_at", "created_at", "follower_follows"])
    )
    candidates = follows.filter(
        ((pl.col("follower_created_at") - pl.col("created_at")).abs() <= window)
        & (pl.col("follower_following").fill_null(10**9) <= int(params["max_following"]))
        & (pl.col("follower_repos").fill_null(10**9) <= int(params["max_member_repos"]))
    )
    edges = (
        candidates.select("source", "profile_remote_id", "follower_key", target="follower_follows")
        .explode("target")
        .drop_nulls("target")
    )
    peers = candidates.select("source", "profile_remote_id", target="follower_key")
    linked = (
        edges.join(peers, on=["source", "profile_remote_id", "target"], how="semi")
        .filter(pl.col("target") != pl.col("follower_key"))
        .group_by("source", "profile_remote_id", "follower_key")
        .agg(pl.col("target").n_unique().alias("links"))
        .filter(pl.col("links") >= int(params["min_links"]))
    )
    sampled = follows.group_by("source", "profile_remote_id").agg(pl.len().alias("sampled"))
    rings = (
        linked.group_by("source", "profile_remote_id")
        .agg(pl.len().alias("members"))
        .filter(pl.col("members") >= int(params["min_ring"]))
        .join(sampled, on=["source", "profile_remote_id"])
        .join(profile_owners(pop), on=["source", "profile_remote_id"])
    )
    return rings.select(
        "pid",
        pl.format(
            "{} of {} sampled followers of {} form a ring: created within {} days of the account, "
            "following each other and at most {} accounts in all",
            "members",
            "sampled",
            "login",
            pl.lit(int(params["cluster_days"])),
            pl.lit(int(params["max_following"])),
        ).alias("explanation"),
        pl.concat_list("worker_ref", "profile_ref").list.unique().list.sort().alias("records"),
        _NO_KEYS.alias("keys"),
    )
