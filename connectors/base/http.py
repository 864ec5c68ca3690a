"""HTTP for connectors: one session, timeouts, retries that classify once, rate budget, no secrets.

Every vendor connector talks HTTP the same way, so the decisions live here once:

- **Classify each answer once.** 2xx is success; 429, 5xx and connection failures/timeouts are
  worth retrying; any other 4xx is fatal at once (retrying a 401 only burns the vendor budget and
  can lock the account). Fatal answers map onto the core's exception tree: 401 →
  ``ConnectorAuthError``, 403 → ``ConnectorForbiddenError``, other 4xx → ``VendorResponseError``.
  When retries run out: ``RateLimitedError`` for 429, ``ConnectorUnavailableError`` otherwise.
- **Wait the way the vendor asks.** ``Retry-After`` (delta-seconds or HTTP-date) is honoured up to
  a cap, so a vendor cannot park a sync for an hour; without it, jittered exponential backoff.
- **Waits are injectable.** The sleep, the wall clock and the jitter are constructor arguments, so
  tests run instantly and assert on the delays that *would* have been slept.
- **Pace below the limit.** An optional :class:`~hiresentry.connectors.base.ratelimit.TokenBucket`
  is consulted before every attempt, retries included.
- **No secrets in messages.** Errors and log lines name the connector, method, path (never the
  query string, which some vendors use for keys) and status. Credentials are attached per request
  by an ``AuthBase`` whose ``repr`` is masked, and any registered secret found in a vendor's error
  text is replaced before it reaches a message.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import logging
import random
import time
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

import requests
from pydantic import SecretStr
from tenacity import RetryCallState, Retrying, retry_if_result, stop_after_attempt

from hiresentry.connectors.base.connector import CheckCode
from hiresentry.connectors.base.ratelimit import TokenBucket
from hiresentry.core.errors import (
    ConnectorAuthError,
    ConnectorError,
    ConnectorForbiddenError,
    ConnectorUnavailableError,
    RateLimitedError,
    VendorResponseError,
)

log = logging.getLogger(__name__)

Verdict = Literal["ok", "retry", "fatal"]
_CHECK_CODES: dict[str, CheckCode] = {
    "invalid_auth": "invalid_auth",
    "forbidden_scope": "forbidden_scope",
    "cannot_connect": "cannot_connect",
    "rate_limited": "rate_limited",
}


def check_code(exc: ConnectorError) -> CheckCode:
    """The stable ``check()`` failure code of a connector error (``unknown`` if it has none)."""
    return _CHECK_CODES.get(exc.code, "unknown")


@dataclass(frozen=True)
class RetryPolicy:
    """How long to keep trying a retriable answer (429, 5xx, connection failure)."""

    attempts: int = 5
    """Total tries, the first included."""
    backoff_base: float = 1.0
    """First backoff delay in seconds; doubled on each further retry."""
    backoff_max: float = 30.0
    """Largest single backoff delay."""
    retry_after_cap: float = 120.0
    """Largest ``Retry-After`` we honour; a longer request is shortened to this."""


def parse_retry_after(value: str | None, now: dt.datetime) -> float | None:
    """Seconds to wait from a ``Retry-After`` value (delta-seconds or HTTP-date), or None.

    A date in the past means "now" (0 s); an unreadable value is ignored so backoff applies.
    """
    if value is None or not value.strip():
        return None
    text = value.strip()
    try:
        return max(0.0, float(text))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return max(0.0, (when - now).total_seconds())


class BearerAuth(requests.auth.AuthBase):
    """``Authorization: Bearer <token>``, attached per request; ``repr`` never shows the token."""

    def __init__(self, token: SecretStr) -> None:
        self._token = token

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        request.headers["Authorization"] = f"Bearer {self._token.get_secret_value()}"
        return request

    def __repr__(self) -> str:
        return "BearerAuth(token=**********)"


@dataclass(frozen=True)
class _Outcome:
    """One attempt, classified: the response (or the connection failure) and what to do next."""

    verdict: Verdict
    response: requests.Response | None = None
    failure: str | None = None

    @property
    def status(self) -> int | None:
        return self.response.status_code if self.response is not None else None

    def describe(self) -> str:
        if self.response is not None:
            return f"{self.response.status_code} {self.response.reason or ''}".strip()
        return self.failure or "no response"


def _classify_status(status: int) -> Verdict:
    if status < 400:
        return "ok"
    if status == 429 or status >= 500:
        return "retry"
    return "fatal"


class HttpClient:
    """A vendor's HTTP API as connectors see it: ``request``/``get_json`` on paths of ``base_url``."""

    def __init__(
        self,
        connector: str,
        base_url: str,
        *,
        auth: requests.auth.AuthBase | None = None,
        headers: Mapping[str, str] | None = None,
        connect_timeout: float = 5.0,
        read_timeout: float = 30.0,
        retry: RetryPolicy | None = None,
        budget: TokenBucket | None = None,
        session: requests.Session | None = None,
        sleep: Callable[[float], None] = time.sleep,
        now: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC),
        jitter: Callable[[], float] = random.random,
        secrets: Iterable[SecretStr] = (),
    ) -> None:
        self.connector = connector
        self.base_url = base_url.rstrip("/")
        self.retry = retry or RetryPolicy()
        self.budget = budget
        self.session = session or requests.Session()
        self._auth = auth
        self._headers = {"Accept": "application/json", "User-Agent": "hiresentry", **(headers or {})}
        self._timeout = (connect_timeout, read_timeout)
        self._sleep = sleep
        self._now = now
        self._jitter = jitter
        self._secrets = [s for s in secrets if s.get_secret_value()]

    # -- public -------------------------------------------------------------------------------

    def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
        allow: Collection[int] = (),
    ) -> requests.Response:
        """Send one request with retries; return the 2xx response (or one whose status is in ``allow``).

        Raises the core's ``ConnectorError`` subclasses for fatal answers and exhausted retries.
        """
        if not path.startswith("/"):
            raise ValueError(f"path must start with '/': {path!r}")
        retrying = Retrying(
            stop=stop_after_attempt(max(1, self.retry.attempts)),
            wait=self._wait,
            retry=retry_if_result(lambda outcome: outcome.verdict == "retry" and outcome.status not in allow),
            sleep=self._sleep,
            before_sleep=lambda state: self._log_retry(method, path, state),
            retry_error_callback=lambda state: state.outcome.result() if state.outcome else None,
            reraise=True,
        )
        outcome: _Outcome = retrying(self._attempt, method, path, params, json)
        if outcome.verdict == "ok" or outcome.status in allow:
            assert outcome.response is not None
            return outcome.response
        raise self._error(method, path, outcome)

    def get_json(self, path: str, *, params: Mapping[str, Any] | None = None, allow: Collection[int] = ()) -> Any:
        """GET ``path`` and decode its JSON body; None when the status is one of ``allow`` (e.g. 404)."""
        response = self.request("GET", path, params=params, allow=allow)
        if response.status_code in allow:
            return None
        try:
            return response.json()
        except ValueError:
            raise VendorResponseError(
                self.connector, f"GET {path} → {response.status_code}: the body is not JSON"
            ) from None

    def close(self) -> None:
        """Release the session's pooled connections."""
        self.session.close()

    # -- one attempt ----------------------------------------------------------------------------

    def _attempt(self, method: str, path: str, params: Mapping[str, Any] | None, body: Any) -> _Outcome:
        if self.budget is not None:
            self.budget.acquire(self._sleep)
        started = time.monotonic()
        try:
            response = self.session.request(
                method,
                self.base_url + path,
                params=params,
                json=body,
                headers=self._headers,
                auth=self._auth,
                timeout=self._timeout,
            )
        except (requests.ConnectionError, requests.Timeout) as exc:
            # The exception text carries the full URL (query included): keep only its class name.
            return _Outcome("retry", failure=type(exc).__name__)
        except requests.RequestException as exc:
            return _Outcome("fatal", failure=type(exc).__name__)
        log.debug(
            "%s: %s %s → %s (%.2fs)",
            self.connector,
            method,
            path,
            response.status_code,
            time.monotonic() - started,
        )
        return _Outcome(_classify_status(response.status_code), response=response)

    # -- waiting --------------------------------------------------------------------------------

    def _wait(self, state: RetryCallState) -> float:
        """Seconds before the next attempt: the vendor's ``Retry-After`` if any, else backoff."""
        outcome: _Outcome | None = state.outcome.result() if state.outcome else None
        if outcome is not None and outcome.response is not None:
            asked = parse_retry_after(outcome.response.headers.get("Retry-After"), self._now())
            if asked is not None:
                return min(asked, self.retry.retry_after_cap)
        ceiling = min(self.retry.backoff_max, self.retry.backoff_base * 2.0 ** (state.attempt_number - 1))
        # "Equal jitter": at least half the ceiling, so retries never collapse to zero delay, but
        # spread enough that parallel workers hitting the same outage do not retry in lockstep.
        return ceiling / 2 + self._jitter() * ceiling / 2

    def _log_retry(self, method: str, path: str, state: RetryCallState) -> None:
        outcome: _Outcome | None = state.outcome.result() if state.outcome else None
        delay = state.next_action.sleep if state.next_action else 0.0
        log.warning(
            "%s: %s %s answered %s; retry %d of %d in %.1fs",
            self.connector,
            method,
            path,
            outcome.describe() if outcome else "nothing",
            state.attempt_number,
            self.retry.attempts - 1,
            delay,
        )

    # -- errors ---------------------------------------------------------------------------------

    def _error(self, method: str, path: str, outcome: _Outcome) -> ConnectorError:
        where = f"{method} {path}"
        status = outcome.status
        tries = f"after {self.retry.attempts} attempts"
        if status is None:
            if outcome.verdict == "fatal":
                return ConnectorUnavailableError(self.connector, f"{where}: {outcome.describe()}, not sent")
            return ConnectorUnavailableError(self.connector, f"{where}: {outcome.describe()} {tries}")
        what = f"{where} → {outcome.describe()}"
        detail = self._vendor_detail(outcome.response)
        if status == 401:
            return ConnectorAuthError(self.connector, f"{what}: credentials refused{detail}")
        if status == 403:
            return ConnectorForbiddenError(self.connector, f"{what}: token lacks a scope or permission{detail}")
        if status == 429:
            return RateLimitedError(self.connector, f"{what}: still throttled {tries}")
        if status >= 500:
            return ConnectorUnavailableError(self.connector, f"{what}: still failing {tries}{detail}")
        return VendorResponseError(self.connector, f"{what}{detail}")

    def _vendor_detail(self, response: requests.Response | None) -> str:
        """The vendor's own error message, if its body has one: short, and with secrets masked.

        Only a recognised ``message``/``error`` field is quoted, never the raw body, which might
        echo request data (names, emails) back.
        """
        if response is None:
            return ""
        try:
            body = response.json()
        except ValueError:
            return ""
        messages: list[str] = []
        if isinstance(body, dict):
            for key in ("message", "error", "error_description", "detail", "title"):
                if isinstance(body.get(key), str):
                    messages.append(body[key])
            errors = body.get("errors")
            if isinstance(errors, list):
                messages += [e["message"] for e in errors if isinstance(e, dict) and isinstance(e.get("message"), str)]
        if not messages:
            return ""
        text = "; ".join(dict.fromkeys(messages))
        for secret in self._secrets:
            text = text.replace(secret.get_secret_value(), "[secret]")
        return f" ({text[:200]})"
