"""WorkdayConnector on the wire against a stateful local fake tenant (pytest-httpserver).

The fake (``fake_workday.py``) is **our own fixture**: REST in the shapes of the staffing v6 spec,
RaaS (which has no public spec) in the shape Workday's integration documentation describes. These
tests cover paging ``/workers``, 429 throttling, ``check()`` codes, the OAuth refresh-token grant,
report re-syncs that pass the changed-since prompt and read only changed rows, and a sync into the
real store. No test sleeps or reads the wall clock.
"""

from __future__ import annotations

import datetime as dt
import socket
from typing import Any

import pytest
from pydantic import SecretStr
from sqlalchemy import select

from hiresentry.connectors.base import Runtime, sync
from hiresentry.connectors.base.incremental import Watermark
from hiresentry.connectors.base.token_store import MemoryTokenStore
from hiresentry.connectors.workday import WorkdayConnector
from hiresentry.core.model import Engagement, PayoutAccount, Worker
from hiresentry.core.store import Store, schema
from tests.connectors.workday.fake_workday import (
    CLIENT,
    ELECTIONS,
    IDENTITY,
    ISU,
    RAAS,
    REFRESH,
    REST,
    FakeWorkday,
)

NOW = dt.datetime(2026, 3, 1, 17, 0, tzinfo=dt.UTC)
BAD_IBAN = "iban: not a valid IBAN (bad checksum, length or country)"
REPORTS = [
    {"name": "identity", "path": IDENTITY, "kind": "workers", "changed_since_prompt": "Updated_From"},
    {"name": "elections", "path": ELECTIONS, "kind": "payout_accounts"},
]


class Sleeps(list[float]):
    """The delays the connector asked to sleep; budget pacing (microseconds at 10⁶ rps) filtered out."""

    def retries(self) -> list[float]:
        return [s for s in self if s >= 0.05]


@pytest.fixture
def tokens() -> MemoryTokenStore:
    return MemoryTokenStore()


def make(
    origin: str, tokens: MemoryTokenStore, sleeps: list[float] | None = None, **overrides: Any
) -> WorkdayConnector:
    raw: dict[str, Any] = {
        "host": "wd2-impl-services1.workday.com",
        "tenant": "acme",
        "rest_base_url": origin + REST,
        "raas_base_url": origin + RAAS,
        "token_url": origin + "/ccx/oauth2/acme/token",
        "client_id": CLIENT[0],
        "client_secret": SecretStr(CLIENT[1]),
        "refresh_token": SecretStr(REFRESH),
        "isu_username": ISU[0],
        "isu_password": SecretStr(ISU[1]),
        "rate_limit_per_second": 1_000_000,
        "page_size": 2,
        "reports": REPORTS,
    }
    runtime = Runtime(sleep=(sleeps if sleeps is not None else Sleeps()).append, now=lambda: NOW, token_store=tokens)
    return WorkdayConnector.from_config("workday", raw | overrides, runtime)


# -- check -----------------------------------------------------------------------------------------


def test_check_ok_and_failure_codes(fake_workday: tuple[FakeWorkday, str], tokens: MemoryTokenStore) -> None:
    fake, origin = fake_workday
    assert make(origin, tokens).check().ok
    assert fake.issued == 1
    fake.fail(REST + "/workers", 403)
    assert make(origin, tokens).check().code == "forbidden_scope"
    fake.fail(REST + "/workers", 429, times=3)
    sleeps = Sleeps()
    assert make(origin, tokens, sleeps, max_attempts=3).check().code == "rate_limited"
    assert len(sleeps.retries()) == 2  # backed off twice, then gave up
    fake.fail(REST + "/workers", 500, times=3)
    assert make(origin, tokens, max_attempts=3).check().code == "cannot_connect"


def test_a_refused_refresh_token_is_invalid_auth(fake_workday: tuple[FakeWorkday, str]) -> None:
    _fake, origin = fake_workday
    result = make(origin, MemoryTokenStore(), refresh_token=SecretStr("revoked")).check()
    assert (result.ok, result.code) == (False, "invalid_auth")
    assert "revoked" not in result.message


def test_a_reports_only_source_checks_its_first_report_cheaply(
    fake_workday: tuple[FakeWorkday, str], tokens: MemoryTokenStore
) -> None:
    fake, origin = fake_workday
    conn = make(origin, tokens, rest_workers=False, client_id=None, client_secret=None, refresh_token=None)
    assert conn.check().ok
    assert fake.requests_to(f"{RAAS}/{IDENTITY}") == [
        {"format": "json", "Updated_From": "2026-03-01T17:00:00.000+00:00"}
    ]
    bad = make(origin, tokens, rest_workers=False, client_id=None, client_secret=None, isu_password=SecretStr("no"))
    assert bad.check().code == "invalid_auth"


def test_check_when_nothing_listens(tokens: MemoryTokenStore) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{sock.getsockname()[1]}"
    result = make(closed, tokens, max_attempts=2).check()
    assert (result.ok, result.code) == (False, "cannot_connect")


# -- REST paging and throttling ----------------------------------------------------------------------


def test_workers_pages_and_service_dates(fake_workday: tuple[FakeWorkday, str], tokens: MemoryTokenStore) -> None:
    fake, origin = fake_workday
    conn = make(origin, tokens, reports=[])
    batches = list(conn.read({}))
    pages = fake.requests_to(REST + "/workers")
    assert [(p["offset"], p["limit"], p["includeTerminatedWorkers"]) for p in pages] == [
        ("0", "2", "true"),
        ("2", "2", "true"),
        ("4", "2", "true"),
    ]
    assert len(batches) == 3
    records = [r for b in batches for r in b.records]
    workers = {r.remote_id: r for r in records if isinstance(r, Worker)}
    assert sorted(workers) == ["21000", "21001", "21003", "21004", "C21002"]  # without a report, REST names them
    engagements = [r for r in records if isinstance(r, Engagement)]
    assert len(engagements) == 6  # worker 1 holds an additional job
    contingent = next(e for e in engagements if e.worker_remote_id == "C21002")
    assert (contingent.type, contingent.start_date, contingent.client_org) == (
        "contractor",
        dt.date(2020, 3, 1),
        "acme",
    )
    assert sum(p.endswith("/serviceDates") for p in fake.paths()) == 5


def test_429_is_retried_with_backoff_or_retry_after(
    fake_workday: tuple[FakeWorkday, str], tokens: MemoryTokenStore
) -> None:
    fake, origin = fake_workday
    fake.fail(REST + "/workers", 429, when=lambda q: q.get("offset") == "2")
    fake.fail(REST + "/workers", 429, headers={"Retry-After": "9"}, when=lambda q: q.get("offset") == "4")
    sleeps = Sleeps()
    records = [r for b in make(origin, tokens, sleeps, reports=[]).read({}) for r in b.records]
    backoff, asked = sleeps.retries()
    assert 0.5 <= backoff <= 1.0  # Workday sends no Retry-After: jittered backoff
    assert asked == 9.0
    assert sum(isinstance(r, Worker) for r in records) == 5


# -- reports and re-sync -----------------------------------------------------------------------------


def test_reports_supply_identity_and_bank_and_rest_supplies_jobs(
    fake_workday: tuple[FakeWorkday, str], tokens: MemoryTokenStore
) -> None:
    _fake, origin = fake_workday
    records = [r for b in make(origin, tokens).read({}) for r in b.records]
    workers = [r for r in records if isinstance(r, Worker)]
    assert sorted(w.remote_id for w in workers) == ["21000", "21001", "21003", "21004", "C21002"]
    assert all(w.date_of_birth is not None and w.home_address is not None for w in workers)  # from the report
    accounts = [r for r in records if isinstance(r, PayoutAccount)]
    assert {a.worker_remote_id for a in accounts} == {w.remote_id for w in workers}
    engagements = [r for r in records if isinstance(r, Engagement)]
    assert {e.worker_remote_id for e in engagements} == {w.remote_id for w in workers}


def test_resync_passes_the_changed_since_prompt_and_reads_only_changed_rows(
    fake_workday: tuple[FakeWorkday, str], tokens: MemoryTokenStore, store: Store
) -> None:
    fake, origin = fake_workday
    first = sync(make(origin, tokens), store)
    assert first.written == {"engagements": 6, "workers": 5, "payout_accounts": 5}
    assert fake.requests_to(f"{RAAS}/{IDENTITY}") == [{"format": "json"}]  # the first pass reads every row
    mark = Watermark.decode(store.cursor("workday", "identity"))
    assert mark is not None
    assert mark.high == "2026-02-28T16:00:00Z"  # the newest Last_Updated read (Workday's data, not our clock)

    fake.now = dt.datetime(2026, 3, 2, 9, 30, tzinfo=dt.UTC)
    fake.touch(IDENTITY, "21003", Home_Address_Line_1="1 Market St", Home_Phone="+1 (628) 555-0101")
    fake.log.clear()
    second = sync(make(origin, tokens), store)

    assert fake.requests_to(f"{RAAS}/{IDENTITY}") == [
        {"format": "json", "Updated_From": "2026-02-28T15:50:00.000+00:00"}  # the mark minus 10 minutes
    ]
    # the changed row, and the newest one before it: it sits at the mark, inside the overlap
    assert second.written["workers"] == 2
    assert fake.served[IDENTITY] == ["21003", "21004"]
    assert len(fake.requests_to(REST + "/workers")) == 3  # REST has no change filter: a full pass
    assert fake.requests_to(f"{RAAS}/{ELECTIONS}") == [{"format": "json"}]  # no prompt configured: whole report
    mark = Watermark.decode(store.cursor("workday", "identity"))
    assert mark is not None
    assert mark.high == "2026-03-02T09:30:00Z"
    with store.engine.connect() as conn:
        changed = conn.execute(select(schema.workers.c.modified_at).where(schema.workers.c.remote_id == "21003"))
        assert changed.scalar_one().replace(tzinfo=dt.UTC) == dt.datetime(2026, 3, 2, 9, 30, tzinfo=dt.UTC)


def test_a_bad_row_is_a_problem_and_the_rest_of_the_report_loads(
    fake_workday: tuple[FakeWorkday, str], tokens: MemoryTokenStore, store: Store
) -> None:
    fake, origin = fake_workday
    fake.reports[IDENTITY][1]["Date_of_Birth"] = "04/12/1985"
    fake.reports[ELECTIONS][2]["IBAN"] = "DE00 0000 0000 0000 0000 00"
    report = sync(make(origin, tokens), store)
    assert sorted((p.location, p.reason) for p in report.problems) == [
        (
            "workday:report elections row id=PE-2",
            "iban: Value error, iban: not a valid IBAN (bad checksum, length or country)",
        ),
        ("workday:report identity row id=21001", "ValueError: not a date (expected YYYY-MM-DD)"),
    ]
    assert report.written["payout_accounts"] == 4
    assert "DE00" not in " ".join(str(p) for p in report.problems)  # the rejected value is not echoed


def test_sync_into_the_store_keeps_secrets_out(
    fake_workday: tuple[FakeWorkday, str], tokens: MemoryTokenStore, store: Store, caplog: pytest.LogCaptureFixture
) -> None:
    _fake, origin = fake_workday
    caplog.set_level("DEBUG")
    report = sync(make(origin, tokens), store)
    assert report.problems == []
    with store.engine.connect() as conn:
        worker = conn.execute(select(schema.workers).where(schema.workers.c.remote_id == "21001")).mappings().one()
        account = (
            conn.execute(select(schema.payout_accounts).where(schema.payout_accounts.c.remote_id == "PE-1"))
            .mappings()
            .one()
        )
    assert worker["legal_name"] == "Given1 Middle Family1"
    assert worker["date_of_birth"] == dt.date(1985, 4, 11)
    stored = " ".join(str(v) for v in [*worker.values(), *account.values()])
    for secret in ("444-55-6601", "000123450001", "given1@example.net", ISU[1], CLIENT[1], REFRESH):
        assert secret not in stored
        assert secret not in caplog.text
