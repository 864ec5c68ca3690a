"""PapayaConnector on the wire, against a stateful local fake of the Workforce Payments API.

The fake is ours, built from the public documentation cited in ``connectors/papaya/`` (see
``fake_papaya.py``); Papaya publishes no spec to mock. Covered here: the API key → 24 h JWT login
(cached, renewed before expiry on the injected clock, renewed after a 401, refused keys), ``check()``
codes, 429 with ``Retry-After`` and 5xx retries, ``skip``/``take`` paging over several pages, the
full pass, the incremental pass that asks only for what changed (the fake logs every filter), the
next full refresh, resuming an interrupted pass, and a sync into a real store without raw numbers.
No test sleeps or reads the wall clock.
"""

from __future__ import annotations

import datetime as dt
import logging
import socket
from pathlib import Path

import pytest
from pydantic import SecretStr
from sqlalchemy import select

from hiresentry.connectors.base import sync
from hiresentry.connectors.papaya.auth import _valid_until
from hiresentry.core.errors import ConfigError, ConnectorUnavailableError, SecretResolutionError
from hiresentry.core.model import Payment, PayoutAccount, Worker
from hiresentry.core.store import Store
from hiresentry.core.store.schema import payments
from tests.connectors.papaya.conftest import Make, Sleeps
from tests.connectors.papaya.fake_papaya import Clock, FakePapaya, iban

PAYMENTS, BENEFICIARIES = "/payments/payments", "/payments/beneficiaries"


def skips(queries: list[dict[str, list[str]]]) -> list[str]:
    return [q["skip"][0] for q in queries]


# -- login ---------------------------------------------------------------------------------------


def test_jwt_is_cached_renewed_before_expiry_and_after_a_401(fake: FakePapaya, make: Make, clock: Clock) -> None:
    connector = make()
    list(connector.read({}))
    assert fake.logins == 1 and connector.auth.logins == 1  # one login for 4 + 3 pages
    clock.advance(hours=23, minutes=50)  # still valid: reused
    assert connector.check().ok and fake.logins == 1
    clock.advance(minutes=6)  # within 5 minutes of valid_until: logged in again before the call
    assert connector.check().ok and fake.logins == 2
    fake.tokens.clear()  # revoked by Papaya: the 401 triggers one login and one retry
    assert connector.check().ok and fake.logins == 3
    assert [m for m, p, _ in fake.log if p == "/token"] == ["POST"] * 3


def test_refused_keys_are_invalid_auth_without_echoing_them(fake: FakePapaya, make: Make) -> None:
    bad = make(client_secret=SecretStr("not-the-secret-000"))
    result = bad.check()
    assert (result.ok, result.code) == (False, "invalid_auth")
    assert "refused the API key (401)" in result.message and "not-the-secret" not in result.message
    assert "82725488" not in result.message
    assert fake.logins == 0


def test_valid_until_with_nanoseconds_or_missing() -> None:
    assert _valid_until("2024-03-02T09:09:51.508859936Z") == dt.datetime(2024, 3, 2, 9, 9, 51, 508859, tzinfo=dt.UTC)
    assert _valid_until("2026-06-14T10:30:00Z") == dt.datetime(2026, 6, 14, 10, 30, tzinfo=dt.UTC)
    assert _valid_until(None) is None and _valid_until("soon") is None


def test_token_without_valid_until_lives_24_hours(fake: FakePapaya, make: Make, clock: Clock) -> None:
    connector = make()
    original = fake._login

    def without_expiry(request: object) -> object:
        response = original(request)  # type: ignore[arg-type]
        response.set_data(response.get_data(as_text=True).replace('"valid_until"', '"valid"'))
        return response

    fake._login = without_expiry  # type: ignore[method-assign]
    assert connector.check().ok
    clock.advance(hours=23, minutes=54)
    assert connector.check().ok and fake.logins == 1
    clock.advance(minutes=2)
    assert connector.check().ok and fake.logins == 2


# -- check ---------------------------------------------------------------------------------------


def test_check_codes(fake: FakePapaya, make: Make) -> None:
    assert make().check().ok
    fake.fail(BENEFICIARIES, 403)
    assert make().check().code == "forbidden_scope"
    fake.fail(BENEFICIARIES, 429, times=3)
    assert make(max_attempts=3).check().code == "rate_limited"
    fake.fail(BENEFICIARIES, 500, times=3)
    assert make(max_attempts=3).check().code == "cannot_connect"
    fake.fail("/token", 503, times=5)
    assert make(max_attempts=3).check().code == "cannot_connect"


def test_check_when_nothing_listens(make: Make) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{sock.getsockname()[1]}/api/v1"
    result = make(base_url=closed, max_attempts=2).check()
    assert (result.ok, result.code) == (False, "cannot_connect")


# -- retries ---------------------------------------------------------------------------------------


def test_429_with_retry_after_then_200(fake: FakePapaya, make: Make) -> None:
    fake.fail(PAYMENTS, 429, headers={"Retry-After": "4", "X-RateLimit-Remaining": "0"})
    sleeps = Sleeps()
    records = [r for b in make(sleeps).read({}) for r in b.records]
    assert sleeps.retries() == [4.0]
    assert sum(isinstance(r, Payment) for r in records) == 11
    assert skips(fake.requests_to(PAYMENTS)) == ["0", "0", "3", "6", "9"]


def test_5xx_then_200(fake: FakePapaya, make: Make) -> None:
    fake.fail(BENEFICIARIES, 503)
    sleeps = Sleeps()
    records = [r for b in make(sleeps).read({}) for r in b.records]
    assert sleeps.retries() == [0.75]
    assert sum(isinstance(r, Worker) for r in records) == 7


# -- a full pass -----------------------------------------------------------------------------------


def test_first_sync_is_a_full_pass_over_several_pages(fake: FakePapaya, make: Make) -> None:
    batches = list(make().read({}))
    assert skips(fake.requests_to(PAYMENTS)) == ["0", "3", "6", "9"]
    assert skips(fake.requests_to(BENEFICIARIES)) == ["0", "3", "6"]
    assert all("request_from" not in q and "id" not in q for q in fake.requests_to(PAYMENTS))
    records = [r for b in batches for r in b.records]
    assert sum(isinstance(r, Worker) for r in records) == 7
    assert sum(isinstance(r, PayoutAccount) for r in records) == 7
    payments = [r for r in records if isinstance(r, Payment)]
    assert len(payments) == 11
    assert sorted(p.status or "" for p in payments if p.hold_ref) == ["PENDING"] * 3
    # 4 payment pages + 1 empty open-payments batch (nothing to re-check yet) + 3 beneficiary pages
    assert len(batches) == 8 and not any(b.problems for b in batches)
    assert [c.stream for c in batches[0].cursors] == ["payments", "window"]


# -- incremental re-sync, full refresh, resumption -------------------------------------------------


def test_incremental_resync_asks_only_for_what_changed(
    fake: FakePapaya, make: Make, clock: Clock, store: Store
) -> None:
    sync(make(), store)
    open_ids = sorted(p["id"] for p in fake.payments if p["info"]["status"] in ("PENDING", "PROCESSING"))
    assert len(open_ids) == 4
    # A day later: one new payment, one payment completed, one beneficiary's bank details edited.
    clock.advance(days=1)
    new = fake.add_payment(6, "PENDING", approved=True, requested=clock() - dt.timedelta(hours=2))
    fake.payments_to(3, "PROCESSING")[0]["info"]["status"] = "COMPLETED"
    fake.beneficiaries[fake.beneficiary_id(0)]["bank_details"]["iban"] = iban(50)
    fake.log.clear()
    report = sync(make(), store)

    listed = fake.requests_to(PAYMENTS)
    assert [q for q in listed if "id" not in q] == [
        {
            "request_from": ["2025-03-03T08:50:00Z"],
            "request_until": ["2025-03-04T09:00:00Z"],
            "skip": ["0"],
            "take": ["3"],
        }
    ]
    assert sorted(i for q in listed if "id" in q for i in q["id"]) == open_ids  # re-read by id, in chunks of 3
    assert [len(q["id"]) for q in listed if "id" in q] == [3, 1]
    beneficiaries = fake.requests_to(BENEFICIARIES)
    assert all("id" in q for q in beneficiaries)  # no full list: only those the payments name
    assert sorted(i for q in beneficiaries for i in q["id"]) == sorted(fake.beneficiary_id(i) for i in (1, 2, 3, 4, 6))
    assert report.written == {"payments": 5, "workers": 5, "payout_accounts": 5}
    with store.engine.connect() as conn:
        status = dict(conn.execute(select(payments.c.remote_id, payments.c.status)).all())
    assert status[new["id"]] == "PENDING" and status[fake.payments_to(3)[1]["id"]] == "COMPLETED"

    # The completed payment is final: the next pass no longer re-reads it; the new one it does.
    clock.advance(hours=1)
    fake.log.clear()
    sync(make(), store)
    rechecked = sorted(i for q in fake.requests_to(PAYMENTS) if "id" in q for i in q["id"])
    assert rechecked == sorted([*[i for i in open_ids if i != fake.payments_to(3)[1]["id"]], new["id"]])

    # A week after the first pass: a full refresh sees the edited bank details.
    clock.advance(days=6)
    fake.log.clear()
    sync(make(), store)
    assert skips([q for q in fake.requests_to(BENEFICIARIES) if "id" not in q]) == ["0", "3", "6"]
    assert all("request_from" not in q for q in fake.requests_to(PAYMENTS))


def test_an_interrupted_pass_resumes_and_keeps_what_it_tracked(fake: FakePapaya, make: Make, store: Store) -> None:
    reads = make(max_attempts=2).read(store.cursors("papaya"))
    for _ in range(3):  # payment pages at skip 0, 3, 6 commit (pending ones are on pages 3 and 4)
        batch = next(reads)
        store.ingest(batch.records, batch.cursors)
    fake.fail(PAYMENTS, 500, times=2)
    with pytest.raises(ConnectorUnavailableError, match="still failing after 2 attempts"):
        next(reads)
    fake.log.clear()
    sync(make(), store)
    assert skips(fake.requests_to(PAYMENTS)) == ["9"]  # resumed where it stopped
    assert store.count("workers") == 7 and store.count("payments") == 11
    # the next pass re-checks every payment left open, including those tracked before the failure
    fake.log.clear()
    sync(make(), store)
    rechecked = sorted(i for q in fake.requests_to(PAYMENTS) if "id" in q for i in q["id"])
    assert rechecked == sorted(p["id"] for p in fake.payments if p["info"]["status"] in ("PENDING", "PROCESSING"))


def test_a_bad_bank_account_is_a_problem_and_the_worker_still_loads(fake: FakePapaya, make: Make) -> None:
    fake.beneficiaries[fake.beneficiary_id(2)]["bank_details"]["iban"] = "DE00 1234 0000 0000 0000 00"
    del fake.payments[0]["target"]
    batches = list(make().read({}))
    problems = [str(p) for b in batches for p in b.problems]
    assert problems == [
        f"papaya:/payments/payments item id={fake.payments[0]['id']}: ValueError: payment has no target beneficiary",
        f"papaya:/payments/beneficiaries bank_details item id={fake.beneficiary_id(2)}: "
        "iban: Value error, iban: not a valid IBAN (bad checksum, length or country)",
    ]
    workers = {r.remote_id for b in batches for r in b.records if isinstance(r, Worker)}
    assert fake.beneficiary_id(2) in workers and len(workers) == 7


def test_no_key_token_or_account_number_in_logs_or_store(
    fake: FakePapaya, make: Make, store: Store, store_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    fake.fail(PAYMENTS, 401)  # a refused JWT: logged in again, retried once
    sync(make(), store)
    assert fake.logins == 2 and "retrying once with a fresh token" in caplog.text
    for secret in [fake.api_key, fake.client_secret, *fake.tokens, iban(0), "4400000117"]:
        assert secret not in caplog.text
    store.close()
    raw = store_path.read_bytes()
    for number in [iban(0), iban(2), "4400000117", "4400000317"]:
        assert number.encode() not in raw


def test_config_refuses_plain_http_inline_secrets_and_unknown_keys(make: Make) -> None:
    with pytest.raises(ConfigError, match="token_url: Value error, must be an https:// URL"):
        make(token_url="http://auth.papayaglobal.com/token")
    with pytest.raises(SecretResolutionError, match="never inline"):
        make(api_key="82725488-22bf-40d1-ace6-9ea6ee42f870")
    with pytest.raises(ConfigError, match="hold_action: Input should be 'unapprove' or 'cancel'"):
        make(hold_action="pause")
