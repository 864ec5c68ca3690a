"""The ``hiresentry`` console script, run as a user runs it (a subprocess, real files, real SQLite)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

HIRESENTRY = shutil.which("hiresentry") or str(Path(sys.executable).with_name("hiresentry"))
IBAN = "DE89 3704 0044 0532 0130 00"


def run(*args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("HIRESENTRY")}
    environ |= {"HIRESENTRY_HMAC_KEY": "cli-test-key-0123456789abcdef", "COLUMNS": "200"} | (env or {})
    return subprocess.run([HIRESENTRY, *args], cwd=cwd, env=environ, capture_output=True, text=True, timeout=120)


def jsonl(path: Path, rows: list[object]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(r if isinstance(r, str) else json.dumps(r) for r in rows) + "\n", encoding="utf-8")


@pytest.fixture
def exports(tmp_path: Path) -> Path:
    payroll = tmp_path / "exports" / "payroll"
    jsonl(
        payroll / "workers.jsonl",
        [
            {"remote_id": "A", "legal_name": "Daniel Park", "tax_id": "111-22-3333"},
            {"remote_id": "B", "legal_name": "Ethan Brooks", "tax_id": "444-55-6666"},
            {"remote_id": "C", "legal_name": "Olga Petrova", "claimed_country": "Atlantis"},
        ],
    )
    jsonl(
        payroll / "payout_accounts.jsonl",
        [
            {"remote_id": "PA", "worker_remote_id": "A", "method": "bank", "iban": IBAN, "holder_name": "Daniel Park"},
            {"remote_id": "PB", "worker_remote_id": "B", "method": "bank", "iban": IBAN, "holder_name": "Ethan Brooks"},
        ],
    )
    return tmp_path / "exports"


def test_screen_json_contract(tmp_path: Path, exports: Path) -> None:
    result = run("screen", "--source", f"export:{exports / 'payroll'}", "--json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)  # stdout carries only the JSON document
    assert len(document["cases"]) == 2
    for case in document["cases"]:
        assert set(case) >= {"dedup_key", "level", "score", "workers", "evidence"}
        assert case["level"] in {"info", "low", "medium", "high", "critical"}
        assert case["dedup_key"].startswith("hs-")
        assert case["workers"][0].keys() == {"source", "remote_id"}
        (evidence,) = case["evidence"]
        assert set(evidence) >= {"indicator", "weight", "explanation"}
        assert evidence["indicator"] == "PAY-SHARED-ACCOUNT"
        assert "DE••••••3000" in evidence["explanation"]
    assert IBAN not in result.stdout and "3704" not in result.stdout
    assert "workers.jsonl:3: claimed_country: unknown country 'Atlantis'" in result.stderr  # reported, rest loaded
    assert (tmp_path / "hiresentry.db").exists()


def test_cases_playbooks_and_rules_commands(tmp_path: Path, exports: Path) -> None:
    assert run("screen", "--source", f"export:{exports / 'payroll'}", cwd=tmp_path).returncode == 0
    listed = json.loads(run("cases", "list", "--json", cwd=tmp_path).stdout)
    key = listed["cases"][0]["dedup_key"]
    shown = run("cases", "show", key, cwd=tmp_path)
    assert shown.returncode == 0
    assert "PAY-SHARED-ACCOUNT" in shown.stdout
    assert "DE••••••3000" in shown.stdout
    monitor = run("playbooks", "run", "--monitor", cwd=tmp_path)
    assert monitor.returncode == 0, monitor.stderr
    assert "jira.ensure_ticket" in monitor.stdout
    assert "payout.hold" in monitor.stdout
    assert "0 done" in monitor.stdout
    assert run("rules", "check", cwd=tmp_path).stdout.strip() == "catalogue OK"
    tested = run("rules", "test", cwd=tmp_path)
    assert tested.returncode == 0
    assert " 0 failed" in tested.stdout


def test_sync_from_a_config_file(tmp_path: Path, exports: Path) -> None:
    config = tmp_path / "hiresentry.yaml"
    config.write_text(
        f"store: {{url: 'sqlite:///{tmp_path / 'synced.db'}'}}\n"
        f"sources:\n  - {{name: payroll, connector: export, config: {{path: '{exports / 'payroll'}'}}}}\n",
        encoding="utf-8",
    )
    first = run("sync", "--config", str(config), cwd=tmp_path)
    assert first.returncode == 1  # one record was refused: sync says so in its exit code
    assert "payroll: 4 records written" in first.stdout
    again = run("sync", "--config", str(config), cwd=tmp_path)
    assert again.returncode == 0
    assert "nothing new" in again.stdout


def test_errors_are_one_clear_line(tmp_path: Path) -> None:
    result = run("cases", "list", cwd=tmp_path, env={"HIRESENTRY_HMAC_KEY": ""})
    assert result.returncode == 2
    assert "HIRESENTRY_HMAC_KEY is not set" in result.stderr
    assert "Traceback" not in result.stderr
    bad = run("screen", "--source", "ftp:somewhere", cwd=tmp_path)
    assert bad.returncode == 2
    assert "expected export:PATH" in bad.stderr
    other_key = run("cases", "list", cwd=tmp_path)
    assert other_key.returncode == 0
    mismatch = run("cases", "list", cwd=tmp_path, env={"HIRESENTRY_HMAC_KEY": "another-key-0123456789abcdef"})
    assert mismatch.returncode == 1
    assert "different link-key secret" in mismatch.stderr


def test_judgements_and_suppressions_from_the_command_line(tmp_path: Path, exports: Path) -> None:
    source = f"export:{exports / 'payroll'}"
    assert run("screen", "--source", source, cwd=tmp_path).returncode == 0
    listed_cases = json.loads(run("cases", "list", "--json", cwd=tmp_path).stdout)["cases"]
    by_worker = {w["remote_id"]: c["dedup_key"] for c in listed_cases for w in c["workers"]}
    first, second = by_worker["A"], by_worker["B"]
    judged = run(
        "cases",
        "judge",
        first,
        "--verdict",
        "false_positive",
        "--reason",
        "married couple",
        "--actor",
        "ana",
        cwd=tmp_path,
    )
    assert judged.returncode == 0, judged.stderr
    assert "false_positive by ana" in judged.stdout
    bad = run(
        "cases",
        "suppress",
        "--indicator",
        "NOPE",
        "--worker",
        "payroll/A",
        "--until",
        "2999-01-01",
        "--reason",
        "x",
        cwd=tmp_path,
    )
    assert bad.returncode == 2
    assert "unknown indicator" in bad.stderr
    added = run(
        "cases", "suppress", "--indicator", "PAY-SHARED-ACCOUNT", "--worker", "payroll/A", "--until", "2999-01-01",
        "--reason", "joint account, verified", "--actor", "ana", cwd=tmp_path,
    )  # fmt: skip
    assert added.returncode == 0, added.stderr
    listed = run("cases", "suppressions", cwd=tmp_path)
    assert "PAY-SHARED-ACCOUNT" in listed.stdout
    assert "payroll/A" in listed.stdout
    assert run("screen", "--source", source, cwd=tmp_path).returncode == 0
    remaining = json.loads(run("cases", "list", "--json", cwd=tmp_path).stdout)["cases"]
    assert [c["dedup_key"] for c in remaining] == [second]  # A's evidence is suppressed; B's shared account stays
    assert [e["indicator"] for e in remaining[0]["evidence"]] == ["PAY-SHARED-ACCOUNT"]
