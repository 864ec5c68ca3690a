"""Link keys per record (indicators.md §2) and the pairs of persons that share them.

``keyed(pop, link_type)`` gives one row per (worker record, key) for a link type, the input of
``shared_key_hits``; ``shared_pairs`` turns the same rows into (person, other person) pairs for the
rules that ask *who* someone shares keys with (a referral cluster, a declared household, an
agency's candidates). Groups larger than ``max_group`` (a corporate egress, a co-working space)
say nothing about a pair and are left out, which also bounds the self-join.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import polars as pl

from hiresentry.core.population import Population

KEYED_SCHEMA = {"wid": pl.Int64(), "key": pl.Utf8(), "masked": pl.Utf8()}


def _select(frame: pl.DataFrame, key: str, masked: pl.Expr) -> pl.DataFrame:
    return frame.select(pl.col("wid"), pl.col(key).alias("key"), masked.alias("masked")).drop_nulls("key")


def _worker_keys(pop: Population, key_type: str) -> pl.DataFrame:
    return _select(pop.worker_keys.filter(pl.col("key_type") == key_type), "key_hash", pl.col("masked"))


def _addresses(pop: Population) -> pl.DataFrame:
    return pl.concat(
        [
            _select(pop.workers, "home_addr_key", pl.col("home_addr_masked")),
            _select(pop.workers, "ship_addr_key", pl.col("ship_addr_masked")),
            _select(pop.devices, "shipped_to_key", pl.col("shipped_to_masked")),
        ]
    )


def _payout(pop: Population) -> pl.DataFrame:
    return _select(
        pop.payout_accounts.filter(~pl.col("pooled")),
        "account_key",
        pl.format("{} ({})", "account_masked", "method"),
    )


def _devices(pop: Population) -> pl.DataFrame:
    ids = (
        pop.access_events.drop_nulls("device_id")
        .select("wid", "source", "device_id")
        .unique()
        .select(
            "wid",
            pl.format("{}/{}", "source", "device_id").alias("device"),
            pl.format("id …{}", pl.col("device_id").str.slice(-6)).alias("label"),
        )
    )
    return pl.concat(
        [
            _select(pop.devices, "serial_key", pl.format("serial {}", "serial_masked")),
            _select(pop.devices, "shipped_serial_key", pl.format("serial {}", "shipped_serial_masked")),
            _select(ids, "device", pl.col("label")),
        ]
    )


def _egress(pop: Population) -> pl.DataFrame:
    direct = pop.access_events.filter(~pl.col("is_proxy") & pl.col("vpn_provider").is_null())
    return _select(direct.unique(["wid", "egress_key"]), "egress_key", pl.col("egress_masked"))


def _faces(pop: Population) -> pl.DataFrame:
    return _select(
        pop.workers.with_columns(pl.col("photo_hash").str.to_lowercase()),
        "photo_hash",
        pl.format("…{}", pl.col("photo_hash").str.slice(-6)),
    )


def own_commits(pop: Population) -> pl.DataFrame:
    """Sampled commits that are the profile owner's: attributed to the account, or unattributed in its own
    non-fork repositories (commits attributed to another account, or upstream history in a fork, are not)."""
    commits = pop.profile_commits
    return commits.filter(pl.col("by_owner").fill_null(~pl.col("repo_fork")))


def _commit_emails(pop: Population) -> pl.DataFrame:
    """E-mails on the owner's commits, plus every worker e-mail equal to one of them.

    Only keys some person holds through a commit *without* declaring it as their own e-mail count:
    an address the person also declared adds nothing a shared declared e-mail (NET-SHARED-EMAIL)
    does not already say. Privacy relay addresses carry no key (``core.store.rows``).
    """
    own = own_commits(pop)
    committed = pl.concat(
        [
            _select(own, "author_email_key", pl.col("author_email_masked")),
            _select(own, "committer_email_key", pl.col("committer_email_masked")),
        ]
    ).unique(["wid", "key"])
    declared = _worker_keys(pop, "email")
    # "declared by the same person": by pid once resolution ran, by worker record before
    who = pop.workers.select("wid", "pid") if "pid" in pop.workers.columns else pop.workers.select("wid", pid="wid")
    by_person = committed.join(who, on="wid").select("pid", "key")
    revealing = (
        by_person.join(declared.join(who, on="wid").select("pid", "key"), on=["pid", "key"], how="anti")
        .select("key")
        .unique()
    )
    holders = pl.concat([committed, declared.join(committed.select("key").unique(), on="key", how="semi")])
    return holders.join(revealing, on="key", how="semi").unique(["wid", "key"])


LINK_TYPES: dict[str, Callable[[Population], pl.DataFrame]] = {
    "email": lambda pop: _worker_keys(pop, "email"),
    "phone": lambda pop: _worker_keys(pop, "phone"),
    "address": _addresses,
    "payout": _payout,
    "device": _devices,
    "egress": _egress,
    "face": _faces,
    "commit_email": _commit_emails,
}
"""Each §2 link type and how its keys are read (direct egress only: VPN exits are shared by design).
``commit_email`` keys are in the ``email`` namespace: a commit e-mail links to the worker who declared it."""


def keyed(pop: Population, link_type: str) -> pl.DataFrame:
    """(wid, key, masked) rows of one link type; the key is namespaced by type when mixed."""
    return LINK_TYPES[link_type](pop).cast(KEYED_SCHEMA)  # type: ignore[arg-type]


def shared_pairs(
    pop: Population, link_types: Iterable[str], among: pl.DataFrame | None = None, max_group: int = 50
) -> pl.DataFrame:
    """(pid, other, link_type, masked): two different persons holding one key of a listed type.

    ``among`` (a frame with a pid column) limits ``pid`` to those persons (``other`` is anyone), so
    a rule that asks about a few people (referrers, declared households) joins only their keys;
    group sizes are still counted over everyone.
    """
    types = list(link_types)
    rows = pl.concat([keyed(pop, t).with_columns(pl.lit(t).alias("link_type")) for t in types]).join(
        pop.workers.select("wid", "pid"), on="wid"
    )
    rows = rows.select("pid", "link_type", "key", "masked")
    if among is not None:
        # only the keys the asked-about persons hold matter; the rest need no counting
        held = rows.join(among.select("pid").unique(), on="pid", how="semi").select("link_type", "key").unique()
        rows = rows.join(held, on=["link_type", "key"], how="semi")
    rows = rows.unique(["pid", "link_type", "key"])
    sizes = rows.group_by("link_type", "key").agg(pl.col("pid").n_unique().alias("people"))
    rows = rows.join(sizes.filter(pl.col("people").is_between(2, max_group)), on=["link_type", "key"], how="semi")
    left = rows if among is None else rows.join(among.select("pid").unique(), on="pid", how="semi")
    pairs = left.join(rows.select("link_type", "key", pl.col("pid").alias("other")), on=["link_type", "key"])
    return pairs.filter(pl.col("pid") != pl.col("other")).select("pid", "other", "link_type", "masked")
