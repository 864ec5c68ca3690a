"""RemoteConnector on the wire against a stateful local fake of Remote (pytest-httpserver).

The fake (``fake_remote.py``) is **our own fixture**: employments in the shapes of Remote's spec,
contractor invoices and bank details in the shapes of Remote's SDK (not in the spec copy we have).
It exists because the Prism mock is stateless (see ``test_contract_prism.py``) and cannot show:
three pages, 429 with Remote's millisecond reset header, pausing on an exhausted window, 5xx then
success, ``check()`` codes, OAuth refresh with rotation, resuming, and re-syncs that read only
changed employments' details and recent invoices. No test sleeps or reads the wall clock.
"""

from __future__ import annotations

import datetime as dt
import logging
import socket

import pytest
from pydantic import SecretStr

from hiresentry.connectors.base import sync
from hiresentry.connectors.base.token_store import MemoryTokenStore
from hiresentry.core.errors import ConnectorUnavailableError
from hiresentry.core.model import Engagement, Payment, PayoutAccount, Worker
from hiresentry.core.store import Store
from tests.connectors.remote.fake_remote import (
    CLIENT_ID,
    CLIENT_SECRET,
    FIRST_REFRESH,
    TOKEN,
    FakeRemote,
    employment,
    iban,
    invoice,
)
from tests.connectors.remote.support import Clock, Sleeps, make

Fixture = tuple[FakeRemote, str]
EMPLOYMENTS = "/v1/employments"
INVOICES = "/v1/contractor-invoices"


def oauth(url: str, tokens: MemoryTokenStore, **overrides: object) -> dict[str, object]:
    return {
        "auth": "oauth2",
        "token": None,
        "client_id": CLIENT_ID,
        "client_secret": SecretStr(CLIENT_SECRET),
        "refresh_token": SecretStr(FIRST_REFRESH),
        **overrides,
    }


# -- check and auth -------------------------------------------------------------------------------


def test_check_failure_codes(fake_remote: Fixture) -> None:
    fake, url = fake_remote
    assert make(url).check().ok
    assert fake.requests_to(EMPLOYMENTS) == [{"page": "1", "page_size": "1"}]
    result = make(url, token=SecretStr("ra_live_wrong_000")).check()
    assert (result.code, "ra_live_wrong_000" in result.message) == ("invalid_auth", False)
    fake.fail(EMPLOYMENTS, 403)
    assert make(url).check().code == "forbidden_scope"
    fake.fail(EMPLOYMENTS, 429, times=2)
    assert make(url, max_attempts=2).check().code == "rate_limited"
    fake.fail(EMPLOYMENTS, 500, times=2)
    assert make(url, max_attempts=2).check().code == "cannot_connect"
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{sock.getsockname()[1]}"
    assert make(closed, max_attempts=2).check().code == "cannot_connect"


def test_oauth2_refresh_rotates_and_keeps_the_new_refresh_token(fake_remote: Fixture) -> None:
    fake, url = fake_remote
    tokens = MemoryTokenStore()
    assert make(url, tokens=tokens, **oauth(url, tokens)).check().ok
    assert fake.token_requests == [("json", {"grant_type": "refresh_token", "refresh_token": FIRST_REFRESH})]
    stored = tokens.load("remote")
    assert stored is not None and stored.tokens.refresh_token is not None
    assert stored.tokens.refresh_token.get_secret_value() == fake.refresh_token != FIRST_REFRESH
    assert make(url, tokens=tokens, **oauth(url, tokens)).check().ok
    assert len(fake.token_requests) == 1  # the stored access token is still valid
    bad = make(url, tokens=MemoryTokenStore(), **oauth(url, tokens, client_secret=SecretStr("nope-nope-1")))
    assert bad.check().code == "invalid_auth"


def test_oauth2_with_a_form_encoded_token_request(fake_remote: Fixture) -> None:
    fake, url = fake_remote
    tokens = MemoryTokenStore()
    assert make(url, tokens=tokens, **oauth(url, tokens, token_body="form")).check().ok
    assert fake.token_requests[0][0] == "form"


# -- pages, retries, rate limits ---------------------------------------------------------------------


def test_three_pages_of_employments_and_invoices(fake_remote: Fixture) -> None:
    fake, url = fake_remote
    fake.invoices = [invoice(n, fake.employments[n]["id"], f"2026-02-0{n + 1}") for n in range(5)]
    batches = list(make(url).read({}))
    assert [p["page"] for p in fake.requests_to(EMPLOYMENTS)] == ["1", "2", "3"]  # total_pages: no 4th request
    assert [p["page"] for p in fake.requests_to(INVOICES)] == ["1", "2", "3"]
    assert all(
        p == {"page": p["page"], "page_size": "2", "sort_by": "date", "order": "asc"}
        for p in fake.requests_to(INVOICES)
    )  # the first pass reads every invoice
    assert fake.detail_reads() == [e["id"] for e in fake.employments]
    records = [r for b in batches for r in b.records]
    counts = {kind: sum(isinstance(r, kind) for r in records) for kind in (Worker, Engagement, PayoutAccount, Payment)}
    assert counts == {Worker: 5, Engagement: 5, PayoutAccount: 5, Payment: 5}
    assert [p for b in batches for p in b.problems] == []


def test_429_waits_for_remotes_millisecond_reset(fake_remote: Fixture) -> None:
    fake, url = fake_remote
    fake.fail(EMPLOYMENTS, 429, headers={"x-ratelimit-remaining": "0", "x-ratelimit-reset": "2500"})
    sleeps = Sleeps()
    records = [r for b in make(url, sleeps=sleeps, streams=["employments"]).read({}) for r in b.records]
    assert sleeps.retries() == [2.5]  # 2500 ms, not 2500 s
    assert sum(isinstance(r, Worker) for r in records) == 5


def test_an_exhausted_window_pauses_before_the_next_request(fake_remote: Fixture) -> None:
    fake, url = fake_remote
    fake.remaining = 2  # the second answer says: nothing left for 60000 ms
    sleeps = Sleeps()
    list(make(url, sleeps=sleeps, streams=["employments"]).read({}))
    assert sleeps.retries() == [60.0]


def test_5xx_then_success(fake_remote: Fixture) -> None:
    fake, url = fake_remote
    fake.fail(f"{EMPLOYMENTS}/{fake.employments[2]['id']}", 503)
    sleeps = Sleeps()
    records = [r for b in make(url, sleeps=sleeps, streams=["employments"]).read({}) for r in b.records]
    assert sleeps.retries() == [1.0]
    assert sum(isinstance(r, PayoutAccount) for r in records) == 5


def test_malformed_details_become_problems_and_the_rest_loads(fake_remote: Fixture) -> None:
    fake, url = fake_remote
    fake.employments[1]["bank_account_details"] = [{"account_holder": "Given1 Family1", "bank_name": "?"}]
    fake.employments[3]["personal_details"]["date_of_birth"] = "31/12/1990"
    batches = list(make(url, streams=["employments"]).read({}))
    problems = sorted(p.location for b in batches for p in b.problems)
    assert problems == [
        f"remote:/v1/employments item id={fake.employments[3]['id']}",
        f"remote:/v1/employments/{fake.employments[1]['id']} bank_account_details",
    ]
    workers = [r.remote_id for b in batches for r in b.records if isinstance(r, Worker)]
    assert len(workers) == 4 and fake.employments[1]["id"] in workers


# -- resuming and re-syncing --------------------------------------------------------------------------


def test_an_interrupted_pass_resumes_without_rereading_details(fake_remote: Fixture, store: Store) -> None:
    fake, url = fake_remote
    fake.fail(EMPLOYMENTS, 500, times=2, when=lambda q: q.get("page") == "2")
    with pytest.raises(ConnectorUnavailableError):
        sync(make(url, max_attempts=2), store)
    assert store.count("workers") == 2
    fake.log.clear()
    sync(make(url), store)
    assert [p["page"] for p in fake.requests_to(EMPLOYMENTS)] == ["2", "3"]
    assert fake.detail_reads() == [e["id"] for e in fake.employments[2:]]
    assert store.count("workers") == 5


def test_a_resync_reads_only_changed_details_and_recent_invoices(fake_remote: Fixture, store: Store) -> None:
    fake, url = fake_remote
    clock = Clock()
    fake.invoices = [
        invoice(0, fake.employments[0]["id"], "2025-06-30"),
        invoice(1, fake.employments[1]["id"], "2026-02-20"),
    ]
    sync(make(url, clock=clock), store)
    assert len(fake.detail_reads()) == 5

    # In Remote: one title changes (visible in the list), one bank account changes (not visible),
    # someone new joins, a recent invoice is paid out and a new one is issued.
    fake.employments[3]["job_title"] = "Staff Engineer"
    fake.employments[1]["bank_account_details"][0]["iban"] = iban(77)
    fake.employments.append(employment(5))
    fake.invoices[1].update(status="paid_out", paid_out_at="2026-03-02T09:00:00", approved_at="2026-02-25T10:00:00")
    fake.invoices.append(invoice(2, fake.employments[5]["id"], "2026-03-02"))
    clock.now += dt.timedelta(days=1)
    fake.log.clear()

    report = sync(make(url, clock=clock), store)
    assert fake.detail_reads() == [fake.employments[3]["id"], fake.employments[5]["id"]]
    assert [p["date_from"] for p in fake.requests_to(INVOICES)] == ["2026-01-01"]  # 60 days before the last pass
    assert report.written == {"workers": 2, "engagements": 2, "payout_accounts": 2, "payments": 2}
    paid = store.count("payments")
    assert paid == 3

    # The periodic detail refresh reads everyone again, and so sees the new bank account.
    clock.now += dt.timedelta(days=7)
    fake.log.clear()
    sync(make(url, clock=clock), store)
    assert len(fake.detail_reads()) == 6
    assert store.count("payout_accounts") == 7  # two accounts for employment 1 (old and new), one each for others


# -- secrets --------------------------------------------------------------------------------------------


def test_no_token_bank_number_or_tax_id_in_logs(
    fake_remote: Fixture, store: Store, caplog: pytest.LogCaptureFixture
) -> None:
    fake, url = fake_remote
    caplog.set_level(logging.DEBUG)
    fake.employments[2]["bank_account_details"][0]["iban"] = "DE00123456789012345678"
    fake.fail(INVOICES, 502, times=99)
    with pytest.raises(ConnectorUnavailableError) as raised:
        sync(make(url, max_attempts=2), store)
    secrets = [TOKEN, "DE00123456789012345678", *(e["bank_account_details"][0]["iban"] for e in fake.employments)]
    secrets += [e["administrative_details"]["tax_id"] for e in fake.employments]
    for secret in secrets:
        assert secret not in caplog.text
        assert secret not in str(raised.value)
    assert "record refused" in caplog.text
