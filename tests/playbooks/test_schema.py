"""Playbook files: shipped ones load; bad ones fail with the file and the field named."""

from __future__ import annotations

from pathlib import Path

import pytest

from hiresentry.core.errors import PlaybookValidationError
from hiresentry.playbooks.registry import load_playbooks


def test_shipped_playbooks_load_in_monitor_mode() -> None:
    books = load_playbooks(["builtin"])
    assert {b.id for b in books} == {"contractor-risk-triage", "hold-payouts-on-payment-fraud"}
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
