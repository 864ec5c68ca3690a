"""Reviewer suppressions: "do not count indicator X for worker Y until D", with who, when and why.

A reviewer who has checked a signal (the worker really is travelling; the shared account is a
married couple's) must be able to stop it from re-raising the case, but only for that indicator,
that worker and a bounded time: once the date passes, the signal counts again. Revoking is
recorded, never deleted, and every change goes to the audit log.

Applying suppressions is set-based: the active ones are joined to the evidence frame on
(person, indicator) — a suppression names a worker *record*, and applies to the person that
record resolves to.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import polars as pl
from sqlalchemy import select, update

from hiresentry.core.store import Store
from hiresentry.core.store.audit import AuditLog
from hiresentry.core.store.schema import suppressions


@dataclass(frozen=True)
class Suppression:
    """One stored suppression."""

    id: int
    indicator: str
    source: str
    worker_remote_id: str
    until: dt.datetime
    reason: str
    actor: str
    created_at: dt.datetime
    revoked_at: dt.datetime | None

    def active(self, now: dt.datetime) -> bool:
        """In force at ``now``: not revoked and not expired."""
        return self.revoked_at is None and self.until > now


def _aware(value: dt.datetime | None) -> dt.datetime | None:
    if value is None:
        return None
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


class SuppressionRepository:
    """Add, revoke, list and apply suppressions."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.audit = AuditLog(store)

    def add(
        self,
        indicator: str,
        source: str,
        worker_remote_id: str,
        until: dt.datetime,
        reason: str,
        actor: str,
        now: dt.datetime,
    ) -> int:
        """Store a suppression (``until`` must be in the future) and audit it; returns its id."""
        if until <= now:
            raise ValueError(f"a suppression must end in the future (until {until:%Y-%m-%d} is not after now)")
        if not reason.strip():
            raise ValueError("a suppression needs a reason")
        with self.store.engine.begin() as conn:
            result = conn.execute(
                suppressions.insert().values(
                    indicator=indicator,
                    source=source,
                    worker_remote_id=worker_remote_id,
                    until=until,
                    reason=reason,
                    actor=actor,
                    created_at=now,
                )
            )
            new_id = int(result.inserted_primary_key[0])  # type: ignore[index]
            self.audit.record(
                "suppression.added",
                {"id": new_id, "indicator": indicator, "worker": f"{source}/{worker_remote_id}",
                 "until": until.isoformat(), "reason": reason},
                actor=actor, conn=conn,
            )  # fmt: skip
        return new_id

    def revoke(self, suppression_id: int, actor: str, now: dt.datetime) -> None:
        """End a suppression early (kept, marked revoked) and audit it."""
        with self.store.engine.begin() as conn:
            changed = conn.execute(
                update(suppressions)
                .where(suppressions.c.id == suppression_id, suppressions.c.revoked_at.is_(None))
                .values(revoked_at=now, revoked_by=actor)
            ).rowcount
            if not changed:
                raise KeyError(f"no active suppression with id {suppression_id}")
            self.audit.record("suppression.revoked", {"id": suppression_id}, actor=actor, conn=conn)

    def all(self) -> list[Suppression]:
        """Every suppression ever made, newest first."""
        with self.store.engine.connect() as conn:
            rows = conn.execute(select(suppressions).order_by(suppressions.c.id.desc())).all()
        return [
            Suppression(
                id=r.id, indicator=r.indicator, source=r.source, worker_remote_id=r.worker_remote_id,
                until=_aware(r.until) or r.until, reason=r.reason, actor=r.actor,
                created_at=_aware(r.created_at) or r.created_at, revoked_at=_aware(r.revoked_at),
            )
            for r in rows
        ]  # fmt: skip

    def active(self, now: dt.datetime) -> list[Suppression]:
        """Suppressions in force at ``now``."""
        return [s for s in self.all() if s.active(now)]


def apply_suppressions(evidence: pl.DataFrame, workers: pl.DataFrame, active: list[Suppression]) -> pl.DataFrame:
    """Evidence without the (person, indicator) pairs an active suppression covers.

    ``workers`` must carry ``source``, ``remote_id`` and ``pid`` (the resolved population).
    """
    if not active or evidence.is_empty():
        return evidence
    wanted = pl.DataFrame(
        {
            "source": [s.source for s in active],
            "remote_id": [s.worker_remote_id for s in active],
            "indicator": [s.indicator for s in active],
        }
    )
    covered = wanted.join(workers.select("source", "remote_id", "pid"), on=["source", "remote_id"]).select(
        "pid", "indicator"
    )
    return evidence.join(covered.unique(), on=["pid", "indicator"], how="anti")
