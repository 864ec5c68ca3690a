"""The playbook engine: decide per case and playbook, plan intents, execute them, audit it all.

Each run: sweep the payout holds (expiry, warnings, failed releases), read the events playbooks
react to, *plan* (write due intents into the outbox; idempotent per (case, action)) and *execute*
due intents, each under a lease, writing each result back. In monitor mode the engine decides and
audits everything but calls nothing: actions only ``preview``.

Any number of engines may run at once (threads, processes): the outbox's compare-and-swap writes
and leases make each intent execute once (``playbooks/outbox.py``). Time comes from ``now``, so
expiry, throttles and retry delays are testable without waiting.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from hiresentry.core.cases import CaseRepository, CaseView
from hiresentry.core.errors import ActionError, ActionRetryableError, ActionThrottledError, HiresentryError
from hiresentry.core.gate import PayoutGate
from hiresentry.core.store import Store
from hiresentry.core.store.audit import AuditLog
from hiresentry.playbooks.actions.base import Action, ActionContext, ActionParams, ActionPreview
from hiresentry.playbooks.durations import parse_duration
from hiresentry.playbooks.holds import HoldService
from hiresentry.playbooks.outbox import Outbox, OutboxItem
from hiresentry.playbooks.schema import Playbook
from hiresentry.playbooks.triggers import CaseEvent, due_reason, load_events

log = logging.getLogger(__name__)
LEASE = dt.timedelta(minutes=10)
"""How long an executor may hold a (case, action) before others presume it dead and take over."""
BACKOFF = (dt.timedelta(seconds=30), dt.timedelta(hours=1))
"""Retry delay after a retryable failure: 30 s doubling per attempt, at most an hour."""
Outcome = Literal["done", "monitored", "retry", "failed", "skipped"]


@dataclass(frozen=True)
class ActionOutcome:
    """What happened to one intent in this run."""

    dedup_key: str
    action_id: str
    action: str
    mode: str
    outcome: Outcome
    preview: ActionPreview | None = None
    result: Mapping[str, Any] | None = None
    error: str | None = None


@dataclass
class RunReport:
    """Everything one engine run decided and did."""

    decisions: list[tuple[str, str, bool, str]] = field(default_factory=list)
    outcomes: list[ActionOutcome] = field(default_factory=list)
    hold_events: list[tuple[str, int]] = field(default_factory=list)

    def count(self, outcome: Outcome) -> int:
        """Number of intents that ended with ``outcome``."""
        return sum(1 for o in self.outcomes if o.outcome == outcome)


class PlaybookEngine:
    """Runs playbooks over cases."""

    def __init__(
        self,
        store: Store,
        playbooks: Sequence[Playbook],
        actions: Mapping[str, Action[Any]],
        mode_override: Literal["active", "monitor"] | None = None,
        actor: str = "hiresentry",
        holds: HoldService | None = None,
        lease: dt.timedelta = LEASE,
    ) -> None:
        self.store = store
        self.playbooks = list(playbooks)
        self.actions = dict(actions)
        self.mode_override = mode_override
        self.cases = CaseRepository(store)
        self.outbox = Outbox(store)
        self.audit = AuditLog(store, actor)
        found = getattr(self.actions.get("payout.hold"), "holds", None)
        self.holds = holds or (found if isinstance(found, HoldService) else HoldService(PayoutGate(store)))
        self.lease = lease
        self.owner = f"engine-{uuid.uuid4().hex[:12]}"

    def mode_of(self, playbook: Playbook) -> str:
        """The mode a playbook runs in now (a global override wins)."""
        return self.mode_override or playbook.mode

    def run(self, cases: Sequence[CaseView] | None = None, now: dt.datetime | None = None) -> RunReport:
        """Sweep holds, plan for ``cases`` (default: every open case and every case with news), execute."""
        now = now or dt.datetime.now(dt.UTC)
        report = RunReport()
        if self.mode_override != "monitor":  # monitor mode changes nothing, not even hold states
            report.hold_events = [(event, hold.id) for event, hold in self.holds.sweep(now)]
        events = load_events(self.store, {t for p in self.playbooks for t in p.trigger.events})
        if cases is None:
            cases = self.cases.find()
            missing = sorted(set(events) - {c.dedup_key for c in cases})
            cases = [*cases, *(c for key in missing if (c := self.cases.get(key)) is not None)]
        rows = self.outbox.rows([c.dedup_key for c in cases])
        for case in cases:
            self._plan_case(case, rows, events.get(case.dedup_key, []), now, report)
        for item in self.outbox.due(now):
            claimed = self.outbox.claim(item, self.owner, now, self.lease)
            if claimed is not None:
                report.outcomes.append(self._execute(claimed, now))
        return report

    def request(
        self, dedup_key: str, action: str, params: Mapping[str, Any], actor: str, now: dt.datetime
    ) -> ActionOutcome:
        """Run one action for one case now, actively, because a person asked (e.g. *Approve payout hold*)."""
        if action not in self.actions:
            raise ActionError(f"action {action} is not installed")
        action_id = f"request/{action}"
        intent = {"params": dict(params), "event": {"id": 0, "event": "request", "actor": actor, "detail": {}}}
        self.audit.record("action.requested", {"action": action, "by": actor}, dedup_key, action_id, actor=actor)
        for _ in range(3):  # lose a race with another engine at most twice, then report it
            seen = self.outbox.get(dedup_key, action_id)
            if seen is not None and seen.status == "running":
                break
            if self.outbox.plan(seen, dedup_key, action_id, "request", action, "active", intent, now):
                break
        for item in self.outbox.due(now, dedup_key):
            if item.action_id == action_id and (claimed := self.outbox.claim(item, self.owner, now, self.lease)):
                return self._execute(claimed, now)
        return ActionOutcome(dedup_key, action_id, action, "active", "skipped", error="another engine is running it")

    # -- planning --------------------------------------------------------------------------------

    def _plan_case(
        self,
        case: CaseView,
        rows: Mapping[tuple[str, str], OutboxItem],
        events: Sequence[CaseEvent],
        now: dt.datetime,
        report: RunReport,
    ) -> None:
        suppressed = self.cases.suppressed(case, now)
        for playbook in self.playbooks:
            decision = playbook.evaluate(case)
            matched, reason = decision.matched, decision.reason
            wants_event = any(e.trigger in playbook.trigger.events for e in events)
            if matched and suppressed and not wants_event:
                matched, reason = False, suppressed
            report.decisions.append((case.dedup_key, playbook.id, matched, reason))
            self.audit.record(
                "playbook.decision",
                {"playbook": playbook.id, "matched": matched, "reason": reason, "level": case.level.value},
                dedup_key=case.dedup_key,
            )
            if matched:
                self._plan_actions(case, playbook, rows, events, suppressed, now)

    def _plan_actions(
        self,
        case: CaseView,
        playbook: Playbook,
        rows: Mapping[tuple[str, str], OutboxItem],
        events: Sequence[CaseEvent],
        suppressed: str | None,
        now: dt.datetime,
    ) -> None:
        mode = self.mode_of(playbook)
        for index, step in enumerate(playbook.actions):
            action_id = f"{playbook.id}/{index}:{step.name}"
            item = rows.get((case.dedup_key, action_id))
            if item is not None and item.status == "running":
                continue  # another engine is on it; the next run looks again
            why, event = due_reason(item, playbook, mode, case, events, suppressed)
            if why is None:
                continue
            intent: dict[str, Any] = {
                "params": step.params.model_dump(mode="json"),
                "event": event.as_intent() if event else None,
                "why": why,
                "planned": {"digest": case.evidence_digest, "level": case.level.value},
            }
            if item is not None and item.status == "pending" and _same(item.intent, intent) and item.mode == mode:
                continue  # already due with this very intent
            not_before = self._throttled_until(playbook, item, now)
            if not self.outbox.plan(
                item, case.dedup_key, action_id, playbook.id, step.name, mode, intent, now, not_before
            ):
                continue  # another engine planned or settled it meanwhile
            detail: dict[str, Any] = {"action": step.name, "mode": mode, "why": why}
            if event is not None:
                detail["event_id"] = event.id
            if not_before is not None:
                detail["not_before"] = not_before.isoformat()
                self.audit.record("action.throttled", detail, case.dedup_key, action_id)
            self.audit.record("action.planned", detail, case.dedup_key, action_id)

    @staticmethod
    def _throttled_until(playbook: Playbook, item: OutboxItem | None, now: dt.datetime) -> dt.datetime | None:
        if playbook.throttle is None or item is None or item.done_at is None:
            return None
        until = item.done_at + parse_duration(playbook.throttle.window)
        return until if until > now else None

    # -- executing -------------------------------------------------------------------------------

    def _execute(self, item: OutboxItem, now: dt.datetime) -> ActionOutcome:
        case = self.cases.get(item.dedup_key)
        action = self.actions.get(item.action)
        if case is None or action is None:
            why = "case no longer exists" if case is None else f"action {item.action} is not installed"
            self.outbox.settle(item, self.owner, "failed", now, error=why)
            self.audit.record("action.failed", {"error": why}, item.dedup_key, item.action_id)
            return ActionOutcome(item.dedup_key, item.action_id, item.action, item.mode, "failed", error=why)
        params: ActionParams = action.params_model.model_validate(item.intent.get("params", {}))
        source = item if item.result is not None else self.outbox.shared(item.dedup_key, item.action, item.mode)
        ctx = ActionContext(
            case=case,
            playbook_id=item.playbook_id,
            action_id=item.action_id,
            prior=source.result if source else None,
            prior_digest=source.done_digest if source else None,
            audit=lambda event, detail: self.audit.record(event, detail, item.dedup_key, item.action_id),
            now=now,
            event=item.event,
            prior_level=source.done_level if source else None,
        )
        cursor = (item.event or {}).get("id") or None
        if item.mode == "monitor":
            preview = action.preview(ctx, params)
            self.outbox.settle(
                item,
                self.owner,
                "monitored",
                now,
                digest=case.evidence_digest,
                level=case.level.value,
                event_cursor=cursor,
            )
            detail = {"action": item.action, "summary": preview.summary, "why": item.intent.get("why")}
            self.audit.record("action.would_run", detail, item.dedup_key, item.action_id)
            return ActionOutcome(item.dedup_key, item.action_id, item.action, item.mode, "monitored", preview=preview)
        return self._execute_active(item, action, ctx, params, now, cursor)

    def _execute_active(
        self,
        item: OutboxItem,
        action: Action[Any],
        ctx: ActionContext,
        params: ActionParams,
        now: dt.datetime,
        cursor: int | None,
    ) -> ActionOutcome:
        attempt = {"action": item.action, "attempt": item.attempts + 1, "why": item.intent.get("why")}
        self.audit.record("action.attempt", attempt, item.dedup_key, item.action_id)
        try:
            result = action.execute(ctx, params)
        except ActionRetryableError as exc:
            limit = action.max_attempts
            give_up = limit is not None and item.attempts + 1 >= limit
            status = "failed" if give_up else "pending"
            not_before = None if give_up else now + _retry_delay(exc, item.attempts + 1)
            self.outbox.settle(item, self.owner, status, now, error=str(exc), not_before=not_before)
            detail: dict[str, Any] = {"error": str(exc), "attempt": item.attempts + 1}
            if not_before is not None:
                detail["not_before"] = not_before.isoformat()
            self.audit.record("action.failed" if give_up else "action.retry", detail, item.dedup_key, item.action_id)
            kind: Outcome = "failed" if give_up else "retry"
            return ActionOutcome(item.dedup_key, item.action_id, item.action, item.mode, kind, error=str(exc))
        except (ActionError, HiresentryError) as exc:
            self.outbox.settle(item, self.owner, "failed", now, error=str(exc))
            self.audit.record("action.failed", {"error": str(exc)}, item.dedup_key, item.action_id)
            return ActionOutcome(item.dedup_key, item.action_id, item.action, item.mode, "failed", error=str(exc))
        case = ctx.case
        kept = self.outbox.settle(
            item,
            self.owner,
            "done",
            now,
            result=result,
            digest=case.evidence_digest,
            level=case.level.value,
            event_cursor=cursor,
        )
        if not kept:  # our lease expired and another engine took over; it looked up what we made
            self.audit.record("action.lease_lost", {"action": item.action}, item.dedup_key, item.action_id)
        done = {"action": item.action, "result": dict(result)}
        self.audit.record("action.done", done, item.dedup_key, item.action_id)
        return ActionOutcome(item.dedup_key, item.action_id, item.action, item.mode, "done", result=result)


def _same(a: Mapping[str, Any], b: Mapping[str, Any]) -> bool:
    keys = ("params", "event")
    return all(a.get(k) == b.get(k) for k in keys) and (
        a.get("event") is not None or a.get("planned") == b.get("planned")
    )


def _retry_delay(exc: ActionRetryableError, attempt: int) -> dt.timedelta:
    """Retry-After when the target said it, else exponential backoff; never beyond the cap."""
    low, high = BACKOFF
    if isinstance(exc, ActionThrottledError):
        wait: dt.timedelta = dt.timedelta(seconds=max(float(exc.retry_after), 0.0))
        return min(wait, high)
    backoff: dt.timedelta = low * (2 ** (attempt - 1))
    return min(backoff, high)
