"""Rate limits: reset headers, pausing before a 429, penalties, error-rate guard, per-scope budgets.

Wire tests run against a local server (pytest-httpserver); the fake Deel organization below
enforces Deel's documented rolling one-second window of 5 requests *on the fake clock* the client
sleeps on, so "no 429" proves the budget's pacing without any test waiting in real time.
"""

from __future__ import annotations

import datetime as dt
from collections import deque

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from hiresentry.connectors.base import (
    Budgets,
    ErrorRateGuard,
    HttpClient,
    PenaltyRule,
    RateLimitPolicy,
    ResetHeader,
    RetryPolicy,
    TokenBucket,
    per_minute,
)
from hiresentry.connectors.base.ratelimit import OKTA, parse_reset, wait_from_headers
from hiresentry.core.errors import RateLimitedError, RateLimitPenaltyError

NOW = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
EPOCH = NOW.timestamp()


def client(server: HTTPServer, sleeps: list[float], **kw: object) -> HttpClient:
    options: dict[str, object] = {
        "retry": RetryPolicy(attempts=3, retry_after_cap=600),
        "sleep": sleeps.append,
        "now": lambda: NOW,
        "jitter": lambda: 1.0,
    }
    return HttpClient("acme", server.url_for("/api"), **(options | kw))  # type: ignore[arg-type]


# -- parsing ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "unit", "expected"),
    [
        ("30", "auto", 30.0),  # Gusto: seconds from now
        (str(int(EPOCH) + 45), "auto", 45.0),  # epoch seconds, recognised by size
        (str(int(EPOCH * 1000) + 2500), "auto", 2.5),  # epoch milliseconds, recognised by size
        ("1500", "delta_ms", 1.5),  # Remote: milliseconds until the reset
        (str(int(EPOCH) + 12), "epoch_seconds", 12.0),  # Okta
        (str(int(EPOCH) - 100), "epoch_seconds", 0.0),  # already reset
        ("soon", "auto", None),
        ("nan", "auto", None),
        ("", "auto", None),
        (None, "auto", None),
    ],
)
def test_parse_reset(value: str | None, unit: str, expected: float | None) -> None:
    assert parse_reset(value, unit, NOW) == (pytest.approx(expected) if expected is not None else None)  # type: ignore[arg-type]


def test_retry_after_wins_over_reset_headers() -> None:
    headers = {"Retry-After": "3", "X-RateLimit-Reset": "50"}
    assert wait_from_headers(headers, RateLimitPolicy(), NOW) == 3.0
    assert wait_from_headers({"X-Rate-Limit-Reset": str(int(EPOCH) + 7)}, OKTA, NOW) == 7.0


# -- the client honours them --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("headers", "policy", "expected"),
    [
        ({"X-RateLimit-Reset": "20"}, RateLimitPolicy(), 20.0),
        ({"X-RateLimit-Reset": str(int(EPOCH) + 9)}, RateLimitPolicy(), 9.0),
        ({"X-Rate-Limit-Reset": str(int(EPOCH) + 11)}, OKTA, 11.0),
        (
            {"x-ratelimit-reset": "4000"},
            RateLimitPolicy(reset_headers=(ResetHeader("X-RateLimit-Reset", "delta_ms"),)),
            4.0,
        ),
    ],
)
def test_429_waits_for_the_announced_reset(
    httpserver: HTTPServer, headers: dict[str, str], policy: RateLimitPolicy, expected: float
) -> None:
    httpserver.expect_ordered_request("/api/x").respond_with_json({}, status=429, headers=headers)
    httpserver.expect_ordered_request("/api/x").respond_with_json({"ok": 1})
    sleeps: list[float] = []
    assert client(httpserver, sleeps, rate_limits=policy).get_json("/x") == {"ok": 1}
    assert sleeps == [pytest.approx(expected)]


def test_a_5xx_backs_off_instead_of_waiting_for_the_rate_window(httpserver: HTTPServer) -> None:
    # Gusto sends X-RateLimit-* on every answer; a 500 is not throttling.
    httpserver.expect_ordered_request("/api/x").respond_with_data(
        "oops", status=500, headers={"X-RateLimit-Reset": "55"}
    )
    httpserver.expect_ordered_request("/api/x").respond_with_json({"ok": 1})
    sleeps: list[float] = []
    assert client(httpserver, sleeps, retry=RetryPolicy(attempts=2, backoff_base=1.0)).get_json("/x") == {"ok": 1}
    assert sleeps == [1.0]


def test_an_exhausted_window_pauses_before_the_next_request(httpserver: HTTPServer) -> None:
    reset = str(int(EPOCH) + 8)
    httpserver.expect_ordered_request("/api/x").respond_with_json(
        {"n": 1}, headers={"X-Rate-Limit-Remaining": "0", "X-Rate-Limit-Reset": reset}
    )
    httpserver.expect_ordered_request("/api/x").respond_with_json({"n": 2}, headers={"X-Rate-Limit-Remaining": "99"})
    httpserver.expect_ordered_request("/api/x").respond_with_json({"n": 3})
    sleeps: list[float] = []
    c = client(httpserver, sleeps, rate_limits=OKTA)
    assert [c.get_json("/x")["n"] for _ in range(3)] == [1, 2, 3]
    assert sleeps == [8.0]  # once, before the second request; never a 429


def test_bamboohr_throttles_with_503(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/api/x").respond_with_data("", status=503, headers={"Retry-After": "2"})
    sleeps: list[float] = []
    policy = RateLimitPolicy(throttle_statuses=frozenset({429, 503}))
    with pytest.raises(RateLimitedError, match="still throttled"):
        client(httpserver, sleeps, rate_limits=policy).get_json("/x")
    assert sleeps == [2.0, 2.0]


# -- penalties -------------------------------------------------------------------------------------

FINCH_IP_PENALTY = PenaltyRule(
    "Finch IP rate-limit penalty (60 min)", status=429, body_path=("finch_code",), values=frozenset({"finch_api_ip_rl"})
)


def test_a_vendor_penalty_stops_at_once(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/api/x").respond_with_json(
        {"finch_code": "finch_api_ip_rl", "message": "Too many requests"}, status=429, headers={"Retry-After": "3600"}
    )
    sleeps: list[float] = []
    policy = RateLimitPolicy(penalties=(FINCH_IP_PENALTY,))
    with pytest.raises(RateLimitPenaltyError, match="Finch IP rate-limit penalty"):
        client(httpserver, sleeps, rate_limits=policy).get_json("/x")
    assert len(httpserver.log) == 1 and sleeps == []  # no retry, no waiting an hour


def test_an_ordinary_429_is_not_a_penalty(httpserver: HTTPServer) -> None:
    httpserver.expect_ordered_request("/api/x").respond_with_json(
        {"finch_code": "finch_application_rl"}, status=429, headers={"Retry-After": "1"}
    )
    httpserver.expect_ordered_request("/api/x").respond_with_json({"ok": 1})
    sleeps: list[float] = []
    policy = RateLimitPolicy(penalties=(FINCH_IP_PENALTY,))
    assert client(httpserver, sleeps, rate_limits=policy).get_json("/x") == {"ok": 1}


def test_the_error_rate_guard_stops_before_merges_ip_block(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/api/x").respond_with_json({"error": "bad filter"}, status=400)
    now = [0.0]
    guard = ErrorRateGuard(
        stop_at=3, window=10.0, rule="Merge: >20 failing requests in 10 s block the IP", clock=lambda: now[0]
    )
    c = client(httpserver, [], error_guard=guard)
    for _ in range(3):
        with pytest.raises(Exception, match="bad filter"):
            c.get_json("/x")
    with pytest.raises(RateLimitPenaltyError, match="before the vendor's error-rate penalty"):
        c.get_json("/x")
    assert len(httpserver.log) == 3  # the 4th request was never sent
    now[0] = 10.5  # the window has passed
    with pytest.raises(Exception, match="bad filter"):
        c.get_json("/x")


# -- budgets -----------------------------------------------------------------------------------------


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


def test_deel_budget_never_exceeds_5_per_rolling_second(httpserver: HTTPServer) -> None:
    clock = FakeClock()
    window: deque[float] = deque()
    throttled: list[float] = []

    def deel(_request: Request) -> Response:
        # Deel: 5 requests per rolling second per organization, 429 beyond, no headers. The window is
        # (now - 1 s, now]; the nanosecond slack absorbs float error in the summed fake sleeps.
        while window and window[0] <= clock.now - 1.0 + 1e-9:
            window.popleft()
        if len(window) >= 5:
            throttled.append(clock.now)
            return Response('{"error": "Rate limit exceeded"}', status=429, content_type="application/json")
        window.append(clock.now)
        return Response('{"data": []}', content_type="application/json")

    httpserver.expect_request("/api/people").respond_with_handler(deel)
    budget = TokenBucket(5.0, clock=clock)
    c = HttpClient("acme", httpserver.url_for("/api"), budget=budget, sleep=clock.sleep, retry=RetryPolicy(attempts=1))
    for _ in range(23):
        c.get_json("/people")
    assert throttled == []
    assert clock.now == pytest.approx(22 * 0.2)


def test_several_budgets_wait_for_the_slowest() -> None:
    clock = FakeClock()
    per_product = TokenBucket(per_minute(20), clock=clock)  # Finch directory: 20/min
    per_ip = TokenBucket(1000 / 300, clock=clock)  # Finch IP rule: 1000 per 5 min
    budgets = Budgets([per_product, per_ip])
    waits = [budgets.acquire(clock.sleep) for _ in range(3)]
    assert waits == pytest.approx([0.0, 3.0, 3.0])
