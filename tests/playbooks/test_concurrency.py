"""Ten engines on one case at once (threads, then forked processes), and a process SIGKILLed between
creating the ticket and writing it back: still exactly one ticket, one Slack thread, one hold.

Real SQLite store (one file shared by all engines), real ``jira`` and ``slack_sdk`` clients against
the stateful fakes of ``tests/fakes`` (pytest-httpserver, in this process; the children reach it
over HTTP). The processes are forked (``multiprocessing`` fork context) so they start in
milliseconds; each opens its own store, as separate hosts would.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
import signal
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from hiresentry.core.cases import CaseRepository, CaseView
from hiresentry.core.gate import PayoutGate
from hiresentry.core.keys import LinkKeyHasher
from hiresentry.core.store import Store, sqlite_url
from hiresentry.core.store.audit import AuditLog
from hiresentry.playbooks.actions.base import ActionContext
from hiresentry.playbooks.actions.jira import EnsureTicket, EnsureTicketParams, JiraSettings
from hiresentry.playbooks.actions.payout import PayoutHold
from hiresentry.playbooks.actions.slack import Escalate, SlackSettings
from hiresentry.playbooks.engine import PlaybookEngine
from hiresentry.playbooks.outbox import Outbox
from hiresentry.playbooks.registry import load_playbooks
from tests.fakes.jira import FakeJira
from tests.fakes.slack import FakeSlack
from tests.playbooks.conftest import T0, seed_cases

ENGINES = 10
CHANNEL = "C0RISK00001"
HOLD_PLAYBOOK = "hold-payouts-on-critical-evidence"
FORK = multiprocessing.get_context("fork")


def _engine(
    store: Store, jira: JiraSettings, slack: SlackSettings, jira_action: EnsureTicket | None = None
) -> PlaybookEngine:
    playbooks = [p for p in load_playbooks(["builtin"]) if p.id == HOLD_PLAYBOOK]
    actions = {
        "jira.ensure_ticket": jira_action or EnsureTicket(jira),
        "slack.escalate": Escalate(slack, sleep=lambda _s: None),
        "payout.hold": PayoutHold(PayoutGate(store)),
    }
    return PlaybookEngine(store, playbooks, actions, mode_override="active")


def _one_case(store: Store) -> CaseView:
    return next(c for c in CaseRepository(store).find() if c.payees and c.amounts_due)


def _assert_exactly_once(store: Store, case: CaseView, fake_jira: FakeJira, fake_slack: FakeSlack) -> None:
    assert len(fake_jira.with_label(case.label)) == 1
    roots = [m for m in fake_slack.roots(CHANNEL) if m["metadata"]["event_payload"]["dedup_key"] == case.dedup_key]
    assert len(roots) == 1
    assert len(PayoutGate(store).holds(case.dedup_key)) == 1
    audit = AuditLog(store)
    assert len(audit.entries(case.dedup_key, "jira.create")) == 1
    assert len(audit.entries(case.dedup_key, "slack.post")) == 1
    assert len(audit.entries(case.dedup_key, "hold.opened")) == 1
    assert len(audit.entries(case.dedup_key, "action.done")) == 3
    assert {i.status for i in Outbox(store).all() if i.dedup_key == case.dedup_key} == {"done"}


def test_ten_threads_on_one_case_make_one_of_each(
    store: Store, fake_jira: FakeJira, fake_slack: FakeSlack, jira_settings: JiraSettings, slack_settings: SlackSettings
) -> None:
    seed_cases(store)
    case = _one_case(store)
    start = threading.Barrier(ENGINES)
    errors: list[BaseException] = []

    def run() -> None:
        try:
            engine = _engine(store, jira_settings, slack_settings)
            start.wait()
            engine.run(cases=[case], now=T0)
        except BaseException as exc:  # surfaced below
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(ENGINES)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    _assert_exactly_once(store, case, fake_jira, fake_slack)


def _child(db: Path, hasher: LinkKeyHasher, jira: JiraSettings, slack: SlackSettings, start: Any, done: Any) -> None:
    store = Store.open(sqlite_url(db), hasher)
    case = _one_case(store)
    engine = _engine(store, jira, slack)
    start.wait()
    report = engine.run(cases=[case], now=T0)
    done.put(sorted(o.outcome for o in report.outcomes))
    store.close()


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_ten_processes_on_one_case_make_one_of_each(
    store: Store,
    store_path: Path,
    hasher: LinkKeyHasher,
    fake_jira: FakeJira,
    fake_slack: FakeSlack,
    jira_settings: JiraSettings,
    slack_settings: SlackSettings,
) -> None:
    seed_cases(store)
    case = _one_case(store)
    store.engine.dispose()  # no pooled SQLite connection crosses a fork
    start, done = FORK.Barrier(ENGINES), FORK.Queue()
    children = [
        FORK.Process(target=_child, args=(store_path, hasher, jira_settings, slack_settings, start, done))
        for _ in range(ENGINES)
    ]
    for child in children:
        child.start()
    outcomes = [done.get(timeout=120) for _ in children]
    for child in children:
        child.join(timeout=60)
        assert child.exitcode == 0
    assert sorted(o for run in outcomes for o in run) == ["done", "done", "done"]  # each action ran once, somewhere
    _assert_exactly_once(store, case, fake_jira, fake_slack)


class _DiesAfterCreating(EnsureTicket):
    """Creates the ticket for real, tells the parent, then waits to be killed (never writes back)."""

    def __init__(self, settings: JiraSettings, created: Any) -> None:
        super().__init__(settings)
        self.created = created

    def execute(self, ctx: ActionContext, params: EnsureTicketParams) -> dict[str, Any]:
        result = super().execute(ctx, params)
        self.created.set()
        threading.Event().wait(120)  # SIGKILL arrives here
        return result


def _doomed(db: Path, hasher: LinkKeyHasher, jira: JiraSettings, slack: SlackSettings, created: Any) -> None:
    store = Store.open(sqlite_url(db), hasher)
    engine = _engine(store, jira, slack, _DiesAfterCreating(jira, created))
    engine.run(cases=[_one_case(store)], now=T0)


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_sigkill_after_the_ticket_before_the_write_back_makes_no_second_ticket(
    store: Store,
    store_path: Path,
    hasher: LinkKeyHasher,
    fake_jira: FakeJira,
    fake_slack: FakeSlack,
    jira_settings: JiraSettings,
    slack_settings: SlackSettings,
) -> None:
    seed_cases(store)
    case = _one_case(store)
    store.engine.dispose()
    created = FORK.Event()
    child = FORK.Process(target=_doomed, args=(store_path, hasher, jira_settings, slack_settings, created))
    child.start()
    assert created.wait(timeout=120)
    assert child.pid is not None
    os.kill(child.pid, signal.SIGKILL)
    child.join(timeout=30)
    assert child.exitcode == -signal.SIGKILL
    assert len(fake_jira.with_label(case.label)) == 1
    [row] = [i for i in Outbox(store).all() if i.action == "jira.ensure_ticket" and i.dedup_key == case.dedup_key]
    assert row.status == "running" and row.result is None  # the write-back never happened

    engine: Callable[[], PlaybookEngine] = lambda: _engine(store, jira_settings, slack_settings)  # noqa: E731
    early = engine().run(cases=[case], now=T0 + dt.timedelta(minutes=1))
    assert all(o.action != "jira.ensure_ticket" for o in early.outcomes)  # the dead engine's lease still holds
    late = engine().run(cases=[case], now=T0 + dt.timedelta(minutes=11))  # lease expired: reclaimed
    assert [o.outcome for o in late.outcomes if o.action == "jira.ensure_ticket"] == ["done"]
    assert len(fake_jira.with_label(case.label)) == 1
    lookups = AuditLog(store).entries(case.dedup_key, "jira.lookup")
    assert lookups[-1]["detail"]["issue_keys"] == [fake_jira.with_label(case.label)[0]["key"]]
    assert (
        Outbox(store).get(case.dedup_key, row.action_id).result["issue_key"] == lookups[-1]["detail"]["issue_keys"][0]
    )  # type: ignore[index]
