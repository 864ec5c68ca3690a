"""The outbox: action intents keyed by (case dedup key, action id), claimed, executed, remembered.

The engine first *plans* (writes intents) and then *executes* due intents. A row remembers the
result of the last successful execution (ticket key, message ts, hold ids) and the case's evidence
digest and level at that time, which is how a re-run knows whether there is anything new to do and
how the action finds what it made before.

Concurrency (threads, processes, hosts) is handled in the database, not in memory:

- every write to a row is a compare-and-swap on its ``revision``, so a plan made from a stale read
  is dropped instead of resetting a row another engine just settled;
- executing needs a *lease* on (case, action kind) in ``outbox_leases``, taken with one atomic
  upsert that succeeds only when nobody holds a live lease. One executor at a time per case and
  action kind means one ticket, one thread, one hold, even when two playbooks share the action. A
  lease left by a killed process expires (``lease``) and the next engine reclaims the row;
- settling is conditional on still holding the lease, so a late, presumed-dead executor cannot
  overwrite the work of the one that took over.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, delete, exists, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite

from hiresentry.core.store import Store
from hiresentry.core.store.schema import outbox, outbox_leases

DUE = ("pending", "running")
SETTLED = ("done", "monitored")


def _utc(value: dt.datetime | None) -> dt.datetime | None:
    if value is None:
        return None
    return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


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
    revision: int = 0
    event_cursor: int | None = None
    not_before: dt.datetime | None = None
    done_at: dt.datetime | None = None

    @property
    def event(self) -> dict[str, Any] | None:
        """The event this intent reacts to, if an event trigger planned it."""
        event = self.intent.get("event")
        return dict(event) if isinstance(event, dict) else None


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
        revision=row.revision,
        event_cursor=row.event_cursor,
        not_before=_utc(row.not_before),
        done_at=_utc(row.done_at),
    )


class Outbox:
    """Plan, claim, settle and read outbox rows."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def _insert(self) -> Any:
        return (postgresql if self.store.engine.dialect.name == "postgresql" else sqlite).insert

    # -- reading ---------------------------------------------------------------------------------

    def get(self, dedup_key: str, action_id: str) -> OutboxItem | None:
        """The row of one (case, action), if any."""
        query = select(outbox).where(outbox.c.dedup_key == dedup_key, outbox.c.action_id == action_id)
        with self.store.engine.connect() as conn:
            row = conn.execute(query).one_or_none()
        return _item(row) if row else None

    def rows(self, dedup_keys: Sequence[str]) -> dict[tuple[str, str], OutboxItem]:
        """Every row of these cases, by (dedup key, action id)."""
        found: dict[tuple[str, str], OutboxItem] = {}
        with self.store.engine.connect() as conn:
            for start in range(0, len(dedup_keys), 400):
                chunk = list(dedup_keys[start : start + 400])
                for row in conn.execute(select(outbox).where(outbox.c.dedup_key.in_(chunk))):
                    found[(row.dedup_key, row.action_id)] = _item(row)
        return found

    def all(self) -> list[OutboxItem]:
        """Every row (for reports and tests)."""
        with self.store.engine.connect() as conn:
            return [_item(r) for r in conn.execute(select(outbox).order_by(outbox.c.id))]

    def due(self, now: dt.datetime, dedup_key: str | None = None) -> list[OutboxItem]:
        """Rows to execute now (pending, or running under a lease that may have expired), oldest first."""
        query = (
            select(outbox)
            .where(outbox.c.status.in_(DUE), or_(outbox.c.not_before.is_(None), outbox.c.not_before <= _utc(now)))
            .order_by(outbox.c.id)
        )
        if dedup_key is not None:
            query = query.where(outbox.c.dedup_key == dedup_key)
        with self.store.engine.connect() as conn:
            return [_item(r) for r in conn.execute(query)]

    def shared(self, dedup_key: str, action: str, mode: str) -> OutboxItem | None:
        """The latest settled row of the same action kind for this case, from any playbook.

        The ticket, thread and holds of a case are shared by all playbooks: a playbook whose own
        row has no result yet starts from what another one already made.
        """
        query = (
            select(outbox)
            .where(
                outbox.c.dedup_key == dedup_key,
                outbox.c.action == action,
                outbox.c.mode == mode,
                outbox.c.result.is_not(None),
            )
            .order_by(outbox.c.done_at.desc(), outbox.c.id.desc())
            .limit(1)
        )
        with self.store.engine.connect() as conn:
            row = conn.execute(query).one_or_none()
        return _item(row) if row else None

    # -- writing ---------------------------------------------------------------------------------

    def plan(
        self,
        seen: OutboxItem | None,
        dedup_key: str,
        action_id: str,
        playbook_id: str,
        action: str,
        mode: str,
        intent: Mapping[str, Any],
        now: dt.datetime,
        not_before: dt.datetime | None = None,
    ) -> bool:
        """Make (dedup_key, action_id) due with this intent; False if another engine got there first.

        ``seen`` is the row as the caller read it when deciding: the update applies only if the
        row is still that revision. A mode change forgets what was only previewed (digest, level,
        event cursor), so it is done for real; a row already pending keeps its attempt count.
        """
        now = _utc(now) or now
        if seen is None:
            stmt = (
                self._insert()(outbox)
                .values(
                    dedup_key=dedup_key,
                    action_id=action_id,
                    playbook_id=playbook_id,
                    action=action,
                    status="pending",
                    mode=mode,
                    intent=dict(intent),
                    intent_digest=_digest(intent),
                    attempts=0,
                    revision=1,
                    not_before=_utc(not_before),
                    created_at=now,
                    updated_at=now,
                )
                .on_conflict_do_nothing(index_elements=["dedup_key", "action_id"])
            )
            with self.store.engine.begin() as conn:
                return bool(conn.execute(stmt).rowcount)
        values: dict[str, Any] = {
            "status": "pending",
            "mode": mode,
            "playbook_id": playbook_id,
            "intent": dict(intent),
            "intent_digest": _digest(intent),
            "attempts": seen.attempts if seen.status == "pending" else 0,
            "last_error": seen.last_error if seen.status == "pending" else None,
            "revision": seen.revision + 1,
            "not_before": _later(_utc(not_before), seen.not_before if seen.status == "pending" else None),
            "updated_at": now,
        }
        if seen.mode != mode:
            values.update(done_digest=None, done_level=None, event_cursor=None)
        stmt = update(outbox).where(outbox.c.id == seen.id, outbox.c.revision == seen.revision).values(**values)
        with self.store.engine.begin() as conn:
            return bool(conn.execute(stmt).rowcount)

    def claim(self, item: OutboxItem, owner: str, now: dt.datetime, lease: dt.timedelta) -> OutboxItem | None:
        """Take the (case, action kind) lease and mark the row running; None if someone else has it."""
        now = _utc(now) or now
        stmt = self._insert()(outbox_leases).values(
            dedup_key=item.dedup_key, action=item.action, owner=owner, lease_until=now + lease
        )
        stmt = stmt.on_conflict_do_update(
            index_elements=["dedup_key", "action"],
            set_={"owner": stmt.excluded.owner, "lease_until": stmt.excluded.lease_until},
            where=or_(outbox_leases.c.lease_until < now, outbox_leases.c.owner == owner),
        )
        with self.store.engine.begin() as conn:
            if conn.execute(stmt).rowcount != 1:
                return None
            moved = conn.execute(
                update(outbox)
                .where(
                    outbox.c.id == item.id,
                    outbox.c.status.in_(DUE),
                    or_(outbox.c.not_before.is_(None), outbox.c.not_before <= now),
                )
                .values(status="running", revision=outbox.c.revision + 1, updated_at=now)
            ).rowcount
            if not moved:
                conn.execute(self._lease_of(item, owner))
                return None
            return _item(conn.execute(select(outbox).where(outbox.c.id == item.id)).one())

    def settle(
        self,
        item: OutboxItem,
        owner: str,
        status: str,
        now: dt.datetime,
        result: Mapping[str, Any] | None = None,
        digest: str | None = None,
        level: str | None = None,
        error: str | None = None,
        event_cursor: int | None = None,
        not_before: dt.datetime | None = None,
    ) -> bool:
        """Record the outcome of one execution and release the lease; False if the lease was lost."""
        now = _utc(now) or now
        values: dict[str, Any] = {
            "status": status,
            "updated_at": now,
            "attempts": item.attempts + 1,
            "last_error": error,
            "revision": outbox.c.revision + 1,
            "not_before": _utc(not_before),
        }
        if result is not None:
            values["result"] = dict(result)
        if digest is not None:
            values.update(done_digest=digest, done_level=level, done_at=now)
        if event_cursor is not None:
            values["event_cursor"] = event_cursor
        held = exists().where(
            and_(
                outbox_leases.c.dedup_key == item.dedup_key,
                outbox_leases.c.action == item.action,
                outbox_leases.c.owner == owner,
            )
        )
        with self.store.engine.begin() as conn:
            moved = conn.execute(
                update(outbox).where(outbox.c.id == item.id, outbox.c.status == "running", held).values(**values)
            ).rowcount
            conn.execute(self._lease_of(item, owner))
        return bool(moved)

    @staticmethod
    def _lease_of(item: OutboxItem, owner: str) -> Any:
        return delete(outbox_leases).where(
            outbox_leases.c.dedup_key == item.dedup_key,
            outbox_leases.c.action == item.action,
            outbox_leases.c.owner == owner,
        )


def _later(a: dt.datetime | None, b: dt.datetime | None) -> dt.datetime | None:
    return max((v for v in (a, b) if v is not None), default=None)


def _digest(intent: Mapping[str, Any]) -> str:
    return hashlib.sha256(json.dumps(dict(intent), sort_keys=True, default=str).encode()).hexdigest()[:16]
