"""Cases for network components: several claimed identities tied together by what they share.

A component becomes a case when it holds two or more claimed identities **and** at least one of
its members has per-person evidence beyond the sharing itself (indicators.md §2: "escalate a
component when it has two or more distinct claimed identities and any §1 indicator"). Sharing
alone (a household, two people on one corporate egress) is left to the per-person cases.

The network case's score is its link score (by link type, see ``core.network``) plus the strongest
member's own score without link indicators, so that a component is never ranked below its worst
member and never counts the same shared key twice.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

import polars as pl

from hiresentry.core.cases.build import CaseDraft
from hiresentry.core.cases.view import EvidenceView, RecordRef, ScoreTerm
from hiresentry.core.levels import Level, LevelThresholds
from hiresentry.core.network import Network
from hiresentry.core.population import Population

LINK_INDICATORS: dict[str, tuple[str, str]] = {
    "payout": ("NET-SHARED-PAYOUT", "Payout account shared across the network"),
    "device": ("NET-SHARED-DEVICE", "Device shared across the network"),
    "face": ("NET-FACE-REUSE", "Photo shared across the network"),
    "phone": ("NET-SHARED-PHONE", "Phone shared across the network"),
    "email": ("NET-SHARED-EMAIL", "Email shared across the network"),
    "address": ("NET-SHARED-ADDRESS", "Address shared across the network"),
    "egress": ("NET-SHARED-EGRESS", "Egress network shared at the same time"),
    "commit_email": ("CODE-COMMIT-EMAIL-SHARED", "Commit e-mail shared across the network"),
}

DEFAULT_LINK_ONLY: frozenset[str] = frozenset(
    {
        "PAY-SHARED-ACCOUNT",
        "NET-SHARED-PAYOUT",
        "NET-SHARED-PHONE",
        "NET-SHARED-EMAIL",
        "NET-SHARED-ADDRESS",
        "NET-SHARED-DEVICE",
        "NET-SHARED-EGRESS",
        "NET-FACE-REUSE",
        "NET-SHARED-EMPLOYER",
        "NET-REFERRAL-CLUSTER",
        "NET-SHARED-PAYEE-ENTITY",
        "NET-RESUME-CLONE",
        "CODE-COMMIT-EMAIL-SHARED",
    }
)
"""Indicators that only say "shares something with someone": they do not escalate a component."""


@dataclass(frozen=True)
class NetworkDraft(CaseDraft):
    """A case draft for a network component."""

    kind: ClassVar[str] = "network"


def _ref(text: str) -> RecordRef:
    source, _, remote_id = text.partition("/")
    return RecordRef(source=source, remote_id=remote_id)


def build_network_drafts(
    pop: Population,
    network: Network,
    evidence: pl.DataFrame,
    thresholds: LevelThresholds,
    open_at: Level,
    link_only: frozenset[str] = DEFAULT_LINK_ONLY,
) -> list[NetworkDraft]:
    """One draft per escalated component at or above ``open_at``."""
    if network.members.is_empty():
        return []
    own = evidence.filter(~pl.col("indicator").is_in(sorted(link_only)))
    if "kind" in own.columns:  # modifiers and qualifiers adjust indicators; alone they are no evidence
        own = own.filter(pl.col("kind") == "indicator")
    own_scores = (
        own.group_by("pid", "indicator")
        .agg(pl.col("weight").max())
        .group_by("pid")
        .agg(pl.col("weight").sum().alias("own"))
    )
    per_component = (
        network.members.join(own_scores, on="pid", how="left")
        .join(pop.workers.select("pid", "ref", "legal_name"), on="pid")
        .group_by("component")
        .agg(
            pl.col("pid").n_unique().alias("persons"),
            pl.col("own").max().fill_null(0.0).alias("best_own"),
            pl.col("own").is_not_null().any().alias("escalates"),
            pl.col("ref").unique().sort().alias("refs"),
            pl.col("legal_name").unique().sort().alias("names"),
            pl.col("pid").unique().alias("pids"),
        )
        .filter((pl.col("persons") >= 2) & pl.col("escalates"))
        .join(network.components.select("component", "link_score"), on="component")
    )
    drafts: list[NetworkDraft] = []
    for row in per_component.iter_rows(named=True):
        score = float(row["link_score"]) + float(row["best_own"])
        level = thresholds.level_of(score)
        if level < open_at:
            continue
        links = network.links.filter(pl.col("component") == row["component"])
        items = _link_evidence(links) + _member_evidence(own, row["pids"])
        drafts.append(
            NetworkDraft(
                members=tuple(_ref(r) for r in row["refs"]),
                display_names=tuple(row["names"]),
                level=level,
                score=score,
                terms=_terms(links, float(row["best_own"])),
                evidence=tuple(items),
            )
        )
    return drafts


def _link_evidence(links: pl.DataFrame) -> list[EvidenceView]:
    items = []
    for link in links.iter_rows(named=True):
        indicator, title = LINK_INDICATORS.get(link["link_type"], ("NET-LINK", "Shared identifier"))
        members = ", ".join(link["names"])
        items.append(
            EvidenceView(
                indicator=indicator,
                title=title,
                severity="high" if link["weight"] >= 40 else "medium",
                weight=float(link["weight"]),
                explanation=f"{link['link_type']} {link['masked']} is shared by {link['people']} identities: {members}",
                records=[_ref(r) for r in link["records"]],
                keys=[link["masked"]],
            )
        )
    return items


def _member_evidence(own: pl.DataFrame, pids: Sequence[int]) -> list[EvidenceView]:
    rows = own.filter(pl.col("pid").is_in(list(pids))).sort("weight", descending=True)
    return [
        EvidenceView(
            indicator=r["indicator"],
            title=r["title"],
            severity=r["severity"],
            weight=r["weight"],
            explanation=r["explanation"],
            records=[_ref(x) for x in r["records"]],
            keys=list(r["keys"]),
        )
        for r in rows.unique(subset=["pid", "indicator", "explanation"], keep="first", maintain_order=True).iter_rows(
            named=True
        )
    ]


def _terms(links: pl.DataFrame, best_own: float) -> tuple[ScoreTerm, ...]:
    by_type = links.filter(pl.col("counted")).group_by("link_type").agg(pl.col("weight").sum(), pl.len().alias("n"))
    terms = [
        ScoreTerm(
            name=LINK_INDICATORS.get(r["link_type"], ("NET-LINK", ""))[0],
            weight=float(r["weight"]),
            reason=f"{r['n']} shared {r['link_type']} key(s)",
        )
        for r in by_type.sort("weight", descending=True).iter_rows(named=True)
    ]
    terms.append(ScoreTerm(name="strongest-member", weight=best_own, reason="the highest own score of a member"))
    return tuple(terms)
