"""``hiresentry playbooks`` (the Typer sub-app, through ``typer.testing.CliRunner``): validate with
line numbers, dry-run a playbook against a case JSON, list/approve/renew holds. Real SQLite store via
a config file; nothing external is called."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from hiresentry.app.playbooks_cli import playbooks_app
from hiresentry.core.cases import CaseRepository
from hiresentry.core.cases.view import RecordRef
from hiresentry.core.gate import PayoutGate
from hiresentry.core.store import Store
from tests.playbooks.conftest import T0, CaseFactory, seed_cases

runner = CliRunner()
LIBRARY = Path(__file__).parents[2] / "playbooks" / "library"


def test_validate_accepts_the_library_and_names_lines(tmp_path: Path) -> None:
    ok = runner.invoke(playbooks_app, ["validate", *map(str, sorted(LIBRARY.glob("*.yaml")))])
    assert ok.exit_code == 0, ok.output
    assert ok.output.count(": OK (") == 5
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: x\ntrigger:\n  on: case.created\nactions:\n  - slack.escalate: {chanel: '#x'}\n")
    failed = runner.invoke(playbooks_app, ["validate", str(bad)])
    assert failed.exit_code == 1
    assert f"{bad}:5: actions[0] (slack.escalate).chanel" in failed.output


def test_dry_run_prints_each_action_and_why(tmp_path: Path, make_case: CaseFactory) -> None:
    case_file = tmp_path / "case.json"
    case_file.write_text(json.dumps(make_case().model_dump(mode="json")))
    playbook = LIBRARY / "hold-payouts-on-critical-evidence.yaml"
    result = runner.invoke(playbooks_app, ["test", str(playbook), "--case", str(case_file)])
    assert result.exit_code == 0, result.output
    assert "✓ condition 2: evidence_any: DEV-GEO-ABROAD, PAY-SHARED-ACCOUNT fired" in result.output
    assert "MATCHED (first run for this case (level high))" in result.output
    assert "1. payout.hold: hold payouts of 2 worker record(s)" in result.output
    assert "2. jira.ensure_ticket: look up the SEC ticket labelled hiresentry-hs-3f2a9c1d" in result.output
    assert "3. slack.escalate: find or post the case message in #contractor-risk" in result.output
    assert "because: first run for this case" in result.output

    close_out = LIBRARY / "close-out-false-positive.yaml"
    quiet = runner.invoke(playbooks_app, ["test", str(close_out), "--case", str(case_file)])
    assert quiet.exit_code == 1 and "event triggers need --event" in quiet.output
    judged = runner.invoke(
        playbooks_app, ["test", str(close_out), "--case", str(case_file), "--event", "judgement.false_positive"]
    )
    assert judged.exit_code == 0 and "judged false positive by tester" in judged.output


@pytest.fixture
def config(tmp_path: Path, store: Store, store_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("HIRESENTRY_HMAC_KEY", "test-link-key-0123456789abcdef")
    path = tmp_path / "hiresentry.yaml"
    path.write_text(
        f"store: {{url: 'sqlite:///{store_path}'}}\nkeys: {{hmac_key: env:HIRESENTRY_HMAC_KEY}}\n"
        "approvals: {approvers: [alice, bob]}\n"
    )
    return path


def test_holds_list_approve_and_renew(config: Path, store: Store) -> None:
    seed_cases(store)
    case = CaseRepository(store).find()[0]
    hold, _ = PayoutGate(store).open(
        RecordRef(source="payroll", remote_id="A"), case.dedup_key, "t", T0, None, via="gate"
    )
    listed = runner.invoke(playbooks_app, ["holds", "list", "-c", str(config), "--json"])
    assert listed.exit_code == 0, listed.output
    assert [h["status"] for h in json.loads(listed.output)["holds"]] == ["held"]
    first = runner.invoke(playbooks_app, ["holds", "approve", str(hold.id), "--as", "alice", "-c", str(config)])
    assert first.exit_code == 0 and "release approvals 1/2 (alice)" in first.output
    twice = runner.invoke(playbooks_app, ["holds", "approve", str(hold.id), "--as", "alice", "-c", str(config)])
    assert twice.exit_code == 1 and "a second, different approver is needed" in twice.output
    stranger = runner.invoke(playbooks_app, ["holds", "approve", str(hold.id), "--as", "eve", "-c", str(config)])
    assert stranger.exit_code == 1 and "not an allow-listed approver" in stranger.output
    renewed = runner.invoke(
        playbooks_app, ["holds", "renew", str(hold.id), "--as", "bob", "--for", "7d", "-c", str(config)]
    )
    assert renewed.exit_code == 0 and "release approvals 0/2" in renewed.output
    released = [
        runner.invoke(playbooks_app, ["holds", "approve", str(hold.id), "--as", u, "-c", str(config)])
        for u in ("alice", "bob")
    ]
    assert "released" in released[-1].output
    assert PayoutGate(store).get(hold.id).status == "released"  # type: ignore[union-attr]
