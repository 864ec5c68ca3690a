"""Replay protection for webhooks: remember accepted event ids, refuse them the second time.

Deliveries are at-least-once, and a captured delivery can be re-sent by anyone who saw it. A
signature proves *who* sent a body, not that it is new; so after the signature and time checks,
:class:`WebhookGate` records the event id and refuses an id it has already accepted.

- Ids are remembered per connector instance (two Deel organizations may reuse an id).
- ``first_time`` is atomic: the store-backed version relies on the primary key of
  ``webhook_events_seen``, so two workers receiving the same delivery concurrently accept it once.
- Ids are forgotten after ``retention`` (default 7 days), which must exceed every verifier's time
  window (±5 min signed, 24 h body time): a replay is then either still remembered or already stale.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from typing import Protocol

from sqlalchemy import Engine, delete, insert
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from hiresentry.connectors.base.webhooks import VerifiedDelivery, WebhookRequest, WebhookVerifier
from hiresentry.core.errors import StoreError, WebhookRejectedError
from hiresentry.core.store import schema

RETENTION = dt.timedelta(days=7)


class SeenEvents(Protocol):
    """Event ids already accepted, per connector instance."""

    def first_time(self, connector: str, event_id: str, now: dt.datetime) -> bool:
        """Record ``event_id``; True if it was not known yet (atomic)."""
        ...

    def forget_before(self, cutoff: dt.datetime) -> int:
        """Drop ids received before ``cutoff``; returns how many."""
        ...


class MemorySeenEvents:
    """Seen ids in memory (tests, one process)."""

    def __init__(self) -> None:
        self._seen: dict[tuple[str, str], dt.datetime] = {}
        self._lock = threading.Lock()

    def first_time(self, connector: str, event_id: str, now: dt.datetime) -> bool:
        with self._lock:
            if (connector, event_id) in self._seen:
                return False
            self._seen[(connector, event_id)] = now
            return True

    def forget_before(self, cutoff: dt.datetime) -> int:
        with self._lock:
            old = [key for key, at in self._seen.items() if at < cutoff]
            for key in old:
                del self._seen[key]
            return len(old)


class SqlSeenEvents:
    """Seen ids in the hiresentry database (table ``webhook_events_seen``)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.table = schema.webhook_events_seen

    def first_time(self, connector: str, event_id: str, now: dt.datetime) -> bool:
        if len(event_id) > 256:
            raise WebhookRejectedError(connector, "bad_body", "event id longer than 256 characters")
        try:
            with self.engine.begin() as conn:
                conn.execute(insert(self.table).values(connector=connector, event_id=event_id, received_at=now))
        except IntegrityError:
            return False
        except SQLAlchemyError as exc:
            raise StoreError(f"cannot record webhook event of {connector!r}: {type(exc).__name__}") from exc
        return True

    def forget_before(self, cutoff: dt.datetime) -> int:
        with self.engine.begin() as conn:
            return conn.execute(delete(self.table).where(self.table.c.received_at < cutoff)).rowcount


class WebhookGate:
    """Verifier + seen ids for one connector instance: what the ``/webhooks/{connector}`` route calls."""

    def __init__(
        self,
        connector: str,
        verifier: WebhookVerifier,
        seen: SeenEvents,
        *,
        now: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC),
        retention: dt.timedelta = RETENTION,
    ) -> None:
        longest = max(verifier.window, verifier.body_window)
        if retention <= longest:
            raise ValueError(f"retention {retention} must exceed the verifier's time window {longest}")
        self.connector = connector
        self.verifier = verifier
        self.verifier.connector = connector
        self.seen = seen
        self._now = now
        self.retention = retention

    def accept(self, request: WebhookRequest) -> VerifiedDelivery:
        """The verified delivery, or :class:`WebhookRejectedError` (bad signature, stale, replayed)."""
        now = self._now()
        delivery = self.verifier.verify(request, now)
        if not self.seen.first_time(self.connector, delivery.event_id, now):
            raise WebhookRejectedError(
                self.connector, "replayed", f"event {delivery.event_id[:80]} was already accepted"
            )
        return delivery

    def prune(self) -> int:
        """Forget ids older than the retention period."""
        return self.seen.forget_before(self._now() - self.retention)
