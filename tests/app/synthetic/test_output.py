"""The exports: files, counts, field names and validity against the canonical models."""

from __future__ import annotations

import csv
import json
from collections import Counter

import pytest
from pydantic import TypeAdapter

from hiresentry.app.synthetic import Truth, generate, rounds_for
from hiresentry.app.synthetic.writer import SOURCE_KINDS, columns, csv_header
from hiresentry.core.model import KIND_MODELS

from .conftest import CONTRACTORS, Population


def test_one_file_per_source_and_kind(population: Population) -> None:
    written = sorted(p.relative_to(population.root).as_posix() for p in population.root.rglob("*.*"))
    expected = [
        f"{source}/{kind}.{'csv' if (source, kind) == ('hr', 'workers') else 'jsonl'}"
        for source, kinds in SOURCE_KINDS.items()
        for kind in kinds
    ]
    assert written == sorted([*expected, "truth.json"])


def test_counts_follow_contractors(population: Population) -> None:
    count = {key: len(records) for key, records in population.records.items()}
    n = CONTRACTORS
    for key in [
        ("hr", "workers"), ("hr", "engagements"), ("hr", "devices"), ("payroll", "workers"),
        ("payroll", "engagements"), ("payroll", "payout_accounts"), ("idp", "workers"), ("idp", "devices"),
    ]:  # fmt: skip
        assert count[key] == n, key
    assert 2 * n <= count[("payroll", "payments")] <= 3 * n
    assert 3 * n <= count[("idp", "access_events")] <= 5 * n
    assert 0.02 * n < count[("hr", "hiring_signals")] < 0.2 * n
    per_worker = Counter(p["worker_remote_id"] for p in population.records[("payroll", "payments")])
    assert set(per_worker.values()) <= {2, 3}


def test_jsonl_lines_have_exactly_the_model_fields_minus_source(population: Population) -> None:
    for (source, kind), records in population.records.items():
        if (source, kind) == ("hr", "workers"):
            continue
        expected = list(columns(kind))  # type: ignore[arg-type]
        assert "source" not in expected and "remote_data" not in expected
        for record in records:
            assert list(record) == expected, (source, kind)


def test_hr_workers_csv_header_uses_dotted_address_columns(population: Population) -> None:
    with (population.root / "hr" / "workers.csv").open(encoding="utf-8", newline="") as handle:
        header = next(csv.reader(handle))
    assert header == csv_header("workers")
    assert "home_address.line1" in header and "ship_to_address.country" in header
    assert "home_address" not in header and "source" not in header
    text = (population.root / "hr" / "workers.csv").read_text(encoding="utf-8")
    assert ",false," in text and "None" not in text and "[" not in text


def _validate(kind: str, records: list[dict[str, object]], source: str) -> None:
    adapter = TypeAdapter(list[KIND_MODELS[kind]])  # type: ignore[index]
    adapter.validate_python([{**r, "source": source} for r in records])


def test_a_sample_of_every_file_validates_against_the_canonical_models(population: Population) -> None:
    for (source, kind), records in population.records.items():
        assert records, (source, kind)
        _validate(kind, records[::17] + records[-3:], source)


def test_every_truth_record_validates(population: Population) -> None:
    ids = {source: population.by_id(source) for source in SOURCE_KINDS}
    for group in population.truth.planted + population.truth.benign:
        for ref in group.records:
            kind, record = ids[ref.source][ref.remote_id]
            _validate(kind, [record], ref.source)


def test_remote_ids_are_unique_per_source_across_kinds(population: Population) -> None:
    for source in SOURCE_KINDS:
        ids = [r["remote_id"] for (s, _), rs in population.records.items() if s == source for r in rs]
        assert len(ids) == len(set(ids)), source


def test_every_reference_points_to_an_existing_record(population: Population) -> None:
    for source in SOURCE_KINDS:
        ids = population.by_id(source)
        for (s, _kind), records in population.records.items():
            if s != source:
                continue
            for record in records:
                for field in ("worker_remote_id", "engagement_remote_id", "payout_account_remote_id", "device_id"):
                    if record.get(field):
                        assert record[field] in ids, (source, field, record[field])


def test_datetimes_are_utc_iso_with_z(population: Population) -> None:
    events = population.records[("idp", "access_events")]
    assert all(e["time"].endswith("Z") and len(e["time"]) == 20 for e in events)
    payments = population.records[("payroll", "payments")]
    assert all(p["paid_at"].endswith("Z") for p in payments)


def test_truth_json_matches_the_returned_truth(population: Population) -> None:
    on_disk = Truth.model_validate(json.loads((population.root / "truth.json").read_text(encoding="utf-8")))
    assert on_disk == population.truth


def test_group_count_scales_mildly_with_population() -> None:
    assert [rounds_for(n) for n in (100, 4_999, 5_000, 49_999, 50_000, 1_000_000)] == [1, 1, 2, 2, 3, 3]


def test_too_small_population_is_refused(tmp_path) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValueError, match="at least"):
        generate(20, 1, tmp_path)
