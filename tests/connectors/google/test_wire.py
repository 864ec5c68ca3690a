"""GoogleWorkspaceConnector on the wire against a stateful local fake of Google (pytest-httpserver).

The fake (``fake_google.py``) is **ours**: ``shared/specs`` has no Admin SDK spec, so there is no
Prism contract test for Google; the wire format follows Google's reference pages. Covered: the
service-account JWT grant (signature, claims, delegated scopes) and its failure codes, ``check()``
codes, ``pageToken`` pages, throttling by 429 *and* by 403 ``rateLimitExceeded`` (retried with
backoff, unlike a real 403), incremental re-syncs from the last login seen minus the overlap,
resumption of an interrupted pass from its committed page token. No test sleeps or reads the wall
clock.
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
from hiresentry.connectors.google import GoogleWorkspaceConnector
from hiresentry.core.errors import ConnectorUnavailableError
from hiresentry.core.model import AccessEvent, Worker
from hiresentry.core.store import Store
from tests.connectors.google.fake_google import (
    ADMIN,
    CLIENT_EMAIL,
    LOGIN_PATH,
    REPORTS,
    START,
    USERS_PATH,
    USERS_RO,
    FakeGoogle,
    key_file,
    login,
    private_key,
    quota_error,
    user,
)

NOW = START + dt.timedelta(days=2)


class Sleeps(list[float]):
    """The delays the connector asked to sleep; budget pacing (microseconds at 10⁶ rps) filtered out."""

    def retries(self) -> list[float]:
        return [s for s in self if s >= 0.05]


class Clock:
    def __init__(self, now: dt.datetime) -> None:
        self.value = now

    def __call__(self) -> dt.datetime:
        return self.value


def make(
    url: str, sleeps: list[float], *, now: Any = NOW, key: str | None = None, **overrides: Any
) -> GoogleWorkspaceConnector:
    raw = {
        "service_account_key": SecretStr(key or key_file(f"{url}/token")),
        "delegated_admin": ADMIN,
        "base_url": url,
        "rate_limit_per_second": 1_000_000,
        "page_size": 2,
    }
    clock = now if callable(now) else (lambda: now)
    runtime = Runtime(sleep=sleeps.append, now=clock, jitter=lambda: 0.0)
    return GoogleWorkspaceConnector.from_config("google", raw | overrides, runtime)


def seeded(fake: FakeGoogle, events: int = 7, users: int = 3) -> None:
    fake.add_users(*(user(i) for i in range(users)))
    fake.add_activities(*(login(i, user(i % users)["id"]) for i in range(events)))


# -- the grant and check ----------------------------------------------------------------------------


def test_check_signs_a_delegated_grant(fake_google: tuple[FakeGoogle, str]) -> None:
    fake, url = fake_google
    result = make(url, Sleeps()).check()
    assert result.ok and ADMIN in result.message
    (grant,) = fake.grants
    assert grant["header"] == {"alg": "RS256", "typ": "JWT", "kid": "4a1b2c3d4e5f"}
    claims = grant["claims"]
    assert (claims["iss"], claims["sub"], claims["aud"]) == (CLIENT_EMAIL, ADMIN, f"{url}/token")
    assert set(claims["scope"].split()) == {REPORTS, USERS_RO}  # read-only, the enabled streams' only
    assert claims["exp"] - claims["iat"] == 3600 and claims["iat"] == int(NOW.timestamp())
    assert fake.requests_to(LOGIN_PATH) == [{"maxResults": "1", "eventName": "login_success"}]


def test_grant_failures_are_invalid_auth(fake_google: tuple[FakeGoogle, str]) -> None:
    fake, url = fake_google
    other_key = key_file(f"{url}/token", private_key(1))
    bad_key = make(url, Sleeps(), key=other_key).check()
    assert (bad_key.code, "invalid_grant" in bad_key.message) == ("invalid_auth", True)
    assert "PRIVATE KEY" not in bad_key.message
    wrong_admin = make(url, Sleeps(), delegated_admin="nobody@example.com").check()
    assert (wrong_admin.code, "delegated admin exists" in wrong_admin.message) == ("invalid_auth", True)
    fake.delegated = {REPORTS}  # the users scope was never delegated
    undelegated = make(url, Sleeps()).check()
    assert (undelegated.code, "domain-wide delegation" in undelegated.message) == ("invalid_auth", True)
    assert make(url, Sleeps(), streams=["login_activity"]).check().ok


def test_check_failure_codes(fake_google: tuple[FakeGoogle, str]) -> None:
    fake, url = fake_google
    forbidden = {
        "error": {
            "code": 403,
            "message": "Not Authorized to access this resource/api",
            "errors": [{"reason": "forbidden"}],
        }
    }
    fake.fail(LOGIN_PATH, 403, body=forbidden)
    result = make(url, Sleeps()).check()
    assert (result.code, "Not Authorized" in result.message) == ("forbidden_scope", True)
    fake.fail(LOGIN_PATH, 403, times=9, body=quota_error("userRateLimitExceeded"))
    assert make(url, Sleeps(), max_attempts=3).check().code == "rate_limited"
    fake.faults.clear()
    fake.fail(
        USERS_PATH,
        429,
        times=9,
        body={"error": {"code": 429, "message": "Too Many Requests", "status": "RESOURCE_EXHAUSTED"}},
    )
    assert make(url, Sleeps(), max_attempts=2).check().code == "rate_limited"


def test_check_when_nothing_listens() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        closed_port = sock.getsockname()[1]
    url = f"http://127.0.0.1:{closed_port}"
    result = make(url, Sleeps(), max_attempts=2).check()
    assert (result.ok, result.code) == (False, "cannot_connect")


def test_the_token_is_reused_until_it_nears_expiry(fake_google: tuple[FakeGoogle, str]) -> None:
    fake, url = fake_google
    seeded(fake)
    clock = Clock(NOW)
    connector = make(url, Sleeps(), now=clock)
    list(connector.read({}))
    assert len(fake.grants) == 1  # one token for every page of both streams
    clock.value = NOW + dt.timedelta(minutes=59)  # within two minutes of expiry
    assert connector.check().ok
    assert len(fake.grants) == 2
    fake.tokens.clear()  # revoked before its expiry: a 401, a new grant, the request again
    assert connector.check().ok
    assert len(fake.grants) == 3


# -- pages and throttling ---------------------------------------------------------------------------


def test_login_activity_follows_page_tokens(fake_google: tuple[FakeGoogle, str]) -> None:
    fake, url = fake_google
    seeded(fake)
    batches = list(make(url, Sleeps(), streams=["login_activity"]).read({}))
    requests = fake.requests_to(LOGIN_PATH)
    assert requests[0] == {"eventName": "login_success", "startTime": "2024-07-16T15:00:00.000Z", "maxResults": "2"}
    assert [r.get("pageToken") for r in requests] == [None, "p2", "p4", "p6"]
    assert all(r["startTime"] == requests[0]["startTime"] for r in requests)
    assert [len(b.records) for b in batches] == [2, 2, 2, 1]
    final = Watermark.decode(batches[-1].cursors[0].value)
    assert final is not None and final.done and final.high == "2024-08-13T15:06:00.000000Z"


def test_quota_403_and_429_are_retried_with_backoff(fake_google: tuple[FakeGoogle, str]) -> None:
    fake, url = fake_google
    seeded(fake)
    fake.fail(
        LOGIN_PATH, 403, times=2, body=quota_error("rateLimitExceeded"), when=lambda q: q.get("pageToken") == "p2"
    )
    fake.fail(
        LOGIN_PATH, 429, body={"error": {"code": 429, "message": "Too Many Requests"}}, headers={"Retry-After": "4"}
    )
    sleeps = Sleeps()
    records = [r for b in make(url, sleeps, streams=["login_activity"]).read({}) for r in b.records]
    assert sleeps.retries() == [4.0, 0.5, 1.0]  # Retry-After; then equal-jitter backoff (jitter 0)
    assert len(records) == 7


def test_no_items_is_an_empty_page(fake_google: tuple[FakeGoogle, str]) -> None:
    _fake, url = fake_google
    batches = list(make(url, Sleeps()).read({}))
    assert [(len(b.records), b.problems) for b in batches] == [(0, []), (0, [])]
    assert all(Watermark.decode(b.cursors[0].value).done for b in batches)  # type: ignore[union-attr]


# -- mapping through the wire -------------------------------------------------------------------------


def test_logins_and_users_map(fake_google: tuple[FakeGoogle, str]) -> None:
    fake, url = fake_google
    fake.add_users(user(1), user(2, suspended=True))
    uid = user(1)["id"]
    fake.add_activities(
        login(1, uid, ip="175.45.176.3", region="KP", asn=131279, suspicious=True), login(2, uid, ip="2001:db8::1")
    )
    records = [r for b in make(url, Sleeps()).read({}) for r in b.records]
    workers = {r.remote_id: r for r in records if isinstance(r, Worker)}
    assert workers[uid].legal_name == "Given1 Family1"
    assert workers[uid].emails == ["given1@example.com", "g1@example.org", "gf1@example.com"]
    assert workers[user(2)["id"]].remote_data["suspensionReason"] == "ADMIN"
    events = sorted((r for r in records if isinstance(r, AccessEvent)), key=lambda r: r.time)
    first = events[0]
    assert (first.worker_remote_id, first.login, first.ip, first.asn, first.country, first.is_proxy) == (
        uid,
        "user1@example.com",
        "175.45.176.3",
        131279,
        "KP",
        False,
    )
    assert first.remote_data["events"][0]["parameters"]["is_suspicious"] is True
    assert events[1].ip == "2001:db8::1"
    assert fake.requests_to(USERS_PATH)[0] == {
        "customer": "my_customer",
        "projection": "basic",
        "orderBy": "email",
        "maxResults": "2",
    }


def test_malformed_logins_become_problems(fake_google: tuple[FakeGoogle, str]) -> None:
    fake, url = fake_google
    seeded(fake, events=3)
    fake.activities[0]["ipAddress"] = "203.0.113"
    del fake.activities[1]["actor"]["profileId"]
    batches = list(make(url, Sleeps(), streams=["login_activity"]).read({}))
    problems = {p.location.rsplit("=", 1)[-1]: p.reason for b in batches for p in b.problems}
    assert problems == {
        "-3546412233463312345": "ValueError: ipAddress is not an IP address",
        "-3546412233463312344": "ValueError: activity has no actor.profileId",
    }
    assert all(p.location.startswith(f"google:{LOGIN_PATH} item uniqueQualifier=") for b in batches for p in b.problems)
    assert len([r for b in batches for r in b.records]) == 1


# -- incremental syncs and resumption ---------------------------------------------------------------


def test_resync_asks_only_for_logins_since_the_last_one_minus_the_overlap(
    fake_google: tuple[FakeGoogle, str], store: Store
) -> None:
    fake, url = fake_google
    seeded(fake)
    assert sync(make(url, Sleeps(), overlap_minutes=2), store).written == {"workers": 3, "access_events": 7}
    fake.add_activities(*(login(i, user(0)["id"]) for i in (10, 11)))
    fake.add_activities(login(40, user(2)["id"], at=START + dt.timedelta(minutes=4, seconds=30)))  # reported late
    fake.log.clear()
    second = sync(make(url, Sleeps(), now=NOW + dt.timedelta(hours=1), overlap_minutes=2), store)
    assert fake.requests_to(LOGIN_PATH)[0]["startTime"] == "2024-08-13T15:04:00.000Z"
    assert second.written["access_events"] == 6  # 15:04, 15:04:30, 15:05, 15:06 + two new
    assert store.count("access_events") == 10


def test_an_interrupted_pass_resumes_at_its_page_token(fake_google: tuple[FakeGoogle, str], store: Store) -> None:
    fake, url = fake_google
    seeded(fake)
    fake.fail(
        LOGIN_PATH,
        500,
        times=99,
        when=lambda q: q.get("pageToken") == "p4",
        body={"error": {"code": 500, "message": "Backend Error"}},
    )
    with pytest.raises(ConnectorUnavailableError):
        sync(make(url, Sleeps(), max_attempts=2), store)
    assert store.count("access_events") == 4
    fake.faults.clear()
    fake.log.clear()
    report = sync(make(url, Sleeps(), now=NOW + dt.timedelta(hours=6)), store)
    requests = fake.requests_to(LOGIN_PATH)
    assert [r.get("pageToken") for r in requests] == ["p4", "p6"]
    assert {r["startTime"] for r in requests} == {"2024-07-16T15:00:00.000Z"}  # the pass's own start
    assert fake.requests_to(USERS_PATH) == []
    assert (report.problems, store.count("access_events")) == ([], 7)


def test_no_key_assertion_or_token_in_logs(
    fake_google: tuple[FakeGoogle, str], store: Store, caplog: pytest.LogCaptureFixture
) -> None:
    fake, url = fake_google
    seeded(fake)
    caplog.set_level(logging.DEBUG)
    fake.fail(LOGIN_PATH, 503, times=99, body={"error": {"code": 503, "message": "Backend Error"}})
    with pytest.raises(ConnectorUnavailableError) as raised:
        sync(make(url, Sleeps(), max_attempts=2), store)
    assertions = [g["claims"]["iss"] for g in fake.grants]
    assert assertions and "PRIVATE KEY" not in caplog.text and "eyJ" not in caplog.text
    for token in fake.tokens:
        assert token not in caplog.text and token not in str(raised.value)
    assert "Backend Error" in str(raised.value)
