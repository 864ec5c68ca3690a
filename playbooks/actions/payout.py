"""``payout.hold``: stop pay to the workers of a case, through the vendor where it can.

For each worker record of the case, the record's source is asked through the
``PayoutHoldCapability`` the wiring registered for it (Upwork pause, Gusto cancel while
``may_cancel``, ...). Where no source control exists, hiresentry's own payout gate is closed, which
payroll consults before paying, and a human task is named in the result. Holds are idempotent per
(case, worker record) and expire unless renewed; releasing needs ``release_approvals`` distinct
approvers (the release flow itself comes with the service).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from typing import Any, ClassVar

from pydantic import Field, field_validator

from hiresentry.core.capabilities import PayoutHoldCapability
from hiresentry.core.cases.view import RecordRef
from hiresentry.core.errors import ActionError, ActionRetryableError, ConnectorError, RateLimitedError
from hiresentry.core.gate import PayoutGate
from hiresentry.playbooks.actions.base import Action, ActionContext, ActionParams, ActionPreview

_DURATION = re.compile(r"^(\d+)([dhm])$")


def parse_duration(text: str) -> dt.timedelta:
    """``14d`` / ``12h`` / ``30m`` → timedelta."""
    match = _DURATION.match(text.strip())
    if not match:
        raise ValueError(f"duration {text!r} must look like 14d, 12h or 30m")
    amount, unit = int(match.group(1)), match.group(2)
    return {
        "d": dt.timedelta(days=amount),
        "h": dt.timedelta(hours=amount),
        "m": dt.timedelta(minutes=amount),
    }[unit]


class PayoutHoldParams(ActionParams):
    """Parameters of ``payout.hold``."""

    release_approvals: int = Field(default=2, ge=1, le=5)
    expires_after: str = "14d"
    reason: str = "hiresentry case pending review"

    @field_validator("expires_after")
    @classmethod
    def _duration(cls, value: str) -> str:
        parse_duration(value)
        return value


class PayoutHold(Action[PayoutHoldParams]):
    """Hold payouts for every worker record of a case."""

    name: ClassVar[str] = "payout.hold"
    params_model: ClassVar[type[ActionParams]] = PayoutHoldParams

    def __init__(
        self,
        gate: PayoutGate | None = None,
        capabilities: Mapping[str, PayoutHoldCapability] | None = None,
        clock: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC),
        manual_tasks: Mapping[str, Callable[[str], str]] | None = None,
    ) -> None:
        self.gate = gate
        self.capabilities = dict(capabilities or {})
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
        """Which payouts would be held and how."""
        lines = []
        for worker in self._targets(ctx):
            how = (
                "vendor hold via its API"
                if worker.source in self.capabilities
                else "hiresentry payout gate + human task"
            )
            lines.append(f"- {worker}: {how}")
        summary = (
            f"hold payouts of {len(self._targets(ctx))} worker record(s) for case {ctx.case.dedup_key}, "
            f"expiring after {params.expires_after}, release needs {params.release_approvals} approvers"
        )
        return ActionPreview(self.name, summary, "\n".join(lines))

    def execute(self, ctx: ActionContext, params: PayoutHoldParams) -> dict[str, Any]:
        """Hold each worker record; records already held for this case are left as they are."""
        if self.gate is None:
            raise ActionError("payout.hold needs the store's payout gate (wiring error)")
        now = self.clock()
        expires = now + parse_duration(params.expires_after)
        reason = f"{params.reason} ({ctx.case.dedup_key}, {ctx.case.level.value})"
        held: dict[str, str] = dict((ctx.prior or {}).get("holds", {}))
        for worker in self._targets(ctx):
            ref = str(worker)
            if ref in held:
                continue
            capability = self.capabilities.get(worker.source)
            vendor_ref = None
            if capability is not None:
                try:
                    vendor_ref = capability.hold(worker, ctx.case.dedup_key, reason).vendor_ref
                except RateLimitedError as exc:
                    raise ActionRetryableError(f"payout hold for {ref} throttled: {exc}") from exc
                except ConnectorError as exc:
                    if exc.code == "cannot_connect":
                        raise ActionRetryableError(f"payout hold for {ref} failed: {exc}") from exc
                    raise ActionError(f"payout hold for {ref} failed: {exc}") from exc
            created = self.gate.close(worker, ctx.case.dedup_key, reason, now, expires, vendor_ref)
            held[ref] = vendor_ref or "gate"
            ctx.audit(
                "payout.held",
                {
                    "worker": ref,
                    "via": "vendor" if vendor_ref else "gate",
                    "new": created,
                    "expires_at": expires.isoformat(),
                },
            )
        gate_refs = [ref for ref, how in held.items() if how == "gate"]
        targets = {str(w): w for w in self._targets(ctx)}
        return {
            "holds": held,
            "expires_at": expires.isoformat(),
            "release_approvals": params.release_approvals,
            "human_task": gate_refs,
            "human_task_text": {ref: self._human_task(targets[ref]) for ref in gate_refs if ref in targets},
        }
