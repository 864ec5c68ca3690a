"""The shipped playbook library, active, end to end: screen → cases → outbox → Jira, Slack, holds.

Real store (SQLite), real risk core, real ``jira`` and ``slack_sdk`` clients; Jira and Slack are the
stateful local fakes in ``tests/fakes`` (pytest-httpserver) speaking their wire formats; the payout
gate is the store's own. Time is injected (``now``), never waited for.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from sqlalchemy import update

from hiresentry.core.cases import CaseRepository
from hiresentry.core.gate import PayoutGate
from hiresentry.core.indicators import load_catalogue
from hiresentry.core.levels import Level, LevelThresholds
from hiresentry.core.model import AccessEvent
from hiresentry.core.screen import screen
from hiresentry.core.store import Store
from hiresentry.core.store.audit import AuditLog
from hiresentry.core.store.schema import outbox
from hiresentry.playbooks.engine import PlaybookEngine
from tests.fakes.jira import FakeJira
from tests.fakes.slack import FakeSlack
from tests.playbooks.conftest import T0, seed_cases

CHANNEL = "C0RISK00001"
Build = Callable[..., PlaybookEngine]


def test_shipped_library_holds_tickets_and_threads_once_per_case(
    store: Store, fake_jira: FakeJira, fake_slack: FakeSlack, library_engine: Build
) -> None:
    seed_cases(store)
    first = library_engine().run(now=T0)
    # two medium cases with a shared payout account: hold-payouts-on-critical-evidence matches both
    assert first.count("failed") == 0
    assert first.count("done") == 6  # 2 cases x (hold + ticket + thread)
    assert len(fake_jira.issues) == 2
    assert len(fake_slack.roots(CHANNEL)) == 2
    gate = PayoutGate(store)
    assert [h.status for h in gate.holds()] == ["held", "held"]
    for issue in fake_jira.issues.values():
        fields = issue["fields"]
        assert any(label.startswith("hiresentry-hs-") for label in fields["labels"])
        assert "DE••••••3000" in fields["description"]
        assert "3704 0044" not in fields["description"]
        assert "https://hiresentry.example.com/cases/hs-" in fields["description"]
        [report] = fake_jira.attached(issue["key"])
        assert report["filename"].startswith("hiresentry-hs-") and b"PAY-SHARED-ACCOUNT" in report["bytes"]
    for root in fake_slack.roots(CHANNEL):
        assert [b["action_id"] for b in root["blocks"][-1]["elements"]] == [
            "hiresentry:release",
            "hiresentry:renew",
            "hiresentry:dismiss",
        ]
    writes = (len(fake_jira.writes), len(fake_slack.writes))

    again = library_engine().run(now=T0 + dt.timedelta(minutes=10))
    assert again.outcomes == []
    assert (len(fake_jira.writes), len(fake_slack.writes)) == writes


def test_new_evidence_comments_and_replies_and_escalates(
    store: Store, fake_jira: FakeJira, fake_slack: FakeSlack, library_engine: Build
) -> None:
    seed_cases(store)
    library_engine().run(now=T0)
    later = T0 + dt.timedelta(hours=2)
    sign_in = AccessEvent(source="payroll", remote_id="S1", worker_remote_id="A", time=T0, vpn_provider="Astrill VPN")
    store.ingest([sign_in])
    screen(store, load_catalogue(), LevelThresholds(), Level.LOW, now=later)
    report = library_engine().run(now=later)
    assert report.count("failed") == 0
    person_issues = [
        i for i in fake_jira.issues.values() if any("hiresentry-hs-" in lb for lb in i["fields"]["labels"])
    ]
    assert len(person_issues) == 2  # no second ticket for the changed case
    commented = [key for key in fake_jira.issues if fake_jira.comments(key)]
    assert len(commented) == 1
    assert "NET-VPN-PROXY" in fake_jira.comments(commented[0])[0]
    threads = [m for m in fake_slack.roots(CHANNEL) if fake_slack.replies(CHANNEL, m["ts"])]
    assert len(threads) == 1
    assert len(PayoutGate(store).holds()) == 2  # the existing holds stand; none doubled


def test_false_positive_closes_the_ticket_and_updates_the_message_once(
    store: Store, fake_jira: FakeJira, fake_slack: FakeSlack, library_engine: Build
) -> None:
    seed_cases(store)
    library_engine().run(now=T0)
    repo = CaseRepository(store)
    case = repo.find()[0]
    repo.judge(case.dedup_key, "false_positive", "alice", T0, reason="same household, declared")

    closing = library_engine().run(now=T0 + dt.timedelta(minutes=5))
    assert closing.count("done") == 2 and closing.count("failed") == 0
    [issue] = fake_jira.with_label(case.label)
    assert issue["fields"]["status"]["name"] == "Done"
    assert any("Judged false positive by alice" in c for c in fake_jira.comments(issue["key"]))
    root = next(m for m in fake_slack.roots(CHANNEL) if m["metadata"]["event_payload"]["dedup_key"] == case.dedup_key)
    assert [b["type"] for b in root["blocks"]][-1] == "context"  # the buttons gave way to the verdict
    assert "false positive by alice" in root["blocks"][2]["text"]["text"]
    writes = (len(fake_jira.writes), len(fake_slack.writes))
    assert library_engine().run(now=T0 + dt.timedelta(minutes=10)).outcomes == []  # the event is handled once
    assert (len(fake_jira.writes), len(fake_slack.writes)) == writes
    events = AuditLog(store).entries(dedup_key=case.dedup_key, event="playbook.decision")
    assert any("judged a false positive by alice" in e["detail"]["reason"] for e in events)


def test_a_lost_write_back_still_finds_the_ticket_and_thread(
    store: Store, fake_jira: FakeJira, fake_slack: FakeSlack, library_engine: Build
) -> None:
    """Crash between the vendor call and the outbox write-back: the next run looks up, not re-creates."""
    seed_cases(store)
    library_engine().run(now=T0)
    with store.engine.begin() as conn:
        conn.execute(update(outbox).values(status="pending", result=None, done_digest=None, done_level=None))
    again = library_engine().run(now=T0 + dt.timedelta(minutes=5))
    assert again.count("done") == 6
    assert len(fake_jira.issues) == 2
    assert len(fake_slack.roots(CHANNEL)) == 2
    assert len(PayoutGate(store).holds()) == 2
