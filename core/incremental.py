"""Incremental screening: evaluate only the people a change can affect, with batch-identical results.

A person's evidence depends on their own records and on *other* persons only through shared
identifiers (a phone, a payout account, an egress network, a cited employer, a référence, a near-
duplicate résumé, a commit e-mail, a profile bio, copied git history…). So the people a change can
affect are those connected to the changed records through such relations: the connected components
of the relation graph that contain the touched persons. Evaluating those components as a
sub-population gives exactly what a batch run gives for them, because nothing outside a component
feeds anything inside it. The property test in ``tests/core/test_incremental.py`` holds the whole
catalogue to that on random populations.

Resolution runs over the whole population first (it is what defines persons, and the
probabilistic stage's block limits are population-wide), then only the affected components are
evaluated. Relations have no size cap: a key held by many persons relates them all, because an
indicator's explanation names how many share it. Only sign-ins through VPNs that *every* consumer
approves (corporate egress) are left out, since no indicator relates people through them.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable

import numpy as np
import polars as pl
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from hiresentry.core.indicators.rules._links import LINK_TYPES
from hiresentry.core.indicators.rules._shared import organisation_key
from hiresentry.core.indicators.rules.resumes import resume_bands, signed_resumes
from hiresentry.core.population import Population


def _namespaced(frame: pl.DataFrame, kind: str, key: pl.Expr) -> pl.DataFrame:
    return frame.select("wid", pl.format("{}:{}", pl.lit(kind), key).alias("key")).drop_nulls("key")


def relation_keys(pop: Population, approved_vpns: Collection[str] = ()) -> pl.DataFrame:
    """(wid, key): every identifier through which an indicator may relate two persons."""
    approved = [p.lower() for p in approved_vpns]
    parts = [
        LINK_TYPES[link](pop).select("wid", pl.format("{}:{}", pl.lit(link), "key").alias("key")) for link in LINK_TYPES
    ]
    refs = pop.workers.select("wid", "source")
    events = pop.access_events.filter(~pl.col("vpn_provider").str.to_lowercase().is_in(approved).fill_null(False))
    parts += [
        _namespaced(pop.payout_accounts, "account", pl.col("account_key")),  # pooled ones too (qualifiers)
        _namespaced(events, "egress-any", pl.col("egress_key")),
        _namespaced(pop.devices, "shipped-to", pl.col("shipped_to_key")),
        _namespaced(
            pop.workers.select("wid", employer="prior_employers").explode("employer"),
            "employer",
            organisation_key("employer"),
        ),
        _namespaced(pop.payout_accounts, "entity", pl.col("entity_key")),
        _namespaced(
            pop.payout_accounts.with_columns(organisation_key("holder_name").alias("org")),
            "entity-at",
            pl.format("{}|{}", "org", "entity_addr_key"),
        ),
        # a worker and the workers that name it (referrals, declared households) share its record ref
        _namespaced(pop.workers, "record", pl.format("{}/{}", "source", "remote_id")),
        _namespaced(pop.workers, "record", pl.format("{}/{}", "source", "referrer_remote_id")),
        _namespaced(
            pop.hiring_signals.join(refs, on=["wid", "source"]),
            "record",
            pl.format("{}/{}", "source", "related_worker_remote_id"),
        ),
        _namespaced(resume_bands(signed_resumes(pop)), "resume", pl.col("band")),
        # code-hosting profiles: one account under several identities, one bio or README, copied history
        _namespaced(
            pop.profiles, "profile-account", pl.format("{}:{}", "platform", pl.col("login").str.to_lowercase())
        ),
        _namespaced(pop.profiles, "profile-bio", pl.col("bio_key")),
        _namespaced(pop.profiles, "profile-readme", pl.col("readme_key")),
        _namespaced(pop.profile_commits, "git-commit", pl.col("sha")),
        _namespaced(pop.profile_commits, "git-tree", pl.col("tree_sha")),
        # rates are judged against the median of peers (PAY-BELOW-MARKET): a superset of the peer group
        _namespaced(
            pop.engagements.filter(pl.col("rate").cast(pl.Float64, strict=False) > 0),
            "peers",
            pl.format("{}|{}", pl.col("currency").fill_null(""), "type"),
        ),
    ]
    return pl.concat(parts).unique()


def affected_persons(pop: Population, touched: Iterable[int], approved_vpns: Collection[str] = ()) -> set[int]:
    """Persons (pids) in the relation components of the ``touched`` persons."""
    seeds = set(touched)
    if not seeds or pop.workers.is_empty():
        return seeds
    edges = relation_keys(pop, approved_vpns).join(pop.workers.select("wid", "pid"), on="wid")
    roots = edges.group_by("key").agg(pl.col("pid").min().alias("root"))
    star = edges.join(roots, on="key").filter(pl.col("pid") != pl.col("root")).select("root", "pid").unique()
    n = int(pop.workers.select(pl.col("pid").max().fill_null(-1)).item()) + 1
    a, b = star["root"].to_numpy(), star["pid"].to_numpy()
    graph = coo_matrix((np.ones(len(a), dtype=np.int8), (a, b)), shape=(n, n))
    _, labels = connected_components(graph, directed=False)
    wanted = {int(labels[p]) for p in seeds if p < n}
    return {int(p) for p in np.flatnonzero(np.isin(labels, list(wanted)))}


def sub_population(pop: Population, pids: Collection[int]) -> Population:
    """The population restricted to the records of ``pids`` (every kind, with pids kept)."""
    keep = pl.Series("pid", sorted(pids), dtype=pl.Int64)
    workers = pop.workers.filter(pl.col("pid").is_in(keep.implode()))
    wids = workers.select("wid")

    def owned(frame: pl.DataFrame) -> pl.DataFrame:
        return frame.join(wids, on="wid", how="semi")

    return Population(
        workers=workers,
        worker_keys=owned(pop.worker_keys),
        engagements=owned(pop.engagements),
        payout_accounts=owned(pop.payout_accounts),
        payments=owned(pop.payments),
        access_events=owned(pop.access_events),
        devices=owned(pop.devices),
        hiring_signals=owned(pop.hiring_signals),
        profiles=owned(pop.profiles),
        profile_repos=owned(pop.profile_repos),
        profile_commits=owned(pop.profile_commits),
        profile_follows=owned(pop.profile_follows),
        hasher=pop.hasher,
    )
