"""PersonioConnector (API v2) on the wire against our stateful local fake of Personio (pytest-httpserver).

There is **no Personio v2 spec in shared/specs**, so there is no contract test for v2: the fake
(``fake_personio.py``) is our own fixture, built from Personio's v2 reference pages (client
credentials at ``POST /v2/auth/token``; lists as ``{_data, _meta.links.next.href}``, persons ≤ 50 a
page, ``updated_at.gt`` filter). It pages by cursor links, checks the bearer token and records every
request, so paging, the one-token-per-run client credentials, incremental re-syncs and ``check()``
codes can be asserted.
"""

from __future__ import annotations

import datetime as dt

from pydantic import SecretStr

from hiresentry.connectors.base import sync
from hiresentry.connectors.base.incremental import Watermark
from hiresentry.core.model import Engagement, PayoutAccount, Worker
from hiresentry.core.store import Store
from tests.connectors.personio.conftest import Sleeps, make
from tests.connectors.personio.fake_personio import FakePersonio

PERSONS = "/v2/persons"


def test_pages_through_next_links_with_one_app_token(fake_personio: tuple[FakePersonio, str]) -> None:
    fake, url = fake_personio
    batches = list(make(url, version="v2").read({}))
    assert fake.requests_to(PERSONS) == [
        {"limit": "3"},
        {"limit": "3", "cursor": "cur_3"},
        {"limit": "3", "cursor": "cur_6"},
    ]
    assert [m for m, p, _q in fake.log if p == "/v2/auth/token"] == ["POST"]  # cached for the whole run
    records = [r for b in batches for r in b.records]
    assert sum(isinstance(r, Worker) for r in records) == 7
    assert sum(isinstance(r, PayoutAccount) for r in records) == 7
    assert sum(isinstance(r, Engagement) for r in records) == 14
    assert all(len(b.cursors) == 1 for b in batches) and len(batches) == 3


def test_employments_follow_their_own_next_links(fake_personio: tuple[FakePersonio, str]) -> None:
    fake, url = fake_personio
    records = [r for b in make(url, version="v2", page_size=1).read({}) for r in b.records]
    assert fake.requests_to("/v2/persons/5000/employments") == [{"limit": "1"}, {"limit": "1", "cursor": "cur_1"}]
    mine = sorted(
        (r.remote_id, r.status, r.end_date)
        for r in records
        if isinstance(r, Engagement) and r.worker_remote_id == "5001"
    )
    assert mine == [("emp-1-a", "ACTIVE", None), ("emp-1-b", "INACTIVE", dt.date(2023, 12, 31))]
    assert {r.type for r in records if isinstance(r, Engagement) and r.worker_remote_id == "5001"} == {"contractor"}


def test_page_size_is_capped_at_personios_50(fake_personio: tuple[FakePersonio, str]) -> None:
    fake, url = fake_personio
    list(make(url, version="v2", page_size=100, fetch_employments=False).read({}))
    assert fake.requests_to(PERSONS) == [{"limit": "50"}]


def test_incremental_resync_asks_for_changes_only(fake_personio: tuple[FakePersonio, str], store: Store) -> None:
    fake, url = fake_personio
    sync(make(url, version="v2"), store)
    assert store.count("workers") == 7
    fake.log.clear()
    fake.touch(4, dt.datetime(2025, 5, 2, 7, 30, tzinfo=dt.UTC), first="Renamed")
    report = sync(make(url, version="v2", overlap_hours=0), store)
    assert fake.requests_to(PERSONS) == [{"limit": "3", "updated_at.gt": "2025-03-07T09:00:00Z"}]
    assert report.written["workers"] == 1
    mark = Watermark.decode(store.cursors("personio")["persons"])
    assert mark is not None and mark.high == "2025-05-02T07:30:00Z"


def test_check_codes(fake_personio: tuple[FakePersonio, str]) -> None:
    fake, url = fake_personio
    assert make(url, version="v2").check().ok
    refused = make(url, version="v2", client_secret=SecretStr("not-the-secret")).check()
    assert (refused.ok, refused.code) == (False, "invalid_auth")
    assert "check the client credentials" in refused.message
    fake.fail(PERSONS, 403, body={"errors": [{"title": "Missing scope personio:persons:read"}]})
    assert make(url, version="v2").check().code == "forbidden_scope"
    fake.fail(PERSONS, 429, times=3, headers={"Retry-After": "7"})
    sleeps = Sleeps()
    assert make(url, version="v2", max_attempts=3, sleeps=sleeps).check().code == "rate_limited"
    assert sleeps.retries() == [7.0, 7.0]


def test_a_revoked_app_token_is_replaced_once(fake_personio: tuple[FakePersonio, str]) -> None:
    fake, url = fake_personio
    connector = make(url, version="v2", fetch_employments=False)
    assert connector.check().ok
    fake.v2_tokens.clear()  # Personio revoked every token
    assert len([r for b in connector.read({}) for r in b.records if isinstance(r, Worker)]) == 7
    assert [m for m, p, _q in fake.log if p == "/v2/auth/token"] == ["POST", "POST"]
