"""HTTP for connectors: one session, timeouts, retries that classify once, rate budget, no secrets.

Every vendor connector talks HTTP the same way, so the decisions live here once:

- **Classify each answer once.** 2xx is success; throttling (429, or what the vendor's
  :class:`~hiresentry.connectors.base.ratelimit.RateLimitPolicy` says: BambooHR's 503), 5xx and
  connection failures are retried; any other 4xx is fatal at once (retrying a 401 only burns the
  budget and can lock the account): 401 → ``ConnectorAuthError``, 403 → ``ConnectorForbiddenError``,
  other 4xx → ``VendorResponseError``. Exhausted retries: ``RateLimitedError`` for throttling,
  ``ConnectorUnavailableError`` otherwise. A vendor's penalty answer (Finch's IP penalty box) raises
  ``RateLimitPenaltyError`` at once: retrying would only extend the penalty.
- **One second chance for OAuth.** A 401 with a :class:`~hiresentry.connectors.base.auth.Refreshable`
  auth (a token revoked before its announced expiry) invalidates the token and tries once more.
- **Wait the way the vendor asks.** ``Retry-After`` and the policy's reset headers (seconds, epoch
  seconds or milliseconds; Okta's ``X-Rate-Limit-Reset``) are honoured up to a cap; without them,
  jittered exponential backoff. A success saying no budget is left (``X-RateLimit-Remaining: 0``)
  pauses until the reset *before* the next request. Sleep, clock and jitter are injectable, so
  tests assert on the delays that *would* have been slept.
- **Pace below the limit.** An optional budget (token bucket or several) is consulted before every
  attempt, retries included; an optional ``ErrorRateGuard`` stops before an error-rate threshold.
- **Only our own origin.** Requests go to paths under ``base_url`` or to absolute URLs of the same
  origin (next links); credentials never travel to a host a vendor body names.
- **No secrets in messages.** Errors and log lines name the connector, method, path (never the
  query string, which some vendors use for keys) and status; auth objects have masked ``repr`` s,
  and any known secret in a vendor's error text is replaced before it reaches a message.
"""

from __future__ import annotations

import datetime as dt
import logging
import random
import time
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal, Protocol
from urllib.parse import urlsplit

import requests
from pydantic import SecretStr
from tenacity import RetryCallState, Retrying, retry_if_result, stop_after_attempt

from hiresentry.connectors.base.auth import BearerAuth, Refreshable, secret_values
from hiresentry.connectors.base.connector import check_code
from hiresentry.connectors.base.ratelimit import (
    ErrorRateGuard,
    PenaltyRule,
    RateLimitPolicy,
    parse_retry_after,
    wait_from_headers,
)
from hiresentry.core.errors import (
    ConnectorAuthError,
    ConnectorError,
    ConnectorForbiddenError,
    ConnectorUnavailableError,
    RateLimitedError,
    RateLimitPenaltyError,
    VendorResponseError,
)

__all__ = ["BearerAuth", "HttpClient", "JsonResponse", "RetryPolicy", "check_code", "parse_retry_after"]

log = logging.getLogger(__name__)

Verdict = Literal["ok", "retry", "fatal", "penalty"]


class Budget(Protocol):
    """Anything that paces requests: a token bucket or several."""

    def acquire(self, sleep: Callable[[float], None] = ...) -> float:
        """Wait (with ``sleep``) for the next slot; return the time slept."""
        ...


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
    """Largest ``Retry-After``/reset wait we honour; a longer request is shortened to this."""


@dataclass(frozen=True)
class JsonResponse:
    """A decoded JSON answer with the headers paginators read (``Link``, rate-limit headers)."""

    body: Any
    headers: Mapping[str, str]
    status: int


@dataclass(frozen=True)
class _Outcome:
    """One attempt, classified: the response (or the connection failure) and what to do next."""

    verdict: Verdict
    response: requests.Response | None = None
    failure: str | None = None
    penalty: PenaltyRule | None = None
    throttled: bool = False
    """The vendor said "slow down" (by status, or by body: Google's 403 ``rateLimitExceeded``)."""

    @property
    def status(self) -> int | None:
        return self.response.status_code if self.response is not None else None

    def describe(self) -> str:
        if self.response is not None:
            return f"{self.response.status_code} {self.response.reason or ''}".strip()
        return self.failure or "no response"


def _json_or_none(response: requests.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return None


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
        budget: Budget | None = None,
        rate_limits: RateLimitPolicy | None = None,
        error_guard: ErrorRateGuard | None = None,
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
        self.rate_limits = rate_limits or RateLimitPolicy()
        self.error_guard = error_guard
        self.session = session or requests.Session()
        self._auth = auth
        self._headers = {"Accept": "application/json", "User-Agent": "hiresentry", **(headers or {})}
        self._timeout = (connect_timeout, read_timeout)
        self._sleep = sleep
        self._now = now
        self._jitter = jitter
        self._secrets = [s for s in [*secrets, *secret_values(auth)] if s.get_secret_value()]
        self._resume_at: dt.datetime | None = None
        origin = urlsplit(self.base_url)
        self._origin = (origin.scheme, origin.netloc)

    # -- public -------------------------------------------------------------------------------

    def is_own_url(self, url: str) -> bool:
        """True if ``url`` is an absolute URL on the origin (scheme, host, port) of ``base_url``."""
        parts = urlsplit(url)
        return (parts.scheme, parts.netloc) == self._origin

    def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
        data: Mapping[str, str] | None = None,
        allow: Collection[int] = (),
    ) -> requests.Response:
        """Send one request with retries; return the 2xx response (or one whose status is in ``allow``).

        ``path`` is relative to ``base_url`` (``/people``) or an absolute URL of the same origin (a
        vendor's next link). Raises the core's ``ConnectorError`` subclasses for fatal answers and
        exhausted retries.
        """
        if path.startswith("/"):
            url, shown = self.base_url + path, path
        elif self.is_own_url(path):
            url, shown = path, urlsplit(path).path or "/"
        else:
            raise ValueError(f"path must start with '/' or be a URL on {self.base_url}'s origin: {path!r}")
        outcome = self._send(method, url, shown, params, json, data, allow)
        if (
            outcome.status == 401
            and 401 not in allow
            and isinstance(self._auth, Refreshable)
            and self._auth.invalidate()
        ):
            log.info("%s: %s %s answered 401; retrying once with a fresh token", self.connector, method, shown)
            outcome = self._send(method, url, shown, params, json, data, allow)
        if outcome.verdict == "ok" or outcome.status in allow:
            assert outcome.response is not None
            return outcome.response
        raise self._error(method, shown, outcome)

    def request_json(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
        allow: Collection[int] = (),
    ) -> JsonResponse:
        """Send a request and decode its JSON body, keeping the headers (None body for ``allow`` ed)."""
        response = self.request(method, path, params=params, json=json, allow=allow)
        if response.status_code in allow and response.status_code >= 400:
            return JsonResponse(None, response.headers, response.status_code)
        try:
            body = response.json()
        except ValueError:
            shown = path if path.startswith("/") else urlsplit(path).path
            raise VendorResponseError(
                self.connector, f"{method} {shown} → {response.status_code}: the body is not JSON"
            ) from None
        return JsonResponse(body, response.headers, response.status_code)

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

    # -- attempts -------------------------------------------------------------------------------

    def _send(
        self,
        method: str,
        url: str,
        shown: str,
        params: Mapping[str, Any] | None,
        body: Any,
        data: Mapping[str, str] | None,
        allow: Collection[int],
    ) -> _Outcome:
        retrying = Retrying(
            stop=stop_after_attempt(max(1, self.retry.attempts)),
            wait=self._wait,
            retry=retry_if_result(lambda outcome: outcome.verdict == "retry" and outcome.status not in allow),
            sleep=self._sleep,
            before_sleep=lambda state: self._log_retry(method, shown, state),
            retry_error_callback=lambda state: state.outcome.result() if state.outcome else None,
            reraise=True,
        )
        outcome: _Outcome = retrying(self._attempt, method, url, shown, params, body, data)
        return outcome

    def _attempt(
        self,
        method: str,
        url: str,
        shown: str,
        params: Mapping[str, Any] | None,
        body: Any,
        data: Mapping[str, str] | None,
    ) -> _Outcome:
        if self.error_guard is not None:
            self.error_guard.check(self.connector)
        self._pause_if_exhausted()
        if self.budget is not None:
            self.budget.acquire(self._sleep)
        started = time.monotonic()
        try:
            response = self.session.request(
                method,
                url,
                params=params,
                json=body,
                data=data,
                headers=self._headers,
                auth=self._auth,
                timeout=self._timeout,
            )
        except (requests.ConnectionError, requests.Timeout) as exc:
            # The exception text carries the full URL (query included): keep only its class name.
            return _Outcome("retry", failure=type(exc).__name__)
        except requests.RequestException as exc:
            return _Outcome("fatal", failure=type(exc).__name__)
        status = response.status_code
        log.debug("%s: %s %s → %s (%.2fs)", self.connector, method, shown, status, time.monotonic() - started)
        if self.error_guard is not None:
            self.error_guard.record(failed=status >= 400)
        if status < 400:
            self._note_budget(response)
            return _Outcome("ok", response=response)
        body = _json_or_none(response)
        penalty = self.rate_limits.penalty(status, response.headers, body)
        if penalty is not None:
            return _Outcome("penalty", response=response, penalty=penalty)
        if self.rate_limits.throttled(status, response.headers, body):
            return _Outcome("retry", response=response, throttled=True)
        if status >= 500:
            return _Outcome("retry", response=response)
        return _Outcome("fatal", response=response)

    # -- waiting --------------------------------------------------------------------------------

    def _note_budget(self, response: requests.Response) -> None:
        """After a success that says the window is used up, remember when it refills."""
        if not (self.rate_limits.pause_when_exhausted and self.rate_limits.exhausted(response.headers)):
            return
        now = self._now()
        wait = wait_from_headers(response.headers, self.rate_limits, now)
        if wait:
            self._resume_at = now + dt.timedelta(seconds=min(wait, self.retry.retry_after_cap))

    def _pause_if_exhausted(self) -> None:
        resume_at, self._resume_at = self._resume_at, None
        if resume_at is not None:
            wait = (resume_at - self._now()).total_seconds()
            if wait > 0:
                log.info("%s: rate budget used up; waiting %.1fs for it to refill", self.connector, wait)
                self._sleep(wait)

    def _wait(self, state: RetryCallState) -> float:
        """Seconds before the next attempt: what the vendor's headers ask for, else backoff."""
        outcome: _Outcome | None = state.outcome.result() if state.outcome else None
        if outcome is not None and outcome.response is not None:
            throttled = outcome.throttled
            asked = wait_from_headers(outcome.response.headers, self.rate_limits, self._now(), throttled=throttled)
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
        if outcome.penalty is not None:
            return RateLimitPenaltyError(
                self.connector, f"{what}: {outcome.penalty.description}; stopping without retrying{detail}"
            )
        if outcome.throttled:
            return RateLimitedError(self.connector, f"{what}: still throttled {tries}")
        if status == 401:
            return ConnectorAuthError(self.connector, f"{what}: credentials refused{detail}")
        if status == 403:
            return ConnectorForbiddenError(self.connector, f"{what}: token lacks a scope or permission{detail}")
        if status >= 500:
            return ConnectorUnavailableError(self.connector, f"{what}: still failing {tries}{detail}")
        return VendorResponseError(self.connector, f"{what}{detail}")

    def _vendor_detail(self, response: requests.Response | None) -> str:
        """The vendor's own error message, if its body has one: short, and with secrets masked.

        Only a recognised ``message``/``error`` field is quoted, never the raw body, which might
        echo request data (names, emails) back.
        """
        body = _json_or_none(response) if response is not None else None
        messages: list[str] = []
        if isinstance(body, dict):
            for key in ("message", "error", "error_description", "detail", "title", "errorSummary"):
                if isinstance(body.get(key), str):
                    messages.append(body[key])
            nested = body.get("error")  # Microsoft Graph and Google: {"error": {"code", "message"}}
            if isinstance(nested, dict) and isinstance(nested.get("message"), str):
                messages.append(nested["message"])
            errors = body.get("errors")
            if isinstance(errors, list):
                messages += [e["message"] for e in errors if isinstance(e, dict) and isinstance(e.get("message"), str)]
        if not messages:
            return ""
        text = "; ".join(dict.fromkeys(messages))
        for secret in self._secrets:
            text = text.replace(secret.get_secret_value(), "[secret]")
        return f" ({text[:200]})"
