"""Playbook files: shipped ones load; bad ones fail with the file, the field and the line named;
conditions explain themselves; triggers fire as documented. Pure validation: no store, no fakes."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from hiresentry.core.errors import PlaybookValidationError
from hiresentry.playbooks.registry import load_playbooks
from hiresentry.playbooks.schema import Playbook
from tests.playbooks.conftest import CaseFactory


def test_shipped_playbooks_load_in_monitor_mode() -> None:
    books = load_playbooks(["builtin"])
    assert {b.id for b in books} == {
        "escalate-high-risk-contractors",
        "hold-payouts-on-critical-evidence",
        "laptop-farm-investigation",
        "close-out-false-positive",
        "reescalate-expiring-holds",
    }
    assert all(b.mode == "monitor" for b in books)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "id: x\ntrigger: {on: case.created}\nactions: [{jira.open: {}}]\n",
            "actions[0]: unknown action 'jira.open'",
        ),
        (
            "id: x\ntrigger: {on: case.created}\nactions: [{payout.hold: {expires_after: soon}}]\n",
            "expires_after",
        ),
        ("id: x\ntrigger: {on: case.created}\nactions: [{slack.escalate: {chanel: '#x'}}]\n", "chanel"),
        ("id: x\ntrigger: {on: case.exploded}\nactions: [{payout.hold: {}}]\n", "trigger.on.0"),
        (
            "id: x\ntrigger: {on: case.created, verdicts: [false_positive]}\nactions: [{payout.hold: {}}]\n",
            "verdicts applies to judgement.recorded",
        ),
        (
            "id: x\ntrigger: {on: case.created}\nconditions: [{evidence_any: [PAY-SHARED-ACCOUT]}]\n"
            "actions: [{payout.hold: {}}]\n",
            "unknown indicator 'PAY-SHARED-ACCOUT'",
        ),
        (
            "id: x\ntrigger: {on: case.created}\nconditions: [{kind: person, maturity_at_least: stable}]\n"
            "actions: [{payout.hold: {}}]\n",
            "maturity_at_least filters",
        ),
        ("id: x\ntrigger: {on: case.created}\nactions: [{account.suspend: {}}]\n", "confirm"),
        ("id: x\ntrigger: {on: case.created}\nthrottle: {window: soon}\nactions: [{payout.hold: {}}]\n", "window"),
        (
            "id: x\ntrigger: {on: case.created}\nconditions: [{}]\nactions: [{payout.hold: {}}]\n",
            "exactly one test",
        ),
        ("id: x\ntrigger: {on: case.created}\nactions: []\n", "actions"),
        ("id: X Y\ntrigger: {on: case.created}\nactions: [{payout.hold: {}}]\nmode: loud\n", "mode"),
        ("- not a mapping\n", "must be a mapping"),
    ],
)
def test_invalid_playbooks_name_file_and_field(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(PlaybookValidationError) as info:
        load_playbooks([str(path)])
    assert str(path) in str(info.value)
    assert message in str(info.value)


def test_duplicate_ids_are_refused(tmp_path: Path) -> None:
    text = "id: same\ntrigger: {on: case.created}\nactions: [{payout.hold: {}}]\n"
    (tmp_path / "a.yaml").write_text(text, encoding="utf-8")
    (tmp_path / "b.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(PlaybookValidationError, match="two playbooks have the id 'same'"):
        load_playbooks([str(tmp_path)])


BAD = """\
id: broken
trigger:
  on: [case.created, case.exploded]
  at_least: high
conditions:
  - evidence_any: [PAY-SHARED-ACCOUNT]
  - amount_due_at_least: {USD: 1000, dollars: 5}
actions:
  - jira.ensure_ticket:
      project: SEC
      labels: [two words]
  - slack.escalate: {channel: "#contractor-risk"}
"""


def test_validate_names_every_problem_with_its_line() -> None:
    from hiresentry.playbooks.registry import known_indicators, params_models
    from hiresentry.playbooks.validate import validate_text

    playbook, problems = validate_text(BAD, "bad.yaml", params_models(), known_indicators())
    assert playbook is None
    assert any(p.startswith("bad.yaml:11: actions[0] (jira.ensure_ticket).labels") for p in problems), problems
    assert any(p.startswith("bad.yaml:3: trigger.on.1") for p in problems), problems
    assert any(p.startswith("bad.yaml:7: conditions.1.amount_due_at_least") for p in problems), problems


def test_validate_reports_yaml_syntax_errors_with_the_line() -> None:
    from hiresentry.playbooks.registry import params_models
    from hiresentry.playbooks.validate import validate_text

    _, problems = validate_text("id: x\ntrigger: {on: [case.created\n", "syntax.yaml", params_models())
    assert len(problems) == 1 and problems[0].startswith("syntax.yaml:") and "not valid YAML" in problems[0]


def test_conditions_explain_themselves(make_case: CaseFactory) -> None:
    from decimal import Decimal

    from hiresentry.playbooks.conditions import Condition

    case = make_case().model_copy(
        update={
            "amounts_due": {"USD": Decimal("1200.50")},
            "engagement_types": ["contractor"],
            "evidence": [
                e.model_copy(update={"maturity": m})
                for e, m in zip(make_case().evidence, ["test", "stable"], strict=True)
            ],
        }
    )
    checks = {
        "due": Condition(amount_due_at_least={"usd": Decimal(1000)}).check(case),
        "due_eur": Condition(amount_due_at_least={"EUR": Decimal(1)}).check(case),
        "engaged": Condition(engagement_type_any=["contractor"]).check(case),
        "source": Condition(source_any=["upwork"]).check(case),
        "not_source": Condition(source_none=["upwork"]).check(case),
        "stable": Condition(evidence_any=["PAY-SHARED-ACCOUNT"], maturity_at_least="stable").check(case),
        "test": Condition(evidence_any=["PAY-SHARED-ACCOUNT"], maturity_at_least="test").check(case),
        "any_stable": Condition(maturity_at_least="stable").check(case),
        "kind": Condition(kind="network").check(case),
        "level": Condition(level_in=["high", "critical"]).check(case),
    }
    assert {k: ok for k, (ok, _) in checks.items()} == {
        "due": True,
        "due_eur": False,
        "engaged": True,
        "source": True,
        "not_source": False,
        "stable": False,
        "test": True,
        "any_stable": True,
        "kind": False,
        "level": True,
    }
    assert checks["due"][1] == "unpaid 1200.50 USD vs at least 1000 USD"
    assert "none of PAY-SHARED-ACCOUNT fired" in checks["stable"][1]


def test_level_direction_and_event_triggers(make_case: CaseFactory) -> None:
    from hiresentry.playbooks.outbox import OutboxItem
    from hiresentry.playbooks.registry import params_models
    from hiresentry.playbooks.schema import parse_playbook
    from hiresentry.playbooks.triggers import CaseEvent, due_reason

    def book(trigger: dict[str, object]) -> Playbook:
        data = {"id": "t", "trigger": {"at_least": "info", **trigger}, "actions": [{"payout.hold": {}}]}
        return parse_playbook(data, "t", params_models())

    def row(level: str) -> OutboxItem:
        return OutboxItem(
            1, "hs-3f2a9c1d", "t/0", "t", "payout.hold", "done", "active", {}, {}, "digest-v1", level, 1, None
        )

    up = book({"on": "case.level_changed", "direction": "up"})
    down = book({"on": "case.level_changed", "direction": "down"})
    high = make_case()
    assert due_reason(row("medium"), up, "active", high, [], None)[0] == "level changed medium → high"
    assert due_reason(row("critical"), up, "active", high, [], None)[0] is None
    assert due_reason(row("critical"), down, "active", high, [], None)[0] == "level changed critical → high"
    assert due_reason(None, down, "active", high, [], None)[0] is None  # first sight is no fall
    judged = book({"on": "judgement.recorded", "verdicts": ["false_positive"]})
    at = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    confirmed = CaseEvent(5, "hs-3f2a9c1d", "judgement.confirmed", "alice", at)
    dismissed = CaseEvent(6, "hs-3f2a9c1d", "judgement.false_positive", "bob", at, {"reason": "household"})
    assert due_reason(None, judged, "active", high, [confirmed], None) == (None, None)
    why, event = due_reason(None, judged, "active", high, [confirmed, dismissed], "suppressed")
    assert why == "judgement.recorded: judged false positive by bob: household" and event == dismissed
    handled = row("high").__class__(**{**row("high").__dict__, "event_cursor": 6})
    assert due_reason(handled, judged, "active", high, [confirmed, dismissed], None) == (None, None)
