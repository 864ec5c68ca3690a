"""Payout holds: a failing vendor leaves them pending (never "held"), two distinct approvers release,
expiry re-escalates with an injected clock, renewal voids approvals.

Real SQLite store and payout gate; the vendor's hold API is an in-memory capability
(``FakeHoldCapability`` in conftest: the capability interface is ours, the vendors' own APIs are
tested in their connectors); Jira and Slack are the stateful fakes, through the real clients.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest

from hiresentry.core.cases import CaseRepository
from hiresentry.core.cases.view import RecordRef
from hiresentry.core.errors import ApprovalRefusedError
from hiresentry.core.gate import PayoutGate
from hiresentry.core.store import Store
from hiresentry.core.store.audit import AuditLog
from hiresentry.playbooks.engine import PlaybookEngine
from hiresentry.playbooks.holds import HoldService
from hiresentry.playbooks.outbox import Outbox
from hiresentry.playbooks.render_state import hold_line
from tests.fakes.jira import FakeJira
from tests.fakes.slack import FakeSlack
from tests.playbooks.conftest import APPROVALS, T0, FakeHoldCapability, seed_cases

CHANNEL = "C0RISK00001"
Build = Callable[..., PlaybookEngine]


def test_a_failing_vendor_hold_stays_pending_visible_and_retried(
    store: Store, fake_jira: FakeJira, fake_slack: FakeSlack, library_engine: Build
) -> None:
    seed_cases(store)
    vendor = FakeHoldCapability(failures=2)
    engine = library_engine({"payroll": vendor})
    gate = PayoutGate(store)

    first = engine.run(now=T0)
    assert first.count("retry") == 2  # both payees' holds
    holds = gate.holds()
    assert [h.status for h in holds] == ["pending", "pending"]
    assert all("503" in (h.last_error or "") for h in holds)
    assert all(gate.state(h.worker, T0).held for h in holds)  # never pay while unsure
    assert all("PENDING" in hold_line(h) and "held via" not in hold_line(h) for h in holds)
    rows = [i for i in Outbox(store).all() if i.action == "payout.hold"]
    assert all(i.status == "pending" and i.result is None for i in rows)  # no result says "held"
    roots = fake_slack.roots(CHANNEL)
    assert all("PENDING" in r["blocks"][2]["text"]["text"] for r in roots)  # the message says pending too

    assert engine.run(now=T0 + dt.timedelta(seconds=10)).count("retry") == 0  # backing off
    engine.run(now=T0 + dt.timedelta(seconds=31))  # the vendor is back after two failures
    assert [h.status for h in gate.holds()] == ["held", "held"]
    assert sorted(h.vendor_ref or "" for h in gate.holds()) == ["vh-1", "vh-2"]
    assert len(vendor.holds) == 2  # retried, never doubled
    assert len(AuditLog(store).entries(event="hold.held")) == 2


def test_release_needs_two_distinct_allow_listed_approvers(store: Store) -> None:
    seed_cases(store)
    vendor = FakeHoldCapability()
    service = HoldService(PayoutGate(store), {"payroll": vendor}, APPROVALS)
    worker = RecordRef(source="payroll", remote_id="A")
    hold = service.place(worker, "hs-x", "test", T0, T0 + dt.timedelta(days=14))
    assert hold.status == "held" and hold.via == "vendor"

    with pytest.raises(ApprovalRefusedError, match="not an allow-listed approver"):
        service.approve_release(hold.id, "mallory", "cli", T0)
    first = service.approve_release(hold.id, "alice", "slack", T0)
    assert first.status == "release_requested" and [a.actor for a in first.approvals] == ["alice"]
    assert service.gate.state(worker, T0).held  # one approval releases nothing
    with pytest.raises(ApprovalRefusedError, match="alice already approved"):
        service.approve_release(hold.id, "alice", "cli", T0)  # the same person through another channel
    released = service.approve_release(hold.id, "bob", "cli", T0)
    assert released.status == "released"
    assert vendor.released == [hold.vendor_ref]
    assert not service.gate.state(worker, T0).held
    with pytest.raises(ApprovalRefusedError, match="released"):
        service.approve_release(hold.id, "alice", "cli", T0)
    audit = AuditLog(store)
    assert [e["actor"] for e in audit.entries(event="hold.release_approved")] == ["alice", "bob"]
    assert len(audit.entries(event="hold.released")) == 1


def test_a_failed_vendor_release_stays_releasing_and_is_retried(store: Store) -> None:
    vendor = FakeHoldCapability()
    service = HoldService(PayoutGate(store), {"payroll": vendor}, APPROVALS)
    worker = RecordRef(source="payroll", remote_id="A")
    hold = service.place(worker, "hs-x", "test", T0, None)

    def broken(_worker: RecordRef, _ref: str) -> None:
        raise ConnectionError("vendor down")

    vendor.release = broken  # type: ignore[method-assign]
    service.approve_release(hold.id, "alice", "cli", T0)
    stuck = service.approve_release(hold.id, "bob", "cli", T0)
    assert stuck.status == "releasing" and "ConnectionError" in (stuck.last_error or "")
    del vendor.release  # back to the class method
    service.sweep(T0 + dt.timedelta(minutes=1))
    assert service.gate.get(hold.id).status == "released"  # type: ignore[union-attr]
    assert vendor.released == [hold.vendor_ref]


def test_expiry_re_escalates_once_and_renewal_voids_approvals(
    store: Store, fake_jira: FakeJira, fake_slack: FakeSlack, library_engine: Build
) -> None:
    seed_cases(store)
    engine = library_engine()
    engine.run(now=T0)
    gate = PayoutGate(store)
    hold = gate.holds()[0]
    case = CaseRepository(store).get(hold.dedup_key)
    assert case is not None
    [issue] = fake_jira.with_label(case.label)
    service = engine.holds
    service.approve_release(hold.id, "alice", "cli", T0)

    warned = engine.run(now=T0 + dt.timedelta(days=12, hours=1))  # two days before expiry
    assert ("hold.expiring", hold.id) in warned.hold_events
    assert any("renew it or release it" in c for c in fake_jira.comments(issue["key"]))
    assert engine.run(now=T0 + dt.timedelta(days=12, hours=2)).outcomes == []  # warned once

    expired = engine.run(now=T0 + dt.timedelta(days=14, minutes=1))
    assert ("hold.expired", hold.id) in expired.hold_events
    assert gate.get(hold.id).status == "expired"  # type: ignore[union-attr]
    assert not gate.state(hold.worker, T0 + dt.timedelta(days=14, minutes=1)).held
    assert any("EXPIRED" in c for c in fake_jira.comments(issue["key"]))
    root = next(m for m in fake_slack.roots(CHANNEL) if m["metadata"]["event_payload"]["dedup_key"] == case.dedup_key)
    replies = [r["text"] for r in fake_slack.replies(CHANNEL, root["ts"])]
    assert sum("EXPIRED" in r for r in replies) == 1 and sum("renew it or release it" in r for r in replies) == 1
    assert engine.run(now=T0 + dt.timedelta(days=14, minutes=5)).outcomes == []  # re-escalated once

    with pytest.raises(ApprovalRefusedError):
        service.renew(hold.id, "mallory", T0 + dt.timedelta(days=15))
    renewed = service.renew(hold.id, "bob", T0 + dt.timedelta(days=15))
    assert renewed.status == "held" and renewed.round == 1 and renewed.approvals == []
    assert renewed.expires_at == T0 + dt.timedelta(days=29)
    assert gate.state(hold.worker, T0 + dt.timedelta(days=15)).held
