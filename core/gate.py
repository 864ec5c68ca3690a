"""hiresentry's own payout gate: the hold of last resort, consulted by payroll.

Most payroll/EOR vendors offer no API to stop a payout (connectors.md §6). For them a hold is a
closed gate here (payroll asks ``GET /v1/payout-gate/{worker}`` before paying) plus a human task.
Closing is idempotent per (case, worker record); a hold expires unless renewed.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select, update
from sqlalchemy.dialects import postgresql, sqlite

from hiresentry.core.capabilities import GateState
from hiresentry.core.cases.view import RecordRef
from hiresentry.core.store import Store
from hiresentry.core.store.schema import payout_holds


class PayoutGate:
    """Close, inspect and release holds in the store."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def close(
        self,
        worker: RecordRef,
        dedup_key: str,
        reason: str,
        now: dt.datetime,
        expires_at: dt.datetime | None,
        vendor_ref: str | None = None,
    ) -> bool:
        """Hold payouts to ``worker`` for case ``dedup_key``; False if that hold already existed."""
        dialect = postgresql if self.store.engine.dialect.name == "postgresql" else sqlite
        stmt = (
            dialect.insert(payout_holds)
            .values(
                dedup_key=dedup_key,
                source=worker.source,
                worker_remote_id=worker.remote_id,
                status="held",
                vendor_ref=vendor_ref,
                reason=reason,
                created_at=now,
                expires_at=expires_at,
            )
            .on_conflict_do_nothing(index_elements=["dedup_key", "source", "worker_remote_id"])
        )
        with self.store.engine.begin() as conn:
            return bool(conn.execute(stmt).rowcount)

    def state(self, worker: RecordRef, now: dt.datetime) -> GateState:
        """Whether payouts to ``worker`` are held right now (expired holds do not count)."""
        query = select(payout_holds).where(
            payout_holds.c.source == worker.source,
            payout_holds.c.worker_remote_id == worker.remote_id,
            payout_holds.c.status == "held",
        )
        with self.store.engine.connect() as conn:
            for row in conn.execute(query):
                expires = row.expires_at
                if expires is not None and expires.tzinfo is None:
                    expires = expires.replace(tzinfo=dt.UTC)
                if expires is None or expires > now:
                    return GateState(worker, True, row.dedup_key, expires)
        return GateState(worker, False, None, None)

    def release(self, worker: RecordRef, dedup_key: str) -> None:
        """Open the gate for ``worker`` held under ``dedup_key``."""
        with self.store.engine.begin() as conn:
            conn.execute(
                update(payout_holds)
                .where(
                    payout_holds.c.dedup_key == dedup_key,
                    payout_holds.c.source == worker.source,
                    payout_holds.c.worker_remote_id == worker.remote_id,
                )
                .values(status="released")
            )
