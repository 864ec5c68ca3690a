"""The Payoneer payout hold, end to end: sync → screen → playbook → cancel in the fake → audit.

The fake is ours, built from the public documentation cited in ``connectors/payoneer/holds.py``:
``GET /reports/payee_details`` lists the payee's payouts, ``GET /payouts/{id}/status`` reads one,
``POST /payouts/{id}/cancel`` accepts a cancellation (and 400s once a payout is no longer pending).
The store is a real SQLite store; the hold runs through ``PayoutHold(PayoutGate(store), ...)``
inside the playbook engine, as the wiring builds it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy import select

from hiresentry.connectors.base import sync
from hiresentry.core.capabilities import PayoutHoldCapability
from hiresentry.core.cases.view import CaseView, RecordRef
from hiresentry.core.errors import ActionError, VendorResponseError
from hiresentry.core.gate import PayoutGate
from hiresentry.core.indicators import load_catalogue
from hiresentry.core.levels import Level, LevelThresholds
from hiresentry.core.screen import screen
from hiresentry.core.store import Store
from hiresentry.core.store.audit import AuditLog
from hiresentry.core.store.schema import payout_holds
from hiresentry.playbooks.actions.base import ActionContext
from hiresentry.playbooks.actions.payout import PayoutHold, PayoutHoldParams
from hiresentry.playbooks.engine import PlaybookEngine
from hiresentry.playbooks.schema import parse_playbook
from tests.connectors.payoneer.conftest import Make
from tests.connectors.payoneer.fake_payoneer import Clock, FakePayoneer

PENDING_1, PENDING_4 = "HS-1001-02", "HS-1004-02"


def hold_playbook() -> Any:
    data = {
        "id": "hold-payouts",
        "trigger": {"on": ["case.created", "case.updated"], "at_least": "medium"},
        "actions": [{"payout.hold": {"expires_after": "14d"}}],
        "mode": "active",
    }
    return parse_playbook(data, "test", {"payout.hold": PayoutHold.params_model})


def case_of(*payees: RecordRef) -> CaseView:
    return CaseView(
        dedup_key="hs-0000abcd",
        status="open",
        level=Level.HIGH,
        score=60,
        summary="test case",
        workers=list(payees),
        payees=list(payees),
        evidence=[],
        evidence_digest="d1",
        created_at=dt.datetime(2025, 3, 3, tzinfo=dt.UTC),
        updated_at=dt.datetime(2025, 3, 3, tzinfo=dt.UTC),
    )


def test_the_connector_is_a_hold_capability_that_declares_no_release(make: Make) -> None:
    connector = make()
    assert isinstance(connector, PayoutHoldCapability)
    assert connector.manifest.capabilities == ["payout.hold"]
    with pytest.raises(ActionError, match="cannot restore cancelled payouts"):
        connector.release(RecordRef(source="payoneer", remote_id="PYE-1001"), f"cancel:{PENDING_1}")


def test_case_hold_cancels_pending_payouts_once_and_is_audited(
    fake: FakePayoneer, make: Make, clock: Clock, store: Store
) -> None:
    # Two payees paid into one Payoneer account: the shared-payout-account indicator opens a case.
    for payee_id in ("PYE-1001", "PYE-1004"):
        fake.payees[payee_id].details["account_id"] = "3743999"
    connector = make()
    sync(connector, store)
    screen(store, load_catalogue(), LevelThresholds(), Level.LOW, now=clock())
    gate = PayoutGate(store)
    action = PayoutHold(gate, capabilities={"payoneer": connector}, clock=clock)
    engine = PlaybookEngine(store, [hold_playbook()], {"payout.hold": action})
    fake.log.clear()

    report = engine.run(now=clock())
    assert report.count("done") == 2  # one person case per payee sharing the account
    assert sorted(fake.cancels) == [PENDING_1, PENDING_4]
    assert fake.payees["PYE-1001"].payouts[1]["status"] == "Cancelled"
    assert [m for m, p, _ in fake.log if p.endswith("/cancel")] == ["POST", "POST"]
    for payee_id in ("PYE-1001", "PYE-1004"):
        assert gate.state(RecordRef(source="payoneer", remote_id=payee_id), clock()).held
    with store.engine.connect() as conn:
        refs = dict(conn.execute(select(payout_holds.c.worker_remote_id, payout_holds.c.vendor_ref)).all())
    assert refs == {"PYE-1001": f"cancel:{PENDING_1}", "PYE-1004": f"cancel:{PENDING_4}"}
    held = list(AuditLog(store).entries(event="payout.held"))
    assert sorted((e["detail"]["worker"], e["detail"]["via"]) for e in held) == [
        ("payoneer/PYE-1001", "vendor"),
        ("payoneer/PYE-1004", "vendor"),
    ]

    fake.log.clear()
    clock.advance(minutes=10)
    again = engine.run(now=clock())
    assert again.outcomes == []  # idempotent: nothing planned, no vendor call at all
    assert fake.log == [] and len(fake.cancels) == 2


def test_same_dedup_key_returns_the_first_result_and_a_new_process_never_cancels_twice(
    fake: FakePayoneer, make: Make
) -> None:
    worker = RecordRef(source="payoneer", remote_id="PYE-1001")
    connector = make()
    first = connector.hold(worker, "hs-1", "case pending review")
    assert first.vendor_ref == f"cancel:{PENDING_1}"
    assert "asynchronously" in first.description and "cannot be restored" in first.description
    fake.log.clear()
    assert connector.hold(worker, "hs-1", "case pending review") == first
    assert fake.log == []
    # Another process (no memory of the first hold) finds the payout cancelled: no second cancel.
    later = make().hold(worker, "hs-1", "case pending review")
    assert fake.cancels == [PENDING_1]
    assert later.vendor_ref == "" and "nothing to cancel" in later.description
    assert not [p for _, p, _ in fake.log if p.endswith("/cancel")]


def test_an_already_processed_payout_is_refused_clearly_and_the_gate_holds(
    fake: FakePayoneer, make: Make, clock: Clock, store: Store
) -> None:
    fake.payees["PYE-1001"].payouts[1]["status"] = "Transferred"  # paid before the case came up
    worker = RecordRef(source="payoneer", remote_id="PYE-1001")
    result = make().hold(worker, "hs-2", "case pending review")
    assert result.vendor_ref == ""
    assert result.description == (
        "nothing to cancel: payoneer/PYE-1001 has no pending Payoneer payout; "
        f"not cancellable (no longer pending): HS-1001-01 (Transferred), {PENDING_1} (Transferred)"
    )
    assert fake.cancels == []
    # Through the payout action: no vendor hold, so hiresentry's gate holds and a person is told what to do.
    connector = make()
    audit: list[tuple[str, dict[str, Any]]] = []
    ctx = ActionContext(case_of(worker), "pb", "a1", None, None, lambda e, d: audit.append((e, d)))
    action = PayoutHold(
        PayoutGate(store),
        {"payoneer": connector},
        clock=clock,
        manual_tasks={"payoneer": connector.manifest.manual_hold.task_text},
    )
    out = action.execute(ctx, PayoutHoldParams())
    via = {ref: h["via"] for ref, h in out["holds"].items()}
    assert via == {"payoneer/PYE-1001": "gate"}  # nothing left to stop at the vendor: the gate holds
    assert "Payoneer can cancel a payout only while it is pending" in out["human_task_text"]["payoneer/PYE-1001"]
    assert audit == [("payout.held", audit[0][1])] and audit[0][1]["via"] == "gate"
    assert PayoutGate(store).state(worker, clock()).held


def test_a_payout_processed_between_status_and_cancel_is_reported_not_held(fake: FakePayoneer, make: Make) -> None:
    def transferred_meanwhile(reference: str) -> None:
        fake.payout(reference)[1]["status"] = "Transferred"  # type: ignore[index]

    fake.before_cancel = transferred_meanwhile
    result = make().hold(RecordRef(source="payoneer", remote_id="PYE-1001"), "hs-3", "r")
    assert result.vendor_ref == "" and f"{PENDING_1} (already Transferred)" in result.description
    assert fake.cancels == []


def test_a_cancel_refused_while_still_pending_is_an_error(fake: FakePayoneer, make: Make) -> None:
    fake.fail(f"/payouts/{PENDING_1}/cancel", 400)
    with pytest.raises(VendorResponseError, match=f"refused to cancel pending payout {PENDING_1} \\(400: injected"):
        make().hold(RecordRef(source="payoneer", remote_id="PYE-1001"), "hs-3", "r")
    assert fake.cancels == []


def test_unknown_payee_and_foreign_record_are_errors(make: Make) -> None:
    with pytest.raises(VendorResponseError, match="payee PYE-9999 is unknown to this Payoneer program"):
        make().hold(RecordRef(source="payoneer", remote_id="PYE-9999"), "hs-4", "r")
    with pytest.raises(ValueError, match="not a record of source 'payoneer'"):
        make().hold(RecordRef(source="deel", remote_id="PYE-1001"), "hs-4", "r")
