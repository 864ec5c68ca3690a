"""Screen → cases → the shipped triage playbook, active, against the stateful Jira and Slack fakes.

Real store (SQLite), real risk core, real ``jira`` and ``slack_sdk`` clients; Jira and Slack are the
stateful local fakes in ``tests/fakes`` speaking REST v2 and the Web API wire formats.
"""

from __future__ import annotations

import datetime as dt

from hiresentry.core.gate import PayoutGate
from hiresentry.core.indicators import load_catalogue
from hiresentry.core.levels import Level, LevelThresholds
from hiresentry.core.model import AccessEvent, PayoutAccount, Worker
from hiresentry.core.screen import screen
from hiresentry.core.store import Store
from hiresentry.core.store.audit import AuditLog
from hiresentry.playbooks.actions.jira import EnsureTicket, JiraSettings
from hiresentry.playbooks.actions.payout import PayoutHold
from hiresentry.playbooks.actions.slack import Escalate, SlackSettings
from hiresentry.playbooks.engine import PlaybookEngine
from hiresentry.playbooks.registry import load_playbooks
from tests.fakes.jira import FakeJira
from tests.fakes.slack import FakeSlack

NOW = dt.datetime(2025, 11, 20, tzinfo=dt.UTC)  # before the Slack fake's clock, as real cases precede their messages
IBAN = "DE89 3704 0044 0532 0130 00"
CHANNEL = "C0RISK00001"


def seed(store: Store) -> None:
    store.ingest(
        [
            Worker(source="payroll", remote_id="A", legal_name="Daniel Park"),
            Worker(source="payroll", remote_id="B", legal_name="Ethan Brooks"),
            PayoutAccount(source="payroll", remote_id="PA", worker_remote_id="A", method="bank", iban=IBAN),
            PayoutAccount(source="payroll", remote_id="PB", worker_remote_id="B", method="bank", iban=IBAN),
        ]
    )
    screen(store, load_catalogue(), LevelThresholds(), Level.LOW, now=NOW)


def engine(store: Store, jira_settings: JiraSettings, slack_settings: SlackSettings) -> PlaybookEngine:
    triage = [p for p in load_playbooks(["builtin"]) if p.id == "contractor-risk-triage"]
    triage = [
        p.model_copy(
            update={
                "actions": [
                    *p.actions[:1],
                    p.actions[1].model_copy(
                        update={"params": p.actions[1].params.model_copy(update={"channel": CHANNEL})}
                    ),
                ]
            }
        )
        for p in triage
    ]
    actions = {
        "jira.ensure_ticket": EnsureTicket(jira_settings),
        "slack.escalate": Escalate(slack_settings),
        "payout.hold": PayoutHold(PayoutGate(store)),
    }
    return PlaybookEngine(store, triage, actions, mode_override="active")


def test_running_the_playbook_twice_makes_one_ticket_and_one_thread_per_case(
    store: Store, fake_jira: FakeJira, fake_slack: FakeSlack, jira_settings: JiraSettings, slack_settings: SlackSettings
) -> None:
    seed(store)
    first = engine(store, jira_settings, slack_settings).run(now=NOW)
    assert first.count("done") == 4 and first.count("failed") == 0  # 2 cases x (ticket + message)
    assert len(fake_jira.issues) == 2
    assert len(fake_slack.roots(CHANNEL)) == 2
    writes = (len(fake_jira.writes), len(fake_slack.writes))

    second = engine(store, jira_settings, slack_settings).run(now=NOW + dt.timedelta(minutes=10))
    assert second.outcomes == []
    assert (len(fake_jira.writes), len(fake_slack.writes)) == writes
    for issue in fake_jira.issues.values():
        labels = issue["fields"]["labels"]
        assert any(label.startswith("hiresentry-hs-") for label in labels)
        assert "DE••••••3000" in issue["fields"]["description"]
        assert "3704 0044" not in issue["fields"]["description"]


def test_new_evidence_comments_and_replies_instead_of_opening_new_ones(
    store: Store, fake_jira: FakeJira, fake_slack: FakeSlack, jira_settings: JiraSettings, slack_settings: SlackSettings
) -> None:
    seed(store)
    engine(store, jira_settings, slack_settings).run(now=NOW)
    sign_in = AccessEvent(source="payroll", remote_id="S1", worker_remote_id="A", time=NOW, vpn_provider="Astrill VPN")
    store.ingest([sign_in])
    screen(store, load_catalogue(), LevelThresholds(), Level.LOW, now=NOW + dt.timedelta(hours=1))
    report = engine(store, jira_settings, slack_settings).run(now=NOW + dt.timedelta(hours=1))
    # the changed person case is updated (comment + reply); the now-escalated network gets its own
    assert report.count("done") == 4
    network = [
        i for i in fake_jira.issues.values() if any(lb.startswith("hiresentry-hn-") for lb in i["fields"]["labels"])
    ]
    assert len(network) == 1
    assert len(fake_jira.issues) == 3
    assert len(fake_slack.roots(CHANNEL)) == 3
    commented = [key for key in fake_jira.issues if fake_jira.comments(key)]
    assert len(commented) == 1
    assert "NET-VPN-PROXY" in fake_jira.comments(commented[0])[0]
    threads = [m for m in fake_slack.roots(CHANNEL) if fake_slack.replies(CHANNEL, m["ts"])]
    assert len(threads) == 1
    events = [e["event"] for e in AuditLog(store).entries()]
    assert events.count("action.done") == 8


def test_a_lost_write_back_still_finds_the_ticket_and_thread(
    store: Store, fake_jira: FakeJira, fake_slack: FakeSlack, jira_settings: JiraSettings, slack_settings: SlackSettings
) -> None:
    """Crash between the vendor call and the outbox write-back: the next run looks up, not re-creates."""
    seed(store)
    engine(store, jira_settings, slack_settings).run(now=NOW)
    from sqlalchemy import update

    from hiresentry.core.store.schema import outbox

    with store.engine.begin() as conn:
        conn.execute(update(outbox).values(status="pending", result=None, done_digest=None, done_level=None))
    again = engine(store, jira_settings, slack_settings).run(now=NOW + dt.timedelta(minutes=5))
    assert again.count("done") == 4
    assert len(fake_jira.issues) == 2
    assert len(fake_slack.roots(CHANNEL)) == 2
