"""GustoConnector on the wire against a stateful local fake of Gusto (pytest-httpserver).

The fake (``fake_gusto.py``) is **our own fixture** speaking the JSON shapes of Gusto's spec; it
exists because the spec's Prism mock is stateless (see ``test_contract_prism.py``). These tests
cover what only a stateful server can show: token refresh with rotation, walking three pages,
retries with the delays Gusto asked for, ``check()`` codes, resuming a full pass, and incremental
re-syncs that fetch only what Gusto's events name. No test sleeps or reads the wall clock.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import socket

import pytest
from pydantic import SecretStr

from hiresentry.connectors.base import Checkpoint, sync
from hiresentry.connectors.base.token_store import MemoryTokenStore
from hiresentry.core.errors import ConnectorUnavailableError
from hiresentry.core.model import Engagement, Payment, PayoutAccount, Worker
from hiresentry.core.store import Store
from tests.connectors.gusto.fake_gusto import CLIENT_ID, CLIENT_SECRET, COMPANY, FIRST_REFRESH, FakeGusto, payment
from tests.connectors.gusto.support import Clock, Sleeps, make

CONTRACTORS = f"/v1/companies/{COMPANY}/contractors"
DETAILS = f"/v1/companies/{COMPANY}/contractors/payment_details"
PAYMENTS = f"/v1/companies/{COMPANY}/contractor_payments"


# -- auth -----------------------------------------------------------------------------------------


def test_the_seeded_refresh_token_is_spent_once_and_the_rotated_one_kept(fake_gusto: tuple[FakeGusto, str]) -> None:
    fake, url = fake_gusto
    tokens = MemoryTokenStore()
    assert make(url, tokens=tokens).check().ok
    assert fake.token_requests == [
        {
            "grant_type": "refresh_token",
            "refresh_token": FIRST_REFRESH,
            "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET,
        }
    ]
    stored = tokens.load("gusto")
    assert stored is not None and stored.tokens.refresh_token is not None
    assert stored.tokens.refresh_token.get_secret_value() == fake.refresh_token != FIRST_REFRESH
    # A second connector on the same store uses the stored access token: no refresh, and the
    # configured (now dead) refresh token is not put back.
    assert make(url, tokens=tokens).check().ok
    assert len(fake.token_requests) == 1
    assert fake.versions == {"2025-06-15"}


def test_a_refused_client_is_invalid_auth(fake_gusto: tuple[FakeGusto, str]) -> None:
    _fake, url = fake_gusto
    result = make(url, client_secret=SecretStr("wrong-secret-000")).check()
    assert (result.ok, result.code) == (False, "invalid_auth")
    assert "wrong-secret-000" not in result.message


# -- check ----------------------------------------------------------------------------------------


def test_check_failure_codes(fake_gusto: tuple[FakeGusto, str]) -> None:
    fake, url = fake_gusto
    tokens = MemoryTokenStore()  # Gusto rotates the refresh token: every connector must see the current one
    fake.fail(CONTRACTORS, 403)
    assert make(url, tokens=tokens).check().code == "forbidden_scope"
    fake.fail(CONTRACTORS, 429, times=3)
    assert make(url, tokens=tokens, max_attempts=3).check().code == "rate_limited"
    fake.fail(CONTRACTORS, 503, times=2)
    assert make(url, tokens=tokens, max_attempts=2).check().code == "cannot_connect"
    fake.fail(CONTRACTORS, 404)
    assert make(url, tokens=tokens).check().code == "unknown"
    assert make(url, tokens=tokens).check().ok


def test_check_when_nothing_listens() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        closed = sock.getsockname()[1]
    result = make(f"http://127.0.0.1:{closed}", max_attempts=2).check()
    assert (result.ok, result.code) == (False, "cannot_connect")


# -- paging and retries ----------------------------------------------------------------------------


def test_three_pages_of_contractors(fake_gusto: tuple[FakeGusto, str]) -> None:
    fake, url = fake_gusto
    fake.payments = [
        payment(i, c["uuid"], "2026-02-27", may_cancel=False, status="Funded") for i, c in enumerate(fake.contractors)
    ]
    batches = list(make(url, incremental=False).read({}))
    assert [(p["page"], p["per"]) for p in fake.requests_to(CONTRACTORS)] == [("1", "2"), ("2", "2"), ("3", "2")]
    assert all(p["include"] == "company_name" for p in fake.requests_to(CONTRACTORS))
    assert [p["page"] for p in fake.requests_to(PAYMENTS)] == ["1", "2", "3"]
    assert fake.requests_to(PAYMENTS)[0]["start_date"] == "2024-03-02"
    assert fake.requests_to(PAYMENTS)[0]["end_date"] == "2026-05-31"
    assert len(fake.requests_to(DETAILS)) == 1
    records = [r for b in batches for r in b.records]
    assert sum(isinstance(r, Worker) for r in records) == 5
    assert sum(isinstance(r, Engagement) for r in records) == 5
    assert sum(isinstance(r, PayoutAccount) for r in records) == 5
    assert sum(isinstance(r, Payment) for r in records) == 5
    assert [p for b in batches for p in b.problems] == []


def test_429_with_retry_after_then_success(fake_gusto: tuple[FakeGusto, str]) -> None:
    fake, url = fake_gusto
    fake.fail(CONTRACTORS, 429, headers={"Retry-After": "7", "X-RateLimit-Reset": "40"})
    sleeps = Sleeps()
    records = [r for b in make(url, sleeps=sleeps, incremental=False).read({}) for r in b.records]
    assert sleeps.retries() == [7.0]  # Retry-After wins over the window reset
    assert sum(isinstance(r, Worker) for r in records) == 5
    assert [p["page"] for p in fake.requests_to(CONTRACTORS)] == ["1", "1", "2", "3"]


def test_429_with_only_a_reset_header_waits_for_the_reset(fake_gusto: tuple[FakeGusto, str]) -> None:
    fake, url = fake_gusto
    fake.fail(
        CONTRACTORS, 429, headers={"X-RateLimit-Limit": "200", "X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "12"}
    )
    sleeps = Sleeps()
    list(make(url, sleeps=sleeps, incremental=False).read({}))
    assert sleeps.retries() == [12.0]  # Gusto's reset is seconds until the window refills


def test_5xx_then_success(fake_gusto: tuple[FakeGusto, str]) -> None:
    fake, url = fake_gusto
    fake.fail(DETAILS, 502)
    sleeps = Sleeps()
    records = [r for b in make(url, sleeps=sleeps, incremental=False).read({}) for r in b.records]
    assert sleeps.retries() == [1.0]  # the first backoff step (jitter fixed at its maximum)
    assert sum(isinstance(r, PayoutAccount) for r in records) == 5


def test_a_malformed_contractor_is_a_problem_and_the_rest_loads(fake_gusto: tuple[FakeGusto, str]) -> None:
    fake, url = fake_gusto
    fake.contractors[1] = {**fake.contractors[1], "first_name": None, "last_name": None}
    fake.details[fake.contractors[2]["uuid"]]["splits"][0]["hidden_account_number"] = None
    batches = list(make(url, incremental=False).read({}))
    problems = [p.location for b in batches for p in b.problems]
    assert problems == [
        f"gusto:{CONTRACTORS} item id={fake.contractors[1]['uuid']}",
        f"gusto:{DETAILS} item id={fake.contractors[2]['uuid']}",
    ]
    assert sum(isinstance(r, Worker) for b in batches for r in b.records) == 4


# -- full passes, resumption and incremental re-syncs ----------------------------------------------


def test_an_interrupted_full_pass_resumes_where_it_stopped(fake_gusto: tuple[FakeGusto, str], store: Store) -> None:
    fake, url = fake_gusto
    tokens = MemoryTokenStore()
    fake.fail(CONTRACTORS, 500, times=99, when=lambda q: q.get("page") == "2")
    with pytest.raises(ConnectorUnavailableError):
        sync(make(url, tokens=tokens, max_attempts=2), store)
    assert store.count("workers") == 2
    assert Checkpoint.decode(store.cursors("gusto")["contractors"]) == Checkpoint(1, "2", False)

    fake.faults.clear()
    fake.log.clear()
    report = sync(make(url, tokens=tokens), store)
    assert [p["page"] for p in fake.requests_to(CONTRACTORS)] == ["2", "3"]
    assert fake.requests_to("/v1/events") == []  # the head noted when the pass began still stands
    assert report.problems == []
    assert store.count("workers") == 5


def test_incremental_resync_fetches_only_what_events_name(fake_gusto: tuple[FakeGusto, str], store: Store) -> None:
    fake, url = fake_gusto
    tokens, clock = MemoryTokenStore(), Clock()
    old = fake.event("contractor.created", "Contractor", fake.contractors[0]["uuid"])
    sync(make(url, tokens=tokens, clock=clock), store)
    assert fake.requests_to("/v1/events") == [{"resource_uuid": COMPANY, "sort_order": "desc", "limit": "1"}]
    cursor = json.loads(store.cursors("gusto")["events"])
    assert cursor == {"after": old, "full_pass_at": clock.now.isoformat()}

    # Meanwhile in Gusto: one contractor changes email, one gets a payment, someone's bank account changes.
    changed = fake.contractors[3]
    changed["email"] = "new.address@example.org"
    fake.event("contractor.updated", "Contractor", changed["uuid"])
    fake.payments.append(payment(7, fake.contractors[1]["uuid"], "2026-03-06", may_cancel=True))
    fake.event("contractor_payment.created", "ContractorPayment", fake.payments[0]["uuid"])
    fake.event("employee.created", "Employee", "not-a-contractor")
    fake.log.clear()
    clock.now += dt.timedelta(days=1)

    report = sync(make(url, tokens=tokens, clock=clock), store)
    gets = [p for p in fake.paths() if p.startswith(("GET", "DELETE"))]
    assert gets == [  # page_size 2: the three new events come in two pages
        "GET /v1/events",
        f"GET /v1/contractors/{changed['uuid']}",
        f"GET {DETAILS}",
        f"GET {PAYMENTS}/{fake.payments[0]['uuid']}",
        "GET /v1/events",
    ]
    assert fake.requests_to(DETAILS) == [{"contractor_uuid": changed["uuid"]}]
    assert fake.requests_to("/v1/events")[0]["starting_after_uuid"] == old
    assert report.written == {"workers": 1, "engagements": 1, "payout_accounts": 1, "payments": 1}
    assert report.problems == []
    assert store.count("payments") == 1

    # Nothing new: one call to the event feed, nothing else.
    fake.log.clear()
    sync(make(url, tokens=tokens, clock=clock), store)
    assert [p for p in fake.paths() if p.startswith("GET")] == ["GET /v1/events"]

    # After full_sync_days a full pass runs again (Gusto keeps events for 30 days only).
    clock.now += dt.timedelta(days=7)
    fake.log.clear()
    sync(make(url, tokens=tokens, clock=clock), store)
    assert [p["page"] for p in fake.requests_to(CONTRACTORS)] == ["1", "2", "3"]


def test_bank_account_events_reread_the_payment_details(fake_gusto: tuple[FakeGusto, str], store: Store) -> None:
    fake, url = fake_gusto
    tokens = MemoryTokenStore()
    sync(make(url, tokens=tokens), store)
    target = fake.contractors[4]["uuid"]
    fake.details[target]["splits"][0]["hidden_account_number"] = "XXXX9999"
    fake.details[target]["splits"][0]["bank_account_uuid"] = "bbbbbbbb-9999-4000-8000-000000000999"
    fake.event("contractor.bank_account.created", "BankAccount", "bbbbbbbb-9999-4000-8000-000000000999")
    fake.log.clear()
    report = sync(make(url, tokens=tokens), store)
    assert fake.requests_to(DETAILS) == [{}]
    assert report.written == {"payout_accounts": 5}
    assert store.count("payout_accounts") == 6


def test_without_events_every_sync_is_a_full_pass(fake_gusto: tuple[FakeGusto, str], store: Store) -> None:
    fake, url = fake_gusto
    fake.fail("/v1/events", 403, times=99)
    tokens = MemoryTokenStore()
    sync(make(url, tokens=tokens), store)
    assert "events" not in store.cursors("gusto")
    fake.log.clear()
    sync(make(url, tokens=tokens), store)
    assert [p["page"] for p in fake.requests_to(CONTRACTORS)] == ["1", "2", "3"]


# -- secrets ----------------------------------------------------------------------------------------


def test_no_secret_or_token_in_logs(
    fake_gusto: tuple[FakeGusto, str], store: Store, caplog: pytest.LogCaptureFixture
) -> None:
    fake, url = fake_gusto
    caplog.set_level(logging.DEBUG)
    fake.fail(PAYMENTS, 503, times=99)
    with pytest.raises(ConnectorUnavailableError) as raised:
        sync(make(url, max_attempts=2), store)
    secrets = [CLIENT_SECRET, FIRST_REFRESH, fake.refresh_token, *fake.company_tokens, *fake.system_tokens]
    for secret in secrets:
        assert secret not in caplog.text
        assert secret not in str(raised.value)
    assert "retry 1 of 1" in caplog.text


def test_an_event_cursor_gusto_no_longer_knows_means_a_full_pass(
    fake_gusto: tuple[FakeGusto, str], store: Store
) -> None:
    fake, url = fake_gusto
    tokens = MemoryTokenStore()
    fake.event("contractor.created", "Contractor", fake.contractors[0]["uuid"])
    sync(make(url, tokens=tokens), store)
    fake.events.clear()  # older than 30 days: Gusto answers 422 for the stored cursor
    fresh = fake.event("contractor.updated", "Contractor", fake.contractors[1]["uuid"])
    fake.log.clear()
    report = sync(make(url, tokens=tokens), store)
    assert [p["page"] for p in fake.requests_to(CONTRACTORS)] == ["1", "2", "3"]
    assert report.problems == []
    assert json.loads(store.cursors("gusto")["events"])["after"] == fresh
