"""The outbox: action intents keyed by (case dedup key, action id), executed and remembered.

The engine first *plans* (writes intents) and then *executes* due intents. A row remembers the
result of the last successful execution (ticket key, message ts, hold id) and the case's evidence
digest and level at that time, which is how a re-run knows whether there is anything new to do and
how the action finds what it made before. The unique key makes a duplicate intent impossible even
if two runs race.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import case, select, update
from sqlalchemy.dialects import postgresql, sqlite

from hiresentry.core.store import Store
from hiresentry.core.store.schema import outbox

DUE = ("pending",)


@dataclass(frozen=True)
class OutboxItem:
    """One row of the outbox."""

    id: int
    dedup_key: str
    action_id: str
    playbook_id: str
    action: str
    status: str
    mode: str
    intent: dict[str, Any]
    result: dict[str, Any] | None
    done_digest: str | None
    done_level: str | None
    attempts: int
    last_error: str | None


def _item(row: Any) -> OutboxItem:
    return OutboxItem(
        id=row.id,
        dedup_key=row.dedup_key,
        action_id=row.action_id,
        playbook_id=row.playbook_id,
        action=row.action,
        status=row.status,
        mode=row.mode,
        intent=dict(row.intent),
        result=dict(row.result) if row.result is not None else None,
        done_digest=row.done_digest,
        done_level=row.done_level,
        attempts=row.attempts,
        last_error=row.last_error,
    )


def needs_run(item: OutboxItem | None, mode: str, digest: str, level: str, on: Sequence[str]) -> bool:
    """Whether an action must (re)run for the case's current digest and level."""
    if item is None or item.done_digest is None:
        return True
    if item.mode != mode:
        return True  # e.g. monitor → active: now do for real what was only previewed
    if "case.updated" in on and item.done_digest != digest:
        return True
    return "case.level_changed" in on and item.done_level != level


class Outbox:
    """Plan, fetch and settle outbox rows."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def get(self, dedup_key: str, action_id: str) -> OutboxItem | None:
        """The row of one (case, action), if any."""
        query = select(outbox).where(outbox.c.dedup_key == dedup_key, outbox.c.action_id == action_id)
        with self.store.engine.connect() as conn:
            row = conn.execute(query).one_or_none()
        return _item(row) if row else None

    def plan(
        self,
        dedup_key: str,
        action_id: str,
        playbook_id: str,
        action: str,
        mode: str,
        params: Mapping[str, Any],
        now: dt.datetime,
    ) -> OutboxItem:
        """Make (dedup_key, action_id) due with these parameters; keeps the remembered result."""
        intent = {"params": dict(params)}
        digest = hashlib.sha256(json.dumps(intent, sort_keys=True, default=str).encode()).hexdigest()[:16]
        dialect = postgresql if self.store.engine.dialect.name == "postgresql" else sqlite
        stmt = dialect.insert(outbox).values(
            dedup_key=dedup_key,
            action_id=action_id,
            playbook_id=playbook_id,
            action=action,
            status="pending",
            mode=mode,
            intent=intent,
            intent_digest=digest,
            attempts=0,
            created_at=now,
            updated_at=now,
        )
        stmt = stmt.on_conflict_do_update(
            index_elements=["dedup_key", "action_id"],
            set_={
                "status": "pending",
                "mode": stmt.excluded.mode,
                "intent": stmt.excluded.intent,
                "intent_digest": stmt.excluded.intent_digest,
                "attempts": 0,
                "last_error": None,
                "updated_at": now,
                # what was only previewed in monitor mode was never done: forget it on a mode change
                "done_digest": case((outbox.c.mode != stmt.excluded.mode, None), else_=outbox.c.done_digest),
                "done_level": case((outbox.c.mode != stmt.excluded.mode, None), else_=outbox.c.done_level),
            },
        )
        with self.store.engine.begin() as conn:
            conn.execute(stmt)
        item = self.get(dedup_key, action_id)
        assert item is not None
        return item

    def due(self, dedup_key: str | None = None) -> list[OutboxItem]:
        """Pending rows in creation order."""
        query = select(outbox).where(outbox.c.status.in_(DUE)).order_by(outbox.c.id)
        if dedup_key is not None:
            query = query.where(outbox.c.dedup_key == dedup_key)
        with self.store.engine.connect() as conn:
            return [_item(r) for r in conn.execute(query)]

    def settle(
        self,
        item: OutboxItem,
        status: str,
        now: dt.datetime,
        result: Mapping[str, Any] | None = None,
        digest: str | None = None,
        level: str | None = None,
        error: str | None = None,
    ) -> None:
        """Record the outcome of one execution attempt."""
        values: dict[str, Any] = {
            "status": status,
            "updated_at": now,
            "attempts": item.attempts + 1,
            "last_error": error,
        }
        if result is not None:
            values["result"] = dict(result)
        if digest is not None:
            values["done_digest"] = digest
            values["done_level"] = level
        with self.store.engine.begin() as conn:
            conn.execute(update(outbox).where(outbox.c.id == item.id).values(**values))

    def all(self) -> list[OutboxItem]:
        """Every row (for reports and tests)."""
        with self.store.engine.connect() as conn:
            return [_item(r) for r in conn.execute(select(outbox).order_by(outbox.c.id))]
