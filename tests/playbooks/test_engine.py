"""The playbook engine over a real store: outbox idempotency, monitor mode, retries, audit."""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

import pytest

from hiresentry.core.cases import CaseRepository
from hiresentry.core.cases.view import RecordRef
from hiresentry.core.errors import ActionRetryableError
from hiresentry.core.gate import PayoutGate
from hiresentry.core.indicators import load_catalogue
from hiresentry.core.levels import Level, LevelThresholds
from hiresentry.core.model import PayoutAccount, Worker
from hiresentry.core.screen import screen
from hiresentry.core.store import Store
from hiresentry.core.store.audit import AuditLog
from hiresentry.playbooks.actions.base import Action, ActionContext, ActionParams, ActionPreview
from hiresentry.playbooks.actions.payout import PayoutHold
from hiresentry.playbooks.engine import PlaybookEngine
from hiresentry.playbooks.outbox import Outbox
from hiresentry.playbooks.schema import parse_playbook

NOW = dt.datetime(2026, 11, 1, tzinfo=dt.UTC)
IBAN = "DE89 3704 0044 0532 0130 00"


class FlakyParams(ActionParams):
    failures: int = 1


class Flaky(Action[FlakyParams]):
    """Test action: fails retryably ``failures`` times, then records its call."""

    name: ClassVar[str] = "test.flaky"
    params_model: ClassVar[type[ActionParams]] = FlakyParams

    def __init__(self) -> None:
        self.calls: list[tuple[str, Any]] = []

    def preview(self, ctx: ActionContext, params: FlakyParams) -> ActionPreview:
        return ActionPreview(self.name, f"would call for {ctx.case.dedup_key}", "")

    def execute(self, ctx: ActionContext, params: FlakyParams) -> dict[str, Any]:
        self.calls.append((ctx.case.dedup_key, ctx.prior))
        if len(self.calls) <= params.failures:
            raise ActionRetryableError("503 from target, Retry-After 1")
        return {"calls": len(self.calls)}


@pytest.fixture
def cases(store: Store) -> Store:
    store.ingest(
        [
            Worker(source="payroll", remote_id="A", legal_name="Daniel Park"),
            Worker(source="payroll", remote_id="B", legal_name="Ethan Brooks"),
            PayoutAccount(source="payroll", remote_id="PA", worker_remote_id="A", method="bank", iban=IBAN),
            PayoutAccount(source="payroll", remote_id="PB", worker_remote_id="B", method="bank", iban=IBAN),
        ]
    )
    screen(store, load_catalogue(), LevelThresholds(), Level.LOW, now=NOW)
    return store


def playbook(actions: list[dict[str, Any]], mode: str = "active", **trigger: Any) -> Any:
    models = {"payout.hold": PayoutHold.params_model, "test.flaky": Flaky.params_model}
    data = {
        "id": "pb",
        "trigger": {"on": ["case.created", "case.updated"], "at_least": "medium", **trigger},
        "actions": actions,
        "mode": mode,
    }
    return parse_playbook(data, "test", models)


def test_active_hold_is_idempotent_and_audited(cases: Store) -> None:
    gate = PayoutGate(cases)
    engine = PlaybookEngine(
        cases, [playbook([{"payout.hold": {}}])], {"payout.hold": PayoutHold(gate, clock=lambda: NOW)}
    )
    first = engine.run(now=NOW)
    assert first.count("done") == 2
    assert gate.state(RecordRef(source="payroll", remote_id="A"), NOW).held
    second = engine.run(now=NOW + dt.timedelta(minutes=5))
    assert second.outcomes == []  # nothing new: nothing planned, nothing executed
    assert len(Outbox(cases).all()) == 2
    events = [e["event"] for e in AuditLog(cases).entries()]
    assert events.count("payout.held") == 2 and events.count("action.done") == 2
    assert events.count("hold.opened") == 2  # the gate's own audit of each new hold
    assert gate.state(RecordRef(source="payroll", remote_id="A"), NOW + dt.timedelta(days=15)).held is False  # expired


def test_monitor_mode_calls_nothing_then_active_does_it(cases: Store) -> None:
    gate = PayoutGate(cases)
    actions = {"payout.hold": PayoutHold(gate, clock=lambda: NOW)}
    monitor = PlaybookEngine(cases, [playbook([{"payout.hold": {}}])], actions, mode_override="monitor")
    report = monitor.run(now=NOW)
    assert report.count("monitored") == 2 and report.count("done") == 0
    assert report.outcomes[0].preview is not None and "payout gate" in report.outcomes[0].preview.body
    assert not gate.state(RecordRef(source="payroll", remote_id="A"), NOW).held
    assert monitor.run(now=NOW).outcomes == []  # already previewed for this evidence
    active = PlaybookEngine(cases, [playbook([{"payout.hold": {}}])], actions)
    assert active.run(now=NOW).count("done") == 2
    assert gate.state(RecordRef(source="payroll", remote_id="A"), NOW).held


def test_retryable_failures_stay_due_and_succeed_later(cases: Store) -> None:
    flaky = Flaky()
    engine = PlaybookEngine(cases, [playbook([{"test.flaky": {"failures": 2}}])], {"test.flaky": flaky})
    first = engine.run(now=NOW)
    assert first.count("retry") == 2
    assert engine.run(now=NOW).outcomes == []  # backing off: not due before 30 s have passed
    second = engine.run(now=NOW + dt.timedelta(seconds=30))
    assert second.count("done") == 2
    assert engine.run(now=NOW + dt.timedelta(minutes=1)).outcomes == []
    retries = AuditLog(cases).entries(event="action.retry")
    assert [e["detail"]["not_before"] for e in retries] == [(NOW + dt.timedelta(seconds=30)).isoformat()] * 2


def test_new_evidence_reruns_with_the_prior_result(cases: Store) -> None:
    flaky = Flaky()
    engine = PlaybookEngine(cases, [playbook([{"test.flaky": {"failures": 0}}])], {"test.flaky": flaky})
    engine.run(now=NOW)
    cases.ingest(
        [
            Worker(source="payroll", remote_id="A", legal_name="Daniel Park", phones=["+14155550142"]),
            Worker(source="payroll", remote_id="B", legal_name="Ethan Brooks", phones=["+14155550142"]),
        ]
    )
    screen(cases, load_catalogue(), LevelThresholds(), Level.LOW, now=NOW + dt.timedelta(hours=1))
    engine.run(now=NOW + dt.timedelta(hours=1))
    assert len(flaky.calls) == 4
    assert all(prior is not None for _, prior in flaky.calls[2:])


def test_conditions_and_suppressions_are_decisions_in_the_audit_log(cases: Store) -> None:
    flaky = Flaky()
    only_crypto = playbook([{"test.flaky": {"failures": 0}}])
    only_crypto = only_crypto.model_copy(
        update={
            "conditions": parse_playbook(
                {
                    "id": "c",
                    "trigger": {"on": "case.created"},
                    "conditions": [{"evidence_any": ["PAY-CRYPTO"]}],
                    "actions": [{"test.flaky": {}}],
                },
                "t",
                {"test.flaky": FlakyParams},
            ).conditions
        }
    )
    assert PlaybookEngine(cases, [only_crypto], {"test.flaky": flaky}).run(now=NOW).outcomes == []
    repo = CaseRepository(cases)
    case = repo.find()[0]
    repo.judge(case.dedup_key, "false_positive", "analyst", NOW, reason="household")
    report = PlaybookEngine(cases, [playbook([{"test.flaky": {"failures": 0}}])], {"test.flaky": flaky}).run(now=NOW)
    assert [o.dedup_key for o in report.outcomes] == [c.dedup_key for c in repo.find() if c.dedup_key != case.dedup_key]
    reasons = [
        e["detail"]["reason"] for e in AuditLog(cases).entries(dedup_key=case.dedup_key, event="playbook.decision")
    ]
    assert any(r.startswith("condition 1 does not hold (evidence_any: none of PAY-CRYPTO fired)") for r in reasons)
    assert any("false positive" in r for r in reasons)
