"""Slack's button presses (``block_actions``), verified, allow-listed and dispatched; no web framework.

The HTTP service mounts :meth:`SlackInteractions.handle` at ``/slack/interactions`` and hands it the
*raw* request body and headers. In order:

1. the signature is checked on the raw body with ``slack_sdk.signature.SignatureVerifier`` (HMAC of
   ``v0:{timestamp}:{body}`` with the app's signing secret), refusing requests older than five
   minutes (replays); the clock is injected;
2. the ``payload`` form field is parsed; only ``block_actions`` on hiresentry's buttons count;
3. the Slack user must map to an allow-listed approver (``approvals.slack_users``); anyone else is
   refused and audited;
4. the button is dispatched: *approve_hold* runs ``payout.hold`` for the case now (through the
   engine's outbox, so twice is once), *release* records a release approval on each of the case's
   holds (two distinct approvers release), *renew* renews them, *dismiss* records a false-positive
   verdict (the close-out playbook reacts on the next engine run);
5. the answer is the case message as it now stands (``replace_original``), sent to the
   ``response_url`` (only to allow-listed hosts), with a line saying who did what.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlparse

from slack_sdk.signature import SignatureVerifier

from hiresentry.core.cases import CaseRepository
from hiresentry.core.errors import ApprovalRefusedError, HiresentryError
from hiresentry.core.gate import RENEWABLE
from hiresentry.core.store.audit import AuditLog
from hiresentry.playbooks import render
from hiresentry.playbooks.holds import HoldService
from hiresentry.playbooks.render_state import case_link

BUTTONS = ("approve_hold", "release", "renew", "dismiss")
Clock = Callable[[], dt.datetime]
PlaceHold = Callable[[str, str, dt.datetime], str]
Respond = Callable[[str, Mapping[str, Any]], None]


@dataclass(frozen=True)
class InteractionResponse:
    """What to answer Slack (HTTP status and JSON body) and the message sent to the response URL."""

    status: int
    body: dict[str, Any] = field(default_factory=dict)
    message: dict[str, Any] | None = None


class _Clock:
    """The clock object ``SignatureVerifier`` expects (``now()`` in epoch seconds)."""

    def __init__(self, clock: Clock) -> None:
        self._clock = clock

    def now(self) -> float:
        return self._clock().timestamp()


def post_to_response_url(url: str, message: Mapping[str, Any]) -> None:
    """Send the updated message to Slack's ``response_url`` (the default ``respond``)."""
    from slack_sdk.webhook import WebhookClient

    WebhookClient(url).send_dict(dict(message))


class SlackInteractions:
    """Verify, authorise and dispatch Slack button presses."""

    def __init__(
        self,
        signing_secret: str,
        holds: HoldService,
        cases: CaseRepository,
        audit: AuditLog,
        place_hold: PlaceHold | None = None,
        clock: Clock = lambda: dt.datetime.now(dt.UTC),
        respond: Respond | None = post_to_response_url,
        response_hosts: Collection[str] = ("hooks.slack.com",),
        case_url: str | None = None,
    ) -> None:
        if not signing_secret:
            raise ValueError("Slack interactivity needs the app's signing secret (slack.signing_secret)")
        self._verifier = SignatureVerifier(signing_secret, clock=_Clock(clock))  # type: ignore[arg-type]
        self.holds = holds
        self.cases = cases
        self.audit = audit
        self.place_hold = place_hold
        self.clock = clock
        self.respond = respond
        self.response_hosts = frozenset(response_hosts)
        self.case_url = case_url

    def handle(self, body: bytes, headers: Mapping[str, str]) -> InteractionResponse:
        """Answer one interactivity request (``body`` exactly as received)."""
        if not self._verifier.is_valid_request(body, dict(headers)):
            self.audit.record("slack.interaction_rejected", {"reason": "bad signature or older than 5 minutes"})
            return InteractionResponse(401, {"error": "invalid signature"})
        try:
            payload = json.loads(parse_qs(body.decode("utf-8"), strict_parsing=True)["payload"][0])
            user = str(payload["user"]["id"])
            action = payload["actions"][0]
            name, dedup_key = str(action["action_id"]).partition(":")[2], str(action["value"])
        except (KeyError, IndexError, ValueError, TypeError, UnicodeDecodeError):
            return InteractionResponse(400, {"error": "not a block_actions payload"})
        if payload.get("type") != "block_actions" or not str(action["action_id"]).startswith("hiresentry:"):
            return InteractionResponse(400, {"error": "not a hiresentry button"})
        approver = self.holds.settings.approver_for_slack(user)
        if approver is None:
            self.audit.record("slack.interaction_refused", {"user": user, "action": name}, dedup_key, actor=user)
            return self._answer(payload, dedup_key, f"<@{user}> is not on the approver list; nothing was done.", False)
        now = self.clock()
        try:
            outcome = self._dispatch(name, dedup_key, approver, now)
        except (ApprovalRefusedError, KeyError) as exc:
            text = str(exc).strip("'\"")
            detail = {"user": user, "action": name, "refused": text}
            self.audit.record("slack.interaction_refused", detail, dedup_key, actor=approver)
            return self._answer(payload, dedup_key, f"Refused: {text}", False)
        except HiresentryError as exc:
            detail = {"user": user, "action": name, "error": str(exc)}
            self.audit.record("slack.interaction_failed", detail, dedup_key, actor=approver)
            return self._answer(payload, dedup_key, f"Could not do it: {exc}", False)
        detail = {"user": user, "action": name, "outcome": outcome}
        self.audit.record("slack.interaction", detail, dedup_key, actor=approver)
        return self._answer(payload, dedup_key, outcome, True)

    def _dispatch(self, name: str, dedup_key: str, approver: str, now: dt.datetime) -> str:
        if self.cases.get(dedup_key) is None:
            raise KeyError(f"there is no case {dedup_key}")
        if name == "approve_hold":
            if self.place_hold is None:
                raise ApprovalRefusedError("holds cannot be placed from Slack here (no engine wired)")
            return f"{approver} approved holding the payouts: {self.place_hold(dedup_key, approver, now)}"
        if name == "release":
            holds = self.holds.approve_case(dedup_key, approver, "slack", now)
            states = ", ".join(
                f"{h.worker} {h.status.replace('_', ' ')} ({len(h.approvals)}/{h.release_approvals})" for h in holds
            )
            return f"{approver} approved releasing the payout holds: {states}"
        if name == "renew":
            renewable = [h for h in self.holds.gate.holds(dedup_key) if h.status in RENEWABLE]
            if not renewable:
                raise ApprovalRefusedError(f"case {dedup_key} has no hold to renew")
            renewed = [self.holds.renew(h.id, approver, now) for h in renewable]
            until = max(h.expires_at for h in renewed if h.expires_at is not None)
            return f"{approver} renewed {len(renewed)} payout hold(s) until {until:%Y-%m-%d}"
        if name == "dismiss":
            reason = f"dismissed in Slack by {approver}"
            self.cases.judge(dedup_key, "false_positive", approver, now, reason=reason)
            return f"{approver} dismissed the case as a false positive"
        raise ApprovalRefusedError(f"unknown button {name!r} (known: {', '.join(BUTTONS)})")

    def _answer(self, payload: Mapping[str, Any], dedup_key: str, line: str, replace: bool) -> InteractionResponse:
        case = self.cases.get(dedup_key) if replace else None
        if case is not None:
            rendered = render.slack_message(case, _asked(payload), None, case_link(self.case_url, case))
            blocks = [
                *rendered.blocks,
                {"type": "context", "elements": [{"type": "mrkdwn", "text": render.slack_escape(line)}]},
            ]
            message: dict[str, Any] = {"replace_original": True, "text": rendered.text, "blocks": blocks}
        else:
            message = {"replace_original": False, "response_type": "ephemeral", "text": render.slack_escape(line)}
        url = str(payload.get("response_url") or "")
        if self.respond is not None and url and urlparse(url).hostname in self.response_hosts:
            self.respond(url, message)
        return InteractionResponse(200, {"ok": True}, message)


def _asked(payload: Mapping[str, Any]) -> Sequence[str]:
    """The buttons the pressed message offered, to draw it again with the same ones."""
    blocks = (payload.get("message") or {}).get("blocks") or []
    for block in blocks:
        if block.get("type") == "actions":
            ids = [str(e.get("action_id", "")) for e in block.get("elements") or []]
            return [i.partition(":")[2] for i in ids if i.startswith("hiresentry:")]
    return []
