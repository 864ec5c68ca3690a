"""RipplingConnector on the wire against a stateful local fake of both Rippling APIs (pytest-httpserver).

The fake (``fake_rippling.py``) is **our own fixture** in the JSON shapes of Rippling's specs; it
exists because Prism mocks are stateless (see ``test_contract_prism.py``). Covered here: three
pages of each API, ``include_terminated``, retries with the delays asked for, ``check()`` codes,
resuming, and REST re-syncs that stop at the last sync's watermark (and do not when the pages come
back unordered). No test sleeps or reads the wall clock.
"""

from __future__ import annotations

import datetime as dt
import json
import socket

import pytest
from pydantic import SecretStr

from hiresentry.connectors.base import Checkpoint, sync
from hiresentry.connectors.rippling import MANIFEST
from hiresentry.core.capabilities import PayoutHoldCapability
from hiresentry.core.errors import ConnectorUnavailableError
from hiresentry.core.model import Engagement, Worker
from hiresentry.core.store import Store
from tests.connectors.rippling.fake_rippling import LEGACY, FakeRippling
from tests.connectors.rippling.support import Clock, Sleeps, make

Fixture = tuple[FakeRippling, str, str]
EMPLOYEES = f"{LEGACY}/employees/include_terminated"


# -- check ----------------------------------------------------------------------------------------


def test_check_failure_codes(fake_rippling: Fixture) -> None:
    fake, legacy, rest = fake_rippling
    assert make(legacy, rest, api="both").check().ok
    assert make(legacy, rest, token=SecretStr("bad-token-1"), api="both").check().code == "invalid_auth"
    fake.fail("/workers", 403)
    assert make(legacy, rest).check().code == "forbidden_scope"
    fake.fail(EMPLOYEES, 429, times=2)
    assert make(legacy, rest, api="legacy", max_attempts=2).check().code == "rate_limited"
    fake.fail("/workers", 500, times=2)
    assert make(legacy, rest, max_attempts=2).check().code == "cannot_connect"
    assert [p["limit"] for p in fake.requests_to(EMPLOYEES)] == ["1", "1", "1", "1"]


def test_check_when_nothing_listens() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{sock.getsockname()[1]}"
    result = make(closed, closed, max_attempts=2).check()
    assert (result.ok, result.code) == (False, "cannot_connect")


# -- the legacy API ---------------------------------------------------------------------------------


def test_legacy_employees_in_three_pages_with_terminated_ones(fake_rippling: Fixture) -> None:
    fake, legacy, rest = fake_rippling
    batches = list(make(legacy, rest, api="legacy").read({}))
    assert [(p["offset"], p["limit"]) for p in fake.requests_to(EMPLOYEES)] == [("0", "2"), ("2", "2"), ("4", "2")]
    workers = [r for b in batches for r in b.records if isinstance(r, Worker)]
    assert len(workers) == 5  # four active, one terminated
    terminated = next(r for b in batches for r in b.records if isinstance(r, Engagement) and r.status == "terminated")
    assert terminated.end_date == dt.date(2025, 12, 31)
    assert fake.requests_to("/workers") == []


def test_legacy_without_terminated_employees(fake_rippling: Fixture) -> None:
    fake, legacy, rest = fake_rippling
    batches = list(make(legacy, rest, api="legacy", include_terminated=False).read({}))
    assert len(fake.requests_to(f"{LEGACY}/employees")) == 3  # the third page is empty: 2 + 2 were full
    assert sum(isinstance(r, Worker) for b in batches for r in b.records) == 4


def test_a_legacy_interrupted_pass_resumes(fake_rippling: Fixture, store: Store) -> None:
    fake, legacy, rest = fake_rippling
    fake.fail(EMPLOYEES, 502, times=2, when=lambda q: q.get("offset") == "2")
    with pytest.raises(ConnectorUnavailableError):
        sync(make(legacy, rest, api="legacy", max_attempts=2), store)
    assert Checkpoint.decode(store.cursors("rippling")["employees"]) == Checkpoint(1, "2", False)
    fake.log.clear()
    sync(make(legacy, rest, api="legacy"), store)
    assert [p["offset"] for p in fake.requests_to(EMPLOYEES)] == ["2", "4"]
    assert store.count("workers") == 5


# -- the REST API -----------------------------------------------------------------------------------


def test_rest_workers_in_three_pages_through_next_link(fake_rippling: Fixture) -> None:
    fake, legacy, rest = fake_rippling
    batches = list(make(legacy, rest).read({}))
    calls = fake.requests_to("/workers")
    assert [c.get("cursor") for c in calls] == [None, "2", "4"]
    assert all(c["expand"] == "user,employment_type" and c["order_by"] == "updated_at desc" for c in calls)
    workers = [r for b in batches for r in b.records if isinstance(r, Worker)]
    assert [w.remote_id for w in workers] == ["wrk-004", "wrk-003", "wrk-002", "wrk-001", "wrk-000"]
    assert fake.requests_to(EMPLOYEES) == []


def test_429_with_a_reset_header_then_success(fake_rippling: Fixture) -> None:
    fake, legacy, rest = fake_rippling
    fake.fail("/workers", 429, headers={"X-RateLimit-Reset": "9"}, when=lambda q: q.get("cursor") == "2")
    fake.fail(EMPLOYEES, 429, headers={"Retry-After": "4"})
    sleeps = Sleeps()
    batches = list(make(legacy, rest, api="both", sleeps=sleeps).read({}))
    assert sleeps.retries() == [4.0, 9.0]
    assert sum(isinstance(r, Worker) for b in batches for r in b.records) == 10


def test_5xx_then_success(fake_rippling: Fixture) -> None:
    fake, legacy, rest = fake_rippling
    fake.fail("/workers", 504)  # the legacy docs' "paginate on 504"
    sleeps = Sleeps()
    batches = list(make(legacy, rest, sleeps=sleeps).read({}))
    assert sleeps.retries() == [1.0]
    assert sum(isinstance(r, Worker) for b in batches for r in b.records) == 5


def test_a_rest_resync_reads_only_what_changed(fake_rippling: Fixture, store: Store) -> None:
    fake, legacy, rest = fake_rippling
    clock = Clock()
    sync(make(legacy, rest, clock=clock), store)
    cursor = json.loads(store.cursors("rippling")["workers"])
    assert cursor == {"watermark": "2026-02-01T09:04:00+00:00", "full_pass_at": clock.now.isoformat(), "walk": None}

    clock.now += dt.timedelta(hours=1)
    fake.touch(1, clock.now, title="Staff Engineer", work_email="new@acme.example")
    fake.log.clear()
    report = sync(make(legacy, rest, clock=clock), store)
    assert [c.get("cursor") for c in fake.requests_to("/workers")] == [None]  # one page, then the watermark
    assert report.written == {"workers": 2, "engagements": 2}  # wrk-001 changed; wrk-004 shared its page
    assert json.loads(store.cursors("rippling")["workers"])["watermark"] == clock.now.isoformat()

    # Nothing changed: still one page; after full_sync_days every page again.
    fake.log.clear()
    sync(make(legacy, rest, clock=clock), store)
    assert len(fake.requests_to("/workers")) == 1
    clock.now += dt.timedelta(days=7)
    fake.log.clear()
    sync(make(legacy, rest, clock=clock), store)
    assert len(fake.requests_to("/workers")) == 3


def test_a_rest_resync_reads_everything_when_pages_come_back_unordered(fake_rippling: Fixture, store: Store) -> None:
    fake, legacy, rest = fake_rippling
    clock = Clock()
    sync(make(legacy, rest, clock=clock), store)
    fake.honour_order = False  # the server ignores order_by: stopping early could miss changes
    fake.touch(4, clock.now + dt.timedelta(minutes=5))
    fake.log.clear()
    sync(make(legacy, rest, clock=clock), store)
    assert [c.get("cursor") for c in fake.requests_to("/workers")] == [None, "2", "4"]


def test_an_interrupted_rest_walk_resumes_at_its_next_link(fake_rippling: Fixture, store: Store) -> None:
    fake, legacy, rest = fake_rippling
    fake.fail("/workers", 500, times=2, when=lambda q: q.get("cursor") == "4")
    with pytest.raises(ConnectorUnavailableError):
        sync(make(legacy, rest, max_attempts=2), store)
    walk = json.loads(store.cursors("rippling")["workers"])["walk"]
    assert walk["next"].endswith("cursor=4") and walk["full"] is True
    assert store.count("workers") == 4
    fake.log.clear()
    sync(make(legacy, rest), store)
    assert [c.get("cursor") for c in fake.requests_to("/workers")] == ["4"]
    assert store.count("workers") == 5
    assert json.loads(store.cursors("rippling")["workers"])["walk"] is None


def test_both_apis_into_one_store(fake_rippling: Fixture, store: Store) -> None:
    _fake, legacy, rest = fake_rippling
    report = sync(make(legacy, rest, api="both"), store)
    assert report.written == {"workers": 10, "engagements": 10}
    assert report.problems == []
    assert set(store.cursors("rippling")) == {"employees", "workers"}


def test_no_hold_api_and_no_webhooks_only_a_manual_task(fake_rippling: Fixture) -> None:
    _fake, legacy, rest = fake_rippling
    assert (MANIFEST.capabilities, MANIFEST.webhook) == ([], None)
    assert not isinstance(make(legacy, rest), PayoutHoldCapability)
    assert MANIFEST.manual_hold is not None
    text = MANIFEST.manual_hold.task_text("rippling/wrk-001")
    assert "rippling/wrk-001" in text and "PATCH /payroll_runs/{payrollRunId}" in text
