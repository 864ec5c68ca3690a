"""HttpClient against a real local HTTP server (pytest-httpserver): classification, waits, secrets.

No test sleeps: the client gets a fake ``sleep`` that records the delays it was asked for, and the
tests assert on those delays instead of on wall-clock time.
"""

from __future__ import annotations

import datetime as dt
import logging
import socket

import pytest
import requests
from pydantic import SecretStr
from pytest_httpserver import HTTPServer

from hiresentry.connectors.base.http import BearerAuth, HttpClient, RetryPolicy, check_code, parse_retry_after
from hiresentry.connectors.base.ratelimit import TokenBucket
from hiresentry.core.errors import (
    ConnectorAuthError,
    ConnectorForbiddenError,
    ConnectorUnavailableError,
    RateLimitedError,
    VendorResponseError,
)

TOKEN = "tok-VERY-SECRET-123"
NOW = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


def make_client(base_url: str, sleeps: list[float], **kwargs: object) -> HttpClient:
    options: dict[str, object] = {
        "auth": BearerAuth(SecretStr(TOKEN)),
        "retry": RetryPolicy(attempts=4, backoff_base=1.0, backoff_max=30.0, retry_after_cap=120.0),
        "sleep": sleeps.append,
        "now": lambda: NOW,
        "jitter": lambda: 1.0,
        "secrets": [SecretStr(TOKEN)],
    }
    options.update(kwargs)
    return HttpClient("acme-deel", base_url, **options)  # type: ignore[arg-type]


@pytest.fixture
def sleeps() -> list[float]:
    return []


@pytest.fixture
def client(httpserver: HTTPServer, sleeps: list[float]) -> HttpClient:
    return make_client(httpserver.url_for("/api"), sleeps)


def test_200_returns_json_and_sends_the_bearer_token(httpserver: HTTPServer, client: HttpClient) -> None:
    httpserver.expect_request("/api/things", headers={"Authorization": f"Bearer {TOKEN}"}).respond_with_json(
        {"data": [1]}
    )
    assert client.get_json("/things") == {"data": [1]}


def test_500_then_200_retries_once(httpserver: HTTPServer, client: HttpClient, sleeps: list[float]) -> None:
    httpserver.expect_ordered_request("/api/things").respond_with_data("oops", status=500)
    httpserver.expect_ordered_request("/api/things").respond_with_json({"ok": True})
    assert client.get_json("/things") == {"ok": True}
    assert sleeps == [1.0]
    assert len(httpserver.log) == 2


def test_429_with_retry_after_seconds_waits_that_long(
    httpserver: HTTPServer, client: HttpClient, sleeps: list[float]
) -> None:
    httpserver.expect_ordered_request("/api/things").respond_with_json(
        {"error": "Rate limit exceeded"}, status=429, headers={"Retry-After": "7"}
    )
    httpserver.expect_ordered_request("/api/things").respond_with_json({"ok": True})
    assert client.get_json("/things") == {"ok": True}
    assert sleeps == [7.0]


def test_429_with_retry_after_http_date(httpserver: HTTPServer, client: HttpClient, sleeps: list[float]) -> None:
    httpserver.expect_ordered_request("/api/things").respond_with_data(
        "", status=429, headers={"Retry-After": "Thu, 01 Jan 2026 00:00:12 GMT"}
    )
    httpserver.expect_ordered_request("/api/things").respond_with_json({"ok": True})
    client.get_json("/things")
    assert sleeps == [12.0]


def test_retry_after_is_capped(httpserver: HTTPServer, client: HttpClient, sleeps: list[float]) -> None:
    httpserver.expect_ordered_request("/api/things").respond_with_data("", status=503, headers={"Retry-After": "3600"})
    httpserver.expect_ordered_request("/api/things").respond_with_json({})
    client.get_json("/things")
    assert sleeps == [120.0]


@pytest.mark.parametrize(("jitter", "expected"), [(1.0, [1.0, 2.0, 4.0]), (0.0, [0.5, 1.0, 2.0])])
def test_backoff_doubles_with_jitter_when_no_retry_after(
    httpserver: HTTPServer, jitter: float, expected: list[float]
) -> None:
    sleeps: list[float] = []
    client = make_client(httpserver.url_for("/api"), sleeps, jitter=lambda: jitter)
    for _ in range(3):
        httpserver.expect_ordered_request("/api/things").respond_with_data("", status=502)
    httpserver.expect_ordered_request("/api/things").respond_with_json({})
    client.get_json("/things")
    assert sleeps == expected


@pytest.mark.parametrize(
    ("status", "error"),
    [
        (401, ConnectorAuthError),
        (403, ConnectorForbiddenError),
        (404, VendorResponseError),
        (400, VendorResponseError),
    ],
)
def test_other_4xx_are_fatal_without_retry(
    httpserver: HTTPServer, client: HttpClient, sleeps: list[float], status: int, error: type[Exception]
) -> None:
    httpserver.expect_request("/api/things").respond_with_json({"errors": [{"message": "nope"}]}, status=status)
    with pytest.raises(error) as raised:
        client.get_json("/things")
    assert len(httpserver.log) == 1
    assert sleeps == []
    message = str(raised.value)
    assert message.startswith("[acme-deel] GET /things → ")
    assert str(status) in message
    assert "(nope)" in message


def test_exhausted_429_is_rate_limited(httpserver: HTTPServer, client: HttpClient, sleeps: list[float]) -> None:
    httpserver.expect_request("/api/things").respond_with_data("", status=429)
    with pytest.raises(RateLimitedError, match=r"GET /things → 429 .*still throttled after 4 attempts"):
        client.get_json("/things")
    assert len(httpserver.log) == 4
    assert len(sleeps) == 3


def test_exhausted_5xx_is_unavailable(httpserver: HTTPServer, client: HttpClient) -> None:
    httpserver.expect_request("/api/things").respond_with_data("", status=500)
    with pytest.raises(ConnectorUnavailableError, match=r"→ 500 .*after 4 attempts") as raised:
        client.get_json("/things")
    assert check_code(raised.value) == "cannot_connect"


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_connection_refused_is_retried_then_unavailable(sleeps: list[float]) -> None:
    client = make_client(f"http://127.0.0.1:{_closed_port()}/api", sleeps)
    with pytest.raises(ConnectorUnavailableError, match=r"GET /things: ConnectionError after 4 attempts"):
        client.get_json("/things", params={"api_key": "in-the-query"})
    assert len(sleeps) == 3


def test_timeouts_are_retried(sleeps: list[float]) -> None:
    class FlakySession(requests.Session):
        calls = 0

        def request(self, *args: object, **kwargs: object) -> requests.Response:  # type: ignore[override]
            FlakySession.calls += 1
            if FlakySession.calls == 1:
                raise requests.ReadTimeout("read timed out for http://x/things?api_key=abc")
            response = requests.Response()
            response.status_code = 200
            response._content = b"{}"
            return response

    client = make_client("http://vendor.invalid", sleeps, session=FlakySession())
    assert client.get_json("/things") == {}
    assert sleeps == [1.0]


def test_allowed_status_returns_none(httpserver: HTTPServer, client: HttpClient) -> None:
    httpserver.expect_request("/api/things/9").respond_with_json({}, status=404)
    assert client.get_json("/things/9", allow=(404,)) is None


def test_a_body_that_is_not_json_is_a_vendor_error(httpserver: HTTPServer, client: HttpClient) -> None:
    httpserver.expect_request("/api/things").respond_with_data("<html>maintenance</html>")
    with pytest.raises(VendorResponseError, match="not JSON"):
        client.get_json("/things")


def test_messages_never_carry_the_query_string(httpserver: HTTPServer, client: HttpClient) -> None:
    httpserver.expect_request("/api/things").respond_with_data("", status=404)
    with pytest.raises(VendorResponseError) as raised:
        client.get_json("/things", params={"api_key": "query-secret"})
    assert "query-secret" not in str(raised.value)
    assert "/things" in str(raised.value)


def test_the_token_never_reaches_logs_or_errors(
    httpserver: HTTPServer, client: HttpClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    httpserver.expect_ordered_request("/api/things").respond_with_data("", status=503)
    httpserver.expect_ordered_request("/api/things").respond_with_json(
        {"message": f"token {TOKEN} is revoked"}, status=401
    )
    with pytest.raises(ConnectorAuthError) as raised:
        client.get_json("/things")
    assert TOKEN not in str(raised.value)
    assert TOKEN not in repr(raised.value)
    assert "[secret]" in str(raised.value)
    assert TOKEN not in caplog.text
    assert "retry 1 of 3" in caplog.text  # the retry was logged, just without the token
    assert TOKEN not in repr(BearerAuth(SecretStr(TOKEN)))


def test_the_rate_budget_paces_every_attempt(httpserver: HTTPServer, sleeps: list[float]) -> None:
    frozen = TokenBucket(5.0, clock=lambda: 0.0)  # the clock stands still: every slot is a wait
    client = make_client(httpserver.url_for("/api"), sleeps, budget=frozen)
    httpserver.expect_request("/api/things").respond_with_json({})
    for _ in range(3):
        client.get_json("/things")
    assert sleeps == pytest.approx([0.2, 0.4])


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("5", 5.0),
        (" 2.5 ", 2.5),
        ("Thu, 01 Jan 2026 00:01:00 GMT", 60.0),
        ("Wed, 31 Dec 2025 23:00:00 GMT", 0.0),
        ("-3", 0.0),
        ("soon", None),
        ("", None),
        (None, None),
    ],
)
def test_parse_retry_after(value: str | None, expected: float | None) -> None:
    assert parse_retry_after(value, NOW) == expected


def test_path_must_be_relative_to_the_base_url(client: HttpClient) -> None:
    with pytest.raises(ValueError, match="must start with"):
        client.request("GET", "https://elsewhere.example/x")
