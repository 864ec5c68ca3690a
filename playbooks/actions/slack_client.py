"""Reaching Slack for ``slack.escalate``: settings, the client with its retry handlers, error mapping.

``slack_sdk`` retries only connection errors by default; a ``RateLimitErrorRetryHandler`` (this
module's subclass, which audits each wait and takes an injectable sleep) and a
``ServerErrorRetryHandler`` are appended. A 429 burst is therefore waited out inside one run, each
wait of ``Retry-After`` seconds audited as ``slack.throttled``; what still fails is mapped to
:class:`ActionThrottledError` (carrying Retry-After, so the outbox waits that long),
:class:`ActionRetryableError` (5xx, connection) or :class:`ActionError`, with the Slack error code in
the message and never the token.
"""

from __future__ import annotations

import contextlib
import random
import time
from collections.abc import Callable, Iterator
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler, ServerErrorRetryHandler
from slack_sdk.http_retry.builtin_interval_calculators import (
    BackoffRetryIntervalCalculator,
    FixedValueRetryIntervalCalculator,
)
from slack_sdk.http_retry.interval_calculator import RetryIntervalCalculator
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState

from hiresentry.core.errors import ActionError, ActionRetryableError, ActionThrottledError
from hiresentry.core.secrets import SecretValue
from hiresentry.playbooks.actions.base import AuditFn

RETRYABLE_ERRORS = frozenset(
    {"ratelimited", "rate_limited", "internal_error", "fatal_error", "service_unavailable", "request_timeout"}
)
AUTH_ERRORS = frozenset({"not_authed", "invalid_auth", "token_revoked", "token_expired", "account_inactive"})
Sleep = Callable[[float], None]


class SlackSettings(BaseModel):
    """How to reach the Slack Web API (config section ``slack``)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    token: SecretValue = Field(description="bot token (xoxb-…), as env:/vault: reference")
    signing_secret: SecretValue | None = Field(
        None, description="the app's signing secret, to verify interactivity requests (env:/vault: reference)"
    )
    base_url: str = Field("https://slack.com/api/", description="Web API base; ends with a slash")
    rate_limit_retries: int = Field(2, ge=0, le=10, description="retries of HTTP 429, waiting Retry-After")
    server_error_retries: int = Field(2, ge=0, le=10, description="retries of HTTP 500/503")
    retry_backoff: float = Field(0.5, ge=0, description="backoff factor for 5xx retries (0: retry at once)")
    timeout: int = Field(30, gt=0, description="seconds per HTTP request")

    @field_validator("base_url")
    @classmethod
    def _trailing_slash(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("slack.base_url must be an http(s) URL such as https://slack.com/api/")
        return value if value.endswith("/") else value + "/"


def _real_sleep(seconds: float) -> None:
    time.sleep(seconds + random.random())  # jitter spreads retries of parallel workers


class AuditedRateLimitHandler(RateLimitErrorRetryHandler):
    """Waits ``Retry-After`` on HTTP 429 like slack_sdk's own handler, auditing each wait."""

    def __init__(self, max_retry_count: int, sleep: Sleep | None = None) -> None:
        super().__init__(max_retry_count=max_retry_count)
        self.sleep: Sleep = sleep or _real_sleep
        self.on_retry: Callable[[dict[str, Any]], None] | None = None

    def prepare_for_next_attempt(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> None:
        if response is None:
            raise error  # type: ignore[misc]
        state.next_attempt_requested = True
        header = next((k for k in response.headers if k.lower() == "retry-after"), None)
        try:
            wait = float(int(response.headers[header][0])) if header else 1.0
        except (ValueError, IndexError):
            wait = 1.0
        if self.on_retry is not None:
            method = request.url.rsplit("/", 1)[-1]
            self.on_retry({"method": method, "retry_after": wait, "attempt": state.current_attempt + 1})
        self.sleep(wait)
        state.increment_current_attempt()


def connect(settings: SlackSettings, sleep: Sleep | None = None) -> WebClient:
    """A ``WebClient`` that also retries 429 (after Retry-After) and 500/503."""
    client = WebClient(token=settings.token.get_secret_value(), base_url=settings.base_url, timeout=settings.timeout)
    interval: RetryIntervalCalculator = (
        BackoffRetryIntervalCalculator(backoff_factor=settings.retry_backoff)
        if settings.retry_backoff > 0
        else FixedValueRetryIntervalCalculator(0.0)
    )
    client.retry_handlers.append(AuditedRateLimitHandler(settings.rate_limit_retries, sleep))
    client.retry_handlers.append(
        ServerErrorRetryHandler(max_retry_count=settings.server_error_retries, interval_calculator=interval)
    )
    return client


def audit_retries(client: WebClient, audit: AuditFn) -> None:
    """Send the rate-limit handler's waits to this run's audit log."""
    for handler in client.retry_handlers:
        if isinstance(handler, AuditedRateLimitHandler):
            handler.on_retry = lambda detail: audit("slack.throttled", detail)


class ErrorMap:
    """Turns client failures into the exception tree, audits them, and keeps the token out."""

    def __init__(self, audit: AuditFn, token: str, action: str = "slack.escalate") -> None:
        self._audit = audit
        self._token = token
        self._action = action

    @contextlib.contextmanager
    def during(self, doing: str) -> Iterator[None]:
        try:
            yield
        except SlackApiError as exc:
            status = int(getattr(exc.response, "status_code", 0) or 0)
            code = str(exc.response.get("error") or f"HTTP {status}")
            retryable = status == 429 or status >= 500 or code in RETRYABLE_ERRORS
            hint = "; Slack refused the bot token: check slack.token" if code in AUTH_ERRORS else ""
            headers = getattr(exc.response, "headers", None) or {}
            raw = next((v for k, v in headers.items() if k.lower() == "retry-after"), None)
            retry_after = _seconds(raw[0] if isinstance(raw, list) and raw else raw)
            raise self._error(doing, f"{code}{hint}", status, retryable, retry_after) from None
        except (SlackClientError, OSError) as exc:  # OSError covers urllib's URLError and timeouts
            retryable = isinstance(exc, OSError)
            raise self._error(doing, f"cannot reach Slack ({type(exc).__name__})", None, retryable, None) from None

    def _error(
        self, doing: str, text: str, status: int | None, retryable: bool, retry_after: float | None
    ) -> ActionError:
        message = f"{self._action}: {doing} failed: {text}"
        if self._token:
            message = message.replace(self._token, "***")
        detail: dict[str, Any] = {"operation": doing, "status": status, "retryable": retryable}
        if retry_after is not None:
            detail["retry_after"] = retry_after
        self._audit("slack.error", detail)
        if retryable and retry_after is not None:
            return ActionThrottledError(message, retry_after)
        return ActionRetryableError(message) if retryable else ActionError(message)


def _seconds(raw: Any) -> float | None:
    try:
        return float(raw) if raw is not None else None
    except (TypeError, ValueError):
        return None
