"""The manual-export connector against real files and a real SQLite store."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select

from hiresentry.connectors.base import sync
from hiresentry.connectors.export import ExportConnector
from hiresentry.core.errors import ConfigError, StoreError
from hiresentry.core.store import Store, schema


def write_jsonl(path: Path, rows: list[object]) -> None:
    path.write_text("\n".join(r if isinstance(r, str) else json.dumps(r) for r in rows) + "\n", encoding="utf-8")


def connector(folder: Path, **config: object) -> ExportConnector:
    return ExportConnector.from_config("hr", {"path": str(folder), **config})


def test_bad_lines_are_reported_and_the_rest_loads(tmp_path: Path, store: Store) -> None:
    write_jsonl(
        tmp_path / "workers.jsonl",
        [
            {"remote_id": "E1", "legal_name": "Daniel Park", "claimed_country": "US"},
            "{not json",
            {"remote_id": "E3", "legal_name": "Ethan Brooks", "claimed_country": "Atlantis"},
            {"remote_id": "E4", "legal_name": "Olga Petrova", "shoe_size": 9},
            "[1, 2]",
            {"remote_id": "E6", "legal_name": "Priya Nair", "emails": ["p@corp.example"]},
        ],
    )
    report = sync(connector(tmp_path), store)
    assert report.written == {"workers": 2}
    problems = [str(p) for p in report.problems]
    path = tmp_path / "workers.jsonl"
    assert problems[0].startswith(f"{path}:2: not valid JSON")
    assert problems[1] == f"{path}:3: claimed_country: unknown country 'Atlantis'"
    assert problems[2] == f"{path}:4: shoe_size: Extra inputs are not permitted"
    assert problems[3] == f"{path}:5: expected a JSON object, got list"


def test_csv_with_nested_columns_and_lists(tmp_path: Path, store: Store) -> None:
    (tmp_path / "workers.csv").write_text(
        "remote_id,legal_name,emails,phones,home_address.line1,home_address.city,home_address.country,agency\n"
        'E1,Daniel Park,d@x.example|dp@y.example,+1 415 555 0142,"88 Pine St, Apt 2",Seattle,US,\n'
        "E2,,x@x.example,,,,,\n",
        encoding="utf-8",
    )
    report = sync(connector(tmp_path), store)
    assert report.written == {"workers": 1}
    assert [str(p) for p in report.problems] == [f"{tmp_path / 'workers.csv'}:3: legal_name: Field required"]
    with store.engine.connect() as conn:
        row = conn.execute(select(schema.workers)).one()
        keys = conn.execute(select(schema.worker_keys.c.key_type)).scalars().all()
    assert row.home_addr_masked == "••• Seattle, US"
    assert sorted(keys) == ["email", "email", "phone"]


def test_unchanged_files_are_skipped_and_changed_files_reread(tmp_path: Path, store: Store) -> None:
    write_jsonl(tmp_path / "workers.jsonl", [{"remote_id": "E1", "legal_name": "Daniel Park"}])
    assert sync(connector(tmp_path), store).total == 1
    assert sync(connector(tmp_path), store).total == 0
    write_jsonl(
        tmp_path / "workers.jsonl",
        [{"remote_id": "E1", "legal_name": "Daniel J. Park"}, {"remote_id": "E2", "legal_name": "Li Wei"}],
    )
    assert sync(connector(tmp_path), store).total == 2
    assert store.count("workers") == 2


def test_a_crash_mid_file_keeps_committed_batches_and_rereads_the_file(
    tmp_path: Path, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_jsonl(
        tmp_path / "workers.jsonl",
        [{"remote_id": f"E{i}", "legal_name": f"Worker Number{i}"} for i in range(5)],
    )
    original = Store.ingest
    calls = {"n": 0}

    def flaky(self: Store, records: object, cursors: object = ()) -> object:
        calls["n"] += 1
        if calls["n"] == 2:
            raise StoreError("ingest failed and was rolled back, nothing was written: disk full")
        return original(self, records, cursors)  # type: ignore[arg-type]

    monkeypatch.setattr(Store, "ingest", flaky)
    with pytest.raises(StoreError):
        sync(connector(tmp_path, batch_size=2), store)
    assert store.count("workers") == 2  # the first batch stays, nothing half-written
    assert store.cursors("hr") == {}  # the file's cursor was not committed
    monkeypatch.setattr(Store, "ingest", original)
    assert sync(connector(tmp_path, batch_size=2), store).total == 5
    assert store.count("workers") == 5


def test_source_in_file_must_match_the_instance(tmp_path: Path, store: Store) -> None:
    write_jsonl(tmp_path / "workers.jsonl", [{"source": "payroll", "remote_id": "E1", "legal_name": "A B"}])
    report = sync(connector(tmp_path), store)
    assert "loaded as source 'hr'" in str(report.problems[0])


def test_check_and_config_errors(tmp_path: Path) -> None:
    assert connector(tmp_path / "missing").check().code == "cannot_connect"
    assert connector(tmp_path).check().ok is False
    write_jsonl(tmp_path / "devices.jsonl", [])
    assert connector(tmp_path).check().ok
    with pytest.raises(ConfigError, match="batch_size"):
        connector(tmp_path, batch_size=0)
