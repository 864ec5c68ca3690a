"""HiBobConnector on the wire against a stateful local fake of Bob (pytest-httpserver).

The fake (``fake_hibob.py``) is **our own fixture** speaking the JSON shapes of HiBob's spec; it
exists because the spec's Prism mock is stateless (see ``test_contract_prism.py``). These tests
cover batches of one search answer, 429 throttling, ``check()`` codes, re-syncs that read only
changed employees in depth (and everyone every ``full_refresh_days``), resuming, webhooks read back
with the ``root.id`` filter, payroll history, and a sync into the real store. No test sleeps or
reads the wall clock: sleeps are recorded and the clock is the test's.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
import socket
from typing import Any

import pytest
from pydantic import SecretStr
from sqlalchemy import select

from hiresentry.connectors.base import Runtime, WebhookRequest, sync
from hiresentry.connectors.base.incremental import Watermark
from hiresentry.connectors.base.webhook_replay import SqlSeenEvents, WebhookGate
from hiresentry.connectors.hibob import HiBobConnector
from hiresentry.core.errors import ConnectorUnavailableError
from hiresentry.core.model import Engagement, PayoutAccount, Worker
from hiresentry.core.store import Store, schema
from tests.connectors.hibob.fake_hibob import SERVICE_USER, FakeHiBob, bank_entry, person

DAY1 = dt.datetime(2026, 4, 6, 8, 0, tzinfo=dt.UTC)
SECRET = "bob-webhook-secret-abcdef"


class Sleeps(list[float]):
    """The delays the connector asked to sleep; budget pacing (microseconds at 10⁶ rps) filtered out."""

    def retries(self) -> list[float]:
        return [s for s in self if s >= 0.05]


def make(url: str, sleeps: list[float] | None = None, now: dt.datetime = DAY1, **overrides: Any) -> HiBobConnector:
    raw: dict[str, Any] = {
        "base_url": url,
        "service_user_id": SERVICE_USER[0],
        "service_user_token": SecretStr(SERVICE_USER[1]),
        "rate_limit_per_second": 1_000_000,
        "page_size": 3,
        "organization": "Acme Ltd",
        "webhook_secret": SecretStr(SECRET),
    }
    runtime = Runtime(sleep=(sleeps if sleeps is not None else Sleeps()).append, now=lambda: now)
    return HiBobConnector.from_config("bob", raw | overrides, runtime)


def records(conn: HiBobConnector, state: dict[str, str] | None = None) -> list[Any]:
    return [r for b in conn.read(state or {}) for r in b.records]


# -- check -----------------------------------------------------------------------------------------


def test_check_ok_and_failure_codes(fake_hibob: tuple[FakeHiBob, str]) -> None:
    fake, url = fake_hibob
    assert make(url).check().ok
    assert fake.requests_to("/people/search") == [{"fields": ["root.id"], "showInactive": False}]
    result = make(url, service_user_token=SecretStr("wrong-token-000")).check()
    assert (result.ok, result.code) == (False, "invalid_auth")
    fake.fail("/people/search", 403)
    assert make(url).check().code == "forbidden_scope"
    fake.fail("/people/search", 429, times=3)
    sleeps = Sleeps()
    assert make(url, sleeps, max_attempts=3).check().code == "rate_limited"
    assert len(sleeps.retries()) == 2
    fake.fail("/people/search", 500, times=3)
    assert make(url, max_attempts=3).check().code == "cannot_connect"
    assert SERVICE_USER[1] not in result.message


def test_check_when_nothing_listens() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        closed = sock.getsockname()[1]
    result = make(f"http://127.0.0.1:{closed}/v1", max_attempts=2).check()
    assert (result.ok, result.code) == (False, "cannot_connect")


# -- batches and throttling --------------------------------------------------------------------------


def test_one_search_is_cut_into_batches_by_employee_id(fake_hibob: tuple[FakeHiBob, str]) -> None:
    fake, url = fake_hibob
    batches = list(make(url, streams=["people"]).read({}))
    (search,) = fake.requests_to("/people/search")  # asked once, not once per batch
    assert search["showInactive"] is True
    assert search["humanReadable"] == "APPEND"
    assert {"root.id", "personal.birthDate", "address.country", "home.mobilePhone"} <= set(search["fields"])
    assert len(batches) == 3  # 7 employees, 3 per batch
    positions = [Watermark.decode(b.cursors[0].value) for b in batches]
    ids = fake.ids()
    assert [p.position if p else None for p in positions] == [ids[2], ids[5], None]
    workers = [r for b in batches for r in b.records if isinstance(r, Worker)]
    assert [w.remote_id for w in workers] == ids
    assert fake.bank_reads() == ids
    assert sum(isinstance(r, PayoutAccount) for b in batches for r in b.records) == 7


def test_429_is_waited_out(fake_hibob: tuple[FakeHiBob, str]) -> None:
    fake, url = fake_hibob
    first, second = fake.ids()[:2]
    fake.fail(f"/people/{first}/bank-accounts", 429, headers={"Retry-After": "30"})
    fake.fail(f"/people/{second}/bank-accounts", 429)
    sleeps = Sleeps()
    found = records(make(url, sleeps, streams=["people"]))
    asked, backoff = sleeps.retries()
    assert asked == 30.0
    assert 0.5 <= backoff <= 1.0  # no Retry-After: jittered backoff
    assert sum(isinstance(r, PayoutAccount) for r in found) == 7


def test_missing_financial_permission_is_a_problem_per_employee(fake_hibob: tuple[FakeHiBob, str]) -> None:
    fake, url = fake_hibob
    fake.fail(f"/people/{fake.ids()[0]}/bank-accounts", 403)
    batches = list(make(url, streams=["people"]).read({}))
    problems = [p for b in batches for p in b.problems]
    assert [p.reason for p in problems] == ["the service user may not read bank accounts (Financial permission)"]
    assert sum(isinstance(r, Worker) for b in batches for r in b.records) == 7


# -- re-sync -------------------------------------------------------------------------------------------


def test_resync_reads_only_changed_employees_in_depth(fake_hibob: tuple[FakeHiBob, str], store: Store) -> None:
    fake, url = fake_hibob
    first = sync(make(url, streams=["people"]), store)
    assert first.written == {"workers": 7, "payout_accounts": 7}

    ids = fake.ids()
    fake.people[ids[1]]["home"]["mobilePhone"] = "+44 7700 900999"  # a searched field changes
    fake.banks[ids[4]].append(bank_entry(4, 1))  # a table changes: invisible to the search
    newcomer = person(9)
    fake.people[newcomer["id"]] = newcomer
    fake.banks[newcomer["id"]] = [bank_entry(9)]
    fake.log.clear()
    second = sync(make(url, now=DAY1 + dt.timedelta(days=1), streams=["people"]), store)

    assert len(fake.requests_to("/people/search")) == 1
    assert fake.bank_reads() == [ids[1], newcomer["id"]]  # only the changed and the new employee
    assert second.written == {"workers": 2, "payout_accounts": 2}

    fake.log.clear()
    third = sync(make(url, now=DAY1 + dt.timedelta(days=8), streams=["people"]), store)  # a week after the full pass
    assert len(fake.bank_reads()) == 8  # everyone, which finds the table change
    assert third.written == {"workers": 8, "payout_accounts": 9}
    assert store.count("payout_accounts") == 9

    fake.log.clear()
    sync(make(url, now=DAY1 + dt.timedelta(days=9), streams=["people"]), store)
    assert fake.bank_reads() == []  # nothing changed since the last full pass


def test_resume_after_a_failure_mid_pass(fake_hibob: tuple[FakeHiBob, str], store: Store) -> None:
    fake, url = fake_hibob
    ids = fake.ids()
    fake.fail(f"/people/{ids[4]}/bank-accounts", 500, times=99)
    with pytest.raises(ConnectorUnavailableError):
        sync(make(url, max_attempts=2, streams=["people"]), store)
    assert store.count("workers") == 3  # the first batch committed

    fake.faults.clear()
    fake.log.clear()
    sync(make(url, streams=["people"]), store)
    assert len(fake.requests_to("/people/search")) == 1
    assert fake.bank_reads() == ids[3:]  # resumed after the last committed id
    assert store.count("workers") == 7
    mark = Watermark.decode(store.cursor("bob", "people"))
    assert mark is not None
    assert mark.done
    assert sorted(mark.memo["digests"]) == ids  # the fingerprints of the whole pass


# -- payroll history and the store ------------------------------------------------------------------


def test_payroll_history_becomes_dated_engagements(fake_hibob: tuple[FakeHiBob, str]) -> None:
    fake, url = fake_hibob
    found = records(make(url, streams=["payroll_history"]))
    assert fake.requests_to("/payroll/history") == [{"showInactive": "true"}]
    engagements = {e.worker_remote_id: e for e in found if isinstance(e, Engagement)}
    assert len(engagements) == 7
    contractor = engagements[fake.ids()[3]]
    assert (contractor.type, contractor.start_date, contractor.hours_per_week) == (
        "contractor",
        dt.date(2023, 4, 1),
        40.0,
    )
    assert (contractor.client_org, contractor.status) == ("Acme Ltd", "current")


def test_sync_into_the_store_keeps_identity_and_hides_secrets(
    fake_hibob: tuple[FakeHiBob, str], store: Store, caplog: pytest.LogCaptureFixture
) -> None:
    fake, url = fake_hibob
    caplog.set_level("DEBUG")
    report = sync(make(url), store)
    assert report.problems == []
    assert report.written == {"workers": 7, "payout_accounts": 7, "engagements": 7}
    first = fake.ids()[0]
    with store.engine.connect() as conn:
        row = conn.execute(select(schema.workers).where(schema.workers.c.remote_id == first)).mappings().one()
    assert row["legal_name"] == "Given0 Family0"
    assert row["date_of_birth"] == dt.date(1991, 1, 20)
    assert row["claimed_country"] == "GB"  # the readable value, not Bob's list item id
    stored = " ".join(str(v) for v in row.values())
    for secret in (SERVICE_USER[1], "given0@example.org", "+44 7700 900100", fake.banks[first][0]["iban"]):
        assert secret not in stored
        assert secret not in caplog.text


# -- webhooks read back --------------------------------------------------------------------------------


def delivery(payload: dict[str, Any]) -> WebhookRequest:
    body = json.dumps(payload).encode()
    signature = base64.b64encode(hmac.new(SECRET.encode(), body, hashlib.sha512).digest()).decode()
    return WebhookRequest(body, {"Bob-Signature": signature})


def test_an_update_event_reads_the_employee_back_with_the_id_filter(
    fake_hibob: tuple[FakeHiBob, str], store: Store
) -> None:
    fake, url = fake_hibob
    target = fake.ids()[2]
    fake.people[target]["address"]["line1"] = "1 New Street"
    conn = make(url)
    verifier = conn.webhook_verifier()
    assert verifier is not None
    gate = WebhookGate("bob", verifier, SqlSeenEvents(store.engine), now=lambda: DAY1)
    event = {
        "companyId": 636192,
        "type": "employee.updated",
        "triggeredBy": "3332883909410030364",
        "triggeredAt": "2026-04-06T07:59:30.123",
        "version": "v2",
        "data": {"employeeId": target, "fieldUpdates": [{"fieldId": "address.line1"}]},
    }
    batch = conn.webhook_batch(gate.accept(delivery(event)))
    (search,) = fake.requests_to("/people/search")
    assert search["filters"] == [{"fieldPath": "root.id", "operator": "equals", "values": [target]}]
    assert fake.bank_reads() == [target]
    worker = next(r for r in batch.records if isinstance(r, Worker))
    assert worker.home_address is not None
    assert worker.home_address.line1 == "1 New Street"
    assert store.ingest(batch.records).written == {"workers": 1, "payout_accounts": 1}

    fake.log.clear()
    deleted = conn.webhook_batch(gate.accept(delivery({**event, "type": "employee.deleted"})))
    assert (deleted.records, fake.log) == ([], [])  # nothing to read back for a deletion
