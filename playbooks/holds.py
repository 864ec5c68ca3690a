"""Payout holds end to end: place them through the vendor (or the gate), release them with two
approvers, renew and expire them. The state lives in the store (``core.gate``); this module adds the
vendor calls, which ``core`` may not make.

A vendor hold is written *pending* before the vendor is called and confirmed *held* only after the
vendor answered, so a crash or a failed call leaves a visible pending hold (the gate stays closed)
and never a hold reported as held that is not. A release approved by the last approver needed moves
to *releasing*; the vendor's release call is retried by every engine run until it succeeds.

Approvers are an allow-list in the config (``approvals``); Slack users map to approver names, so
the same person approving once in Slack and once in the CLI counts once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping

from pydantic import BaseModel, ConfigDict, Field, field_validator

from hiresentry.core.capabilities import PayoutHoldCapability
from hiresentry.core.cases.view import HoldView, RecordRef
from hiresentry.core.errors import ApprovalRefusedError, ConnectorError, HiresentryError
from hiresentry.core.gate import RELEASABLE, PayoutGate
from hiresentry.playbooks.durations import parse_duration

Clock = Callable[[], dt.datetime]


class ApprovalSettings(BaseModel):
    """Who may decide on payout holds, and their timing (config section ``approvals``)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    approvers: list[str] = Field(default_factory=list, description="names allowed to release or renew holds")
    slack_users: dict[str, str] = Field(
        default_factory=dict, description="Slack user id (U…) → approver name; only these may press buttons"
    )
    warn_before: str = Field("2d", description="raise hold.expiring this long before a hold expires")
    renew_for: str = Field("14d", description="how long a renewal holds by default")

    @field_validator("warn_before", "renew_for")
    @classmethod
    def _duration(cls, value: str) -> str:
        parse_duration(value)
        return value

    def approver_for_slack(self, user_id: str) -> str | None:
        """The approver a Slack user acts as, if they are allow-listed."""
        name = self.slack_users.get(user_id)
        return name if name is not None and name in self.approvers else None


class HoldService:
    """Place, release, renew and sweep payout holds."""

    def __init__(
        self,
        gate: PayoutGate,
        capabilities: Mapping[str, PayoutHoldCapability] | None = None,
        settings: ApprovalSettings | None = None,
    ) -> None:
        self.gate = gate
        self.capabilities = dict(capabilities or {})
        self.settings = settings or ApprovalSettings()

    def via(self, worker: RecordRef) -> str:
        """``vendor`` where the worker's source can hold payouts itself, else ``gate``."""
        return "vendor" if worker.source in self.capabilities else "gate"

    def place(
        self,
        worker: RecordRef,
        dedup_key: str,
        reason: str,
        now: dt.datetime,
        expires_at: dt.datetime | None,
        release_approvals: int = 2,
        task: str | None = None,
    ) -> HoldView:
        """The worker's hold for this case, placed if new; a pending vendor hold is (re)tried.

        Vendor failures are recorded on the hold (which stays pending) and re-raised.
        """
        via = self.via(worker)
        hold, _ = self.gate.open(
            worker, dedup_key, reason, now, expires_at, via=via, release_approvals=release_approvals,
            task=task if via == "gate" else None,
        )  # fmt: skip
        if hold.status != "pending":
            return hold
        capability = self.capabilities.get(worker.source)
        if capability is None:  # configured away since the hold was made: the gate holds alone
            self.gate.failed(hold.id, f"source {worker.source} has no hold capability any more", now)
            raise ConnectorError(worker.source, "the payout hold capability is not configured")
        try:
            result = capability.hold(worker, dedup_key, reason)
        except Exception as exc:
            self.gate.failed(hold.id, _describe(exc), now)
            raise
        if not result.vendor_ref:  # nothing the vendor could stop: the gate holds, a person acts there
            fallback = "\n".join(part for part in (result.description, task) if part)
            return self.gate.confirm(hold.id, "", now, note=result.description, gate_task=fallback)
        return self.gate.confirm(hold.id, result.vendor_ref, now, note=result.description)

    def approve_release(self, hold_id: int, actor: str, channel: str, now: dt.datetime) -> HoldView:
        """One approver's release decision; the last one needed releases (vendor first, then the gate)."""
        hold = self.gate.approve_release(hold_id, actor, channel, now, self.settings.approvers)
        return self._finish_release(hold, now) if hold.status == "releasing" else hold

    def approve_case(self, dedup_key: str, actor: str, channel: str, now: dt.datetime) -> list[HoldView]:
        """``actor`` approves releasing every releasable hold of a case (the Slack *Release* button)."""
        holds = self.gate.holds(dedup_key, statuses=RELEASABLE)
        if not holds:
            raise ApprovalRefusedError(f"case {dedup_key} has no payout hold to release")
        return [self.approve_release(h.id, actor, channel, now) for h in holds]

    def renew(self, hold_id: int, actor: str, now: dt.datetime, duration: dt.timedelta | None = None) -> HoldView:
        """Keep holding for ``duration`` (default ``approvals.renew_for``) from now."""
        expires = now + (duration or parse_duration(self.settings.renew_for))
        return self.gate.renew(hold_id, actor, now, expires, self.settings.approvers)

    def sweep(self, now: dt.datetime) -> list[tuple[str, HoldView]]:
        """Expire and warn (events), and retry vendor releases that failed before."""
        raised = self.gate.sweep(now, parse_duration(self.settings.warn_before))
        for hold in self.gate.holds(statuses=("releasing",)):
            self._finish_release(hold, now)
        return raised

    def _finish_release(self, hold: HoldView, now: dt.datetime) -> HoldView:
        if hold.via == "vendor" and hold.vendor_ref:
            capability = self.capabilities.get(hold.worker.source)
            if capability is None:
                note = f"source {hold.worker.source} has no hold capability configured: undo the vendor hold by hand"
                return self.gate.failed(hold.id, note, now)
            try:
                capability.release(hold.worker, hold.vendor_ref)
            except Exception as exc:  # stays releasing; the next engine run retries
                return self.gate.failed(hold.id, _describe(exc), now)
            note = f"vendor hold {hold.vendor_ref} released"
        elif hold.via == "vendor":
            note = "the vendor never confirmed this hold; nothing to undo there"
        else:
            note = "hiresentry payout gate opened"
        return self.gate.mark_released(hold.id, now, note) or self.gate.get(hold.id) or hold


def _describe(exc: BaseException) -> str:
    """A failure as it may be shown (our errors carry safe messages; others only their type)."""
    if isinstance(exc, HiresentryError):
        return str(exc)
    return f"{type(exc).__name__} while calling the vendor"
