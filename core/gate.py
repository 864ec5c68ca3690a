"""hiresentry's payout gate and the hold state machine behind it.

Most payroll/EOR vendors offer no API to stop a payout (connectors.md §6). For them a hold is a
closed gate here (payroll asks ``GET /v1/payout-gate/{worker}`` before paying) plus a human task;
where the vendor can stop the money, the hold also records the vendor's reference. Either way the
hold lives in the store and moves through one state machine::

    pending ──vendor confirms──▶ held ──1st approver──▶ release_requested ──2nd approver──▶ releasing ──▶ released
       │                          │  ▲                        │                              (vendor release,
       │ (gate-only holds start   │  └──────── renew ─────────┤                               retried until done)
       │  as held)                └──── expires_at passes ────┴──▶ expired ── renew ──▶ held

- *pending*: hiresentry asked the vendor and has no confirmation yet (the call failed or is in
  flight). The gate answers **held** (never pay while unsure), but reports say *pending*, never
  *held*: nobody may believe the money is stopped at the vendor when it is not.
- A release needs ``release_approvals`` distinct approvers from the allow-list; the same person
  twice is refused. A renewal starts a new ``round`` and voids the approvals of the last one.
- A hold expires at ``expires_at`` unless renewed. Expiry opens the gate (a forgotten hold must not
  stop pay for ever without anyone looking) and raises ``hold.expired``, which the playbooks turn
  into a re-escalation; ``hold.expiring`` is raised once per expiry time, ``warn_before`` ahead.

Every transition is a compare-and-swap on the row's status, written in the same transaction as
its audit-log entry, so concurrent engines and approvers never double a transition or an event.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence
from typing import Any

from sqlalchemy import Connection, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError

from hiresentry.core.capabilities import GateState
from hiresentry.core.cases.view import HOLD_GATE_CLOSED, HoldApproval, HoldView, RecordRef
from hiresentry.core.errors import ApprovalRefusedError
from hiresentry.core.store import Store
from hiresentry.core.store.audit import AuditLog
from hiresentry.core.store.schema import hold_approvals, payout_holds

EXPIRING = ("held", "release_requested")
"""States a hold can expire from (a pending hold never expires: the vendor has not confirmed)."""
RELEASABLE = ("pending", "held", "release_requested", "expired")
RENEWABLE = ("held", "release_requested", "expired")


def utc(value: dt.datetime | None) -> dt.datetime | None:
    """Aware UTC (SQLite hands back naive datetimes; they were written as UTC)."""
    if value is None:
        return None
    return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


def _now(value: dt.datetime) -> dt.datetime:
    aware = utc(value)
    assert aware is not None
    return aware


def load_holds(conn: Connection, dedup_keys: Sequence[str] = (), ids: Sequence[int] = ()) -> list[HoldView]:
    """Holds of some cases (or with some ids), with this round's approvals; by id."""
    query = select(payout_holds).order_by(payout_holds.c.id)
    if dedup_keys:
        query = query.where(payout_holds.c.dedup_key.in_(list(dedup_keys)))
    if ids:
        query = query.where(payout_holds.c.id.in_(list(ids)))
    rows = list(conn.execute(query))
    return _with_approvals(conn, rows)


def _with_approvals(conn: Connection, rows: Sequence[Any]) -> list[HoldView]:
    approvals: dict[tuple[int, int], list[HoldApproval]] = {}
    hold_ids = [r.id for r in rows]
    for start in range(0, len(hold_ids), 400):
        query = (
            select(hold_approvals)
            .where(hold_approvals.c.hold_id.in_(hold_ids[start : start + 400]), hold_approvals.c.decision == "release")
            .order_by(hold_approvals.c.id)
        )
        for a in conn.execute(query):
            at = _now(a.created_at)
            approvals.setdefault((a.hold_id, a.round), []).append(HoldApproval(actor=a.actor, channel=a.channel, at=at))
    return [_view(r, approvals.get((r.id, r.round), [])) for r in rows]


def _view(row: Any, approvals: list[HoldApproval]) -> HoldView:
    return HoldView(
        id=row.id,
        dedup_key=row.dedup_key,
        worker=RecordRef(source=row.source, remote_id=row.worker_remote_id),
        status=row.status,
        via=row.via,
        vendor_ref=row.vendor_ref,
        reason=row.reason,
        created_at=_now(row.created_at),
        updated_at=utc(row.updated_at),
        expires_at=utc(row.expires_at),
        release_approvals=row.release_approvals,
        round=row.round,
        approvals=approvals,
        attempts=row.attempts,
        last_error=row.last_error,
        task=row.task,
    )


class PayoutGate:
    """Open, confirm, approve, release, renew and expire holds in the store; answer the gate."""

    def __init__(self, store: Store, actor: str = "hiresentry") -> None:
        self.store = store
        self.audit = AuditLog(store, actor)

    # -- reading ---------------------------------------------------------------------------------

    def get(self, hold_id: int) -> HoldView | None:
        """One hold, or None."""
        with self.store.engine.connect() as conn:
            found = load_holds(conn, ids=[hold_id])
        return found[0] if found else None

    def holds(self, dedup_key: str | None = None, statuses: Collection[str] | None = None) -> list[HoldView]:
        """Holds of one case (or all), optionally only in some states."""
        query = select(payout_holds).order_by(payout_holds.c.id)
        if dedup_key is not None:
            query = query.where(payout_holds.c.dedup_key == dedup_key)
        if statuses is not None:
            query = query.where(payout_holds.c.status.in_(list(statuses)))
        with self.store.engine.connect() as conn:
            return _with_approvals(conn, list(conn.execute(query)))

    def state(self, worker: RecordRef, now: dt.datetime) -> GateState:
        """Whether payroll must hold payouts to ``worker`` right now.

        Pending, held and release-requested holds close the gate; held ones stop doing so once
        their expiry passes, even before the sweep has marked them expired.
        """
        now = _now(now)
        query = select(payout_holds).where(
            payout_holds.c.source == worker.source,
            payout_holds.c.worker_remote_id == worker.remote_id,
            payout_holds.c.status.in_(sorted(HOLD_GATE_CLOSED)),
        )
        with self.store.engine.connect() as conn:
            for row in conn.execute(query.order_by(payout_holds.c.id)):
                expires = utc(row.expires_at)
                if row.status == "pending" or expires is None or expires > now:
                    return GateState(worker, True, row.dedup_key, expires)
        return GateState(worker, False, None, None)

    # -- placing a hold --------------------------------------------------------------------------

    def open(
        self,
        worker: RecordRef,
        dedup_key: str,
        reason: str,
        now: dt.datetime,
        expires_at: dt.datetime | None,
        *,
        via: str,
        release_approvals: int = 2,
        task: str | None = None,
    ) -> tuple[HoldView, bool]:
        """The hold of ``worker`` for case ``dedup_key``, made now if there is none (then True).

        A vendor hold starts *pending* until :meth:`confirm`; a gate-only hold is *held* at once,
        since the gate is ours.
        """
        now = _now(now)
        dialect = postgresql if self.store.engine.dialect.name == "postgresql" else sqlite
        stmt = (
            dialect.insert(payout_holds)
            .values(
                dedup_key=dedup_key,
                source=worker.source,
                worker_remote_id=worker.remote_id,
                status="pending" if via == "vendor" else "held",
                via=via,
                reason=reason,
                created_at=now,
                updated_at=now,
                expires_at=utc(expires_at),
                release_approvals=release_approvals,
                task=task,
            )
            .on_conflict_do_nothing(index_elements=["dedup_key", "source", "worker_remote_id"])
        )
        with self.store.engine.begin() as conn:
            created = bool(conn.execute(stmt).rowcount)
            row = conn.execute(
                select(payout_holds).where(
                    payout_holds.c.dedup_key == dedup_key,
                    payout_holds.c.source == worker.source,
                    payout_holds.c.worker_remote_id == worker.remote_id,
                )
            ).one()
            if created:
                detail = {"hold_id": row.id, "worker": str(worker), "via": via, "status": row.status}
                self.audit.record("hold.opened", detail, dedup_key=dedup_key, conn=conn)
            (view,) = _with_approvals(conn, [row])
        return view, created

    def close(
        self,
        worker: RecordRef,
        dedup_key: str,
        reason: str,
        now: dt.datetime,
        expires_at: dt.datetime | None,
        vendor_ref: str | None = None,
    ) -> bool:
        """Hold payouts to ``worker`` (already held at the vendor if ``vendor_ref``); False if it existed."""
        hold, created = self.open(worker, dedup_key, reason, now, expires_at, via="vendor" if vendor_ref else "gate")
        if vendor_ref and hold.status == "pending":
            self.confirm(hold.id, vendor_ref, now)
        return created

    def confirm(
        self,
        hold_id: int,
        vendor_ref: str,
        now: dt.datetime,
        note: str | None = None,
        gate_task: str | None = None,
    ) -> HoldView:
        """The vendor confirmed the hold: pending → held.

        With ``gate_task`` the vendor had nothing it could stop: the hold becomes hiresentry's own
        gate (``via`` gate) with that human task, so no report claims a vendor hold that is not there.
        """
        values: dict[str, object] = {
            "status": "held",
            "vendor_ref": vendor_ref,
            "last_error": None,
            "updated_at": _now(now),
        }
        if gate_task is not None:
            values |= {"via": "gate", "task": gate_task}
        detail = {"vendor_ref": vendor_ref, "note": note, "via": "gate" if gate_task is not None else "vendor"}
        self._transition(hold_id, ("pending",), values, "hold.held", detail)
        return self._must(hold_id)

    def failed(self, hold_id: int, error: str, now: dt.datetime) -> HoldView:
        """A vendor call for this hold failed: the status stays as it is, the error is kept."""
        with self.store.engine.begin() as conn:
            conn.execute(
                update(payout_holds)
                .where(payout_holds.c.id == hold_id)
                .values(attempts=payout_holds.c.attempts + 1, last_error=error[:1000], updated_at=_now(now))
            )
        return self._must(hold_id)

    # -- releasing -------------------------------------------------------------------------------

    def approve_release(
        self, hold_id: int, actor: str, channel: str, now: dt.datetime, approvers: Collection[str]
    ) -> HoldView:
        """Record ``actor``'s release approval; the last one needed moves the hold to *releasing*.

        Refused (``ApprovalRefusedError``) when ``actor`` is not on the allow-list, already approved
        this round, or the hold is not releasable.
        """
        now = _now(now)
        if actor not in approvers:
            raise ApprovalRefusedError(f"{actor!r} is not an allow-listed approver of payout holds")
        hold = self._must(hold_id)
        if hold.status not in RELEASABLE:
            raise ApprovalRefusedError(f"hold {hold_id} is {hold.status}; only a held hold can be released")
        try:
            with self.store.engine.begin() as conn:
                conn.execute(
                    hold_approvals.insert().values(
                        hold_id=hold_id,
                        round=hold.round,
                        decision="release",
                        actor=actor,
                        channel=channel,
                        created_at=now,
                    )
                )
                given = {
                    a
                    for (a,) in conn.execute(
                        select(hold_approvals.c.actor).where(
                            hold_approvals.c.hold_id == hold_id,
                            hold_approvals.c.round == hold.round,
                            hold_approvals.c.decision == "release",
                        )
                    )
                }
                target = "releasing" if len(given) >= hold.release_approvals else "release_requested"
                if hold.status == "expired" and target == "release_requested":
                    target = "expired"  # the gate is open already; only the vendor side waits for release
                moved = conn.execute(
                    update(payout_holds)
                    .where(payout_holds.c.id == hold_id, payout_holds.c.status.in_(RELEASABLE))
                    .values(status=target, updated_at=now)
                ).rowcount
                if not moved:
                    raise ApprovalRefusedError(f"hold {hold_id} changed state meanwhile; look again")
                detail = {
                    "hold_id": hold_id,
                    "actor": actor,
                    "channel": channel,
                    "approvals": len(given),
                    "needed": hold.release_approvals,
                    "status": target,
                }
                self.audit.record("hold.release_approved", detail, hold.dedup_key, actor=actor, conn=conn)
        except IntegrityError:
            raise ApprovalRefusedError(
                f"{actor} already approved releasing hold {hold_id}; a second, different approver is needed"
            ) from None
        return self._must(hold_id)

    def mark_released(self, hold_id: int, now: dt.datetime, note: str) -> HoldView | None:
        """releasing → released (once; raises the ``hold.released`` event). None if it was not releasing."""
        values = {"status": "released", "closed_at": _now(now), "updated_at": _now(now), "last_error": None}
        if not self._transition(hold_id, ("releasing",), values, "hold.released", {"note": note}):
            return None
        return self._must(hold_id)

    # -- renewing and expiring -------------------------------------------------------------------

    def renew(
        self, hold_id: int, actor: str, now: dt.datetime, expires_at: dt.datetime, approvers: Collection[str]
    ) -> HoldView:
        """Keep holding until ``expires_at``; voids this round's release approvals. One approver suffices."""
        if actor not in approvers:
            raise ApprovalRefusedError(f"{actor!r} is not an allow-listed approver of payout holds")
        hold = self._must(hold_id)
        if hold.status not in RENEWABLE:
            raise ApprovalRefusedError(f"hold {hold_id} is {hold.status}; only held or expired holds can be renewed")
        values = {
            "status": "held",
            "expires_at": _now(expires_at),
            "round": hold.round + 1,
            "warned_for": None,
            "closed_at": None,
            "updated_at": _now(now),
        }
        detail = {"actor": actor, "expires_at": _now(expires_at).isoformat(), "round": hold.round + 1}
        if not self._transition(hold_id, (hold.status,), values, "hold.renewed", detail, actor=actor):
            raise ApprovalRefusedError(f"hold {hold_id} changed state meanwhile; look again")
        return self._must(hold_id)

    def sweep(self, now: dt.datetime, warn_before: dt.timedelta) -> list[tuple[str, HoldView]]:
        """Expire overdue holds and warn about those expiring within ``warn_before``.

        Returns the events raised (``hold.expired`` / ``hold.expiring``); each is raised once, by
        whichever engine wins the compare-and-swap.
        """
        now = _now(now)
        raised: list[tuple[str, HoldView]] = []
        candidates = self.holds(statuses=EXPIRING)
        for hold in candidates:
            expires = hold.expires_at
            if expires is None:
                continue
            if expires <= now:
                values = {"status": "expired", "closed_at": now, "updated_at": now}
                if self._transition(hold.id, EXPIRING, values, "hold.expired", {"expires_at": expires.isoformat()}):
                    raised.append(("hold.expired", self._must(hold.id)))
            elif expires - warn_before <= now and self._warn(hold, expires, now):
                raised.append(("hold.expiring", hold))
        return raised

    def _warn(self, hold: HoldView, expires: dt.datetime, now: dt.datetime) -> bool:
        with self.store.engine.begin() as conn:
            moved = conn.execute(
                update(payout_holds)
                .where(
                    payout_holds.c.id == hold.id,
                    payout_holds.c.status.in_(EXPIRING),
                    payout_holds.c.expires_at == expires,
                    (payout_holds.c.warned_for.is_(None)) | (payout_holds.c.warned_for != expires),
                )
                .values(warned_for=expires)
            ).rowcount
            if moved:
                detail = {"hold_id": hold.id, "worker": str(hold.worker), "expires_at": expires.isoformat()}
                self.audit.record("hold.expiring", detail, hold.dedup_key, conn=conn)
        return bool(moved)

    # -- plumbing --------------------------------------------------------------------------------

    def _transition(
        self,
        hold_id: int,
        from_states: Sequence[str],
        values: dict[str, Any],
        event: str,
        detail: dict[str, Any],
        actor: str | None = None,
    ) -> bool:
        """Compare-and-swap the status and audit the event in one transaction; False if it lost."""
        with self.store.engine.begin() as conn:
            moved = conn.execute(
                update(payout_holds)
                .where(payout_holds.c.id == hold_id, payout_holds.c.status.in_(list(from_states)))
                .values(**values)
            ).rowcount
            if moved:
                row = conn.execute(select(payout_holds).where(payout_holds.c.id == hold_id)).one()
                full = {"hold_id": hold_id, "worker": f"{row.source}/{row.worker_remote_id}", "status": row.status}
                self.audit.record(event, {**full, **detail}, row.dedup_key, actor=actor, conn=conn)
        return bool(moved)

    def _must(self, hold_id: int) -> HoldView:
        hold = self.get(hold_id)
        if hold is None:
            raise ApprovalRefusedError(f"there is no payout hold {hold_id}")
        return hold
