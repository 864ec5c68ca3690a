"""``hiresentry screen`` with a GitHub source: GitHub evidence joins the persona's payroll case.

End to end, in process (typer's ``CliRunner`` on the real ``hiresentry`` app): a real SQLite
store, HR and payroll exports read by the export connector, and the GitHub connector configured
in the YAML file against the stateful local fake of GitHub's REST API (``fake_github.py``, built
from GitHub's documented response shapes). The connector is registered for the run the way
``pyproject``'s entry point will register it (the registry's entry points are patched), and the
config lists it *first*: the wiring still syncs it after the sources whose workers it reads.
"""

from __future__ import annotations

import datetime as dt
import json
from importlib.metadata import EntryPoint
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from hiresentry.app.cli import app
from hiresentry.connectors.base import registry
from hiresentry.core.indicators import load_catalogue
from hiresentry.core.levels import LevelThresholds
from tests.connectors.github.conftest import TOKEN, commit, seed_persona
from tests.connectors.github.fake_github import START, FakeGitHub, Repo

IBAN = "DE89 3704 0044 0532 0130 00"


def jsonl(path: Path, rows: list[dict[str, Any]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")


@pytest.fixture
def exports(tmp_path: Path) -> Path:
    root = tmp_path / "exports"
    jsonl(
        root / "hr" / "workers.jsonl",
        [
            {"remote_id": "E1", "legal_name": "Ethan Brooks", "emails": ["ethan.brooks.dev@gmail.com"],
             "claimed_country": "US", "profile_urls": ["https://github.com/ebrooks-dev"]},
            {"remote_id": "E2", "legal_name": "Ryan Cole", "emails": ["ryan.cole.web3@gmail.com"]},
            {"remote_id": "E5", "legal_name": "Priya Nair", "emails": ["priya@nair.example"], "claimed_country": "US",
             "profile_urls": ["https://github.com/pnair"]},
            {"remote_id": "E6", "legal_name": "Sam Lee", "profile_urls": ["https://github.com/solo-dev"]},
        ],
    )  # fmt: skip
    jsonl(
        root / "payroll" / "workers.jsonl",
        [
            {"remote_id": "P1", "legal_name": "Ethan Brooks", "emails": ["ethan.brooks.dev@gmail.com"]},
            {"remote_id": "P2", "legal_name": "Ryan Cole", "emails": ["ryan.cole.web3@gmail.com"]},
            {"remote_id": "P5", "legal_name": "Priya Nair", "emails": ["priya@nair.example"]},
        ],
    )
    jsonl(
        root / "payroll" / "payout_accounts.jsonl",
        [
            {
                "remote_id": "A1",
                "worker_remote_id": "P1",
                "method": "bank",
                "iban": IBAN,
                "holder_name": "Ethan Brooks",
            },
            {"remote_id": "A2", "worker_remote_id": "P2", "method": "bank", "iban": IBAN, "holder_name": "Ryan Cole"},
        ],
    )
    return root


@pytest.fixture
def github(fake_github: tuple[FakeGitHub, str], monkeypatch: pytest.MonkeyPatch) -> tuple[FakeGitHub, str]:
    fake, url = fake_github
    seed_persona(fake)
    # a lone account with backdated commits and nothing else: GitHub evidence alone opens no case
    fake.add_user("solo-dev", created=START - dt.timedelta(days=30))
    solo = fake.add_repo(Repo("solo-dev", "portfolio"))
    solo.commits = [
        commit("solo", n, when=dt.datetime(2020, 1, 1 + n, tzinfo=dt.UTC), email="sam@lee.example", login="solo-dev")
        for n in range(4)
    ]
    entry = EntryPoint("github", "hiresentry.connectors.github:GitHubConnector", registry.GROUP)
    found = registry._entry_points()
    monkeypatch.setattr(registry, "_entry_points", lambda: {**found, "github": entry})
    monkeypatch.setenv("HIRESENTRY_HMAC_KEY", "github-e2e-key-0123456789abcdef")
    monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
    return fake, url


def config_file(tmp_path: Path, url: str) -> Path:
    github = {"base_url": url, "token": "env:GITHUB_TOKEN", "worker_sources": ["hr"], "rate_limit_per_second": 1e6}
    document = {
        "store": {"url": f"sqlite:///{tmp_path / 'hiresentry.db'}"},
        "sources": [{"name": "gh", "connector": "github", "config": github}],
    }
    path = tmp_path / "hiresentry.yaml"
    path.write_text(json.dumps(document), encoding="utf-8")  # JSON is YAML
    return path


def screen(config: Path, exports: Path) -> dict[str, Any]:
    args = ["screen", "-c", str(config), "--source", f"export:{exports / 'hr'}", "--json"]
    result = CliRunner().invoke(app, [*args, "--source", f"export:{exports / 'payroll'}"])
    assert result.exit_code == 0, result.output
    start = result.stdout.index('{\n  "cases"')
    document: dict[str, Any] = json.loads(result.stdout[start:])
    return document


def test_github_evidence_joins_the_persona_payroll_case(
    tmp_path: Path, exports: Path, github: tuple[FakeGitHub, str]
) -> None:
    fake, url = github
    document = screen(config_file(tmp_path, url), exports)
    persons = [c for c in document["cases"] if c["dedup_key"].startswith("hs-")]  # hn-: network cases
    by_member = {w["source"] + "/" + w["remote_id"]: c for c in persons for w in c["workers"]}
    ethan = by_member["hr/E1"]
    assert by_member["payroll/P1"] is ethan  # one person, one case: HR, payroll and GitHub together
    indicators = {e["indicator"]: e for e in ethan["evidence"]}
    assert {
        "PAY-SHARED-ACCOUNT",
        "CODE-COMMITS-BEFORE-ACCOUNT",
        "CODE-COMMIT-EMAIL-SHARED",
        "CODE-FOLLOWER-RING",
    } <= set(indicators)
    assert "gh/ebrooks-dev@hr/E1" in indicators["CODE-FOLLOWER-RING"]["records"]
    assert "r•••@gmail.com" in indicators["CODE-COMMIT-EMAIL-SHARED"]["explanation"]
    assert "ryan.cole.web3@gmail.com" not in json.dumps(document)
    ryan = by_member["hr/E2"]
    assert {e["indicator"] for e in ryan["evidence"]} >= {"PAY-SHARED-ACCOUNT", "CODE-COMMIT-EMAIL-SHARED"}
    assert "hr/E5" not in by_member and "hr/E6" not in by_member  # honest account; GitHub evidence alone

    fake.forget()
    screen(config_file(tmp_path, url), exports)  # the unchanged fake: only conditional requests, all 304
    sent = fake.requests()
    assert sent and all(conditional and status == 304 for _p, _q, conditional, status in sent), sent


def test_github_evidence_alone_stays_below_the_low_level() -> None:
    catalogue = load_catalogue()
    indicators = sum(i.weight for i in catalogue if i.id.startswith("CODE-") and i.spec.kind == "indicator")
    assert indicators < LevelThresholds().low
    assert {i.spec.kind for i in catalogue if i.id == "CODE-LOCATION-MISMATCH"} == {"modifier"}


def test_rules_list_shows_the_code_hosting_indicators() -> None:
    listed = CliRunner().invoke(app, ["rules", "list"], env={"COLUMNS": "250"})
    assert listed.exit_code == 0
    for indicator in ("CODE-COMMITS-BEFORE-ACCOUNT", "CODE-REPO-COPIED", "CODE-COMMIT-EMAIL-SHARED",
                      "CODE-FOLLOWER-RING", "CODE-PROFILE-CLONE", "CODE-LOCATION-MISMATCH"):  # fmt: skip
        assert indicator in listed.stdout
    # every golden case runs in tests/core/indicators/test_catalogue.py; here the CLI path for one
    tested = CliRunner().invoke(app, ["rules", "test", "CODE-REPO-COPIED"])
    assert tested.exit_code == 0 and "6 passed, 0 failed" in tested.stdout, tested.stdout
