"""Slack button presses: signed bodies verified on the raw bytes with an injected clock, allow-listed
users only, dispatched into holds, verdicts and the engine; the message replaced via response_url.

Requests are signed exactly as Slack signs them (HMAC-SHA256 of ``v0:{timestamp}:{body}``); the
case, holds and outbox live in a real SQLite store; Slack and Jira are the stateful fakes, reached
through the real clients (the response_url is served by the Slack fake).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

import pytest

from hiresentry.core.cases import CaseRepository, CaseView
from hiresentry.core.gate import PayoutGate
from hiresentry.core.store import Store
from hiresentry.core.store.audit import AuditLog
from hiresentry.playbooks.engine import PlaybookEngine
from hiresentry.playbooks.slack_interactions import SlackInteractions
from tests.fakes.jira import FakeJira
from tests.fakes.slack import FakeSlack
from tests.playbooks.conftest import T0, seed_cases

SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
CHANNEL = "C0RISK00001"
NOW = T0 + dt.timedelta(hours=1)
Build = Callable[..., PlaybookEngine]


def signed(payload: dict[str, Any], at: dt.datetime = NOW, secret: str = SECRET) -> tuple[bytes, dict[str, str]]:
    body = urlencode({"payload": json.dumps(payload)}).encode()
    stamp = str(int(at.timestamp()))
    digest = hmac.new(secret.encode(), f"v0:{stamp}:".encode() + body, hashlib.sha256).hexdigest()
    return body, {"X-Slack-Request-Timestamp": stamp, "X-Slack-Signature": f"v0={digest}"}


@pytest.fixture
def setup(
    store: Store, fake_jira: FakeJira, fake_slack: FakeSlack, library_engine: Build
) -> tuple[SlackInteractions, CaseView, dict[str, Any], PlaybookEngine]:
    seed_cases(store)
    engine = library_engine()
    engine.run(now=T0)
    case = next(c for c in CaseRepository(store).find() if c.amounts_due)
    root = next(m for m in fake_slack.roots(CHANNEL) if m["metadata"]["event_payload"]["dedup_key"] == case.dedup_key)

    def place(dedup_key: str, actor: str, now: dt.datetime) -> str:
        return engine.request(dedup_key, "payout.hold", {}, actor, now).outcome

    handler = SlackInteractions(
        SECRET,
        engine.holds,
        CaseRepository(store),
        AuditLog(store),
        place_hold=place,
        clock=lambda: NOW,
        response_hosts={"localhost", "127.0.0.1"},
    )
    return handler, case, root, engine


def press(fake_slack: FakeSlack, root: dict[str, Any], button: str, user: str) -> dict[str, Any]:
    return {
        "type": "block_actions",
        "user": {"id": user},
        "actions": [{"action_id": f"hiresentry:{button}", "value": root["metadata"]["event_payload"]["dedup_key"]}],
        "message": {"ts": root["ts"], "blocks": root["blocks"]},
        "response_url": fake_slack.response_url(CHANNEL, root["ts"]),
    }


def test_bad_signatures_and_replays_are_refused(setup: Any, fake_slack: FakeSlack, store: Store) -> None:
    handler, _case, root, _engine = setup
    body, headers = signed(press(fake_slack, root, "release", "U0ALICE01"))
    tampered = body.replace(b"release", b"dismiss")
    assert handler.handle(tampered, headers).status == 401
    assert handler.handle(*signed(press(fake_slack, root, "release", "U0ALICE01"), secret="wrong")).status == 401
    stale = signed(press(fake_slack, root, "release", "U0ALICE01"), at=NOW - dt.timedelta(minutes=6))
    assert handler.handle(*stale).status == 401
    assert len(AuditLog(store).entries(event="slack.interaction_rejected")) == 3
    assert AuditLog(store).entries(event="hold.release_approved") == []
    assert handler.handle(body, headers).status == 200  # the genuine request, within five minutes


def test_only_allow_listed_users_decide(setup: Any, fake_slack: FakeSlack, store: Store) -> None:
    handler, case, root, _engine = setup
    for user in ("U0MALLORY", "U0NOBODY1"):  # mapped but not an approver; not mapped at all
        answer = handler.handle(*signed(press(fake_slack, root, "dismiss", user)))
        assert answer.status == 200
        assert answer.message is not None and "not on the approver list" in answer.message["text"]
    assert CaseRepository(store).get(case.dedup_key).judgement is None  # type: ignore[union-attr]
    assert len(AuditLog(store).entries(event="slack.interaction_refused")) == 2


def test_release_needs_two_different_people_and_updates_the_message(
    setup: Any, fake_slack: FakeSlack, store: Store
) -> None:
    handler, case, root, _engine = setup
    first = handler.handle(*signed(press(fake_slack, root, "release", "U0ALICE01")))
    assert first.message is not None and first.message["replace_original"] is True
    assert "1/2" in fake_slack.message(CHANNEL, root["ts"])["blocks"][2]["text"]["text"]
    again = handler.handle(*signed(press(fake_slack, root, "release", "U0ALICE01")))
    assert again.message is not None and "alice already approved" in again.message["text"]
    handler.handle(*signed(press(fake_slack, root, "release", "U0BOB0001")))
    assert [h.status for h in PayoutGate(store).holds(case.dedup_key)] == ["released"]
    assert "released" in fake_slack.message(CHANNEL, root["ts"])["blocks"][2]["text"]["text"]
    assert [r["replace_original"] for r in fake_slack.responses] == [True, False, True]


def test_dismiss_records_the_verdict_and_the_engine_closes_out(
    setup: Any, fake_slack: FakeSlack, fake_jira: FakeJira, store: Store
) -> None:
    handler, case, root, engine = setup
    answer = handler.handle(*signed(press(fake_slack, root, "dismiss", "U0BOB0001")))
    assert answer.status == 200
    judged = CaseRepository(store).get(case.dedup_key)
    assert judged is not None and judged.judgement is not None
    assert (judged.judgement.verdict, judged.judgement.actor) == ("false_positive", "bob")
    engine.run(now=NOW + dt.timedelta(minutes=1))
    [issue] = fake_jira.with_label(case.label)
    assert issue["fields"]["status"]["name"] == "Done"


def test_approve_hold_runs_the_hold_now_through_the_outbox(
    store: Store, fake_jira: FakeJira, fake_slack: FakeSlack, library_engine: Build
) -> None:
    seed_cases(store)
    engine = library_engine()
    case = next(c for c in CaseRepository(store).find() if c.amounts_due)
    first = engine.request(case.dedup_key, "payout.hold", {}, "alice", T0)
    second = engine.request(case.dedup_key, "payout.hold", {}, "bob", T0)
    assert (first.outcome, second.outcome) == ("done", "done")
    assert len(PayoutGate(store).holds(case.dedup_key)) == 1  # pressed twice, held once
    assert [e["actor"] for e in AuditLog(store).entries(case.dedup_key, "action.requested")] == ["alice", "bob"]
