"""Jira 429/503 with Retry-After and Slack 429 bursts, through the engine: the actions complete after
the waits, nothing is duplicated, and every attempt and wait is in the audit log.

Jira and Slack are the stateful fakes (``tests/fakes``) answering the injected faults with real
``Retry-After`` headers to the real ``jira`` and ``slack_sdk`` clients; waits are not slept: Slack's
rate-limit handler gets a recording sleep, the jira session's ``max_retry_delay`` is 0, and the
outbox's own waits are checked with the engine's injected clock.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from hiresentry.core.store import Store
from hiresentry.core.store.audit import AuditLog
from hiresentry.playbooks.engine import PlaybookEngine
from tests.fakes.jira import FakeJira
from tests.fakes.slack import FakeSlack
from tests.playbooks.conftest import T0, seed_cases

CHANNEL = "C0RISK00001"
Build = Callable[..., PlaybookEngine]


def test_jira_throttling_within_the_clients_retries_is_waited_out_and_audited(
    store: Store, fake_jira: FakeJira, library_engine: Build
) -> None:
    seed_cases(store)
    fake_jira.fail_next(1, status=429, retry_after="7", method="POST", path="^issue$")
    fake_jira.fail_next(1, status=503, retry_after="7", method="POST", path="^issue$")
    report = library_engine().run(now=T0)
    assert report.count("failed") == 0 and report.count("retry") == 0
    assert len(fake_jira.issues) == 2
    throttled = AuditLog(store).entries(event="jira.throttled")
    assert [(e["detail"]["status"], e["detail"]["retry_after"]) for e in throttled] == [(429, "7"), (503, "7")]


def test_jira_outage_past_the_retries_waits_for_retry_after_then_completes_once(
    store: Store, fake_jira: FakeJira, library_engine: Build
) -> None:
    seed_cases(store)
    fake_jira.fail_next(8, status=503, retry_after="120", path="^search$")  # 2 x (1 + 3 retries)
    first = library_engine().run(now=T0)
    assert first.count("retry") == 2
    assert fake_jira.issues == {}
    retries = AuditLog(store).entries(event="action.retry")
    assert {e["detail"]["not_before"] for e in retries} == {(T0 + dt.timedelta(seconds=120)).isoformat()}
    assert library_engine().run(now=T0 + dt.timedelta(seconds=60)).outcomes == []  # Retry-After honoured
    later = library_engine().run(now=T0 + dt.timedelta(seconds=121))
    assert [o.outcome for o in later.outcomes] == ["done", "done"]
    assert len(fake_jira.issues) == 2
    attempts = [
        e for e in AuditLog(store).entries(event="action.attempt") if e["detail"]["action"] == "jira.ensure_ticket"
    ]
    assert sorted(e["detail"]["attempt"] for e in attempts) == [1, 1, 2, 2]
    assert len(AuditLog(store).entries(event="jira.throttled")) == 8


def test_slack_429_burst_is_waited_out_per_retry_after_without_a_second_message(
    store: Store, fake_slack: FakeSlack, library_engine: Build
) -> None:
    seed_cases(store)
    waits: list[float] = []
    fake_slack.fail_next(2, status=429, retry_after="3", method="chat.postMessage")
    report = library_engine(sleeps=waits).run(now=T0)
    assert report.count("failed") == 0 and report.count("retry") == 0
    assert waits == [3.0, 3.0]
    assert len(fake_slack.roots(CHANNEL)) == 2
    throttled = AuditLog(store).entries(event="slack.throttled")
    assert [e["detail"]["retry_after"] for e in throttled] == [3.0, 3.0]


def test_slack_burst_past_the_retries_waits_in_the_outbox_then_posts_once(
    store: Store, fake_slack: FakeSlack, library_engine: Build
) -> None:
    seed_cases(store)
    waits: list[float] = []
    fake_slack.fail_next(3, status=429, retry_after="30", method="chat.postMessage")  # rate_limit_retries is 2
    first = library_engine(sleeps=waits).run(now=T0)
    assert first.count("retry") == 1 and first.count("done") == 5
    assert waits == [30.0, 30.0]
    assert len(fake_slack.roots(CHANNEL)) == 1
    assert library_engine(sleeps=waits).run(now=T0 + dt.timedelta(seconds=20)).outcomes == []
    later = library_engine(sleeps=waits).run(now=T0 + dt.timedelta(seconds=31))
    assert [o.outcome for o in later.outcomes] == ["done"]
    assert len(fake_slack.roots(CHANNEL)) == 2  # one per case, none doubled
