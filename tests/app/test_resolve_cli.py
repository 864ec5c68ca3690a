"""``hiresentry resolve`` through Typer's CliRunner: real export files, a real SQLite store."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from hiresentry.app.resolve_cli import resolve_app
from hiresentry.core.resolve import person_id

KEY = "resolve-cli-test-key-0123456789abcdef"


def jsonl(path: Path, rows: list[dict[str, object]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")


@pytest.fixture
def config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for name in [n for n in os.environ if n.startswith("HIRESENTRY")]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("RESOLVE_TEST_KEY", KEY)
    path = tmp_path / "hiresentry.yaml"
    path.write_text(
        f"store:\n  url: sqlite:///{tmp_path / 'store.db'}\nkeys:\n  hmac_key: env:RESOLVE_TEST_KEY\n", encoding="utf-8"
    )
    return path


@pytest.fixture
def exports(tmp_path: Path) -> Path:
    home = "12 Main St, Springfield, IL 62701, US"
    jsonl(
        tmp_path / "exports" / "payroll" / "workers.jsonl",
        [
            {"remote_id": "A", "legal_name": "Daniel Park", "tax_id": "111-22-3333"},
            {"remote_id": "B", "legal_name": "Ethan Brooks", "phones": ["+14155550142"]},
            {"remote_id": "C", "legal_name": "Olga Petrova", "date_of_birth": "1985-03-04", "home_address": home},
        ],
    )
    jsonl(
        tmp_path / "exports" / "hr" / "workers.jsonl",
        [
            {"remote_id": "E1", "legal_name": "Park, Daniel", "tax_id": "111223333"},
            {"remote_id": "E2", "legal_name": "Ryan Cole", "phones": ["(415) 555-0142"]},
            {"remote_id": "E3", "legal_name": "Olga Petrowa", "date_of_birth": "1985-03-04", "home_address": home},
        ],
    )
    return tmp_path / "exports"


def run(config: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(resolve_app, ["--config", str(config), *args], catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def test_json_lists_every_person_with_records_and_reasons(config: Path, exports: Path) -> None:
    code, stdout, _ = run(
        config, "--source", f"export:{exports / 'payroll'}", "--source", f"export:{exports / 'hr'}", "--json"
    )
    assert code == 0
    document = json.loads(stdout)  # stdout carries only the JSON document
    assert list(document) == ["people"]
    people = {frozenset(f"{r['source']}/{r['remote_id']}" for r in p["records"]): p for p in document["people"]}
    assert set(people) == {
        frozenset({"payroll/A", "hr/E1"}),
        frozenset({"payroll/C", "hr/E3"}),
        frozenset({"payroll/B"}),  # a shared phone under another name is a link, not a merge
        frozenset({"hr/E2"}),
    }
    for refs, person in people.items():
        assert set(person) == {"person_id", "records", "reasons"}
        assert person["person_id"] == person_id(list(refs))
        assert all(set(r) == {"source", "remote_id"} for r in person["records"])
    (tax,) = people[frozenset({"payroll/A", "hr/E1"})]["reasons"]
    assert tax["rule"] == "same_tax_id"
    assert sorted(tax["records"]) == ["hr/E1", "payroll/A"]
    (probable,) = people[frozenset({"payroll/C", "hr/E3"})]["reasons"]
    assert probable["rule"] == "probable_match"
    assert probable["reason"].startswith("probable match (name ")
    levels = {f["feature"]: f["level"] for f in probable["features"]}
    assert levels["date_of_birth"] == "exact"
    assert levels["home_address"] == "exact"
    assert "tax_id" not in levels  # missing features are left out
    assert probable["score"] == pytest.approx(sum(f["weight"] for f in probable["features"]), abs=0.05)
    assert people[frozenset({"hr/E2"})]["reasons"] == []


def test_person_ids_are_stable_across_runs(config: Path, exports: Path) -> None:
    code, first, _ = run(config, "--source", f"export:{exports / 'payroll'}", "--json")
    assert code == 0
    code, again, _ = run(config, "--json")  # the store already holds the records
    assert code == 0
    assert json.loads(first) == json.loads(again)


def test_table_shows_merged_people_and_a_summary(config: Path, exports: Path) -> None:
    code, stdout, _ = run(config, "--source", f"export:{exports / 'payroll'}", "--source", f"export:{exports / 'hr'}")
    assert code == 0
    assert "same tax id" in stdout
    assert "probable match" in stdout
    assert "6 worker records → 4 people (2 with more than one record)" in stdout


def test_an_empty_store_has_no_people(config: Path) -> None:
    code, stdout, _ = run(config, "--json")
    assert code == 0
    assert json.loads(stdout) == {"people": []}
