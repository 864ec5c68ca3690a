"""The network: people linked by the identifiers they share, as connected components.

DPRK teams share payout accounts, devices, phones, addresses and egress points across personas
(indicators.md §2). Resolution merges records of *one* person; this module links *different*
persons through what they share, and scores each component by the kind of link: a shared payout
account, device or face says far more than a shared egress network.

Set-based throughout: person↔key edges are built with joins, keys held by 2..``max_people``
persons become star edges, and components come from a sparse graph (SciPy). Keys held by more than
``max_people`` persons are left out as infrastructure (corporate VPN egress, an office address, a
coworking space) — the false positives §2 lists — and so are declared-pooled payout accounts and
sign-ins through approved corporate VPNs.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import polars as pl
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from hiresentry.core.indicators.rules._links import keyed
from hiresentry.core.population import Population

DEFAULT_LINK_WEIGHTS: dict[str, float] = {
    "payout": 50,
    "device": 45,
    "face": 45,
    "phone": 30,
    "email": 25,
    "address": 15,
    "egress": 10,
    "commit_email": 0,
}
"""Weight of one shared key of each type; payout, device, face > phone, email > address > egress.
A commit e-mail (an address on someone's own commits that another identity declared or committed
with) links personas into one component but adds nothing to its score: code-hosting evidence
strengthens other evidence and never escalates on its own (``docs/indicators.md``)."""

DEFAULT_PARAMS: dict[str, Any] = {
    "link_weights": DEFAULT_LINK_WEIGHTS,
    "max_people": 20,
    "max_keys_per_type": 3,
    "egress_window_days": 7,
    "approved_vpn_providers": ["GlobalProtect", "Zscaler", "Cisco AnyConnect", "Cloudflare WARP for Teams"],
}

LINK_SCHEMA: dict[str, pl.DataType] = {
    "pid": pl.Int64(),
    "link_type": pl.Utf8(),
    "key": pl.Utf8(),
    "masked": pl.Utf8(),
}


@dataclass(frozen=True)
class Network:
    """Components of linked persons and the keys that link them.

    ``members``: pid → component (only persons in components of two or more).
    ``links``: one row per shared key: component, link_type, key, masked, people, records, names,
    weight, and ``counted`` (whether it is among the ``max_keys_per_type`` that count in the score).
    ``components``: one row per component: component, persons, link_score, link_types.
    """

    members: pl.DataFrame
    links: pl.DataFrame
    components: pl.DataFrame


def _edges(pop: Population, params: Mapping[str, Any]) -> pl.DataFrame:
    """Every (person, link type, key) the population holds, before the sharing test."""
    people = pop.workers.select("wid", "pid")
    parts: list[pl.DataFrame] = []

    def add(frame: pl.DataFrame, link_type: str, key: str, masked: pl.Expr) -> None:
        parts.append(
            frame.drop_nulls(key)
            .join(people, on="wid")
            .select("pid", pl.lit(link_type).alias("link_type"), pl.col(key).alias("key"), masked.alias("masked"))
        )

    add(pop.payout_accounts.filter(~pl.col("pooled")), "payout", "account_key", pl.col("account_masked"))
    add(pop.devices, "device", "serial_key", pl.format("serial {}", pl.col("serial_masked")))
    add(pop.access_events, "device", "device_id", pl.format("device id {}", pl.col("device_id")))
    add(pop.workers, "face", "photo_hash", pl.format("photo {}", pl.col("photo_hash").str.slice(0, 8)))
    for key_type in ("phone", "email"):
        add(pop.worker_keys.filter(pl.col("key_type") == key_type), key_type, "key_hash", pl.col("masked"))
    add(pop.workers, "address", "home_addr_key", pl.col("home_addr_masked"))
    add(pop.workers, "address", "ship_addr_key", pl.col("ship_addr_masked"))
    add(pop.devices, "address", "shipped_to_key", pl.col("shipped_to_masked"))
    add(keyed(pop, "commit_email"), "commit_email", "key", pl.col("masked"))
    approved = [p.lower() for p in params["approved_vpn_providers"]]
    window = f"{int(params['egress_window_days'])}d"
    egress = pop.access_events.filter(
        pl.col("egress_key").is_not_null() & ~pl.col("vpn_provider").str.to_lowercase().is_in(approved).fill_null(False)
    ).with_columns(
        # same /24 and ASN within the same time window: laptops behind one router at the same time
        pl.format("{}|{}|{}", "egress_key", pl.col("asn").fill_null(0), pl.col("time").dt.truncate(window)).alias(
            "egress_window"
        ),
        pl.format("{} AS{}", "egress_masked", pl.col("asn").fill_null(0)).alias("egress_label"),
    )
    add(egress, "egress", "egress_window", pl.col("egress_label"))
    if not parts:
        return pl.DataFrame(schema=LINK_SCHEMA)
    return pl.concat(parts).unique(subset=["pid", "link_type", "key"])


def build_network(pop: Population, params: Mapping[str, Any] | None = None) -> Network:
    """Link persons through shared keys and find the components of two or more persons."""
    settings = {**DEFAULT_PARAMS, **(params or {})}
    weights: dict[str, float] = {**DEFAULT_LINK_WEIGHTS, **settings["link_weights"]}
    edges = _edges(pop, settings)
    sizes = edges.group_by("link_type", "key").agg(pl.col("pid").n_unique().alias("people"))
    shared = sizes.filter((pl.col("people") >= 2) & (pl.col("people") <= int(settings["max_people"])))
    linked = edges.join(shared, on=["link_type", "key"])
    # pids are component labels of worker rows; a sub-population keeps the global labels
    n = int(pop.workers.select(pl.col("pid").max().fill_null(-1)).item()) + 1
    roots = linked.group_by("link_type", "key").agg(pl.col("pid").min().alias("root"))
    star = linked.join(roots, on=["link_type", "key"]).filter(pl.col("pid") != pl.col("root"))
    if n == 0 or star.is_empty():
        empty_members = pl.DataFrame(schema={"pid": pl.Int64(), "component": pl.Int64()})
        return Network(empty_members, _empty_links(), _empty_components())
    a, b = star["root"].to_numpy(), star["pid"].to_numpy()
    graph = coo_matrix((np.ones(len(a), dtype=np.int8), (a, b)), shape=(n, n))
    _, labels = connected_components(graph, directed=False)
    in_graph = np.unique(np.concatenate([a, b]))
    members = pl.DataFrame({"pid": in_graph.astype(np.int64), "component": labels[in_graph].astype(np.int64)})
    holders = pop.workers.select("pid", "ref", member=pl.format("{} ({})", "ref", "legal_name"))
    links = (
        linked.join(members, on="pid")
        .join(holders, on="pid")
        .group_by("component", "link_type", "key")
        .agg(
            pl.col("masked").min(),  # min, not first: the same key may be masked from differently written sources
            pl.col("pid").n_unique().alias("people"),
            pl.col("ref").unique().sort().alias("records"),
            pl.col("member").unique().sort().alias("names"),
        )
        .with_columns(pl.col("link_type").replace_strict(weights, default=0.0, return_dtype=pl.Float64).alias("weight"))
    )
    cap = int(settings["max_keys_per_type"])
    # only the strongest `cap` keys of a type count: ten shared addresses are not ten times the evidence
    links = links.sort("weight", "key", descending=[True, False]).with_columns(
        (pl.col("key").cum_count().over("component", "link_type") <= cap).alias("counted")
    )
    per_type = (
        links.filter(pl.col("counted"))
        .group_by("component", "link_type")
        .agg(pl.col("weight").sum().alias("type_score"))
    )
    components = (
        per_type.group_by("component")
        .agg(pl.col("type_score").sum().alias("link_score"), pl.col("link_type").unique().sort().alias("link_types"))
        .join(members.group_by("component").agg(pl.len().alias("persons")), on="component")
        .sort("link_score", descending=True)
    )
    return Network(members, links.sort("component", "weight", descending=[False, True]), components)


def _empty_links() -> pl.DataFrame:
    return pl.DataFrame(
        schema={
            "component": pl.Int64(),
            "link_type": pl.Utf8(),
            "key": pl.Utf8(),
            "masked": pl.Utf8(),
            "people": pl.UInt32(),
            "records": pl.List(pl.Utf8()),
            "names": pl.List(pl.Utf8()),  # "ref (legal name)" of every record of every holder
            "weight": pl.Float64(),
            "counted": pl.Boolean(),
        }
    )


def _empty_components() -> pl.DataFrame:
    return pl.DataFrame(
        schema={
            "component": pl.Int64(),
            "link_score": pl.Float64(),
            "link_types": pl.List(pl.Utf8()),
            "persons": pl.UInt32(),
        }
    )
