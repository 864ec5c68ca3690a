"""``payout.hold``: stop pay to the workers of a case, through the vendor where it can.

For each paid record of the case (every member when no source says who is paid), the record's
source is asked through the ``PayoutHoldCapability`` the wiring registered for it (Upwork pause
contract, Gusto cancel while ``may_cancel``, Freelancer.com cancel milestone, Payoneer/Papaya cancel
payout). Where no source control exists, hiresentry's own payout gate is closed, which payroll
consults before paying, and a human task is named on the hold.

A vendor hold is written *pending* before the call and *held* only once the vendor confirmed it
(``playbooks/holds.py``); a failed call leaves it pending (the gate stays closed), records the
error on the hold and makes the action retry, without limit: money must not flow because a vendor
API was down for an afternoon. Releasing needs ``release_approvals`` distinct approvers; a hold
expires after ``expires_after`` unless renewed, and its expiry re-escalates the case.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any, ClassVar

from pydantic import Field, field_validator

from hiresentry.core.capabilities import PayoutHoldCapability
from hiresentry.core.cases.view import HoldView, RecordRef
from hiresentry.core.errors import (
    ActionError,
    ActionRetryableError,
    ConnectorAuthError,
    ConnectorForbiddenError,
    VendorResponseError,
)
from hiresentry.core.gate import PayoutGate
from hiresentry.playbooks.actions.base import Action, ActionContext, ActionParams, ActionPreview
from hiresentry.playbooks.durations import parse_duration
from hiresentry.playbooks.holds import HoldService

__all__ = ["PayoutHold", "PayoutHoldParams", "hold_lines", "parse_duration"]


class PayoutHoldParams(ActionParams):
    """``payout.hold: {release_approvals: 2, expires_after: 14d}``."""

    release_approvals: int = Field(default=2, ge=1, le=5, description="distinct approvers a release needs")
    expires_after: str = Field("14d", description="the hold expires (and re-escalates) unless renewed")
    reason: str = Field("hiresentry case pending review", max_length=200)

    @field_validator("expires_after")
    @classmethod
    def _duration(cls, value: str) -> str:
        parse_duration(value)
        return value


def hold_lines(holds: list[HoldView]) -> list[str]:
    """One line per hold, saying *pending* where the vendor has not confirmed (never "held")."""
    lines = []
    for hold in holds:
        how = "vendor hold" if hold.via == "vendor" else "hiresentry payout gate"
        state = hold.status.replace("_", " ")
        if hold.status == "pending":
            state = "PENDING (vendor has not confirmed; payroll gate closed meanwhile)"
        if hold.status == "release_requested":
            state += f" ({len(hold.approvals)}/{hold.release_approvals} approvals)"
        expires = f", expires {hold.expires_at:%Y-%m-%d %H:%M} UTC" if hold.expires_at else ""
        error = (
            f"; last error: {hold.last_error}" if hold.last_error and hold.status in ("pending", "releasing") else ""
        )
        lines.append(f"{hold.worker}: {state} via {how}{expires}{error}")
    return lines


class PayoutHold(Action[PayoutHoldParams]):
    """Hold payouts for every paid record of a case."""

    name: ClassVar[str] = "payout.hold"
    params_model: ClassVar[type[ActionParams]] = PayoutHoldParams
    max_attempts: ClassVar[int | None] = None

    def __init__(
        self,
        gate: PayoutGate | None = None,
        capabilities: Mapping[str, PayoutHoldCapability] | None = None,
        clock: Callable[[], dt.datetime] | None = None,
        manual_tasks: Mapping[str, Callable[[str], str]] | None = None,
        holds: HoldService | None = None,
    ) -> None:
        self.holds = holds or (HoldService(gate, capabilities) if gate is not None else None)
        self.capabilities = dict(self.holds.capabilities if self.holds else capabilities or {})
        self.clock = clock
        self.manual_tasks = dict(manual_tasks or {})

    def _human_task(self, worker: RecordRef) -> str:
        """What a person must do in the worker's source where no hold API exists."""
        task = self.manual_tasks.get(worker.source)
        if task is not None:
            return task(str(worker))
        return f"no hold API for source {worker.source!r}: stop the next payout to {worker} by hand"

    @staticmethod
    def _targets(ctx: ActionContext) -> list[RecordRef]:
        """The records a payout system pays; every member when no source says who is paid."""
        return list(ctx.case.payees) or list(ctx.case.workers)

    def preview(self, ctx: ActionContext, params: PayoutHoldParams) -> ActionPreview:
        """Which payouts would be held and how (and where holds already stand)."""
        existing = {str(h.worker): h for h in ctx.case.holds}
        lines = []
        for worker in self._targets(ctx):
            if str(worker) in existing:
                lines.append(f"- already: {hold_lines([existing[str(worker)]])[0]}")
            elif worker.source in self.capabilities:
                lines.append(f"- {worker}: vendor hold via the {worker.source} API (pending until it confirms)")
            else:
                lines.append(f"- {worker}: hiresentry payout gate + human task: {self._human_task(worker)}")
        amounts = ", ".join(f"{a} {c}" for c, a in ctx.case.amounts_due.items())
        summary = (
            f"hold payouts of {len(self._targets(ctx))} worker record(s) for case {ctx.case.dedup_key}"
            f"{f' ({amounts} not yet paid)' if amounts else ''}, expiring after {params.expires_after} unless "
            f"renewed, release needs {params.release_approvals} distinct approvers"
        )
        return ActionPreview(self.name, summary, "\n".join(lines))

    def execute(self, ctx: ActionContext, params: PayoutHoldParams) -> dict[str, Any]:
        """Hold each record; existing holds are kept as they are, pending vendor holds are retried."""
        if self.holds is None:
            raise ActionError("payout.hold needs the store's payout gate (wiring error)")
        now = self.clock() if self.clock else ctx.clock()
        expires = now + parse_duration(params.expires_after)
        reason = f"{params.reason} ({ctx.case.dedup_key}, {ctx.case.level.value})"
        holds: dict[str, dict[str, Any]] = {}
        failures: list[str] = []
        retryable = False
        for worker in self._targets(ctx):
            task = self._human_task(worker)  # used where no vendor hold applies (or the vendor had nothing)
            try:
                hold = self.holds.place(
                    worker, ctx.case.dedup_key, reason, now, expires, params.release_approvals, task
                )
            except Exception as exc:
                pending = next((h for h in self.holds.gate.holds(ctx.case.dedup_key) if h.worker == worker), None)
                failures.append(f"{worker}: {pending.last_error if pending else type(exc).__name__}")
                retryable = retryable or not isinstance(
                    exc, ConnectorAuthError | ConnectorForbiddenError | VendorResponseError
                )
                ctx.audit("payout.pending", {"worker": str(worker), "hold_id": pending.id if pending else None})
                continue
            holds[str(worker)] = {"id": hold.id, "status": hold.status, "via": hold.via}
            ctx.audit(
                f"payout.{hold.status}",
                {"worker": str(worker), "hold_id": hold.id, "status": hold.status, "via": hold.via},
            )
        if failures:
            message = f"payout.hold: {len(failures)} hold(s) still pending at the vendor: " + "; ".join(failures)
            raise ActionRetryableError(message) if retryable else ActionError(message)
        gate_refs = [ref for ref, h in holds.items() if h["via"] == "gate"]
        targets = {str(w): w for w in self._targets(ctx)}
        return {
            "holds": holds,
            "expires_at": expires.isoformat(),
            "release_approvals": params.release_approvals,
            "human_task": gate_refs,
            "human_task_text": {ref: self._human_task(targets[ref]) for ref in gate_refs if ref in targets},
        }
