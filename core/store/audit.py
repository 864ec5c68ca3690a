"""The audit log: every decision and every attempt, append-only.

Investigators and auditors must be able to answer "why did hiresentry hold this payout, who
approved it, and what did it try?" from this table alone. Details are JSON and must not contain
secrets or raw identifiers (callers pass masked values only).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from sqlalchemy import Connection, select

from hiresentry.core.store.schema import audit_log
from hiresentry.core.store.store import Store


class AuditLog:
    """Append and read audit entries."""

    def __init__(self, store: Store, actor: str = "hiresentry") -> None:
        self.store = store
        self.actor = actor

    def record(
        self,
        event: str,
        detail: Mapping[str, Any] | None = None,
        dedup_key: str | None = None,
        action_id: str | None = None,
        actor: str | None = None,
        conn: Connection | None = None,
    ) -> None:
        """Append one entry (inside ``conn``'s transaction when given)."""
        values = {
            "at": dt.datetime.now(dt.UTC),
            "actor": actor or self.actor,
            "event": event,
            "dedup_key": dedup_key,
            "action_id": action_id,
            "detail": dict(detail or {}),
        }
        if conn is not None:
            conn.execute(audit_log.insert().values(**values))
            return
        with self.store.engine.begin() as own:
            own.execute(audit_log.insert().values(**values))

    def entries(self, dedup_key: str | None = None, event: str | None = None) -> list[dict[str, Any]]:
        """Entries in order, optionally of one case and/or one event type."""
        query = select(audit_log).order_by(audit_log.c.id)
        if dedup_key is not None:
            query = query.where(audit_log.c.dedup_key == dedup_key)
        if event is not None:
            query = query.where(audit_log.c.event == event)
        with self.store.engine.connect() as conn:
            return [dict(row._mapping) for row in conn.execute(query)]
