"""``slack.escalate``: one Slack thread per case, with the decision buttons on its root message.

The root message is the case picture (Block Kit: level, score, top evidence with masked keys, the
holds and the verdict) with buttons such as *Approve payout hold*, *Approve release* and *Dismiss
(false positive)*; everything that happens later goes into its thread, and the root is updated in
place (``chat.update``) whenever what it shows changes, so a channel holds one message per case. To
keep it at one message the action finds before it posts:

1. the channel and ``ts`` stored from the last run (``ctx.prior``, shared by every playbook);
2. otherwise the channel history, searched for the message metadata
   ``{"event_type": "hiresentry_case", "event_payload": {"dedup_key": ...}}`` that every root
   message carries, because a crash after posting loses the ``ts`` but not the message;
3. only then ``chat.postMessage``.

Thread replies carry metadata too (``hiresentry_case_update`` with the evidence digest, and
``hiresentry_case_event`` with the event id), and a reply already in the thread is not posted again.
The buttons are answered by ``playbooks/slack_interactions.py``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import Any, ClassVar

from pydantic import Field, field_validator
from slack_sdk import WebClient

from hiresentry.core.cases.view import CaseView
from hiresentry.core.errors import ActionError, ConfigError
from hiresentry.playbooks import render
from hiresentry.playbooks.actions.base import Action, ActionContext, ActionParams, ActionPreview
from hiresentry.playbooks.actions.slack_client import ErrorMap, SlackSettings, Sleep, audit_retries, connect
from hiresentry.playbooks.render_state import case_link, event_line, state_digest

__all__ = ["EVENT_ROOT", "EVENT_UPDATE", "Escalate", "EscalateParams", "SlackSettings", "connect"]

EVENT_ROOT = "hiresentry_case"
EVENT_UPDATE = "hiresentry_case_update"
EVENT_NOTE = "hiresentry_case_event"
LOOKBACK = dt.timedelta(days=1)
"""History is searched from the case's creation minus this margin (clock skew, naive datetimes)."""

_CHANNEL_ID = re.compile(r"^[CGD][A-Z0-9]{6,}$")


class EscalateParams(ActionParams):
    """``slack.escalate: {channel: "#contractor-risk", ask: [approve_hold, release, dismiss]}``."""

    channel: str = Field(pattern=r"^(#?[a-z0-9][a-z0-9._-]{0,79}|[CGD][A-Z0-9]{6,})$")
    ask: list[str] = Field(default_factory=lambda: ["approve_hold", "dismiss"], max_length=25)
    mention: str | None = Field(None, description="U…/W… user, S… user group, here/channel, or <…> syntax")
    post_if_missing: bool = Field(True, description="false: only update a thread that exists (close-outs)")

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


class Escalate(Action[EscalateParams]):
    """Post the case to a channel once; keep the message current and thread the changes."""

    name: ClassVar[str] = "slack.escalate"
    params_model: ClassVar[type[ActionParams]] = EscalateParams

    def __init__(
        self,
        settings: SlackSettings | None = None,
        client_factory: Any = connect,
        case_url: str | None = None,
        sleep: Sleep | None = None,
    ) -> None:
        self._settings = settings
        self._client_factory = client_factory
        self._case_url = case_url
        self._sleep = sleep

    def message(self, case: CaseView, params: EscalateParams) -> render.SlackMessage:
        """The root message as it should look now."""
        return render.slack_message(case, params.ask, params.mention, case_link(self._case_url, case))

    def preview(self, ctx: ActionContext, params: EscalateParams) -> ActionPreview:
        """What ``execute`` would do, from ``ctx`` alone (no settings, no HTTP)."""
        case = ctx.case
        channel, ts = _prior_message(ctx.prior)
        if ts is None:
            buttons = ", ".join(params.ask) or "no buttons"
            summary = f"find or post the case message in {params.channel} (buttons: {buttons})"
            return ActionPreview(self.name, summary, self.message(case, params).text)
        line = event_line(ctx.event)
        if line:
            return ActionPreview(self.name, f"reply in the thread of {ts} in {channel}: {line}; update it", line)
        if ctx.prior_digest == case.evidence_digest:
            if (ctx.prior or {}).get("state") not in (None, state_digest(case)):
                return ActionPreview(self.name, f"update message {ts} in {channel} (holds or verdict changed)", "")
            return ActionPreview(self.name, f"no new evidence for message {ts} in {channel}; nothing to do", "")
        reply = render.slack_update(case, render.change_since(case, ctx.prior))
        return ActionPreview(self.name, f"reply in the thread of {ts} in {channel} and update it", reply)

    def execute(self, ctx: ActionContext, params: EscalateParams) -> dict[str, Any]:
        """Find or post the root; reply once per change and per event; update the root when it is stale."""
        settings = self._settings
        if settings is None:
            raise ConfigError("slack.escalate needs the slack settings (slack.token)")
        case, state = ctx.case, state_digest(ctx.case)
        channel, ts = _prior_message(ctx.prior)
        event_id = (ctx.event or {}).get("id") or None
        fresh = ctx.prior_digest == case.evidence_digest and (ctx.prior or {}).get("state") == state
        if channel is not None and ts is not None and fresh and not event_id:
            ctx.audit("slack.unchanged", {"channel": channel, "ts": ts})
            return _result(channel, ts, case)

        errors = ErrorMap(ctx.audit, settings.token.get_secret_value())
        client: WebClient = (
            self._client_factory(settings, self._sleep) if self._sleep else self._client_factory(settings)
        )
        audit_retries(client, ctx.audit)
        if channel is None:
            channel = self._channel_id(client, ctx, params.channel, errors)
        stored: Mapping[str, Any] | None = ctx.prior
        if ts is None:
            root = self._find_root(client, ctx, channel, errors)
            if root is None and not params.post_if_missing:
                ctx.audit("slack.no_thread", {"channel": channel})
                return {"channel": channel, "ts": None, "note": "no thread to update", **render.stored_state(case)}
            if root is None:
                channel, ts = self._post_root(client, ctx, params, channel, errors)
                return _result(channel, ts, case)
            ts, stored = str(root["ts"]), root["metadata"].get("event_payload") or {}
        assert ts is not None
        shown = stored or {}
        before = shown.get("evidence_digest", ctx.prior_digest)
        if before != case.evidence_digest:
            change = render.change_since(case, stored)
            text = render.slack_update(case, change)
            self._reply_once(
                client, ctx, channel, ts, EVENT_UPDATE, {"evidence_digest": case.evidence_digest}, text, errors
            )
        line = event_line(ctx.event)
        if event_id and line:
            text = render.slack_event(case, line)
            self._reply_once(client, ctx, channel, ts, EVENT_NOTE, {"event_id": int(event_id)}, text, errors)
        if shown.get("state") != state or before != case.evidence_digest:
            with errors.during("chat.update"):
                message = self.message(case, params)
                client.chat_update(
                    channel=channel, ts=ts, text=message.text, blocks=message.blocks, metadata=_root_metadata(case)
                )
            ctx.audit("slack.update", {"channel": channel, "ts": ts, "state": state})
        return _result(channel, ts, case)

    def _channel_id(self, client: WebClient, ctx: ActionContext, channel: str, errors: ErrorMap) -> str:
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
        self, client: WebClient, ctx: ActionContext, channel: str, errors: ErrorMap
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
        self, client: WebClient, ctx: ActionContext, params: EscalateParams, channel: str, errors: ErrorMap
    ) -> tuple[str, str]:
        message = self.message(ctx.case, params)
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
        kind: str,
        key: Mapping[str, Any],
        text: str,
        errors: ErrorMap,
    ) -> None:
        """Post ``text`` into the thread unless a reply with the same metadata ``key`` is there already."""
        with errors.during("conversations.replies"):
            for page in client.conversations_replies(channel=channel, ts=ts, include_all_metadata=True, limit=200):
                for message in page.get("messages") or []:
                    meta = message.get("metadata") or {}
                    payload = meta.get("event_payload") or {}
                    if meta.get("event_type") == kind and all(payload.get(k) == v for k, v in key.items()):
                        ctx.audit("slack.already_noted", {"channel": channel, "ts": str(message["ts"])})
                        return
        payload = {"dedup_key": ctx.case.dedup_key, **key}
        with errors.during("chat.postMessage (thread reply)"):
            reply = client.chat_postMessage(
                channel=channel,
                thread_ts=ts,
                text=text,
                metadata={"event_type": kind, "event_payload": payload},
                unfurl_links=False,
                unfurl_media=False,
            )
        ctx.audit("slack.reply", {"channel": channel, "thread_ts": ts, "ts": str(reply["ts"]), **payload})


def _root_metadata(case: CaseView) -> dict[str, Any]:
    payload = {
        "dedup_key": case.dedup_key,
        "evidence_digest": case.evidence_digest,
        "state": state_digest(case),
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
    """The stored result: where the root message is, what it shows, what the next reply diffs against."""
    return {"channel": channel, "ts": ts, "state": state_digest(case), **render.stored_state(case)}
