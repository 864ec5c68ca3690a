"""OktaConnector on the wire against a stateful local fake of Okta (pytest-httpserver).

The fake (``fake_okta.py``) is **our own** fixture speaking Okta's wire format; the request
contract itself is checked against Okta's spec in ``test_contract_prism.py``. These tests cover
what only a stateful server shows: ``check()`` codes, ``Link`` pages of a polling query (ended by
an empty page), waiting until ``X-Rate-Limit-Reset``, resuming an interrupted pass from its
committed next link, incremental re-syncs that ask only for events since the last one seen (minus
the overlap, which catches late events), and users read in full once and then by ``lastUpdated``.
No test sleeps or reads the wall clock: the connector gets a recording ``sleep`` and a fixed clock.
"""

from __future__ import annotations

import datetime as dt
import logging
import socket
from typing import Any

import pytest
from pydantic import SecretStr

from hiresentry.connectors.base import Runtime, sync
from hiresentry.connectors.base.incremental import Watermark
from hiresentry.connectors.okta import OktaConnector
from hiresentry.core.errors import ConnectorUnavailableError
from hiresentry.core.model import AccessEvent, Worker
from hiresentry.core.store import Store
from tests.connectors.okta.fake_okta import START, FakeOkta, sign_in, stamp, user


class Sleeps(list[float]):
    """The delays the connector asked to sleep; budget pacing (microseconds at 10⁶ rps) filtered out."""

    def retries(self) -> list[float]:
        return [s for s in self if s >= 0.05]


def make(
    url: str, sleeps: list[float], *, now: dt.datetime, token: str = "okta-token-XYZ", **overrides: Any
) -> OktaConnector:
    raw = {"org_url": url, "api_token": SecretStr(token), "rate_limit_per_second": 1_000_000, "page_size": 2}
    runtime = Runtime(sleep=sleeps.append, now=lambda: now, jitter=lambda: 0.0)
    return OktaConnector.from_config("okta", raw | overrides, runtime)


def seeded(fake: FakeOkta, events: int = 7, users: int = 5) -> None:
    fake.add_users(*(user(i) for i in range(users)))
    fake.add_events(*(sign_in(i, f"00u{i % users:017d}") for i in range(events)))


def logs_requests(fake: FakeOkta) -> list[dict[str, str]]:
    return fake.requests_to("/api/v1/logs")


# -- check ----------------------------------------------------------------------------------------


def test_check_ok_and_failure_codes(fake_okta: tuple[FakeOkta, str]) -> None:
    fake, url = fake_okta
    now = fake.now
    assert make(url, Sleeps(), now=now).check().ok
    wrong = make(url, Sleeps(), now=now, token="not-the-token").check()
    assert (wrong.code, "not-the-token" in wrong.message) == ("invalid_auth", False)
    fake.fail("/api/v1/logs", 403, body={"errorCode": "E0000006", "errorSummary": "You do not have permission"})
    assert make(url, Sleeps(), now=now).check().code == "forbidden_scope"
    fake.throttle("/api/v1/users", wait=5, times=9)
    assert make(url, Sleeps(), now=now, max_attempts=2).check().code == "rate_limited"


def test_check_when_nothing_listens() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        closed_port = sock.getsockname()[1]
    result = make(f"http://127.0.0.1:{closed_port}", Sleeps(), now=START, max_attempts=2).check()
    assert (result.ok, result.code) == (False, "cannot_connect")


# -- pages and throttling -------------------------------------------------------------------------


def test_polling_query_follows_link_pages_until_an_empty_one(fake_okta: tuple[FakeOkta, str]) -> None:
    fake, url = fake_okta
    seeded(fake)
    batches = list(make(url, Sleeps(), now=fake.now, streams=["system_log"]).read({}))

    requests = logs_requests(fake)
    since = stamp(fake.now - dt.timedelta(days=30))
    assert requests[0] == {
        "since": since,
        "filter": '(eventType eq "user.session.start") and outcome.result eq "SUCCESS"',
        "sortOrder": "ASCENDING",
        "limit": "2",
    }
    assert [r.get("after") for r in requests] == [None, "2", "4", "6", "7"]  # 4 pages + the empty one
    assert all(r["since"] == since for r in requests)  # every next link carries the query
    assert [len(b.records) for b in batches] == [2, 2, 2, 1, 0]
    events = [r for b in batches for r in b.records]
    assert all(isinstance(r, AccessEvent) for r in events)
    assert len({r.remote_id for r in events}) == 7
    final = Watermark.decode(batches[-1].cursors[0].value)
    assert final is not None and final.done
    assert final.high == "2024-08-13T15:06:00.000000Z"


def test_429_waits_until_x_rate_limit_reset(fake_okta: tuple[FakeOkta, str]) -> None:
    fake, url = fake_okta
    seeded(fake)
    fake.throttle("/api/v1/logs", wait=7, when=lambda q: q.get("after") == "2")
    sleeps = Sleeps()
    records = [r for b in make(url, sleeps, now=fake.now, streams=["system_log"]).read({}) for r in b.records]
    assert sleeps.retries() == [7.0]
    assert len(records) == 7
    assert [r.get("after") for r in logs_requests(fake)] == [None, "2", "2", "4", "6", "7"]


def test_an_exhausted_window_pauses_before_the_next_request(fake_okta: tuple[FakeOkta, str]) -> None:
    fake, url = fake_okta
    seeded(fake, events=3)
    reset = int(fake.now.timestamp()) + 12
    fake.success_headers["/api/v1/logs"] = {"X-Rate-Limit-Remaining": "0", "X-Rate-Limit-Reset": str(reset)}
    sleeps = Sleeps()
    list(make(url, sleeps, now=fake.now, streams=["system_log"]).read({}))
    assert sleeps.retries() == [12.0, 12.0]  # before page 2 and before the (empty) page 3
    assert len(logs_requests(fake)) == 3


def test_throttled_for_too_long_is_rate_limited(fake_okta: tuple[FakeOkta, str]) -> None:
    fake, url = fake_okta
    seeded(fake)
    fake.throttle("/api/v1/logs", wait=400, times=9)
    sleeps = Sleeps()
    result = make(url, sleeps, now=fake.now, max_attempts=3, max_retry_wait=60).check()
    assert result.code == "rate_limited"
    assert sleeps.retries() == [60.0, 60.0]  # the reset is honoured up to the configured cap


# -- mapping through the wire ---------------------------------------------------------------------


def test_sign_ins_map_to_access_events(fake_okta: tuple[FakeOkta, str]) -> None:
    fake, url = fake_okta
    fake.add_users(user(1))
    fake.add_events(
        sign_in(
            1,
            "00u00000000000000001",
            ip="185.220.101.7",
            country="Russia",
            asn=9009,
            as_org="M247 Europe SRL",
            proxy=True,
            categories=[{"type": "VPN", "operator": "Astrill", "isAnonymous": True}],
            device_id=None,
        ),
        sign_in(2, "00u00000000000000001", ip="2001:db8::7", country="Korea, Democratic People's Republic of"),
        sign_in(3, "00u00000000000000001", event_type="user.session.end"),  # not asked for
        sign_in(4, "00u00000000000000001", result="FAILURE"),  # not asked for
    )
    records = [r for b in make(url, Sleeps(), now=fake.now).read({}) for r in b.records]
    (worker,) = [r for r in records if isinstance(r, Worker)]
    assert (worker.legal_name, worker.emails) == (
        "Given1 Family1",
        ["given1.family1@example.com", "given1@example.org"],
    )
    first, second = (r for r in records if isinstance(r, AccessEvent))
    assert first.worker_remote_id == worker.remote_id
    assert (first.ip, first.asn, first.country, first.is_proxy, first.vpn_provider) == (
        "185.220.101.7",
        9009,
        "RU",
        True,
        "Astrill",
    )
    assert first.device_id is None
    assert first.user_agent is not None and "Chrome/127" in first.user_agent
    assert first.login == "00u00000000000000001@example.com"
    assert (second.ip, second.country, second.is_proxy, second.device_id) == (
        "2001:db8::7",
        "KP",
        False,
        "guofdhyjex1feOgbN1d9",
    )
    assert "185.220.101.7" not in str(first.remote_data) and "ipChain" not in str(first.remote_data)


def test_malformed_events_become_problems_and_the_rest_loads(fake_okta: tuple[FakeOkta, str]) -> None:
    fake, url = fake_okta
    seeded(fake, events=4)
    fake.events[1]["client"]["ipAddress"] = "not-an-ip"
    del fake.events[2]["actor"]["id"]
    batches = list(make(url, Sleeps(), now=fake.now, streams=["system_log"]).read({}))
    problems = {p.location: p.reason for b in batches for p in b.problems}
    assert problems == {
        f"okta:/api/v1/logs item id={fake.events[1]['uuid']}": "ValueError: client.ipAddress is not an IP address",
        f"okta:/api/v1/logs item id={fake.events[2]['uuid']}": "ValueError: event has no actor.id",
    }
    assert len([r for b in batches for r in b.records]) == 2


# -- incremental syncs and resumption -------------------------------------------------------------


def test_resync_asks_only_for_events_since_the_last_one_minus_the_overlap(
    fake_okta: tuple[FakeOkta, str], store: Store
) -> None:
    fake, url = fake_okta
    seeded(fake)
    first = sync(make(url, Sleeps(), now=fake.now, overlap_minutes=2), store)
    assert first.written == {"workers": 5, "access_events": 7}

    # New sign-ins, and one that happened before the last seen event but was published late.
    fake.add_events(*(sign_in(i, "00u00000000000000001") for i in (10, 11, 12)))
    fake.add_events(sign_in(99, "00u00000000000000002", at=START + dt.timedelta(minutes=5, seconds=30)))
    fake.log.clear()
    later = fake.now + dt.timedelta(hours=1)
    second = sync(make(url, Sleeps(), now=later, overlap_minutes=2), store)

    requests = logs_requests(fake)
    assert requests[0]["since"] == "2024-08-13T15:04:00.000Z"  # last seen 15:06 minus 2 minutes
    assert second.written["access_events"] == 7  # 15:04, 15:05, 15:05:30, 15:06 (overlap) + 3 new
    assert store.count("access_events") == 11  # re-read events were upserted, not duplicated
    # users: the second pass asks only for users changed since the last one seen
    (users_request,) = fake.requests_to("/api/v1/users")
    assert users_request["search"] == 'lastUpdated gt "2024-07-18T14:58:00.000Z"'  # latest user 07-18T15:00 - 2 min
    assert second.written["workers"] == 1  # that latest user again (the overlap), nobody else


def test_a_deactivation_is_seen_by_the_next_users_pass(fake_okta: tuple[FakeOkta, str], store: Store) -> None:
    fake, url = fake_okta
    seeded(fake, events=0, users=3)
    fake.add_users(user(3, status="DEPROVISIONED"))  # the plain list leaves deprovisioned users out
    sync(make(url, Sleeps(), now=fake.now), store)
    assert store.count("workers") == 3
    fake.users[user(1)["id"]].update(status="DEPROVISIONED", lastUpdated=stamp(fake.now))
    batches = list(make(url, Sleeps(), now=fake.now).read(store.cursors("okta")))
    workers = {r.remote_id: r for b in batches for r in b.records if isinstance(r, Worker)}
    # the changed user, user 2 (within the overlap) and user 3, whom only a search returns
    assert sorted(workers) == [user(1)["id"], user(2)["id"], user(3)["id"]]
    assert workers[user(1)["id"]].remote_data["status"] == "DEPROVISIONED"
    first, second = fake.requests_to("/api/v1/users")[0], fake.requests_to("/api/v1/users")[-1]
    assert "search" not in first and second["search"].startswith("lastUpdated gt ")


def test_an_interrupted_pass_resumes_at_its_committed_link(fake_okta: tuple[FakeOkta, str], store: Store) -> None:
    fake, url = fake_okta
    seeded(fake)
    fake.fail("/api/v1/logs", 500, times=99, when=lambda q: q.get("after") == "4")
    with pytest.raises(ConnectorUnavailableError):
        sync(make(url, Sleeps(), now=fake.now, max_attempts=2), store)
    assert (store.count("workers"), store.count("access_events")) == (5, 4)
    committed = Watermark.decode(store.cursors("okta")["system_log"])
    assert committed is not None and committed.position is not None and "after=4" in committed.position

    fake.faults.clear()
    fake.log.clear()
    later = fake.now + dt.timedelta(hours=3)  # a later clock must not change the resumed query
    report = sync(make(url, Sleeps(), now=later), store)
    assert fake.requests_to("/api/v1/users") == []  # the finished stream is not read again
    requests = logs_requests(fake)
    assert [r["after"] for r in requests] == ["4", "6", "7"]
    assert {r["since"] for r in requests} == {stamp(fake.now - dt.timedelta(days=30))}
    assert report.problems == []
    assert store.count("access_events") == 7


def test_the_pass_start_is_committed_with_its_first_page(fake_okta: tuple[FakeOkta, str], store: Store) -> None:
    """A resumed pass sends the query it began with, whatever the clock says by then."""
    fake, url = fake_okta
    seeded(fake, events=3)
    sync(make(url, Sleeps(), now=fake.now), store)
    fake.fail("/api/v1/logs", 500, times=99, when=lambda q: q.get("after") == "2")
    fake.add_events(*(sign_in(i, "00u00000000000000001") for i in (20, 21, 22)))
    with pytest.raises(ConnectorUnavailableError):
        sync(make(url, Sleeps(), now=fake.now, max_attempts=2, overlap_minutes=0), store)
    committed = Watermark.decode(store.cursors("okta")["system_log"])
    assert committed is not None and committed.memo == {"start": "2024-08-13T15:02:00.000000Z"}
    assert committed.since == "2024-08-13T15:02:00.000000Z"


def test_no_token_in_logs_or_errors(
    fake_okta: tuple[FakeOkta, str], store: Store, caplog: pytest.LogCaptureFixture
) -> None:
    fake, url = fake_okta
    seeded(fake)
    caplog.set_level(logging.DEBUG)
    fake.fail("/api/v1/logs", 503, times=99)
    with pytest.raises(ConnectorUnavailableError) as raised:
        sync(make(url, Sleeps(), now=fake.now, max_attempts=2), store)
    assert "okta-token-XYZ" not in caplog.text and "okta-token-XYZ" not in str(raised.value)
    assert "retry 1 of 1" in caplog.text
