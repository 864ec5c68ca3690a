"""PayoneerConnector on the wire, against a stateful local fake of the Mass Payouts API.

The fake is ours, built from the public documentation cited in ``connectors/payoneer/`` (see
``fake_payoneer.py``); Payoneer publishes no spec to mock. These tests cover what only a stateful
server shows: client-credentials tokens cached, renewed on expiry and on a 401; retries with the
delays asked for; paging over several report pages; an incremental re-sync that reads only the
changed payees (the fake logs every query); resuming an interrupted pass; a sync into a real store
that keeps no raw account number. No test sleeps or reads the wall clock.
"""

from __future__ import annotations

import logging
import socket
from pathlib import Path

import pytest
from pydantic import SecretStr

from hiresentry.connectors.base import sync
from hiresentry.core.errors import ConfigError, ConnectorUnavailableError, SecretResolutionError
from hiresentry.core.model import Payment, PayoutAccount, Worker
from hiresentry.core.store import Store
from tests.connectors.payoneer.conftest import Make, Sleeps
from tests.connectors.payoneer.fake_payoneer import TOKEN_PATH, Clock, FakePayoneer, iban

REPORT = "/reports/payees_status"

# -- check ---------------------------------------------------------------------------------------


def test_check_ok_and_failure_codes(fake: FakePayoneer, make: Make) -> None:
    result = make().check()
    assert result.ok and "100177440" in result.message
    assert make(client_secret=SecretStr("wrong-secret-value")).check().code == "invalid_auth"
    fake.fail(REPORT, 403)
    assert make().check().code == "forbidden_scope"
    fake.fail(REPORT, 429, times=3)
    assert make(max_attempts=3).check().code == "rate_limited"
    fake.fail(REPORT, 503, times=3)
    assert make(max_attempts=3).check().code == "cannot_connect"
    fake.fail(TOKEN_PATH, 401)
    assert make().check().code == "invalid_auth"


def test_check_when_nothing_listens(make: Make) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{sock.getsockname()[1]}"
    result = make(base_url=closed, token_url=closed + TOKEN_PATH, max_attempts=2).check()
    assert (result.ok, result.code) == (False, "cannot_connect")


# -- auth ------------------------------------------------------------------------------------------


def test_app_token_is_cached_renewed_on_expiry_and_after_a_401(fake: FakePayoneer, make: Make, clock: Clock) -> None:
    connector = make()
    list(connector.read({}))
    assert fake.grants == 1  # one token for the whole sync (4 report pages + 7 details)
    assert len(fake.log) > 10
    clock.advance(minutes=59, seconds=30)  # within a minute of expires_in: renewed before use
    assert connector.check().ok
    assert fake.grants == 2
    fake.tokens.clear()  # revoked at Payoneer before its announced expiry
    assert connector.check().ok
    assert fake.grants == 3
    statuses = [m for m, p, _ in fake.log if p == TOKEN_PATH]
    assert statuses == ["POST"] * 3


# -- retries ---------------------------------------------------------------------------------------


def test_429_with_retry_after_then_200(fake: FakePayoneer, make: Make) -> None:
    fake.fail(REPORT, 429, headers={"Retry-After": "7"})
    sleeps = Sleeps()
    records = [r for b in make(sleeps).read({}) for r in b.records]
    assert sleeps.retries() == [7.0]
    assert sum(isinstance(r, Worker) for r in records) == 7
    assert [q["page"] for q in fake.requests_to(REPORT)] == ["1", "1", "2", "3", "4"]


def test_5xx_then_200(fake: FakePayoneer, make: Make) -> None:
    fake.fail("/payees/PYE-1003/details", 502, times=2)
    sleeps = Sleeps()
    records = [r for b in make(sleeps).read({}) for r in b.records]
    assert sleeps.retries() == [0.75, 1.5]  # equal-jitter backoff (jitter 0.5): 1 s then 2 s ceilings
    assert "PYE-1003" in {r.remote_id for r in records if isinstance(r, Worker)}


# -- paging and mapping ----------------------------------------------------------------------------


def test_report_pages_and_what_they_map_to(fake: FakePayoneer, make: Make) -> None:
    batches = list(make().read({}))
    assert [q["page"] for q in fake.requests_to(REPORT)] == ["1", "2", "3", "4"]
    assert {q["page_size"] for q in fake.requests_to(REPORT)} == {"2"}
    assert len(batches) == 4 and all(len(b.cursors) == 1 for b in batches)
    records = [r for b in batches for r in b.records]
    workers = [r for r in records if isinstance(r, Worker)]
    accounts = [r for r in records if isinstance(r, PayoutAccount)]
    payments = [r for r in records if isinstance(r, Payment)]
    assert len(workers) == len(accounts) == 7
    assert sorted(a.method.value for a in accounts) == ["bank"] * 5 + ["payoneer"] * 2
    assert len(payments) == 9
    pending = sorted(p.remote_id for p in payments if p.hold_ref)
    assert pending == ["HS-1001-02", "HS-1004-02"]
    assert all(p.hold_ref == p.remote_id for p in payments if p.hold_ref)
    assert not any(b.problems for b in batches)


def test_a_malformed_payee_is_a_problem_and_the_page_still_loads(fake: FakePayoneer, make: Make) -> None:
    fake.payees["PYE-1002"].details["contact"] = {"email": "nameless@example.org"}
    fake.payees["PYE-1000"].payouts[0].pop("currency")
    batches = list(make().read({}))
    problems = [str(p) for b in batches for p in b.problems]
    assert problems == [
        "payoneer:/reports/payees_status item id=HS-1000-01: missing field 'currency'",
        "payoneer:/reports/payees_status item id=PYE-1002: ValueError: payee details carry no contact or company name",
    ]
    workers = {r.remote_id for b in batches for r in b.records if isinstance(r, Worker)}
    assert "PYE-1000" in workers and "PYE-1003" in workers and "PYE-1002" not in workers


# -- incremental re-sync and resumption ------------------------------------------------------------


def test_incremental_resync_reads_only_changed_payees(
    fake: FakePayoneer, make: Make, clock: Clock, store: Store
) -> None:
    first = sync(make(), store)
    assert first.written == {"workers": 7, "payout_accounts": 7, "payments": 9}
    assert fake.requests_to(REPORT)[0] == {
        "start_date": "2024-01-01",
        "end_date": "2025-03-03",
        "page": "1",
        "page_size": "2",
    }
    fake.log.clear()
    clock.advance(days=3)  # 2025-03-06
    changed = fake.payees["PYE-1002"]
    changed.changed = clock().date()
    changed.payouts.append(dict(changed.payouts[0], client_reference_id="HS-1002-02", status="Pending", amount=980))
    second = sync(make(), store)
    assert [(q["start_date"], q["end_date"]) for q in fake.requests_to(REPORT)] == [("2025-03-02", "2025-03-06")]
    details = sorted({p for m, p, _ in fake.log if p.endswith("/details")})
    assert details == ["/payees/PYE-1002/details"]  # only the changed payee is read again
    assert second.written == {"workers": 1, "payout_accounts": 1, "payments": 2}
    assert store.count("payments") == 10
    clock.advance(days=2)  # 2025-03-08: the day-granular window re-reads the boundary day once
    fake.log.clear()
    sync(make(), store)
    assert [(q["start_date"], q["end_date"]) for q in fake.requests_to(REPORT)] == [("2025-03-05", "2025-03-08")]
    assert sorted({p for _, p, _ in fake.log if p.endswith("/details")}) == ["/payees/PYE-1002/details"]
    fake.log.clear()
    quiet = sync(make(), store)  # nothing changed since: one empty report page, no details
    assert [(q["start_date"], q["end_date"]) for q in fake.requests_to(REPORT)] == [("2025-03-07", "2025-03-08")]
    assert quiet.total == 0 and [p for _, p, _ in fake.log if p.endswith("/details")] == []


def test_an_interrupted_pass_resumes_with_its_own_window(
    fake: FakePayoneer, make: Make, clock: Clock, store: Store
) -> None:
    reads = make(max_attempts=2).read(store.cursors("payoneer"))
    for _ in range(2):  # pages 1 and 2 commit with their checkpoints
        batch = next(reads)
        store.ingest(batch.records, batch.cursors)
    fake.fail(REPORT, 500, times=2)
    with pytest.raises(ConnectorUnavailableError, match="still failing after 2 attempts"):
        next(reads)
    clock.advance(days=2)
    fake.log.clear()
    report = sync(make(), store)
    pages = [(q["page"], q["start_date"], q["end_date"]) for q in fake.requests_to(REPORT)]
    assert pages == [("3", "2024-01-01", "2025-03-03"), ("4", "2024-01-01", "2025-03-03")]
    assert store.count("workers") == 7 and report.written["workers"] == 3


def test_no_secret_token_or_account_number_in_logs_or_store(
    fake: FakePayoneer, make: Make, store: Store, caplog: pytest.LogCaptureFixture, store_path: Path
) -> None:
    caplog.set_level(logging.DEBUG)
    fake.fail(REPORT, 401)  # a refused token: logged as a retry with a fresh one
    sync(make(), store)
    assert fake.grants == 2 and "retrying once with a fresh token" in caplog.text
    for secret in [fake.client_secret, *fake.tokens, iban(0), "000123450002"]:
        assert secret not in caplog.text
    store.close()
    raw = store_path.read_bytes()
    for number in [iban(0), iban(3), "000123450002", "PAYONEER-3743501"]:
        assert number.encode() not in raw


def test_config_refuses_plain_http_inline_secrets_and_unknown_keys(make: Make) -> None:
    with pytest.raises(ConfigError, match="base_url: Value error, must be an https:// URL"):
        make(base_url="http://api.payoneer.com")
    with pytest.raises(SecretResolutionError, match="never inline"):
        make(client_secret="inline-secret")
    with pytest.raises(ConfigError, match="fetch_detail: Extra inputs are not permitted"):
        make(fetch_detail=True)
