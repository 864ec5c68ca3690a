"""EntraConnector on the wire against a stateful local fake of the token endpoint and Graph.

The fake (``fake_graph.py``) is **ours**: ``shared/specs`` holds no Microsoft Graph spec, so there
is no Prism contract test for Entra; the wire format follows Microsoft's documentation. Covered:
``check()`` codes (bad secret, missing permission or licence, throttling, nothing listening), app
tokens fetched once and again after a 401, ``@odata.nextLink`` pages, 429 with ``Retry-After``,
incremental re-syncs with ``$filter=createdDateTime ge …`` (minus the overlap), resumption of an
interrupted pass from its committed next link. No test sleeps or reads the wall clock.
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
from hiresentry.connectors.entra import EntraConnector
from hiresentry.core.errors import ConnectorUnavailableError
from hiresentry.core.model import AccessEvent, Worker
from hiresentry.core.store import Store
from tests.connectors.entra.fake_graph import START, TENANT, FakeGraph, sign_in, user

NOW = START + dt.timedelta(days=2)
SIGN_INS = "/v1.0/auditLogs/signIns"


class Sleeps(list[float]):
    """The delays the connector asked to sleep; budget pacing (microseconds at 10⁶ rps) filtered out."""

    def retries(self) -> list[float]:
        return [s for s in self if s >= 0.05]


def make(url: str, sleeps: list[float], *, now: dt.datetime = NOW, **overrides: Any) -> EntraConnector:
    raw = {
        "tenant_id": TENANT,
        "client_id": "app-1",
        "client_secret": SecretStr("graph-secret-XYZ"),
        "graph_url": url,
        "login_url": url,
        "rate_limit_per_second": 1_000_000,
        "page_size": 2,
    }
    runtime = Runtime(sleep=sleeps.append, now=lambda: now, jitter=lambda: 0.0)
    return EntraConnector.from_config("entra", raw | overrides, runtime)


def seeded(fake: FakeGraph, events: int = 7, users: int = 3) -> None:
    fake.add_users(*(user(i) for i in range(users)))
    fake.add_sign_ins(*(sign_in(i, user(i % users)["id"]) for i in range(events)))


# -- check ----------------------------------------------------------------------------------------


def test_check_ok_and_failure_codes(fake_graph: tuple[FakeGraph, str]) -> None:
    fake, url = fake_graph
    assert make(url, Sleeps()).check().ok
    (form,) = fake.token_requests
    assert (form["grant_type"], form["scope"]) == (["client_credentials"], [f"{url}/.default"])

    wrong = make(url, Sleeps(), client_secret=SecretStr("not-the-secret")).check()
    assert wrong.code == "invalid_auth" and "not-the-secret" not in wrong.message
    fake.fail(
        SIGN_INS, 403, body={"error": {"code": "Authorization_RequestDenied", "message": "Insufficient privileges"}}
    )
    assert make(url, Sleeps()).check().code == "forbidden_scope"
    fake.licensed = False
    unlicensed = make(url, Sleeps()).check()
    assert unlicensed.code == "forbidden_scope"
    fake.licensed = True
    fake.fail(SIGN_INS, 429, times=9, headers={"Retry-After": "2"})
    assert make(url, Sleeps(), max_attempts=2).check().code == "rate_limited"


def test_check_when_nothing_listens() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        closed_port = sock.getsockname()[1]
    result = make(f"http://127.0.0.1:{closed_port}", Sleeps(), max_attempts=2).check()
    assert (result.ok, result.code) == (False, "cannot_connect")


def test_one_app_token_and_a_new_one_after_a_401(fake_graph: tuple[FakeGraph, str]) -> None:
    fake, url = fake_graph
    seeded(fake)
    connector = make(url, Sleeps())
    list(connector.read({}))
    assert len(fake.token_requests) == 1
    fake.tokens.clear()  # revoked at the vendor before its announced expiry
    assert connector.check().ok
    assert len(fake.token_requests) == 2


# -- pages and throttling -------------------------------------------------------------------------


def test_sign_ins_follow_next_links(fake_graph: tuple[FakeGraph, str]) -> None:
    fake, url = fake_graph
    seeded(fake)
    batches = list(make(url, Sleeps(), streams=["sign_ins"]).read({}))
    requests = fake.requests_to(SIGN_INS)
    assert requests[0] == {
        "$filter": "createdDateTime ge 2024-07-16T15:00:00Z and status/errorCode eq 0",
        "$top": "2",
    }
    assert [r.get("$skiptoken") for r in requests] == [None, "2", "4", "6"]
    assert all(r["$filter"] == requests[0]["$filter"] for r in requests)
    assert [len(b.records) for b in batches] == [2, 2, 2, 1]
    final = Watermark.decode(batches[-1].cursors[0].value)
    assert final is not None and final.done and final.high == "2024-08-13T15:06:00.000000Z"


def test_429_waits_for_retry_after(fake_graph: tuple[FakeGraph, str]) -> None:
    fake, url = fake_graph
    seeded(fake)
    fake.fail(SIGN_INS, 429, headers={"Retry-After": "11"}, when=lambda q: q.get("$skiptoken") == "4")
    sleeps = Sleeps()
    records = [r for b in make(url, sleeps, streams=["sign_ins"]).read({}) for r in b.records]
    assert sleeps.retries() == [11.0]
    assert len(records) == 7


def test_503_backs_off_then_succeeds(fake_graph: tuple[FakeGraph, str]) -> None:
    fake, url = fake_graph
    seeded(fake, events=1)
    fake.fail(SIGN_INS, 503)
    sleeps = Sleeps()
    records = [r for b in make(url, sleeps, streams=["sign_ins"]).read({}) for r in b.records]
    assert sleeps.retries() == [0.5]  # equal-jitter first step with jitter 0
    assert len(records) == 1


# -- mapping through the wire ---------------------------------------------------------------------


def test_sign_ins_and_users_map(fake_graph: tuple[FakeGraph, str]) -> None:
    fake, url = fake_graph
    fake.add_users(user(1), user(2, enabled=False))
    uid = user(1)["id"]
    fake.add_sign_ins(
        sign_in(
            1, uid, ip="175.45.176.12", country="KP", device_id="e3b0c442-98fc-1c14", risks=["anonymizedIPAddress"]
        ),
        sign_in(2, uid, error_code=50126),  # a failed password: not asked for
        sign_in(3, uid, beta=True),
    )
    records = [r for b in make(url, Sleeps()).read({}) for r in b.records]
    workers = {r.remote_id: r for r in records if isinstance(r, Worker)}
    assert workers[uid].emails == ["given1@contoso.com", "given1@example.net"]
    assert workers[user(2)["id"]].remote_data["accountEnabled"] is False
    events = {r.remote_id: r for r in records if isinstance(r, AccessEvent)}
    assert set(events) == {sign_in(1, uid)["id"], sign_in(3, uid)["id"]}
    vpn = events[sign_in(1, uid)["id"]]
    assert (vpn.worker_remote_id, vpn.ip, vpn.country, vpn.is_proxy, vpn.device_id) == (
        uid,
        "175.45.176.12",
        "KP",
        True,
        "e3b0c442-98fc-1c14",
    )
    beta = events[sign_in(3, uid)["id"]]
    assert (beta.asn, beta.device_id, beta.is_proxy) == (3598, None, False)
    assert beta.user_agent is not None and "Edg/120" in beta.user_agent
    assert fake.requests_to("/v1.0/users")[0]["$select"].startswith("id,displayName,givenName")


def test_beta_api_version(fake_graph: tuple[FakeGraph, str]) -> None:
    fake, url = fake_graph
    seeded(fake, events=1, users=1)
    records = [r for b in make(url, Sleeps(), api_version="beta").read({}) for r in b.records]
    assert len(records) == 2
    assert fake.requests_to("/beta/auditLogs/signIns") and not fake.requests_to(SIGN_INS)


# -- incremental syncs and resumption -------------------------------------------------------------


def test_resync_asks_only_for_sign_ins_since_the_last_one_minus_the_overlap(
    fake_graph: tuple[FakeGraph, str], store: Store
) -> None:
    fake, url = fake_graph
    seeded(fake)
    assert sync(make(url, Sleeps(), overlap_minutes=2), store).written == {"workers": 3, "access_events": 7}
    fake.add_sign_ins(*(sign_in(i, user(0)["id"]) for i in (10, 11)))
    fake.add_sign_ins(sign_in(50, user(1)["id"], at=START + dt.timedelta(minutes=5, seconds=10)))  # late arrival
    fake.log.clear()
    second = sync(make(url, Sleeps(), now=NOW + dt.timedelta(hours=1), overlap_minutes=2), store)
    first_request = fake.requests_to(SIGN_INS)[0]
    assert first_request["$filter"] == "createdDateTime ge 2024-08-13T15:04:00Z and status/errorCode eq 0"
    assert second.written["access_events"] == 6  # 15:04, 15:05, 15:05:10, 15:06 + two new
    assert store.count("access_events") == 10
    assert second.written["workers"] == 3  # the directory is read in full on every pass


def test_an_interrupted_pass_resumes_at_its_committed_next_link(
    fake_graph: tuple[FakeGraph, str], store: Store
) -> None:
    fake, url = fake_graph
    seeded(fake)
    fake.fail(SIGN_INS, 500, times=99, when=lambda q: q.get("$skiptoken") == "4")
    with pytest.raises(ConnectorUnavailableError):
        sync(make(url, Sleeps(), max_attempts=2), store)
    assert (store.count("workers"), store.count("access_events")) == (3, 4)
    fake.faults.clear()
    fake.log.clear()
    report = sync(make(url, Sleeps(), now=NOW + dt.timedelta(hours=5)), store)
    assert fake.requests_to("/v1.0/users") == []
    assert [r.get("$skiptoken") for r in fake.requests_to(SIGN_INS)] == ["4", "6"]
    assert {r["$filter"] for r in fake.requests_to(SIGN_INS)} == {
        "createdDateTime ge 2024-07-16T15:00:00Z and status/errorCode eq 0"
    }
    assert (report.problems, store.count("access_events")) == ([], 7)


def test_malformed_sign_ins_become_problems(fake_graph: tuple[FakeGraph, str]) -> None:
    fake, url = fake_graph
    seeded(fake, events=3)
    fake.sign_ins[0]["ipAddress"] = "131.107.x.37"
    del fake.sign_ins[1]["userId"]
    batches = list(make(url, Sleeps(), streams=["sign_ins"]).read({}))
    reasons = sorted(p.reason for b in batches for p in b.problems)
    assert reasons == ["ValueError: ipAddress is not an IP address", "ValueError: sign-in has no userId"]
    assert len([r for b in batches for r in b.records]) == 1


def test_no_secret_or_token_in_logs(
    fake_graph: tuple[FakeGraph, str], store: Store, caplog: pytest.LogCaptureFixture
) -> None:
    fake, url = fake_graph
    seeded(fake)
    caplog.set_level(logging.DEBUG)
    fake.fail(SIGN_INS, 503, times=99)
    with pytest.raises(ConnectorUnavailableError) as raised:
        sync(make(url, Sleeps(), max_attempts=2), store)
    for secret in ("graph-secret-XYZ", *fake.tokens):
        assert secret not in caplog.text and secret not in str(raised.value)
    assert "retry 1 of 1" in caplog.text
