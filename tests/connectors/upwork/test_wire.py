"""UpworkConnector on the wire against our stateful GraphQL fake of Upwork (pytest-httpserver).

The fake (``fake_upwork.py``) is **our own**, built from Upwork's documented operations: Upwork
publishes no schema, so there is no spec and no Prism contract test for this connector. These
tests cover the connection test's codes, Relay paging, date windows, the work diary's day paging,
429/5xx retries with the delays Upwork asked for, OAuth refresh with rotation, a sync into a real
store and a re-sync that asks only for what changed. No test sleeps or reads the clock.
"""

from __future__ import annotations

import datetime as dt
import socket

import pytest
from pydantic import SecretStr

from hiresentry.connectors.base import Checkpoint, sync
from hiresentry.connectors.base.incremental import Watermark
from hiresentry.connectors.base.token_store import MemoryTokenStore, TokenSet
from hiresentry.core.errors import ConnectorForbiddenError, ConnectorUnavailableError
from hiresentry.core.model import Engagement, Payment, Worker
from hiresentry.core.store import Store
from tests.connectors.base.fake_oauth import FakeAuthServer
from tests.connectors.upwork.conftest import NOW, SOURCE, Factory, Sleeps, stored
from tests.connectors.upwork.fake_upwork import ACE_ID, ORG_ID, FakeUpwork

TODAY = NOW.date()


def seed_history(fake: FakeUpwork) -> None:
    """Transactions over five weeks and a diary over three days (one day needing three pages)."""
    for n, days_ago in enumerate([25, 18, 11, 4, 1]):
        fake.transaction(n, n % 5, (TODAY - dt.timedelta(days=days_ago)).isoformat())
    fake.transaction(90, 0, (TODAY - dt.timedelta(days=4)).isoformat(), type="Service Fee", recordId="fee-1")
    fake.transaction(91, 0, (TODAY - dt.timedelta(days=4)).isoformat(), type="Payment", relatedAssignment=None)
    busy = (TODAY - dt.timedelta(days=3)).strftime("%Y%m%d")
    for contract in range(5):
        start = dt.datetime.combine(TODAY - dt.timedelta(days=3), dt.time(9 + contract), dt.UTC)
        fake.diary_entry(busy, contract, start, 4)
    for days_ago in (20, 1):
        day = TODAY - dt.timedelta(days=days_ago)
        fake.diary_entry(day.strftime("%Y%m%d"), 0, dt.datetime.combine(day, dt.time(14), dt.UTC), 6)


# -- check -------------------------------------------------------------------------------------------


def test_check_ok(fake: FakeUpwork, make: Factory) -> None:
    result = make().check()
    assert result.ok and "Northwind Labs" in result.message


def test_check_invalid_auth_for_a_refused_token(fake: FakeUpwork, make: Factory, oauth: FakeAuthServer) -> None:
    connector = make()
    oauth.live_access.clear()  # revoked; the refresh token is still good, so one refresh is tried first
    oauth.live_refresh.clear()
    assert connector.check().code == "invalid_auth"


def test_check_invalid_auth_before_anyone_authorized(fake: FakeUpwork, make: Factory) -> None:
    result = make(authorized=False).check()
    assert (result.code, "not authorized yet" in result.message) == ("invalid_auth", True)


def test_check_forbidden_scope_from_a_graphql_permission_error(fake: FakeUpwork, make: Factory) -> None:
    fake.denied.add("WhoAmI")
    result = make().check()
    assert result.code == "forbidden_scope" and "no access" in result.message


def test_check_forbidden_scope_from_http_403(fake: FakeUpwork, make: Factory) -> None:
    fake.fail("WhoAmI", 403)
    assert make().check().code == "forbidden_scope"


def test_check_rate_limited_after_every_retry(fake: FakeUpwork, make: Factory) -> None:
    fake.fail("WhoAmI", 429, times=3)
    sleeps = Sleeps()
    assert make(sleeps=sleeps, max_attempts=3).check().code == "rate_limited"
    assert sleeps.retries() == [0.75, 1.5]  # no Retry-After: backoff from backoff_base (jitter fixed at 0.5)


def test_check_cannot_connect(make: Factory) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        closed = sock.getsockname()[1]
    result = make(base_url=f"http://127.0.0.1:{closed}", max_attempts=2, authorized=True).check()
    assert (result.ok, result.code) == (False, "cannot_connect")


def test_tenant_header_selects_the_organization(fake: FakeUpwork, make: Factory) -> None:
    fake.tenant = ORG_ID
    assert make().check().code == "forbidden_scope"  # without the header Upwork answers for another tenant
    assert make(tenant_id=ORG_ID).check().ok


# -- paging, retries, tokens --------------------------------------------------------------------------


def test_contracts_walk_three_relay_pages(fake: FakeUpwork, make: Factory) -> None:
    batches = list(make(streams=["contracts"]).read({}))
    assert len(batches) == 3  # 5 contracts + 1 pending offer, 2 per page
    engagements = [r for b in batches for r in b.records if isinstance(r, Engagement)]
    assert sorted(e.remote_id for e in engagements) == [FakeUpwork.contract_id(i) for i in range(5)]
    pages = [v["pagination"] for v in fake.calls("ClientContracts")]
    assert pages[0] == {"first": 2} and all("after" in p for p in pages[1:])
    assert len({p.get("after") for p in pages}) == 3
    final = Watermark.decode(batches[-1].cursors[0].value)
    assert final is not None and final.done and final.high == "2025-09-01T10:00:00Z"


def test_429_with_retry_after_then_success(fake: FakeUpwork, make: Factory) -> None:
    fake.fail("ClientContracts", 429, headers={"Retry-After": "7"})
    sleeps = Sleeps()
    batches = list(make(sleeps=sleeps, streams=["contracts"]).read({}))
    assert len(batches) == 3
    assert sleeps.retries() == [7.0]


def test_5xx_then_success(fake: FakeUpwork, make: Factory) -> None:
    fake.fail("UserDetails", 503, times=2)
    sleeps = Sleeps()
    records = [r for b in make(sleeps=sleeps, streams=["contracts"]).read({}) for r in b.records]
    assert sum(isinstance(r, Worker) for r in records) == 5
    assert sleeps.retries() == [0.75, 1.5]


def test_persistent_5xx_stops_the_stream_before_the_page_commits(fake: FakeUpwork, make: Factory) -> None:
    fake.fail("ClientContracts", 500, times=10)
    with pytest.raises(ConnectorUnavailableError, match="still failing"):
        list(make(max_attempts=2, streams=["contracts"]).read({}))


def test_permission_error_mid_sync_is_forbidden_scope(fake: FakeUpwork, make: Factory) -> None:
    fake.denied.add("ClientContracts")
    with pytest.raises(ConnectorForbiddenError):
        list(make(streams=["contracts"]).read({}))


def test_an_expired_access_token_is_refreshed_and_the_rotated_pair_stored(
    fake: FakeUpwork, make: Factory, oauth: FakeAuthServer, tokens: MemoryTokenStore
) -> None:
    access, refresh = oauth.issue()
    tokens.put(SOURCE, TokenSet(SecretStr(access), SecretStr(refresh or ""), NOW - dt.timedelta(minutes=1)), NOW)
    assert make().check().ok
    stored = tokens.load(SOURCE)
    assert stored is not None and stored.tokens.refresh_token is not None
    assert stored.tokens.refresh_token.get_secret_value() != refresh and oauth.grants == ["refresh_token"]
    assert oauth.reused == []


# -- sync into the store ------------------------------------------------------------------------------


def test_full_sync_into_the_store(fake: FakeUpwork, make: Factory, store: Store) -> None:
    seed_history(fake)
    report = sync(make(), store)
    assert report.written == {"engagements": 5, "workers": 5, "payments": 5, "access_events": 7}
    assert report.problems == []
    windows = [v["filter"]["transactionDateTime_bt"] for v in fake.calls("TransactionHistory")]
    assert windows[0] == {"rangeStart": "2025-09-15", "rangeEnd": "2025-09-24"}
    assert windows[-1]["rangeEnd"] == TODAY.isoformat() and len(windows) == 4
    assert all(v["filter"]["aceIds_any"] == [ACE_ID] for v in fake.calls("TransactionHistory"))
    busy = (TODAY - dt.timedelta(days=3)).strftime("%Y%m%d")
    assert [v["input"]["paging"] for v in fake.calls("WorkDiaryCompany") if v["input"]["date"] == busy] == [
        "0;2",
        "2;2",
        "4;2",
    ]
    assert fake.calls("ContractByTerm") == []  # the contracts stream taught the index every term
    payment = stored(store, "payments", "trx-3")
    assert payment is not None and payment["engagement_remote_id"] == FakeUpwork.contract_id(3)
    assert stored(store, "access_events", f"diary:{FakeUpwork.contract_id(0)}:{FakeUpwork.user_id(0)}:{busy}")


def test_resync_asks_only_for_what_changed(fake: FakeUpwork, make: Factory, store: Store) -> None:
    seed_history(fake)
    sync(make(), store)
    fake.log.clear()
    fake.touch(2, "2025-10-14T09:00:00.000Z")
    fake.transaction(7, 2, TODAY.isoformat(), paymentStatus="Pending", fullyPaidDate=None)

    report = sync(make(), store)

    assert [v["id"] for v in fake.calls("UserDetails")] == [FakeUpwork.user_id(2)]
    assert report.written["engagements"] == 1 and report.written["workers"] == 1
    windows = [v["filter"]["transactionDateTime_bt"] for v in fake.calls("TransactionHistory")]
    assert windows == [{"rangeStart": (TODAY - dt.timedelta(days=2)).isoformat(), "rangeEnd": TODAY.isoformat()}]
    days = sorted({v["input"]["date"] for v in fake.calls("WorkDiaryCompany")})
    assert days == [(TODAY - dt.timedelta(days=n)).strftime("%Y%m%d") for n in (2, 1, 0)]
    held = stored(store, "payments", "trx-7")
    assert held is not None and held["hold_ref"] == FakeUpwork.contract_id(2)
    contract = stored(store, "engagements", FakeUpwork.contract_id(2))
    assert contract is not None and contract["modified_at"].replace(tzinfo=dt.UTC) == dt.datetime(
        2025, 10, 14, 9, tzinfo=dt.UTC
    )


def test_interrupted_sync_resumes_at_the_last_committed_page(fake: FakeUpwork, make: Factory, store: Store) -> None:
    fake.fail("UserDetails", 500, times=10)
    with pytest.raises(ConnectorUnavailableError):
        sync(make(max_attempts=1, streams=["contracts"]), store)
    assert store.cursors(SOURCE) == {}  # the first page never committed
    fake.faults.clear()
    first = next(iter(make(streams=["contracts"]).read({})))
    store.ingest(first.records, first.cursors)
    fake.log.clear()
    report = sync(make(streams=["contracts"]), store)
    assert report.batches == 2
    assert [v["pagination"].get("after") is not None for v in fake.calls("ClientContracts")] == [True, True]
    checkpoint = Checkpoint.decode(store.cursors(SOURCE)["contracts"])
    assert checkpoint is not None and checkpoint.done


def test_transaction_of_a_term_not_seen_in_this_read_asks_contract_by_term(fake: FakeUpwork, make: Factory) -> None:
    fake.transaction(1, 4, (TODAY - dt.timedelta(days=1)).isoformat())
    fake.transaction(2, 0, (TODAY - dt.timedelta(days=1)).isoformat(), relatedAssignment=99999)
    batches = list(make(streams=["transactions"]).read({}))
    payments = [r for b in batches for r in b.records if isinstance(r, Payment)]
    assert [(p.remote_id, p.worker_remote_id) for p in payments] == [("trx-1", FakeUpwork.user_id(4))]
    problems = [p for b in batches for p in b.problems]
    assert len(problems) == 1 and "99999" in problems[0].reason
    assert [v["termId"] for v in fake.calls("ContractByTerm")] == ["51004", "99999"]
