"""Case persistence: stable dedup keys, evidence history, reviewer judgements.

The dedup key is what the Jira ticket, the Slack thread and the payout hold share, so it must
survive re-runs, new evidence and changes in resolution:

- a draft whose member records already belong to a stored case takes that case's key;
- if its members belong to several stored cases (resolution merged two people), it takes the
  oldest key and the others are marked ``merged`` into it;
- otherwise the key is derived from its smallest member ref, so a fresh store computes the same
  key for the same data.

New evidence updates the case; it never opens a second one. Evidence that stops firing is kept,
marked inactive, so the history of why a case was raised is never lost.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, Literal

from sqlalchemy import Connection, delete, select, tuple_, update

from hiresentry.core.cases.build import CaseDraft, evidence_fingerprint
from hiresentry.core.cases.view import CaseView, EvidenceView, HoldView, JudgementView, RecordRef, ScoreTerm
from hiresentry.core.levels import Level
from hiresentry.core.store import Store
from hiresentry.core.store.audit import AuditLog
from hiresentry.core.store.schema import (
    case_members,
    cases,
    engagements,
    evidence,
    judgements,
    payments,
    payout_accounts,
    workers,
)

ChangeKind = Literal["created", "level_changed", "evidence_changed", "cleared"]
Verdict = Literal["confirmed", "false_positive", "suppressed"]


@dataclass(frozen=True)
class CaseChange:
    """What a screen changed about one case."""

    dedup_key: str
    kind: ChangeKind
    level: Level
    previous_level: Level | None


def _digest(fingerprints: Sequence[str]) -> str:
    return hashlib.sha256(",".join(sorted(fingerprints)).encode()).hexdigest()[:16]


def _summary(draft: CaseDraft) -> str:
    indicators = ", ".join(dict.fromkeys(e.indicator for e in draft.evidence))
    names = ", ".join(draft.display_names[:3]) + (" …" if len(draft.display_names) > 3 else "")
    return f"{indicators} — {names}"


def _chunks(items: Sequence[Any], size: int = 400) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


class CaseRepository:
    """Reads and writes cases in the store."""

    def __init__(self, store: Store) -> None:
        self.store = store

    # -- writing ------------------------------------------------------------------------------

    def _existing(self, conn: Connection, refs: list[tuple[str, str]]) -> dict[tuple[str, str], set[str]]:
        found: dict[tuple[str, str], set[str]] = {}
        for chunk in _chunks(refs):
            query = select(case_members.c.source, case_members.c.remote_id, case_members.c.dedup_key).where(
                tuple_(case_members.c.source, case_members.c.remote_id).in_(chunk)
            )
            for source, remote_id, key in conn.execute(query):
                found.setdefault((source, remote_id), set()).add(key)
        return found

    def save(
        self,
        drafts: Sequence[CaseDraft],
        now: dt.datetime,
        full_run: bool = True,
        scope: Collection[tuple[str, str]] | None = None,
    ) -> list[CaseChange]:
        """Store this run's drafts and clear open cases this run found nothing for.

        ``full_run`` clears every open case without a draft; an incremental run passes ``scope``
        (the worker refs it evaluated) and clears only the open cases with a member in it.
        """
        changes: list[CaseChange] = []
        with self.store.engine.begin() as conn:
            stored = {row.dedup_key: row for row in conn.execute(select(cases))}
            refs = sorted({(m.source, m.remote_id) for d in drafts for m in d.members})
            existing = self._existing(conn, refs)
            existing_in_scope = self._existing(conn, sorted(scope)) if scope else {}
            assigned: set[str] = set()
            network_of: dict[tuple[str, str], str] = {}
            person_keys: dict[str, CaseDraft] = {}
            for draft in drafts:
                candidates = {k for m in draft.members for k in existing.get((m.source, m.remote_id), ())}
                candidates = {self._follow(stored, k) for k in candidates} - assigned
                candidates = {k for k in candidates if k in stored and stored[k].kind == draft.kind}
                if candidates:
                    key = min(candidates, key=lambda k: (stored[k].created_at, k))
                    for other in candidates - {key}:
                        conn.execute(
                            update(cases)
                            .where(cases.c.dedup_key == other)
                            .values(status="merged", merged_into=key, updated_at=now)
                        )
                else:
                    attempt = 1
                    key = draft.new_dedup_key()
                    while key in assigned or key in stored:  # taken by another case: never share a key
                        attempt += 1
                        key = draft.new_dedup_key(attempt)
                assigned.add(key)
                change = self._write(conn, key, draft, stored.get(key), now)
                if change:
                    changes.append(change)
                if draft.kind == "network":
                    network_of.update({(m.source, m.remote_id): key for m in draft.members})
                else:
                    person_keys[key] = draft
            for key, draft in person_keys.items():
                links = {
                    network_of[(m.source, m.remote_id)] for m in draft.members if (m.source, m.remote_id) in network_of
                }
                conn.execute(
                    update(cases).where(cases.c.dedup_key == key).values(network_key=min(links) if links else None)
                )
            stale = [
                key
                for key, row in stored.items()
                if key not in assigned and row.status == "open" and row.level != Level.INFO.value
            ]
            if not full_run:
                in_scope = {k for ref in (scope or ()) for k in existing_in_scope.get(ref, ())} if scope else set()
                stale = [key for key in stale if key in in_scope]
            for key in stale:
                changes.append(self._clear(conn, key, stored[key], now))
        return changes

    @staticmethod
    def _follow(stored: dict[str, Any], key: str) -> str:
        seen = set()
        while key in stored and stored[key].merged_into and key not in seen:
            seen.add(key)
            key = stored[key].merged_into
        return key

    def _write(self, conn: Connection, key: str, draft: CaseDraft, row: Any, now: dt.datetime) -> CaseChange | None:
        prints = {evidence_fingerprint(item): item for item in draft.evidence}
        digest = _digest(list(prints))
        values = {
            "status": "open",
            "merged_into": None,
            "level": draft.level.value,
            "score": draft.score,
            "summary": _summary(draft),
            "terms": [t.model_dump() for t in draft.terms],
            "evidence_digest": digest,
            "updated_at": now,
        }
        if row is None:
            conn.execute(
                cases.insert().values(dedup_key=key, kind=draft.kind, created_at=now, previous_level=None, **values)
            )
        else:
            values["previous_level"] = row.level if row.level != draft.level.value else row.previous_level
            conn.execute(update(cases).where(cases.c.dedup_key == key).values(**values))
        conn.execute(delete(case_members).where(case_members.c.dedup_key == key))
        conn.execute(
            case_members.insert(),
            [{"dedup_key": key, "source": m.source, "remote_id": m.remote_id} for m in draft.members],
        )
        self._write_evidence(conn, key, prints, now)
        if row is None:
            return CaseChange(key, "created", draft.level, None)
        if row.level != draft.level.value:
            return CaseChange(key, "level_changed", draft.level, Level(row.level))
        if row.evidence_digest != digest:
            return CaseChange(key, "evidence_changed", draft.level, Level(row.level))
        return None

    def _write_evidence(self, conn: Connection, key: str, prints: dict[str, EvidenceView], now: dt.datetime) -> None:
        known = set(conn.execute(select(evidence.c.fingerprint).where(evidence.c.dedup_key == key)).scalars())
        conn.execute(update(evidence).where(evidence.c.dedup_key == key).values(active=False))
        for fingerprint, item in prints.items():
            values = {
                "weight": item.weight,
                "explanation": item.explanation,
                "records": [str(r) for r in item.records],
                "keys": item.keys,
                "last_seen": now,
                "active": True,
            }
            if fingerprint in known:
                conn.execute(
                    update(evidence)
                    .where(evidence.c.dedup_key == key, evidence.c.fingerprint == fingerprint)
                    .values(**values)
                )
            else:
                conn.execute(
                    evidence.insert().values(
                        dedup_key=key,
                        indicator=item.indicator,
                        title=item.title,
                        severity=item.severity,
                        fingerprint=fingerprint,
                        first_seen=now,
                        **values,
                    )
                )

    def _clear(self, conn: Connection, key: str, row: Any, now: dt.datetime) -> CaseChange:
        conn.execute(update(evidence).where(evidence.c.dedup_key == key).values(active=False))
        conn.execute(
            update(cases)
            .where(cases.c.dedup_key == key)
            .values(
                level=Level.INFO.value,
                previous_level=row.level,
                score=0.0,
                evidence_digest=_digest([]),
                updated_at=now,
            )
        )
        return CaseChange(key, "cleared", Level.INFO, Level(row.level))

    # -- judgements ---------------------------------------------------------------------------

    def judge(
        self,
        dedup_key: str,
        verdict: Verdict,
        actor: str,
        now: dt.datetime,
        reason: str | None = None,
        suppress_until: dt.datetime | None = None,
    ) -> None:
        """Record a reviewer's judgement (who, when, why) against the case's current evidence."""
        case = self.get(dedup_key)
        if case is None:
            raise KeyError(dedup_key)
        with self.store.engine.begin() as conn:
            AuditLog(self.store).record(
                f"judgement.{verdict}",
                {"reason": reason, "suppress_until": suppress_until.isoformat() if suppress_until else None},
                dedup_key=dedup_key,
                actor=actor,
                conn=conn,
            )
            conn.execute(
                judgements.insert().values(
                    dedup_key=dedup_key,
                    verdict=verdict,
                    reason=reason,
                    suppress_until=suppress_until,
                    evidence_digest=case.evidence_digest,
                    actor=actor,
                    created_at=now,
                )
            )

    def suppressed(self, case: CaseView, now: dt.datetime) -> str | None:
        """Why the case is suppressed now, or None.

        A false positive suppresses while the evidence stays what the reviewer judged; a
        suppression with a date holds until then, whatever the evidence does.
        """
        with self.store.engine.connect() as conn:
            rows = conn.execute(
                select(judgements).where(judgements.c.dedup_key == case.dedup_key).order_by(judgements.c.id.desc())
            ).all()
        for row in rows:
            if row.verdict == "confirmed":
                return None
            until = row.suppress_until
            if until is not None and until.tzinfo is None:
                until = until.replace(tzinfo=dt.UTC)
            if row.verdict == "suppressed" and until is not None and until > now:
                return f"suppressed by {row.actor} until {until:%Y-%m-%d}: {row.reason or 'no reason given'}"
            if row.verdict == "false_positive" and row.evidence_digest == case.evidence_digest:
                return f"judged a false positive by {row.actor}: {row.reason or 'no reason given'}"
        return None

    # -- reading ------------------------------------------------------------------------------

    def get(self, dedup_key: str) -> CaseView | None:
        """One case with its active evidence, or None."""
        views = self._views([dedup_key])
        return views[0] if views else None

    def find(self, min_level: Level = Level.INFO, status: str | None = "open") -> list[CaseView]:
        """Cases at or above ``min_level``, highest score first."""
        levels = [lvl.value for lvl in Level if lvl >= min_level]
        query = select(cases.c.dedup_key).where(cases.c.level.in_(levels))
        if status:
            query = query.where(cases.c.status == status)
        with self.store.engine.connect() as conn:
            keys = list(conn.execute(query).scalars())
        return sorted(self._views(keys), key=lambda c: (-c.score, c.dedup_key))

    def _views(self, keys: Sequence[str]) -> list[CaseView]:
        from hiresentry.core.gate import load_holds  # the gate reads case views' types: import late

        views: list[CaseView] = []
        with self.store.engine.connect() as conn:
            for chunk in _chunks(list(keys)):
                rows = {r.dedup_key: r for r in conn.execute(select(cases).where(cases.c.dedup_key.in_(chunk)))}
                members: dict[str, list[RecordRef]] = {}
                for r in conn.execute(select(case_members).where(case_members.c.dedup_key.in_(chunk))):
                    members.setdefault(r.dedup_key, []).append(RecordRef(source=r.source, remote_id=r.remote_id))
                items: dict[str, list[Any]] = {}
                query = select(evidence).where(evidence.c.dedup_key.in_(chunk), evidence.c.active.is_(True))
                for r in conn.execute(query.order_by(evidence.c.weight.desc(), evidence.c.indicator)):
                    items.setdefault(r.dedup_key, []).append(r)
                linked: dict[str, list[str]] = {}
                query = select(cases.c.network_key, cases.c.dedup_key).where(cases.c.network_key.in_(chunk))
                for network_key, person_key in conn.execute(query.order_by(cases.c.dedup_key)):
                    linked.setdefault(network_key, []).append(person_key)
                verdicts: dict[str, JudgementView] = {}
                query = select(judgements).where(judgements.c.dedup_key.in_(chunk)).order_by(judgements.c.id)
                for r in conn.execute(query):  # the latest one wins
                    verdicts[r.dedup_key] = JudgementView(
                        verdict=r.verdict,
                        actor=r.actor,
                        reason=r.reason,
                        at=_aware(r.created_at),
                        evidence_digest=r.evidence_digest,
                    )
                holds: dict[str, list[HoldView]] = {}
                for hold in load_holds(conn, dedup_keys=chunk):
                    holds.setdefault(hold.dedup_key, []).append(hold)
                facts = self._member_facts(
                    conn, sorted({(m.source, m.remote_id) for ms in members.values() for m in ms})
                )
                for key in chunk:
                    if key in rows:
                        view = _view(rows[key], members.get(key, []), items.get(key, []), facts, linked.get(key, []))
                        views.append(
                            view.model_copy(update={"judgement": verdicts.get(key), "holds": holds.get(key, [])})
                        )
        return views

    @staticmethod
    def _member_facts(conn: Connection, refs: list[tuple[str, str]]) -> _MemberFacts:
        """Names, payees, engagement types and unpaid payments of member records."""
        facts = _MemberFacts({}, set(), {}, {})
        for sub in _chunks(refs):
            name_query = select(workers.c.source, workers.c.remote_id, workers.c.legal_name).where(
                tuple_(workers.c.source, workers.c.remote_id).in_(sub)
            )
            facts.names.update({(s, rid): n for s, rid, n in conn.execute(name_query)})
            for table in (payout_accounts, payments):
                payee_query = select(table.c.source, table.c.worker_remote_id).where(
                    tuple_(table.c.source, table.c.worker_remote_id).in_(sub), table.c.deleted.is_(False)
                )
                facts.paid.update((s, rid) for s, rid in conn.execute(payee_query))
            type_query = select(engagements.c.source, engagements.c.worker_remote_id, engagements.c.type).where(
                tuple_(engagements.c.source, engagements.c.worker_remote_id).in_(sub), engagements.c.deleted.is_(False)
            )
            for s, rid, kind in conn.execute(type_query):
                facts.engagement_types.setdefault((s, rid), set()).add(kind)
            due_query = select(
                payments.c.source,
                payments.c.worker_remote_id,
                payments.c.amount,
                payments.c.currency,
                payments.c.status,
            ).where(
                tuple_(payments.c.source, payments.c.worker_remote_id).in_(sub),
                payments.c.deleted.is_(False),
                payments.c.paid_at.is_(None),
            )
            for s, rid, amount, currency, status in conn.execute(due_query):
                if (status or "").strip().lower() in SETTLED_PAYMENT_STATUSES:
                    continue
                try:
                    value = Decimal(amount)
                except InvalidOperation:
                    continue
                due = facts.due.setdefault((s, rid), {})
                due[currency.upper()] = due.get(currency.upper(), Decimal(0)) + value
        return facts


SETTLED_PAYMENT_STATUSES = frozenset(
    {
        "paid",
        "completed",
        "complete",
        "transferred",
        "settled",
        "succeeded",
        "cancelled",
        "canceled",
        "failed",
        "rejected",
        "declined",
        "refunded",
        "reversed",
        "returned",
        "void",
        "voided",
    }
)
"""Payment statuses that mean no money is due any more (paid, or never going to be)."""


@dataclass(frozen=True)
class _MemberFacts:
    names: dict[tuple[str, str], str]
    paid: set[tuple[str, str]]
    engagement_types: dict[tuple[str, str], set[str]]
    due: dict[tuple[str, str], dict[str, Decimal]]


@functools.cache
def _maturities() -> dict[str, str]:
    """Indicator id → catalogue maturity (experimental | test | stable)."""
    from hiresentry.core.indicators.catalogue import load_specs  # catalogue loading is heavy: import late

    return {spec.id: spec.maturity for spec in load_specs()}


def _view(row: Any, members: list[RecordRef], items: list[Any], facts: _MemberFacts, linked: list[str]) -> CaseView:
    members = sorted(members, key=str)
    refs = [(m.source, m.remote_id) for m in members]
    due: dict[str, Decimal] = {}
    for ref in refs:
        for currency, amount in facts.due.get(ref, {}).items():
            due[currency] = due.get(currency, Decimal(0)) + amount
    maturity = _maturities()
    return CaseView(
        dedup_key=row.dedup_key,
        kind=row.kind,
        network_key=row.network_key,
        linked_cases=linked,
        status=row.status,
        level=Level(row.level),
        previous_level=Level(row.previous_level) if row.previous_level else None,
        score=row.score,
        summary=row.summary,
        workers=members,
        payees=[m for m, ref in zip(members, refs, strict=True) if ref in facts.paid],
        display_names=sorted({facts.names[ref] for ref in refs if ref in facts.names}),
        evidence=[
            EvidenceView(
                indicator=e.indicator,
                title=e.title,
                severity=e.severity,
                weight=e.weight,
                explanation=e.explanation,
                records=[RecordRef(source=r.partition("/")[0], remote_id=r.partition("/")[2]) for r in e.records],
                keys=list(e.keys),
                maturity=maturity.get(e.indicator),
            )
            for e in items
        ],
        terms=[ScoreTerm.model_validate(t) for t in row.terms],
        evidence_digest=row.evidence_digest,
        created_at=_aware(row.created_at),
        updated_at=_aware(row.updated_at),
        engagement_types=sorted({t for ref in refs for t in facts.engagement_types.get(ref, ())}),
        amounts_due=dict(sorted(due.items())),
    )


def _aware(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)
