"""FinchConnector on the wire against our stateful local fake of Finch (pytest-httpserver).

The fake (``fake_finch.py``) is our own fixture speaking the shapes of Finch's employer and
management specs and Finch's documented error bodies; it exists because the spec's Prism mocks are
stateless (see ``test_contract_prism.py``). These tests cover directory pages with batched
individual/employment calls, pay-date windows with paged pay statements, 429s told apart by
``finch_code`` (throttling retried after ``Retry-After``; the IP penalty never retried), the
re-authentication ``check()`` code, incremental re-syncs recorded by the fake, per-product budgets and
a sync into a real store. No test sleeps: the connector's ``sleep`` records the delays.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from pydantic import SecretStr

from hiresentry.connectors.base import sync
from hiresentry.connectors.base.incremental import Watermark
from hiresentry.core.errors import ConnectorAuthError, ConnectorUnavailableError, RateLimitPenaltyError
from hiresentry.core.model import Engagement, Payment, Worker
from hiresentry.core.store import Store
from tests.connectors.finch.conftest import Sleeps, make
from tests.connectors.finch.fake_finch import FakeFinch, error

DIRECTORY = "/employer/directory"


def records(connector_batches: list) -> list:  # type: ignore[type-arg]
    return [r for b in connector_batches for r in b.records]


# -- pages ---------------------------------------------------------------------------------------------


def test_directory_pages_batch_their_individuals_and_employments(fake_finch: tuple[FakeFinch, str]) -> None:
    fake, url = fake_finch
    batches = list(make(url, streams=["directory"]).read({}))
    assert fake.requests_to(DIRECTORY) == [{"limit": "2", "offset": str(o)} for o in (0, 2, 4)]
    asked = [[r["individual_id"] for r in body["requests"]] for body in fake.requests_to("/employer/individual")]
    assert asked == [fake.ids[0:2], fake.ids[2:4], fake.ids[4:5]]  # one call per page, never one per person
    assert len(fake.requests_to("/employer/employment")) == 3
    assert all("options" not in body for body in fake.requests_to("/employer/individual"))  # no SSN by default
    found = records(batches)
    assert sum(isinstance(r, Worker) for r in found) == 5 and sum(isinstance(r, Engagement) for r in found) == 5
    contractor = next(r for r in found if isinstance(r, Engagement) and r.remote_id == fake.ids[1])
    assert (contractor.type, str(contractor.rate), contractor.currency) == ("contractor", "120000.01", "USD")


def test_payment_windows_and_paged_pay_statements(fake_finch: tuple[FakeFinch, str]) -> None:
    fake, url = fake_finch
    batches = list(make(url, streams=["payments"]).read({}))
    windows = [(p["start_date"], p["end_date"]) for p in fake.requests_to("/employer/payment")]
    assert windows == [("2025-02-01", "2025-03-17"), ("2025-03-18", "2025-05-01"), ("2025-05-02", "2025-06-01")]
    rounds = [
        [(r["payment_id"][-2:], r["offset"]) for r in b["requests"]]
        for b in fake.requests_to("/employer/pay-statement")
    ]
    # the first window holds three payments; each pays five people, two statements a round
    assert rounds[:3] == [[(n, offset) for n in ("00", "01", "02")] for offset in (0, 2, 4)]
    payments = [r for r in records(batches) if isinstance(r, Payment)]
    assert len(payments) == 8 * 5
    first = next(p for p in payments if p.remote_id == f"{fake.payments[0]['id']}/{fake.ids[3]}")
    assert (str(first.amount), first.currency, first.due_date) == ("3800.15", "USD", dt.date(2025, 2, 7))
    mark = Watermark.decode(batches[-1].cursors[0].value)
    assert mark is not None and (mark.done, mark.high) == (True, "2025-05-16")


def test_a_missing_individual_is_a_problem_and_the_page_still_loads(fake_finch: tuple[FakeFinch, str]) -> None:
    fake, url = fake_finch
    fake.missing.add(fake.ids[2])
    batches = list(make(url, streams=["directory"]).read({}))
    problems = sorted(str(p) for b in batches for p in b.problems)
    assert problems == [
        f"finch:/employer/employment item id={fake.ids[2]}: Finch answered code 404",
        f"finch:/employer/individual item id={fake.ids[2]}: Finch answered code 404",
    ]
    assert sum(isinstance(r, Worker) for r in records(batches)) == 4


# -- throttling: finch_code ---------------------------------------------------------------------------


def test_application_rate_limit_is_retried_after_retry_after(fake_finch: tuple[FakeFinch, str]) -> None:
    fake, url = fake_finch
    body = error(429, "rate_limit_error", "finch_application_rl", "Too many requests for this product")
    fake.fail("/employer/individual", 429, body=body, headers={"Retry-After": "30"})
    sleeps = Sleeps()
    batches = list(make(url, sleeps=sleeps, streams=["directory"]).read({}))
    assert sleeps.retries() == [30.0]
    assert len(fake.requests_to("/employer/individual")) == 4  # one retried
    assert sum(isinstance(r, Worker) for r in records(batches)) == 5


def test_ip_penalty_stops_at_once(fake_finch: tuple[FakeFinch, str]) -> None:
    fake, url = fake_finch
    body = error(429, "rate_limit_error", "finch_api_ip_rl", "IP rate limit exceeded")
    fake.fail(DIRECTORY, 429, times=5, body=body, headers={"Retry-After": "3600"})
    sleeps = Sleeps()
    with pytest.raises(RateLimitPenaltyError, match="finch_api_ip_rl") as raised:
        list(make(url, sleeps=sleeps, streams=["directory"]).read({}))
    assert "60-minute penalty" in str(raised.value)
    assert len(fake.requests_to(DIRECTORY)) == 1 and sleeps.retries() == []
    fake.fail("/introspect", 429, body=body)
    assert make(url).check().code == "rate_limited"


def test_products_have_their_own_budgets_and_share_the_ip_budget(fake_finch: tuple[FakeFinch, str]) -> None:
    _fake, url = fake_finch
    rates = {"directory": 20.0, "pay_statement": 12.0}
    a = make(url, product_rate_per_minute=rates, ip_requests_per_5_minutes=1000, rate_limit_scope="finch-test-app")
    b = make(url, product_rate_per_minute=rates, ip_requests_per_5_minutes=1000, rate_limit_scope="finch-test-app")
    directory, pay = a.api.clients["directory"].budget, a.api.clients["pay_statement"].budget
    assert [bucket.rate for bucket in directory.buckets] == [pytest.approx(20 / 60), pytest.approx(1000 / 300)]  # type: ignore[union-attr]
    assert [bucket.rate for bucket in pay.buckets] == [pytest.approx(12 / 60), pytest.approx(1000 / 300)]  # type: ignore[union-attr]
    assert directory.buckets[0] is not pay.buckets[0] and directory.buckets[1] is pay.buckets[1]  # type: ignore[union-attr]
    assert b.api.clients["directory"].budget.buckets[0] is directory.buckets[0]  # type: ignore[union-attr]


# -- check() and re-authentication ----------------------------------------------------------------------


def test_reauthenticate_user_is_a_clear_invalid_auth(fake_finch: tuple[FakeFinch, str]) -> None:
    fake, url = fake_finch
    body = error(401, "authentication_error", "reauthenticate_user", "Please reauthenticate user")
    fake.fail("/introspect", 401, body=body)
    result = make(url).check()
    assert (result.ok, result.code) == (False, "invalid_auth")
    assert "must re-authenticate this connection through Finch Connect" in result.message
    assert "reauthenticate_user" in result.message
    fake.fail(DIRECTORY, 401, body=body)
    with pytest.raises(ConnectorAuthError, match="re-authenticate"):
        list(make(url, streams=["directory"]).read({}))


@pytest.mark.parametrize(
    ("status", "code", "words"),
    [
        ("reauth", "invalid_auth", "must re-authenticate this connection through Finch Connect"),
        ("error_no_account_setup", "invalid_auth", "has not added Finch"),
        ("error_permissions", "forbidden_scope", "too few permissions"),
        ("pending", "cannot_connect", "waiting for access"),
    ],
)
def test_check_reads_the_connection_status(
    fake_finch: tuple[FakeFinch, str], status: str, code: str, words: str
) -> None:
    fake, url = fake_finch
    fake.introspect["authentication_methods"] = [{"type": "assisted", "connection_status": {"status": status}}]
    result = make(url).check()
    assert (result.ok, result.code) == (False, code) and words in result.message


def test_check_codes(fake_finch: tuple[FakeFinch, str]) -> None:
    fake, url = fake_finch
    ok = make(url).check()
    assert ok.ok and ok.message.startswith("connected to gusto")
    assert make(url, access_token=SecretStr("finch-revoked-token")).check().code == "invalid_auth"
    fake.introspect["products"] = ["directory", "individual", "employment"]
    lacking = make(url).check()
    assert lacking.code == "forbidden_scope" and "payment, pay_statement" in lacking.message
    assert make(url, streams=["directory"]).check().ok
    assert make(url, streams=["directory"], include_ssn=True).check().code == "forbidden_scope"


def test_a_connection_still_syncing_answers_202(fake_finch: tuple[FakeFinch, str]) -> None:
    fake, url = fake_finch
    fake.fail(DIRECTORY, 202, body={"code": 202, "finch_code": "data_sync_in_progress"})
    with pytest.raises(ConnectorUnavailableError, match="still pulling"):
        list(make(url, streams=["directory"]).read({}))


# -- incremental re-sync and the store ----------------------------------------------------------------


def test_resync_reads_the_directory_again_and_only_recent_payments(
    fake_finch: tuple[FakeFinch, str], store: Store
) -> None:
    fake, url = fake_finch
    report = sync(make(url), store)
    assert report.written == {"workers": 5, "engagements": 5, "payments": 40}
    fake.log.clear()
    fake.payments.append(fake.payment(8))  # paid 2025-05-30
    report = sync(make(url), store)
    assert len(fake.requests_to(DIRECTORY)) == 3  # no change filter in Finch: a full (upserting) pass
    windows = [(p["start_date"], p["end_date"]) for p in fake.requests_to("/employer/payment")]
    assert windows == [("2025-04-15", "2025-05-29"), ("2025-05-30", "2025-06-01")]  # newest pay date - 31 days
    assert report.written == {"workers": 5, "engagements": 5, "payments": 20}  # 04-18, 05-02, 05-16 again; 05-30 new
    assert store.count("payments") == 45
    mark = Watermark.decode(store.cursors("finch")["payments"])
    assert mark is not None and (mark.pass_no, mark.since, mark.high) == (2, "2025-05-16", "2025-05-30")


def test_ssn_reaches_the_store_only_as_a_keyed_hash(
    fake_finch: tuple[FakeFinch, str], store: Store, store_path: Path
) -> None:
    fake, url = fake_finch
    sync(make(url, include_ssn=True, streams=["directory"]), store)
    assert all(body["options"] == {"include": ["ssn"]} for body in fake.requests_to("/employer/individual"))
    with store.engine.connect() as conn:
        tax_keys = [r[0] for r in conn.exec_driver_sql("SELECT tax_key FROM workers")]
    assert len(set(tax_keys)) == 5 and all(tax_keys)
    store.close()
    raw = b"".join(p.read_bytes() for p in store_path.parent.glob(store_path.name + "*"))
    for value in ("123-45-6781", "decline_to_specify", "P1234567"):
        assert value.encode() not in raw
