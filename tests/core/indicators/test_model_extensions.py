"""The model fields the full catalogue reads: how they are reduced at ingest and what the store keeps.

Runs against a real SQLite store (the ``store`` fixture) so the new columns are the migrated ones.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pytest
from pydantic import SecretStr, ValidationError

from hiresentry.core.model import AccessEvent, Device, Engagement, HiringSignal, Payment, PayoutAccount, Worker
from hiresentry.core.population import Population
from hiresentry.core.store import Store
from hiresentry.core.store.rows import MINHASH_SIZE, line_type, resume_signature

RESUME = (
    "Senior full stack engineer with eight years of experience building scalable web applications with React, "
    "Node.js, TypeScript and PostgreSQL. Led the migration of a monolithic payments platform to microservices on "
    "AWS, cutting deployment time by sixty percent, and mentored five junior developers."
)


def _similarity(a: list[str], b: list[str]) -> float:
    return sum(x == y for x, y in zip(a, b, strict=True)) / len(a)


def test_resume_signatures_estimate_shared_shingles_and_depend_on_the_key() -> None:
    first = resume_signature(RESUME, "seed-a")
    assert first is not None and len(first) == MINHASH_SIZE
    assert resume_signature(RESUME.upper(), "seed-a") == first  # case and punctuation do not matter
    near = resume_signature(RESUME.replace("sixty", "fifty"), "seed-a")
    other = resume_signature("Data engineer building Spark and Kafka pipelines for a retail chain.", "seed-a")
    assert near is not None and other is not None
    assert _similarity(first, near) > 0.8
    assert _similarity(first, other) < 0.2
    assert _similarity(first, resume_signature(RESUME, "seed-b") or []) < 0.2  # keyed: another secret, other values
    assert resume_signature("too short", "seed-a") is None


def test_phone_line_types_come_from_phonenumbers() -> None:
    assert line_type("+445612345678") == "voip"
    assert line_type("+447400123456") == "mobile"
    assert line_type("+999") is None


def test_new_fields_are_stored_reduced_and_read_back_as_frames(store: Store, store_path: Path) -> None:
    at = dt.datetime(2026, 9, 1, 12, tzinfo=dt.UTC)
    store.ingest(
        [
            Worker(source="hr", remote_id="E1", legal_name="Ethan Brooks", phones=["+44 56 1234 5678"],
                   resume_text=RESUME, profile_created_on=dt.date(2026, 8, 1)),
            Engagement(source="hr", remote_id="C1", worker_remote_id="E1", hours_per_week=10),
            PayoutAccount(source="hr", remote_id="A1", worker_remote_id="E1", method="bank", holder_name="Brooks LLC",
                          account_number=SecretStr("000123456789"), holder_type="business",
                          entity_tax_id=SecretStr("12-3456789"), entity_formed_on=dt.date(2026, 5, 1),
                          entity_address={"line1": "1 Main St", "city": "Austin", "region": "TX", "country": "US"}),
            Payment(source="hr", remote_id="M1", worker_remote_id="E1", amount="10.00", currency="usd", approved=False),
            AccessEvent(source="hr", remote_id="S1", worker_remote_id="E1", time=at,
                        ended_at=at + dt.timedelta(days=1)),
            Device(source="hr", remote_id="D1", worker_remote_id="E1", software=["Caffeine"], located_at=at,
                   shipped_to_address={"line1": "Polna 12", "city": "Warszawa", "country": "Poland"}),
            HiringSignal(source="hr", remote_id="H1", worker_remote_id="E1", signal="Travel declared", country="Japan",
                         valid_from=dt.date(2026, 9, 1), valid_until=dt.date(2026, 9, 14)),
        ]
    )  # fmt: skip
    pop = Population.from_store(store)
    worker = pop.workers.row(0, named=True)
    assert len(worker["resume_minhash"]) == MINHASH_SIZE
    assert worker["profile_created_on"] == dt.date(2026, 8, 1)
    assert pop.worker_keys.filter(pl.col("key_type") == "phone")["line_type"].to_list() == ["voip"]
    assert pop.engagements["hours_per_week"].to_list() == [10.0]
    account = pop.payout_accounts.row(0, named=True)
    assert account["holder_type"] == "business"
    assert account["entity_key"] and len(account["entity_key"]) == 32
    assert account["entity_addr_masked"] == "••• Austin, TX, US"
    assert pop.payments["approved"].to_list() == [False]
    assert pop.access_events["ended_at"].to_list() == [at + dt.timedelta(days=1)]
    device = pop.devices.row(0, named=True)
    assert (device["shipped_to_country"], device["software"]) == ("PL", ["Caffeine"])
    signal = pop.hiring_signals.row(0, named=True)
    assert (signal["signal"], signal["country"]) == ("travel_declared", "JP")
    assert signal["valid_until"] == dt.date(2026, 9, 14)
    store.close()
    raw = store_path.read_bytes()
    assert b"monolithic payments platform" not in raw  # only the signature of the resume is kept
    assert b"12-3456789" not in raw and b"123456789" not in raw


def test_a_declaration_period_must_not_end_before_it_starts() -> None:
    with pytest.raises(ValidationError, match="valid_until is before valid_from"):
        HiringSignal(source="hr", remote_id="H1", worker_remote_id="E1", signal="travel_declared",
                     valid_from=dt.date(2026, 9, 14), valid_until=dt.date(2026, 9, 1))  # fmt: skip
