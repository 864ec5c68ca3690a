"""BambooHRConnector on the wire against a stateful local fake of BambooHR (pytest-httpserver).

The fake (``fake_bamboohr.py``) is **our own fixture** speaking the JSON shapes of BambooHR's spec;
it exists because the spec's Prism mock is stateless (see ``test_contract_prism.py``). These tests
cover what only a stateful server can show: walking cursor pages, throttling with 503 +
Retry-After, ``check()`` codes, OAuth refresh, a re-sync that asks ``/employees/changed`` and
fetches only what it names, resuming after a failure, and a sync into the real store. No test
sleeps or reads the wall clock: the connector gets a recording ``sleep`` and the fake's clock.
"""

from __future__ import annotations

import datetime as dt
import socket
from typing import Any

import pytest
from pydantic import SecretStr
from sqlalchemy import select

from hiresentry.connectors.bamboohr import BambooHRConnector
from hiresentry.connectors.base import Runtime, VerifiedDelivery, sync
from hiresentry.connectors.base.incremental import Watermark
from hiresentry.connectors.base.token_store import MemoryTokenStore
from hiresentry.core.errors import ConnectorUnavailableError
from hiresentry.core.model import Engagement, Worker
from hiresentry.core.store import Store, schema
from tests.connectors.bamboohr.fake_bamboohr import API_KEY, FakeBambooHR, employee


class Sleeps(list[float]):
    """The delays the connector asked to sleep; budget pacing (microseconds at 10⁶ rps) filtered out."""

    def retries(self) -> list[float]:
        return [s for s in self if s >= 0.05]


TOKENS = MemoryTokenStore()


@pytest.fixture(autouse=True)
def fresh_tokens() -> None:
    """One token store per test, shared by its connectors (as the SQL store is between runs)."""
    global TOKENS
    TOKENS = MemoryTokenStore()


def make(url: str, sleeps: list[float] | None = None, *, oauth: bool = False, **overrides: Any) -> BambooHRConnector:
    raw: dict[str, Any] = {"company_domain": "acme", "base_url": url, "rate_limit_per_second": 1_000_000}
    if oauth:
        raw |= {
            "client_id": "app-1",
            "client_secret": SecretStr("app-secret-xyz"),
            "refresh_token": SecretStr("seed-refresh-token"),
        }
    else:
        raw["api_key"] = SecretStr(API_KEY)
    runtime = Runtime(
        sleep=(sleeps if sleeps is not None else Sleeps()).append,
        token_store=TOKENS,
        jitter=lambda: 0.0,
    )
    return BambooHRConnector.from_config("bamboo", raw | overrides, runtime)


def records(conn: BambooHRConnector, state: dict[str, str] | None = None) -> list[Any]:
    return [r for b in conn.read(state or {}) for r in b.records]


# -- check -----------------------------------------------------------------------------------------


def test_check_ok_and_failure_codes(fake_bamboohr: tuple[FakeBambooHR, str]) -> None:
    fake, url = fake_bamboohr
    assert make(url).check().ok
    assert make(url, oauth=True).check().ok
    assert make(url, api_key=SecretStr("wrong-key-123456")).check().code == "invalid_auth"
    fake.fail("/api/v1/employees/directory", 403)
    assert make(url).check().code == "forbidden_scope"
    fake.fail("/api/v1/employees/directory", 503, times=3, headers={"Retry-After": "2"})
    sleeps = Sleeps()
    result = make(url, sleeps, max_attempts=3).check()
    assert (result.ok, result.code) == (False, "rate_limited")
    assert sleeps.retries() == [2.0, 2.0]  # waited as asked, then gave up
    fake.fail("/api/v1/employees", 500, times=3)
    assert make(url, oauth=True, max_attempts=3).check().code == "cannot_connect"
    assert API_KEY not in result.message


def test_check_of_an_empty_directory_is_ok(fake_bamboohr: tuple[FakeBambooHR, str]) -> None:
    fake, url = fake_bamboohr
    for worker_id in list(fake.employees):
        fake.delete(worker_id)
    result = make(url).check()
    assert result.ok
    assert "empty" in result.message


def test_check_when_nothing_listens() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        closed_port = sock.getsockname()[1]
    result = make(f"http://127.0.0.1:{closed_port}", max_attempts=2).check()
    assert (result.ok, result.code) == (False, "cannot_connect")


def test_a_refused_oauth_grant_is_invalid_auth(fake_bamboohr: tuple[FakeBambooHR, str]) -> None:
    fake, url = fake_bamboohr
    fake.refresh_tokens.clear()
    result = make(url, oauth=True).check()
    assert (result.ok, result.code) == (False, "invalid_auth")


# -- throttling ------------------------------------------------------------------------------------


def test_503_with_retry_after_is_throttling_and_is_waited_out(fake_bamboohr: tuple[FakeBambooHR, str]) -> None:
    fake, url = fake_bamboohr
    fake.fail("/api/v1/employees/102", 503, times=2, headers={"Retry-After": "7"})
    sleeps = Sleeps()
    found = records(make(url, sleeps))
    assert sleeps.retries() == [7.0, 7.0]
    assert len(fake.requests_to("/api/v1/employees/102")) == 3
    assert sum(isinstance(r, Worker) for r in found) == 5


def test_429_is_throttling_too(fake_bamboohr: tuple[FakeBambooHR, str]) -> None:
    fake, url = fake_bamboohr
    fake.fail("/api/v1/employees/directory", 429, headers={"Retry-After": "11"})
    sleeps = Sleeps()
    assert len(records(make(url, sleeps))) == 10
    assert sleeps.retries() == [11.0]


# -- full pass -------------------------------------------------------------------------------------


def test_full_pass_walks_cursor_pages_with_oauth(fake_bamboohr: tuple[FakeBambooHR, str]) -> None:
    fake, url = fake_bamboohr
    for i in range(5, 7):
        fake.add(employee(i))
    batches = list(make(url, oauth=True, page_size=2).read({}))
    pages = fake.requests_to("/api/v1/employees")
    assert [(p["page[limit]"], p.get("page[after]")) for p in pages] == [
        ("2", None),
        ("2", "101"),
        ("2", "103"),
        ("2", "105"),
    ]
    assert len(batches) == 4
    found = [r for b in batches for r in b.records]
    assert sorted(r.remote_id for r in found if isinstance(r, Worker)) == [str(100 + i) for i in range(7)]
    assert sum(isinstance(r, Engagement) for r in found) == 7
    # every employee is read once, with the identity fields and the tax id
    fields = fake.requests_to("/api/v1/employees/104")[0]["fields"].split(",")
    assert {"firstName", "dateOfBirth", "address1", "zipcode", "homeEmail", "mobilePhone", "ssn"} <= set(fields)
    assert fake.issued == 1  # the seeded refresh token was exchanged once, then the access token reused


def test_directory_listing_with_an_api_key(fake_bamboohr: tuple[FakeBambooHR, str]) -> None:
    fake, url = fake_bamboohr
    batches = list(make(url).read({}))
    assert len(batches) == 1
    assert fake.requests_to("/api/v1/employees/directory") == [{"onlyCurrent": "false"}]
    assert fake.requests_to("/api/v1/employees") == []
    worker = next(r for r in batches[0].records if isinstance(r, Worker) and r.remote_id == "101")
    assert worker.legal_name == "Given1 Q Family1"
    assert worker.home_address is not None
    assert worker.home_address.postal_code == "84042"
    assert worker.tax_id is not None
    assert worker.tax_id.get_secret_value() == "123-45-6701"


def test_full_pass_marks_the_vendor_clock_at_its_start(fake_bamboohr: tuple[FakeBambooHR, str]) -> None:
    _fake, url = fake_bamboohr
    batches = list(make(url, oauth=True, page_size=2).read({}))
    last = Watermark.decode(batches[-1].cursors[0].value)
    assert last is not None
    assert last.done
    assert last.high == "2026-03-02T10:00:00Z"  # the fake's Date header on the first page


# -- incremental re-sync ---------------------------------------------------------------------------


def test_resync_fetches_only_what_employees_changed_names(
    fake_bamboohr: tuple[FakeBambooHR, str], store: Store
) -> None:
    fake, url = fake_bamboohr
    first = sync(make(url), store)
    assert first.written == {"workers": 5, "engagements": 5}

    fake.tick(3600)
    fake.update("102", mobilePhone="+1 385-555-0199", address1="9 Elm St")
    fake.delete("103")
    fake.add(employee(7))
    fake.tick(600)
    fake.log.clear()
    second = sync(make(url), store)

    assert fake.requests_to("/api/v1/employees/changed") == [{"since": "2026-03-02T09:55:00Z"}]  # mark - 5 min
    assert fake.requests_to("/api/v1/employees/directory") == []
    fetched = sorted(p for p in fake.paths() if p.startswith("/api/v1/employees/1"))
    assert fetched == ["/api/v1/employees/102", "/api/v1/employees/107"]  # not 100, 101, 104; 103 is gone
    assert second.written == {"workers": 2, "engagements": 3}
    with store.engine.connect() as conn:
        deleted = conn.execute(
            select(schema.engagements.c.remote_id).where(schema.engagements.c.deleted.is_(True))
        ).scalars()
        assert list(deleted) == ["103"]
        workers = conn.execute(select(schema.workers.c.remote_id, schema.workers.c.deleted)).all()
        assert sorted(workers) == [(str(100 + i), False) for i in (0, 1, 2, 3, 4, 7)]  # 103's identity is kept

    fake.tick(60)
    fake.log.clear()
    sync(make(url), store)  # nothing changed since: one cheap call, nothing fetched
    assert fake.paths() == ["/api/v1/employees/changed"]
    assert fake.requests_to("/api/v1/employees/changed") == [{"since": "2026-03-02T11:05:00Z"}]  # 11:10 - 5 min


# -- resuming and the store -------------------------------------------------------------------------


def test_resume_after_a_failure_mid_pass(fake_bamboohr: tuple[FakeBambooHR, str], store: Store) -> None:
    fake, url = fake_bamboohr
    fake.fail("/api/v1/employees", 500, times=99, when=lambda q: q.get("page[after]") == "103")
    with pytest.raises(ConnectorUnavailableError):
        sync(make(url, oauth=True, page_size=2, max_attempts=2), store)
    assert store.count("workers") == 4  # two pages committed

    fake.faults.clear()
    fake.log.clear()
    sync(make(url, oauth=True, page_size=2), store)
    assert [p.get("page[after]") for p in fake.requests_to("/api/v1/employees")] == ["103"]
    assert store.count("workers") == 5
    cursor = Watermark.decode(store.cursor("bamboo", "employees"))
    assert cursor is not None
    assert cursor.done
    assert cursor.high == "2026-03-02T10:00:00Z"  # the mark of the interrupted pass's first page survives


def test_sync_into_the_store_keeps_identity_and_hides_secrets(
    fake_bamboohr: tuple[FakeBambooHR, str], store: Store, caplog: pytest.LogCaptureFixture
) -> None:
    _fake, url = fake_bamboohr
    caplog.set_level("DEBUG")
    report = sync(make(url), store)
    assert report.problems == []
    assert report.written == {"workers": 5, "engagements": 5}
    with store.engine.connect() as conn:
        row = conn.execute(select(schema.workers).where(schema.workers.c.remote_id == "100")).mappings().one()
        engagement = (
            conn.execute(select(schema.engagements).where(schema.engagements.c.remote_id == "103")).mappings().one()
        )
    assert row["legal_name"] == "Given0 Family0"
    assert row["date_of_birth"] == dt.date(1990, 1, 10)
    assert engagement["type"] == "contractor"
    assert engagement["client_org"] == "acme"
    stored = " ".join(str(v) for v in row.values())
    for secret in ("123-45-6700", "given0.family@example.net", "+1 801-555-0100"):
        assert secret not in stored
        assert secret not in caplog.text
    assert API_KEY not in caplog.text


# -- webhooks read back -----------------------------------------------------------------------------


def test_webhook_deliveries_are_read_back(fake_bamboohr: tuple[FakeBambooHR, str], store: Store) -> None:
    fake, url = fake_bamboohr
    fake.update("102", address1="9 Elm St")
    conn = make(url)
    signed_at = dt.datetime(2026, 3, 2, 10, 0, 5, tzinfo=dt.UTC)
    updated = conn.webhook_batch(
        VerifiedDelivery("sha256:a", signed_at, {"type": "employee.updated", "data": {"employeeId": "102"}})
    )
    assert fake.paths() == ["/api/v1/employees/102"]
    worker = next(r for r in updated.records if isinstance(r, Worker))
    assert worker.home_address is not None
    assert worker.home_address.line1 == "9 Elm St"
    assert store.ingest(updated.records).written == {"workers": 1, "engagements": 1}

    legacy = {"employees": [{"id": "103", "action": "Deleted"}, {"id": "999", "action": "Updated"}]}
    fake.log.clear()
    removed = conn.webhook_batch(VerifiedDelivery("sha256:b", signed_at, legacy))
    assert fake.paths() == ["/api/v1/employees/999"]  # a deletion needs no read; 999 is unknown (404)
    (tombstone,) = removed.records
    assert (tombstone.remote_id, tombstone.deleted, tombstone.modified_at) == ("103", True, signed_at)
    assert removed.problems == []
