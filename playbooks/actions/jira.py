"""``jira.ensure_ticket``: exactly one Jira ticket per case, kept current with comments.

The ticket is the reviewers' work item, so duplicates are the failure that matters: two tickets
split the discussion and one of them gets closed as "duplicate" with the wrong verdict. The
action therefore finds before it creates, in this order:

1. the issue key stored from the last run (``ctx.prior``);
2. a JQL search for the case label (``hiresentry-<dedup key>``) in the project, because a crash
   between creating the ticket and writing ``prior`` back loses the key but not the label;
3. only then ``POST issue``.

New evidence becomes one comment, never a new ticket. Every description and comment ends with a
marker naming the evidence digest (:func:`render.jira_marker`), and the action looks for that
marker before commenting, so a re-run after a crash does not say the same thing twice.

Errors are mapped to the one exception tree: throttling and outages (429, 5xx, connection) are
:class:`ActionRetryableError` for the outbox to retry later; refused credentials, missing
permissions, bad requests and missing issues are :class:`ActionError`. Messages are built here from
the status and Jira's own error text, never from ``str(JIRAError)``, and the token is scrubbed
from them, because they end up in audit logs and tickets.
"""

from __future__ import annotations

import base64
import contextlib
from collections.abc import Callable, Iterator, Mapping
from typing import Any, ClassVar, Literal
from urllib.parse import urlparse

import requests
from jira import JIRA, JIRAError
from pydantic import BaseModel, ConfigDict, Field, field_validator

from hiresentry.core.cases.view import CaseView
from hiresentry.core.errors import ActionError, ActionRetryableError, ConfigError
from hiresentry.core.levels import Level
from hiresentry.core.secrets import SecretValue
from hiresentry.playbooks import render
from hiresentry.playbooks.actions.base import Action, ActionContext, ActionParams, ActionPreview

CLOSED_STATUS = "closed"
"""The case status that triggers ``transition_on_close``."""

_RETRYABLE_STATUS = frozenset({408, 429, 500, 502, 503, 504})
_LOOKUP_LIMIT = 10


class JiraSettings(BaseModel):
    """How to reach one Jira Server/Data Center (config section ``jira``)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    url: str = Field(description="base URL, e.g. https://jira.example.com")
    user: str = Field(min_length=1)
    token: SecretValue = Field(description="password or personal access token, as env:/vault: reference")
    rest_api_version: Literal["2"] = Field("2", description="wiki-markup texts need REST v2 (v3 wants ADF)")
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


class EnsureTicketParams(ActionParams):
    """``jira.ensure_ticket: {project: SEC, issue_type: Task, labels: [hiresentry]}``."""

    project: str = Field(pattern=r"^[A-Z][A-Z0-9_]{1,19}$", description="project key")
    issue_type: str = Field("Task", min_length=1)
    labels: list[str] = Field(default_factory=list, description="added to the case label")
    priority: dict[Level, str] | None = Field(None, description="Jira priority name per case level")
    transition_on_close: str | None = Field(None, description="transition name to run once the case is closed")

    @field_validator("labels")
    @classmethod
    def _labels_without_spaces(cls, value: list[str]) -> list[str]:
        bad = [label for label in value if not label or any(c.isspace() for c in label)]
        if bad:
            raise ValueError(f"Jira labels cannot be empty or contain spaces: {bad}")
        return value


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


class EnsureTicket(Action[EnsureTicketParams]):
    """Open the case's Jira ticket once; comment on it when the evidence changes."""

    name: ClassVar[str] = "jira.ensure_ticket"
    params_model: ClassVar[type[ActionParams]] = EnsureTicketParams

    def __init__(self, settings: JiraSettings | None = None, client_factory: ClientFactory = connect) -> None:
        self._settings = settings
        self._client_factory = client_factory

    def preview(self, ctx: ActionContext, params: EnsureTicketParams) -> ActionPreview:
        """What ``execute`` would do, from ``ctx`` alone (no settings, no HTTP)."""
        case, key = ctx.case, _prior_key(ctx.prior)
        closing = f" and run transition {params.transition_on_close!r}" if _closing(ctx, params) else ""
        if key is None:
            summary = (
                f"look up the {params.project} ticket labelled {case.label}; if none, create a "
                f"{params.issue_type}: {render.jira_summary(case)}{closing}"
            )
            return ActionPreview(self.name, summary, render.jira_description(case))
        if ctx.prior_digest == case.evidence_digest:
            return ActionPreview(self.name, f"no new evidence for {key}{closing or '; nothing to do'}", "")
        comment = render.jira_comment(case, render.change_since(case, ctx.prior))
        return ActionPreview(self.name, f"comment on {key} with the new evidence{closing}", comment)

    def execute(self, ctx: ActionContext, params: EnsureTicketParams) -> dict[str, Any]:
        """Find or create the ticket, add one comment per evidence change; return its key and URL."""
        settings = self._settings
        if settings is None:
            raise ConfigError("jira.ensure_ticket needs the jira settings (jira.url, jira.user, jira.token)")
        case, key = ctx.case, _prior_key(ctx.prior)
        closing = _closing(ctx, params)
        # a reopened case forgets the transition, so closing it again runs it again
        closed = bool(ctx.prior and ctx.prior.get("closed")) and case.status == CLOSED_STATUS
        if key is not None and ctx.prior_digest == case.evidence_digest and not closing:
            ctx.audit("jira.unchanged", {"issue_key": key})
            return _result(settings, key, case, closed=closed)

        errors = _ErrorMap(ctx, settings)
        with errors.during("connect"):
            client = self._client_factory(settings)
        try:
            description: str | None = None
            found_by_label = key is None
            if key is None:
                key, description = self._lookup(client, ctx, params, errors)
            if key is None:
                key = self._create(client, ctx, params, errors)
            elif found_by_label or ctx.prior_digest != case.evidence_digest:
                self._comment_once(client, ctx, key, description, errors)
            if closing and params.transition_on_close is not None:
                closed = self._close(client, ctx, key, params.transition_on_close, errors)
        finally:
            client.close()  # type: ignore[no-untyped-call]  # jira's close() lacks annotations
        return _result(settings, key, case, closed=closed)

    def _lookup(
        self, client: JIRA, ctx: ActionContext, params: EnsureTicketParams, errors: _ErrorMap
    ) -> tuple[str | None, str | None]:
        """The oldest ticket carrying the case label, with its description (None if there is none)."""
        label = _jql_string(ctx.case.label)
        jql = f"project = {_jql_string(params.project)} AND labels = {label} ORDER BY created ASC"
        with errors.during("search for the case label"):
            found = client.search_issues(
                jql, maxResults=_LOOKUP_LIMIT, fields=["summary", "description", "labels"], json_result=True
            )
        issues = found.get("issues") or []
        keys = [str(issue["key"]) for issue in issues]
        ctx.audit("jira.lookup", {"jql": jql, "matches": found.get("total", len(keys)), "issue_keys": keys})
        if len(keys) > 1:
            ctx.audit("jira.duplicates", {"label": ctx.case.label, "issue_keys": keys, "kept": keys[0]})
        if not issues:
            return None, None
        description = (issues[0].get("fields") or {}).get("description")
        return keys[0], description if isinstance(description, str) else None

    def _create(self, client: JIRA, ctx: ActionContext, params: EnsureTicketParams, errors: _ErrorMap) -> str:
        case = ctx.case
        labels = list(dict.fromkeys([case.label, *params.labels]))
        fields: dict[str, Any] = {
            "project": {"key": params.project},
            "issuetype": {"name": params.issue_type},
            "summary": render.jira_summary(case),
            "description": render.jira_description(case),
            "labels": labels,
        }
        if params.priority and case.level in params.priority:
            fields["priority"] = {"name": params.priority[case.level]}
        with errors.during("create issue"):
            issue = client.create_issue(fields=fields, prefetch=False)
        key = str(issue.key)
        ctx.audit("jira.create", {"issue_key": key, "project": params.project, "labels": labels})
        return key

    def _comment_once(
        self, client: JIRA, ctx: ActionContext, key: str, description: str | None, errors: _ErrorMap
    ) -> None:
        """Comment on the change unless the ticket already carries this evidence digest."""
        case, marker = ctx.case, render.jira_marker(ctx.case)
        with errors.during("read comments"):
            bodies = [str(c.raw.get("body") or "") for c in client.comments(key)]
        if any(marker in text for text in [description or "", *bodies]):
            ctx.audit("jira.already_noted", {"issue_key": key, "evidence_digest": case.evidence_digest})
            return
        with errors.during("add comment"):
            client.add_comment(key, render.jira_comment(case, render.change_since(case, ctx.prior)))
        ctx.audit("jira.comment", {"issue_key": key, "evidence_digest": case.evidence_digest})

    def _close(self, client: JIRA, ctx: ActionContext, key: str, name: str, errors: _ErrorMap) -> bool:
        """Run the named transition if the workflow offers it now.

        When it is not offered (a human closed the ticket already, or the workflow has no such
        step) that is audited and counted as handled, so later runs do not poll the workflow again.
        """
        with errors.during("read transitions"):
            available = client.transitions(key)
        match = next((t for t in available if str(t.get("name", "")).lower() == name.lower()), None)
        if match is None:
            offered = [str(t.get("name")) for t in available]
            ctx.audit("jira.transition_unavailable", {"issue_key": key, "transition": name, "offered": offered})
            return True
        with errors.during(f"transition {name!r}"):
            client.transition_issue(key, str(match["id"]))
        ctx.audit("jira.transition", {"issue_key": key, "transition": name})
        return True


class _ErrorMap:
    """Turns client failures into the exception tree, audits them, and keeps secrets out."""

    def __init__(self, ctx: ActionContext, settings: JiraSettings) -> None:
        self._ctx = ctx
        token = settings.token.get_secret_value()
        basic = base64.b64encode(f"{settings.user}:{token}".encode()).decode()
        self._secrets = [s for s in (token, basic) if s]

    @contextlib.contextmanager
    def during(self, doing: str) -> Iterator[None]:
        try:
            yield
        except JIRAError as exc:
            raise self._error(doing, exc.status_code, _jira_text(exc), exc.url) from None
        except requests.RequestException as exc:
            raise self._error(doing, None, f"cannot reach Jira ({type(exc).__name__})", None) from None
        except (KeyError, TypeError, ValueError) as exc:
            raise self._error(doing, -1, f"unexpected response from Jira ({type(exc).__name__})", None) from None

    def _error(self, doing: str, status: int | None, text: str, url: str | None) -> ActionError:
        retryable = status is None or status in _RETRYABLE_STATUS or (status or 0) >= 500
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
        detail = {"operation": doing, "status": status, "retryable": retryable}
        self._ctx.audit("jira.error", detail)
        return ActionRetryableError(message) if retryable else ActionError(message)


def _jira_text(exc: JIRAError) -> str:
    """Jira's own error messages (``errorMessages``/``errors``), already parsed by the client."""
    return " ".join(str(exc.text or "").split())[:500]


def _jql_string(value: str) -> str:
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'


def _prior_key(prior: Mapping[str, Any] | None) -> str | None:
    key = (prior or {}).get("issue_key")
    return key if isinstance(key, str) and key else None


def _closing(ctx: ActionContext, params: EnsureTicketParams) -> bool:
    """Whether this run should still run the close transition."""
    if params.transition_on_close is None or ctx.case.status != CLOSED_STATUS:
        return False
    return not (ctx.prior and ctx.prior.get("closed"))


def _result(settings: JiraSettings, key: str, case: CaseView, *, closed: bool) -> dict[str, Any]:
    """The stored result: key and URL, plus what the next comment diffs against."""
    return {
        "issue_key": key,
        "url": f"{settings.url}/browse/{key}",
        **render.stored_state(case),
        "closed": closed,
    }
