"""PersonioConnector (API v1) on the wire against our stateful local fake of Personio (pytest-httpserver).

The fake (``fake_personio.py``) is our own fixture speaking Personio v1's shapes; it exists because
the spec's Prism mock is stateless and the v1 spec has no login endpoint (see
``test_contract_prism.py``). The fake enforces **single-use tokens**: each accepted request burns its
token and hands out the next one in the ``authorization`` header; a token sent twice is refused and
counted. These tests cover login, token rotation (also with two syncs running at once in two threads
over one store-backed token store), paging, throttling, ``check()`` codes, incremental re-syncs and
a sync into a real store. No test sleeps on the wall clock except the thread test's lease polling,
and no test asserts on elapsed time.
"""

from __future__ import annotations

import datetime as dt
import socket
import threading
import time
from pathlib import Path

import pytest
from pydantic import SecretStr

from hiresentry.connectors.base import sync
from hiresentry.connectors.base.incremental import Watermark
from hiresentry.connectors.base.token_store import MemoryTokenStore, SqlTokenStore, TokenCipher, TokenSet
from hiresentry.core.errors import RateLimitedError
from hiresentry.core.model import Engagement, PayoutAccount, Worker
from hiresentry.core.store import Store
from tests.connectors.personio.conftest import NOW, Sleeps, make
from tests.connectors.personio.fake_personio import FakePersonio, iban

EMPLOYEES = "/v1/company/employees"


def records_of(connector_batches: list) -> list:  # type: ignore[type-arg]
    return [r for b in connector_batches for r in b.records]


# -- login and the rotating token ------------------------------------------------------------------


def test_one_login_then_each_answer_hands_out_the_next_token(fake_personio: tuple[FakePersonio, str]) -> None:
    fake, url = fake_personio
    store = MemoryTokenStore()
    batches = list(make(url, store=store).read({}))
    assert [p["offset"] for p in fake.requests_to(EMPLOYEES)] == ["0", "3", "6"]  # three pages
    assert (fake.logins, fake.refused) == (1, 0)
    row = store.load("personio")
    assert row is not None and row.tokens.access_token.get_secret_value() in fake.live  # the newest one is kept
    assert row.lease_owner is None
    assert sum(isinstance(r, Worker) for r in records_of(batches)) == 7

    # A second sync (a new connector object, as in the next scheduler run) uses the stored token.
    list(make(url, store=store).read({}))
    assert (fake.logins, fake.refused) == (1, 0)


def test_two_concurrent_syncs_never_spend_the_same_token(fake_personio: tuple[FakePersonio, str], store: Store) -> None:
    fake, url = fake_personio
    fake.count = 12
    fake.modified.update(dict.fromkeys(range(7, 12), fake.modified[0]))
    fake.names.update({i: (f"Given{i}", f"Family{i}") for i in range(7, 12)})
    tokens = SqlTokenStore(store.engine, TokenCipher(SecretStr("token-sealing-secret-0123456789")))
    results: dict[str, int] = {}
    errors: list[BaseException] = []
    start = threading.Barrier(2)

    def run(name: str) -> None:
        try:
            connector = make(url, store=tokens, page_size=2, sleep=lambda s: time.sleep(min(s, 0.005)))
            start.wait()
            results[name] = sum(isinstance(r, Worker) for b in connector.read({}) for r in b.records)
        except BaseException as exc:  # reported below, in the test's thread
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(n,)) for n in ("a", "b")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert errors == []
    assert results == {"a": 12, "b": 12}
    assert fake.reused == 0 and fake.refused == 0  # no token was ever sent twice
    assert fake.logins == 1
    assert len(fake.spent) == len(fake.requests_to(EMPLOYEES)) == 12  # every request spent a new token
    row = tokens.load("personio")
    assert row is not None and row.lease_owner is None
    assert row.tokens.access_token.get_secret_value() in fake.live


def test_a_token_burnt_elsewhere_means_one_new_login(fake_personio: tuple[FakePersonio, str]) -> None:
    fake, url = fake_personio
    store = MemoryTokenStore()
    list(make(url, store=store).read({}))
    row = store.load("personio")
    assert row is not None
    fake.live.discard(row.tokens.access_token.get_secret_value())  # spent by someone outside hiresentry
    batches = list(make(url, store=store).read({}))
    assert (fake.logins, fake.refused) == (2, 1)
    assert sum(isinstance(r, Worker) for r in records_of(batches)) == 7


def test_stable_papi_tokens_work_too(fake_personio: tuple[FakePersonio, str]) -> None:
    """Personio's 24-hour ``papi-`` tokens come back unchanged in the header: nothing to rotate."""
    fake, url = fake_personio
    store = MemoryTokenStore()
    store.put("personio", TokenSet(SecretStr("papi-stable")), NOW)
    fake.live.add("papi-stable")
    original = fake._issue

    def stable() -> str:
        fake.live.add("papi-stable")
        return "papi-stable"

    fake._issue = stable  # type: ignore[method-assign]
    try:
        list(make(url, store=store).read({}))
    finally:
        fake._issue = original  # type: ignore[method-assign]
    assert (fake.logins, fake.refused) == (0, 0)
    row = store.load("personio")
    assert row is not None and row.tokens.access_token.get_secret_value() == "papi-stable"


# -- throttling ----------------------------------------------------------------------------------------


def test_429_with_retry_after_then_200(fake_personio: tuple[FakePersonio, str]) -> None:
    fake, url = fake_personio
    fake.fail(EMPLOYEES, 429, headers={"Retry-After": "2"})
    sleeps = Sleeps()
    batches = list(make(url, sleeps=sleeps).read({}))
    assert sleeps.retries() == [2.0]
    assert [p["offset"] for p in fake.requests_to(EMPLOYEES)] == ["0", "0", "3", "6"]
    assert sum(isinstance(r, Worker) for r in records_of(batches)) == 7
    assert fake.refused == 0


def test_429_without_retry_after_backs_off_at_least_one_second(fake_personio: tuple[FakePersonio, str]) -> None:
    fake, url = fake_personio
    fake.fail(EMPLOYEES, 429, times=2)
    sleeps = Sleeps()
    list(make(url, sleeps=sleeps).read({}))
    assert sleeps.retries() == [1.0, 2.0]  # jitter pinned to its top: 1 s, then 2 s


def test_throttled_past_patience_is_rate_limited(fake_personio: tuple[FakePersonio, str]) -> None:
    fake, url = fake_personio
    fake.fail(EMPLOYEES, 429, times=10, headers={"Retry-After": "1"})
    with pytest.raises(RateLimitedError):
        list(make(url, max_attempts=3).read({}))


# -- check() -------------------------------------------------------------------------------------------


def test_check_codes(fake_personio: tuple[FakePersonio, str]) -> None:
    fake, url = fake_personio
    assert make(url).check().ok
    refused = make(url, client_secret=SecretStr("wrong-secret-000")).check()
    assert (refused.ok, refused.code) == (False, "invalid_auth")
    assert "client id and secret" in refused.message and "wrong-secret" not in refused.message
    fake.fail(EMPLOYEES, 403, body={"success": False, "error": {"message": "Forbidden: attribute access"}})
    assert make(url).check().code == "forbidden_scope"
    fake.fail(EMPLOYEES, 429, times=5)
    assert make(url, max_attempts=2).check().code == "rate_limited"
    fake.faults.clear()
    fake.fail(EMPLOYEES, 503, times=5)
    assert make(url, max_attempts=2).check().code == "cannot_connect"


def test_check_when_nothing_listens() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    result = make(f"http://127.0.0.1:{port}", max_attempts=2).check()
    assert (result.ok, result.code) == (False, "cannot_connect")


# -- incremental re-sync and the store -------------------------------------------------------------


def test_sync_then_incremental_resync_into_the_store(fake_personio: tuple[FakePersonio, str], store: Store) -> None:
    fake, url = fake_personio
    report = sync(make(url), store)
    assert report.problems == []
    assert (store.count("workers"), store.count("engagements"), store.count("payout_accounts")) == (7, 7, 7)
    mark = Watermark.decode(store.cursors("personio")["employees"])
    assert mark is not None and mark.done and mark.high == "2025-03-07T09:00:00Z"

    fake.log.clear()
    fake.touch(2, dt.datetime(2025, 5, 20, 8, 0, tzinfo=dt.UTC), last="Renamed")
    report = sync(make(url), store)
    # One request with updated_since = newest change seen minus 24 h overlap; Personio ignores paging then.
    assert fake.requests_to(EMPLOYEES) == [{"updated_since": "2025-03-06T09:00:00"}]
    assert report.written == {"workers": 2, "engagements": 2, "payout_accounts": 2}  # employee 6 (overlap) and 2
    assert store.count("workers") == 7
    mark = Watermark.decode(store.cursors("personio")["employees"])
    assert mark is not None and (mark.pass_no, mark.since, mark.high) == (
        2,
        "2025-03-07T09:00:00Z",
        "2025-05-20T08:00:00Z",
    )

    with store.engine.connect() as conn:
        names = {row[0] for row in conn.exec_driver_sql("SELECT legal_name FROM workers")}
    assert "Given2 Renamed" in names


def test_full_passes_when_incremental_is_off(fake_personio: tuple[FakePersonio, str], store: Store) -> None:
    fake, url = fake_personio
    sync(make(url, incremental=False), store)
    fake.log.clear()
    sync(make(url, incremental=False), store)
    assert [p["offset"] for p in fake.requests_to(EMPLOYEES)] == ["0", "3", "6"]


def test_sensitive_values_reach_the_store_only_as_keyed_hashes(
    fake_personio: tuple[FakePersonio, str], store: Store, store_path: Path
) -> None:
    _fake, url = fake_personio
    sync(make(url), store)
    with store.engine.connect() as conn:
        tax_keys = [r[0] for r in conn.exec_driver_sql("SELECT tax_key FROM workers")]
    store.close()
    raw = b"".join(p.read_bytes() for p in store_path.parent.glob(store_path.name + "*"))
    # IBAN and tax id only as keyed hashes; a company's own attributes and gender not at all.
    for secret in (iban(3), "86095740003", "Religion", "diverse"):
        assert secret.encode() not in raw
    assert all(tax_keys) and len(set(tax_keys)) == 7


def test_records_link_within_the_source(fake_personio: tuple[FakePersonio, str]) -> None:
    _fake, url = fake_personio
    records = records_of(list(make(url).read({})))
    workers = {r.remote_id for r in records if isinstance(r, Worker)}
    assert {r.worker_remote_id for r in records if isinstance(r, Engagement | PayoutAccount)} == workers
    types = {r.remote_id: r.type for r in records if isinstance(r, Engagement)}
    assert (types["1000"], types["1001"]) == ("employee", "contractor")


# -- the token store's first-login row (connectors/base/token_store.py ``claim_new``) ---------------


@pytest.mark.parametrize("kind", ["memory", "sql"])
def test_claim_new_creates_one_leased_row(kind: str, store: Store) -> None:
    tokens = MemoryTokenStore() if kind == "memory" else SqlTokenStore(store.engine, TokenCipher(SecretStr("x" * 32)))
    until = NOW + dt.timedelta(minutes=1)
    assert tokens.claim_new("personio", "a", NOW, until) == 1
    assert tokens.claim_new("personio", "b", NOW, until) is None  # someone else already logs in
    row = tokens.load("personio")
    assert row is not None and (row.version, row.lease_owner, row.leased(NOW)) == (1, "a", True)
    assert row.tokens.access_token.get_secret_value() == ""
    assert tokens.complete("personio", 1, "a", TokenSet(SecretStr("first")), NOW)
    row = tokens.load("personio")
    assert row is not None and row.tokens.access_token.get_secret_value() == "first" and not row.leased(NOW)


def test_a_failed_first_login_leaves_no_lease_behind(fake_personio: tuple[FakePersonio, str]) -> None:
    fake, url = fake_personio
    store = MemoryTokenStore()
    assert make(url, store=store, client_secret=SecretStr("wrong-secret-000")).check().code == "invalid_auth"
    row = store.load("personio")
    assert row is not None and row.lease_owner is None
    assert make(url, store=store).check().ok  # the next run logs in under a fresh claim
    assert fake.logins == 1
