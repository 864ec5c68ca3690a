"""``slack.escalate``: one Slack thread per case, with the decision buttons on its root message.

The root message is the case picture (Block Kit) with buttons such as *Approve payout hold* and
*Dismiss*; later changes go into its thread, so a channel shows one message per case however often
the evidence changes. To keep it at one message the action finds before it posts:

1. the channel and ``ts`` stored from the last run (``ctx.prior``);
2. otherwise the channel history, searched for the message metadata
   ``{"event_type": "hiresentry_case", "event_payload": {"dedup_key": ...}}`` that every root
   message carries, because a crash after posting loses the ``ts`` but not the message;
3. only then ``chat.postMessage``.

On changed evidence it posts one thread reply (metadata ``hiresentry_case_update`` with the
evidence digest; an existing reply with that digest is not posted again) and then ``chat.update``s
the root so it shows the current picture. The root's metadata also records the digest, the
indicator ids and the level, so a run that lost ``prior`` can still tell what changed.

``slack_sdk`` retries only connection errors by default; the rate-limit and server-error retry
handlers are appended here. Whatever still fails is mapped to :class:`ActionRetryableError`
(``ratelimited``, 5xx, connection) or :class:`ActionError` (everything else), with the Slack
error code in the message and never the token.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
from collections.abc import Callable, Iterator, Mapping
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field, field_validator
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler, ServerErrorRetryHandler
from slack_sdk.http_retry.builtin_interval_calculators import (
    BackoffRetryIntervalCalculator,
    FixedValueRetryIntervalCalculator,
)
from slack_sdk.http_retry.interval_calculator import RetryIntervalCalculator

from hiresentry.core.cases.view import CaseView
from hiresentry.core.errors import ActionError, ActionRetryableError, ConfigError
from hiresentry.core.secrets import SecretValue
from hiresentry.playbooks import render
from hiresentry.playbooks.actions.base import Action, ActionContext, ActionParams, ActionPreview

EVENT_ROOT = "hiresentry_case"
EVENT_UPDATE = "hiresentry_case_update"
LOOKBACK = dt.timedelta(days=1)
"""History is searched from the case's creation minus this margin (clock skew, naive datetimes)."""

_CHANNEL_ID = re.compile(r"^[CGD][A-Z0-9]{6,}$")
_RETRYABLE_ERRORS = frozenset(
    {"ratelimited", "rate_limited", "internal_error", "fatal_error", "service_unavailable", "request_timeout"}
)
_AUTH_ERRORS = frozenset({"not_authed", "invalid_auth", "token_revoked", "token_expired", "account_inactive"})


class SlackSettings(BaseModel):
    """How to reach the Slack Web API (config section ``slack``)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    token: SecretValue = Field(description="bot token (xoxb-…), as env:/vault: reference")
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


class EscalateParams(ActionParams):
    """``slack.escalate: {channel: "#contractor-risk", ask: [approve_hold, dismiss]}``."""

    channel: str = Field(pattern=r"^(#?[a-z0-9][a-z0-9._-]{0,79}|[CGD][A-Z0-9]{6,})$")
    ask: list[str] = Field(default_factory=lambda: ["approve_hold", "dismiss"], max_length=25)
    mention: str | None = Field(None, description="U…/W… user, S… user group, here/channel, or <…> syntax")

    @field_validator("ask")
    @classmethod
    def _ask_names(cls, value: list[str]) -> list[str]:
        bad = [a for a in value if not re.fullmatch(r"[a-z][a-z0-9_]{0,63}", a)]
        if bad:
            raise ValueError(f"ask entries must be snake_case names such as approve_hold: {bad}")
        return list(dict.fromkeys(value))

    @field_validator("mention")
    @classmethod
    def _mention_syntax(cls, value: str | None) -> str | None:
        """Normalise to Slack's mention syntax, so the message pings exactly who is meant."""
        if value is None or re.fullmatch(r"<(@[UW][A-Z0-9]+|!subteam\^S[A-Z0-9]+|!here|!channel)>", value):
            return value
        if re.fullmatch(r"[UW][A-Z0-9]{6,}", value):
            return f"<@{value}>"
        if re.fullmatch(r"S[A-Z0-9]{6,}", value):
            return f"<!subteam^{value}>"
        if value.lstrip("@!") in ("here", "channel"):
            return f"<!{value.lstrip('@!')}>"
        raise ValueError("mention must be a user id (U…), a user group id (S…), here or channel")


ClientFactory = Callable[[SlackSettings], WebClient]


def connect(settings: SlackSettings) -> WebClient:
    """A ``WebClient`` that also retries 429 (after Retry-After) and 500/503."""
    client = WebClient(token=settings.token.get_secret_value(), base_url=settings.base_url, timeout=settings.timeout)
    interval: RetryIntervalCalculator = (
        BackoffRetryIntervalCalculator(backoff_factor=settings.retry_backoff)
        if settings.retry_backoff > 0
        else FixedValueRetryIntervalCalculator(0.0)
    )
    client.retry_handlers.append(RateLimitErrorRetryHandler(max_retry_count=settings.rate_limit_retries))
    client.retry_handlers.append(
        ServerErrorRetryHandler(max_retry_count=settings.server_error_retries, interval_calculator=interval)
    )
    return client


class Escalate(Action[EscalateParams]):
    """Post the case to a channel once; keep the message current and thread the changes."""

    name: ClassVar[str] = "slack.escalate"
    params_model: ClassVar[type[ActionParams]] = EscalateParams

    def __init__(self, settings: SlackSettings | None = None, client_factory: ClientFactory = connect) -> None:
        self._settings = settings
        self._client_factory = client_factory

    def preview(self, ctx: ActionContext, params: EscalateParams) -> ActionPreview:
        """What ``execute`` would do, from ``ctx`` alone (no settings, no HTTP)."""
        case = ctx.case
        channel, ts = _prior_message(ctx.prior)
        if ts is None:
            buttons = ", ".join(params.ask) or "no buttons"
            summary = f"find or post the case message in {params.channel} (buttons: {buttons})"
            return ActionPreview(self.name, summary, render.slack_message(case, params.ask, params.mention).text)
        if ctx.prior_digest == case.evidence_digest:
            return ActionPreview(self.name, f"no new evidence for message {ts} in {channel}; nothing to do", "")
        reply = render.slack_update(case, render.change_since(case, ctx.prior))
        return ActionPreview(self.name, f"reply in the thread of {ts} in {channel} and update it", reply)

    def execute(self, ctx: ActionContext, params: EscalateParams) -> dict[str, Any]:
        """Find or post the root message; on changed evidence reply once and update it."""
        settings = self._settings
        if settings is None:
            raise ConfigError("slack.escalate needs the slack settings (slack.token)")
        case = ctx.case
        channel, ts = _prior_message(ctx.prior)
        if channel is not None and ts is not None and ctx.prior_digest == case.evidence_digest:
            ctx.audit("slack.unchanged", {"channel": channel, "ts": ts})
            return _result(channel, ts, case)

        errors = _ErrorMap(ctx, settings.token.get_secret_value())
        client = self._client_factory(settings)
        if channel is None:
            channel = self._channel_id(client, ctx, params.channel, errors)
        stored: Mapping[str, Any] | None = ctx.prior
        if ts is None:
            root = self._find_root(client, ctx, channel, errors)
            if root is None:
                channel, ts = self._post_root(client, ctx, params, channel, errors)
                return _result(channel, ts, case)
            ts, stored = str(root["ts"]), root["metadata"].get("event_payload") or {}
            if stored.get("evidence_digest") == case.evidence_digest:
                return _result(channel, ts, case)
        self._reply_once(client, ctx, channel, ts, render.change_since(case, stored), errors)
        with errors.during("chat.update"):
            message = render.slack_message(case, params.ask, params.mention)
            client.chat_update(
                channel=channel,
                ts=ts,
                text=message.text,
                blocks=message.blocks,
                metadata=_root_metadata(case),
            )
        ctx.audit("slack.update", {"channel": channel, "ts": ts, "evidence_digest": case.evidence_digest})
        return _result(channel, ts, case)

    def _channel_id(self, client: WebClient, ctx: ActionContext, channel: str, errors: _ErrorMap) -> str:
        """History needs the channel id; resolve a ``#name`` through conversations.list."""
        if _CHANNEL_ID.match(channel):
            return channel
        name = channel.removeprefix("#")
        with errors.during("conversations.list"):
            pages = client.conversations_list(types="public_channel,private_channel", exclude_archived=True, limit=200)
            for page in pages:
                for found in page.get("channels") or []:
                    if found.get("name") == name:
                        return str(found["id"])
        ctx.audit("slack.error", {"operation": "resolve channel", "channel": channel, "retryable": False})
        raise ActionError(
            f"slack.escalate: channel {channel} not found among the channels the app can see; "
            "invite the app to it, or give the channel id (C…)"
        )

    def _find_root(
        self, client: WebClient, ctx: ActionContext, channel: str, errors: _ErrorMap
    ) -> dict[str, Any] | None:
        """The case's root message, by its metadata, in the history since the case was created."""
        case = ctx.case
        created = case.created_at if case.created_at.tzinfo else case.created_at.replace(tzinfo=dt.UTC)
        oldest = f"{(created - LOOKBACK).timestamp():.6f}"
        with errors.during("conversations.history"):
            pages = client.conversations_history(channel=channel, include_all_metadata=True, oldest=oldest, limit=200)
            for page in pages:
                for message in page.get("messages") or []:
                    meta = message.get("metadata") or {}
                    payload = meta.get("event_payload") or {}
                    if meta.get("event_type") == EVENT_ROOT and payload.get("dedup_key") == case.dedup_key:
                        ctx.audit("slack.lookup", {"channel": channel, "found": message["ts"]})
                        return dict(message)
        ctx.audit("slack.lookup", {"channel": channel, "found": None, "oldest": oldest})
        return None

    def _post_root(
        self, client: WebClient, ctx: ActionContext, params: EscalateParams, channel: str, errors: _ErrorMap
    ) -> tuple[str, str]:
        message = render.slack_message(ctx.case, params.ask, params.mention)
        with errors.during("chat.postMessage"):
            response = client.chat_postMessage(
                channel=channel,
                text=message.text,
                blocks=message.blocks,
                metadata=_root_metadata(ctx.case),
                unfurl_links=False,
                unfurl_media=False,
            )
        channel, ts = str(response["channel"]), str(response["ts"])
        ctx.audit("slack.post", {"channel": channel, "ts": ts, "evidence_digest": ctx.case.evidence_digest})
        return channel, ts

    def _reply_once(
        self,
        client: WebClient,
        ctx: ActionContext,
        channel: str,
        ts: str,
        change: render.CaseChange,
        errors: _ErrorMap,
    ) -> None:
        """Post the change into the thread unless a reply for this evidence digest is there already."""
        case = ctx.case
        with errors.during("conversations.replies"):
            for page in client.conversations_replies(channel=channel, ts=ts, include_all_metadata=True, limit=200):
                for message in page.get("messages") or []:
                    meta = message.get("metadata") or {}
                    payload = meta.get("event_payload") or {}
                    if meta.get("event_type") == EVENT_UPDATE and payload.get("evidence_digest") == (
                        case.evidence_digest
                    ):
                        ctx.audit("slack.already_noted", {"channel": channel, "ts": str(message["ts"])})
                        return
        payload = {"dedup_key": case.dedup_key, "evidence_digest": case.evidence_digest}
        with errors.during("chat.postMessage (thread reply)"):
            reply = client.chat_postMessage(
                channel=channel,
                thread_ts=ts,
                text=render.slack_update(case, change),
                metadata={"event_type": EVENT_UPDATE, "event_payload": payload},
                unfurl_links=False,
                unfurl_media=False,
            )
        ctx.audit("slack.reply", {"channel": channel, "thread_ts": ts, "ts": str(reply["ts"]), **payload})


class _ErrorMap:
    """Turns client failures into the exception tree, audits them, and keeps the token out."""

    def __init__(self, ctx: ActionContext, token: str) -> None:
        self._ctx = ctx
        self._token = token

    @contextlib.contextmanager
    def during(self, doing: str) -> Iterator[None]:
        try:
            yield
        except SlackApiError as exc:
            status = int(getattr(exc.response, "status_code", 0) or 0)
            code = str(exc.response.get("error") or f"HTTP {status}")
            retryable = status == 429 or status >= 500 or code in _RETRYABLE_ERRORS
            hint = "; Slack refused the bot token: check slack.token" if code in _AUTH_ERRORS else ""
            raise self._error(doing, f"{code}{hint}", status, retryable=retryable) from None
        except (SlackClientError, OSError) as exc:  # OSError covers urllib's URLError and timeouts
            retryable = isinstance(exc, OSError)
            raise self._error(doing, f"cannot reach Slack ({type(exc).__name__})", None, retryable=retryable) from None

    def _error(self, doing: str, text: str, status: int | None, *, retryable: bool) -> ActionError:
        message = f"slack.escalate: {doing} failed: {text}"
        if self._token:
            message = message.replace(self._token, "***")
        self._ctx.audit("slack.error", {"operation": doing, "status": status, "retryable": retryable})
        return ActionRetryableError(message) if retryable else ActionError(message)


def _root_metadata(case: CaseView) -> dict[str, Any]:
    payload = {
        "dedup_key": case.dedup_key,
        "evidence_digest": case.evidence_digest,
        **render.stored_state(case),
    }
    return {"event_type": EVENT_ROOT, "event_payload": payload}


def _prior_message(prior: Mapping[str, Any] | None) -> tuple[str | None, str | None]:
    channel, ts = (prior or {}).get("channel"), (prior or {}).get("ts")
    return (
        channel if isinstance(channel, str) and channel else None,
        ts if isinstance(ts, str) and ts else None,
    )


def _result(channel: str, ts: str, case: CaseView) -> dict[str, Any]:
    """The stored result: where the root message is, plus what the next reply diffs against."""
    return {"channel": channel, "ts": ts, **render.stored_state(case)}
