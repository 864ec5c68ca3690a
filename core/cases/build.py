"""From scored persons to case drafts: who is in the case, what the evidence says.

Only persons at or above the configured level become drafts, so the Python work here is bounded
by the number of cases, not by the population.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import ClassVar

import polars as pl

from hiresentry.core.cases.view import EvidenceView, RecordRef, ScoreTerm
from hiresentry.core.levels import Level
from hiresentry.core.population import Population


@dataclass(frozen=True)
class CaseDraft:
    """A case as this run computed it, before it is matched with stored cases."""

    kind: ClassVar[str] = "person"

    members: tuple[RecordRef, ...]
    display_names: tuple[str, ...]
    level: Level
    score: float
    terms: tuple[ScoreTerm, ...]
    evidence: tuple[EvidenceView, ...]

    @property
    def anchor(self) -> str:
        """The smallest member ref: a deterministic seed for a new dedup key."""
        return min(str(m) for m in self.members)

    def new_dedup_key(self, attempt: int = 1) -> str:
        """Dedup key for a case seen for the first time: stable for the same anchor record.

        ``attempt`` > 1 gives the alternatives used when the natural key is already taken (a
        person split in two: the part that inherited the old case may hold this part's key).
        """
        prefix = "hs-" if self.kind == "person" else "hn-"
        seed = f"{self.kind}:{self.anchor}" + (f"#{attempt}" if attempt > 1 else "")
        return prefix + hashlib.sha256(seed.encode()).hexdigest()[:12]


def evidence_fingerprint(item: EvidenceView) -> str:
    """Identity of one piece of evidence: same indicator, records and keys = same evidence."""
    text = "|".join([item.indicator, ",".join(sorted(map(str, item.records))), ",".join(sorted(item.keys))])
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _ref(text: str) -> RecordRef:
    source, _, remote_id = text.partition("/")
    return RecordRef(source=source, remote_id=remote_id)


def build_drafts(pop: Population, evidence: pl.DataFrame, scores: pl.DataFrame, open_at: Level) -> list[CaseDraft]:
    """One draft per person whose level is at least ``open_at``."""
    opened = scores.filter(pl.col("level").is_in([lvl.value for lvl in Level if lvl >= open_at]))
    if opened.is_empty():
        return []
    members = (
        pop.workers.join(opened.select("pid"), on="pid")
        .group_by("pid")
        .agg(pl.col("ref").unique().sort().alias("refs"), pl.col("legal_name").unique().sort().alias("names"))
    )
    items = _with_term_weights(evidence.join(opened.select("pid"), on="pid"), opened).sort(
        "pid", "weight", "indicator", descending=[False, True, False]
    )
    by_pid: dict[int, list[EvidenceView]] = {}
    for row in items.iter_rows(named=True):
        by_pid.setdefault(row["pid"], []).append(
            EvidenceView(
                indicator=row["indicator"],
                title=row["title"],
                severity=row["severity"],
                weight=row["weight"],
                explanation=row["explanation"],
                records=[_ref(r) for r in row["records"]],
                keys=list(row["keys"]),
            )
        )
    info = {row["pid"]: row for row in members.iter_rows(named=True)}
    drafts = []
    for row in opened.iter_rows(named=True):
        pid = row["pid"]
        terms = tuple(
            ScoreTerm(
                name=t["name"], weight=t["weight"], reason=t.get("reason") or _term_reason(t["name"], by_pid[pid])
            )
            for t in row["terms"]
        )
        drafts.append(
            CaseDraft(
                members=tuple(_ref(r) for r in info[pid]["refs"]),
                display_names=tuple(info[pid]["names"]),
                level=Level(row["level"]),
                score=float(row["score"]),
                terms=terms,
                evidence=tuple(by_pid[pid]),
            )
        )
    return drafts


def _with_term_weights(evidence: pl.DataFrame, scores: pl.DataFrame) -> pl.DataFrame:
    """Evidence of modifiers and qualifiers weighs what their score term came to (it is a
    percentage of other evidence until scored); those that changed nothing are left out."""
    if "kind" not in evidence.columns:
        return evidence
    terms = scores.select("pid", "terms").explode("terms").unnest("terms").select("pid", "name", "weight")
    adjusted = (
        evidence.filter(pl.col("kind") != "indicator")
        .drop("weight")
        .join(terms, left_on=["pid", "indicator"], right_on=["pid", "name"])
        .select(evidence.columns)
    )
    return pl.concat([evidence.filter(pl.col("kind") == "indicator"), adjusted])


def _term_reason(indicator: str, items: list[EvidenceView]) -> str:
    first = next(i for i in items if i.indicator == indicator)
    return first.title
