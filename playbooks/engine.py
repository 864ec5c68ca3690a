"""The playbook engine: decide per case and playbook, plan intents, execute them, audit it all.

Two phases, like a transactional outbox: ``plan`` writes what should happen (idempotent per
(case, action)); ``execute`` carries out due intents, writing each result back. In monitor mode
the engine decides and audits everything but calls nothing: actions only ``preview``.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from hiresentry.core.cases import CaseRepository, CaseView
from hiresentry.core.errors import ActionError, ActionRetryableError, HiresentryError
from hiresentry.core.store import Store
from hiresentry.core.store.audit import AuditLog
from hiresentry.playbooks.actions.base import Action, ActionContext, ActionParams, ActionPreview
from hiresentry.playbooks.outbox import Outbox, OutboxItem, needs_run
from hiresentry.playbooks.schema import Playbook

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 5
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
    ) -> None:
        self.store = store
        self.playbooks = list(playbooks)
        self.actions = dict(actions)
        self.mode_override = mode_override
        self.cases = CaseRepository(store)
        self.outbox = Outbox(store)
        self.audit = AuditLog(store, actor)

    def mode_of(self, playbook: Playbook) -> str:
        """The mode a playbook runs in now (a global override wins)."""
        return self.mode_override or playbook.mode

    def run(self, cases: Sequence[CaseView] | None = None, now: dt.datetime | None = None) -> RunReport:
        """Plan for ``cases`` (default: every open case) and execute what is due."""
        now = now or dt.datetime.now(dt.UTC)
        report = RunReport()
        for case in cases if cases is not None else self.cases.find():
            self._plan_case(case, now, report)
        for item in self.outbox.due():
            report.outcomes.append(self._execute(item, now))
        return report

    def _plan_case(self, case: CaseView, now: dt.datetime, report: RunReport) -> None:
        suppressed = self.cases.suppressed(case, now)
        for playbook in self.playbooks:
            if suppressed:
                matched, reason = False, suppressed
            else:
                matched, reason = playbook.decide(case)
            report.decisions.append((case.dedup_key, playbook.id, matched, reason))
            self.audit.record(
                "playbook.decision",
                {"playbook": playbook.id, "matched": matched, "reason": reason, "level": case.level.value},
                dedup_key=case.dedup_key,
            )
            if not matched:
                continue
            mode = self.mode_of(playbook)
            for index, step in enumerate(playbook.actions):
                action_id = f"{playbook.id}/{index}:{step.name}"
                existing = self.outbox.get(case.dedup_key, action_id)
                if not needs_run(existing, mode, case.evidence_digest, case.level.value, playbook.trigger.on):
                    continue
                self.outbox.plan(case.dedup_key, action_id, playbook.id, step.name, mode, step.params.model_dump(), now)
                self.audit.record("action.planned", {"action": step.name, "mode": mode}, case.dedup_key, action_id)

    def _execute(self, item: OutboxItem, now: dt.datetime) -> ActionOutcome:
        case = self.cases.get(item.dedup_key)
        action = self.actions.get(item.action)
        if case is None or action is None:
            why = "case no longer exists" if case is None else f"action {item.action} is not installed"
            self.outbox.settle(item, "failed", now, error=why)
            self.audit.record("action.failed", {"error": why}, item.dedup_key, item.action_id)
            return ActionOutcome(item.dedup_key, item.action_id, item.action, item.mode, "failed", error=why)
        params: ActionParams = action.params_model.model_validate(item.intent.get("params", {}))
        ctx = ActionContext(
            case=case,
            playbook_id=item.playbook_id,
            action_id=item.action_id,
            prior=item.result,
            prior_digest=item.done_digest,
            audit=lambda event, detail: self.audit.record(event, detail, item.dedup_key, item.action_id),
        )
        if item.mode == "monitor":
            preview = action.preview(ctx, params)
            self.outbox.settle(item, "monitored", now, digest=case.evidence_digest, level=case.level.value)
            self.audit.record(
                "action.would_run",
                {"action": item.action, "summary": preview.summary},
                item.dedup_key,
                item.action_id,
            )
            return ActionOutcome(item.dedup_key, item.action_id, item.action, item.mode, "monitored", preview=preview)
        return self._execute_active(item, action, ctx, params, now)

    def _execute_active(
        self,
        item: OutboxItem,
        action: Action[Any],
        ctx: ActionContext,
        params: ActionParams,
        now: dt.datetime,
    ) -> ActionOutcome:
        self.audit.record(
            "action.attempt",
            {"action": item.action, "attempt": item.attempts + 1},
            item.dedup_key,
            item.action_id,
        )
        try:
            result = action.execute(ctx, params)
        except ActionRetryableError as exc:
            status = "failed" if item.attempts + 1 >= MAX_ATTEMPTS else "pending"
            self.outbox.settle(item, status, now, error=str(exc))
            self.audit.record(
                "action.retry" if status == "pending" else "action.failed",
                {"error": str(exc)},
                item.dedup_key,
                item.action_id,
            )
            return ActionOutcome(
                item.dedup_key,
                item.action_id,
                item.action,
                item.mode,
                "retry" if status == "pending" else "failed",
                error=str(exc),
            )
        except (ActionError, HiresentryError) as exc:
            self.outbox.settle(item, "failed", now, error=str(exc))
            self.audit.record("action.failed", {"error": str(exc)}, item.dedup_key, item.action_id)
            return ActionOutcome(item.dedup_key, item.action_id, item.action, item.mode, "failed", error=str(exc))
        self.outbox.settle(
            item, "done", now, result=result, digest=ctx.case.evidence_digest, level=ctx.case.level.value
        )
        self.audit.record(
            "action.done", {"action": item.action, "result": dict(result)}, item.dedup_key, item.action_id
        )
        return ActionOutcome(item.dedup_key, item.action_id, item.action, item.mode, "done", result=result)
