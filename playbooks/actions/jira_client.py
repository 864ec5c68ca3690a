"""Reaching Jira for ``jira.ensure_ticket``: settings, the client, and errors mapped to our tree.

The ``jira`` library's own session retries 429 and 503 when the server sends ``Retry-After`` (at
most ``max_retries`` times, each wait capped by ``max_retry_delay``). Every such answer is audited
(``jira.throttled``) through a response hook, so an investigator sees each attempt, not only the last.
What still fails after those retries becomes :class:`ActionThrottledError` carrying the server's
``Retry-After`` (the outbox then waits that long) or :class:`ActionRetryableError` /
:class:`ActionError`. Messages are built from the status and Jira's own error text, never from
``str(JIRAError)``, and the token is scrubbed from them, because they end up in audit logs and tickets.
"""

from __future__ import annotations

import base64
import contextlib
from collections.abc import Callable, Iterator
from typing import Any, Literal
from urllib.parse import urlparse

import requests
from jira import JIRA, JIRAError
from pydantic import BaseModel, ConfigDict, Field, field_validator

from hiresentry.core.errors import ActionError, ActionRetryableError, ActionThrottledError
from hiresentry.core.secrets import SecretValue
from hiresentry.playbooks.actions.base import AuditFn

RETRYABLE_STATUS = frozenset({408, 429, 500, 502, 503, 504})


class JiraSettings(BaseModel):
    """How to reach one Jira (config section ``jira``)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    url: str = Field(description="base URL, e.g. https://jira.example.com")
    user: str = Field(min_length=1)
    token: SecretValue = Field(description="password or personal access token, as env:/vault: reference")
    rest_api_version: Literal["2", "3"] = Field(
        "2", description="2: wiki-markup texts (Server/Data Center); 3: Atlassian Document Format (Cloud)"
    )
    max_retries: int = Field(3, ge=0, le=10, description="jira's own retries of 429/503 within one run")
    max_retry_delay: int = Field(60, ge=0, description="cap in seconds on one retry wait (0: no wait)")
    timeout: float = Field(30, gt=0, description="seconds per HTTP request")

    @field_validator("url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        parsed = urlparse(value)
        if parsed.scheme not in ("http", "https") or not parsed.netloc:
            raise ValueError("jira.url must be an http(s) URL such as https://jira.example.com")
        if parsed.username or parsed.password:
            raise ValueError("jira.url must not carry credentials; use jira.user and jira.token")
        return value.rstrip("/")


ClientFactory = Callable[[JiraSettings], JIRA]


def connect(settings: JiraSettings) -> JIRA:
    """A ``jira.JIRA`` client with basic auth; its constructor already calls ``serverInfo``."""
    client = JIRA(
        server=settings.url,
        basic_auth=(settings.user, settings.token.get_secret_value()),
        options={"rest_api_version": settings.rest_api_version, "check_update": False},
        max_retries=settings.max_retries,
        timeout=settings.timeout,
    )
    # Not a constructor argument; only later requests honour it (the constructor's own serverInfo
    # call waits at most 60 s per retry).
    client._session.max_retry_delay = settings.max_retry_delay
    return client


def audit_throttling(client: JIRA, audit: AuditFn) -> None:
    """Audit every 429/5xx the client receives, including those its session retries by itself."""

    def hook(response: requests.Response, *_args: Any, **_kwargs: Any) -> None:
        if response.status_code == 429 or response.status_code >= 500:
            detail = {
                "status": response.status_code,
                "retry_after": response.headers.get("Retry-After"),
                "path": urlparse(response.url).path,
            }
            audit("jira.throttled", detail)

    hooks = client._session.hooks.setdefault("response", [])
    hooks.append(hook)


class ErrorMap:
    """Turns client failures into the exception tree, audits them, and keeps secrets out."""

    def __init__(self, audit: AuditFn, settings: JiraSettings) -> None:
        self._audit = audit
        token = settings.token.get_secret_value()
        basic = base64.b64encode(f"{settings.user}:{token}".encode()).decode()
        self._secrets = [s for s in (token, basic) if s]

    @contextlib.contextmanager
    def during(self, doing: str) -> Iterator[None]:
        try:
            yield
        except JIRAError as exc:
            retry_after = _retry_after(exc)
            raise self._error(doing, exc.status_code, _jira_text(exc), exc.url, retry_after) from None
        except requests.RequestException as exc:
            raise self._error(doing, None, f"cannot reach Jira ({type(exc).__name__})", None, None) from None
        except (KeyError, TypeError, ValueError) as exc:
            raise self._error(doing, -1, f"unexpected response from Jira ({type(exc).__name__})", None, None) from None

    def _error(
        self, doing: str, status: int | None, text: str, url: str | None, retry_after: float | None
    ) -> ActionError:
        retryable = status is None or status in RETRYABLE_STATUS or (status or 0) >= 500
        where = f" at {urlparse(url).path}" if url else ""
        hint = {
            401: "; Jira refused the credentials: check jira.user and jira.token",
            403: "; the Jira user lacks a permission in this project",
            404: "; it does not exist or the Jira user cannot see it",
        }.get(status or 0, "")
        shown = "connection" if status is None else ("bad response" if status < 0 else f"HTTP {status}")
        message = f"jira.ensure_ticket: {doing} failed ({shown}{where}): {text or 'no detail'}{hint}"
        for secret in self._secrets:
            message = message.replace(secret, "***")
        detail: dict[str, Any] = {"operation": doing, "status": status, "retryable": retryable}
        if retry_after is not None:
            detail["retry_after"] = retry_after
        self._audit("jira.error", detail)
        if retryable and retry_after is not None:
            return ActionThrottledError(message, retry_after)
        return ActionRetryableError(message) if retryable else ActionError(message)


def _retry_after(exc: JIRAError) -> float | None:
    response = getattr(exc, "response", None)
    raw = response.headers.get("Retry-After") if response is not None else None
    try:
        return float(raw) if raw is not None else None
    except ValueError:
        return None


def _jira_text(exc: JIRAError) -> str:
    """Jira's own error messages (``errorMessages``/``errors``), already parsed by the client."""
    return " ".join(str(exc.text or "").split())[:500]


def jql_string(value: str) -> str:
    """A JQL string literal."""
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'
