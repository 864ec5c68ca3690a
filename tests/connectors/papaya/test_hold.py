"""The Papaya payout hold and release, end to end: sync → screen → playbook → un-approve → audit.

The fake is ours, built from the public documentation cited in ``connectors/papaya/holds.py``: the
open payments are listed with ``filters.status``, ``DELETE /payments/payments/approve?id=`` withdraws
approval, ``PATCH`` on the same path approves again, ``POST /payments/payments/cancel`` cancels;
only ``PENDING`` payments accept any of these. The store is a real SQLite store; the hold runs
through ``PayoutHold(PayoutGate(store), ...)`` inside the playbook engine, as the wiring builds it.
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
from tests.connectors.papaya.conftest import Make
from tests.connectors.papaya.fake_papaya import Clock, FakePapaya


def ref(fake: FakePapaya, i: int) -> RecordRef:
    return RecordRef(source="papaya", remote_id=fake.beneficiary_id(i))


def pending_id(fake: FakePapaya, i: int) -> str:
    return str(fake.payments_to(i, "PENDING")[0]["id"])


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
        dedup_key="hs-0000beef",
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


def test_the_connector_declares_hold_and_release(make: Make) -> None:
    connector = make()
    assert isinstance(connector, PayoutHoldCapability)
    assert connector.manifest.capabilities == ["payout.hold", "payout.release"]


def test_case_hold_unapproves_pending_payments_once_and_is_audited(
    fake: FakePapaya, make: Make, clock: Clock, store: Store
) -> None:
    # Two beneficiaries paid into one bank account: the shared-payout-account indicator opens a case each.
    fake.beneficiaries[fake.beneficiary_id(4)]["bank_details"] = dict(
        fake.beneficiaries[fake.beneficiary_id(1)]["bank_details"], account_name="Given4 Family4"
    )
    connector = make()
    sync(connector, store)
    screen(store, load_catalogue(), LevelThresholds(), Level.LOW, now=clock())
    gate = PayoutGate(store)
    engine = PlaybookEngine(
        store, [hold_playbook()], {"payout.hold": PayoutHold(gate, {"papaya": connector}, clock=clock)}
    )
    fake.log.clear()

    report = engine.run(now=clock())
    assert report.count("done") == 2
    one, four = pending_id(fake, 1), pending_id(fake, 4)
    assert sorted(fake.actions) == sorted([("unapprove", one), ("unapprove", four)])
    assert fake.payment(one)["approved"] is False  # type: ignore[index]
    assert fake.requests_to("/payments/payments")[0]["filters.status"] == [
        "PENDING",
        "PROCESSING",
        "PROCESSED",
        "PARTIAL",
    ]
    with store.engine.connect() as conn:
        refs = dict(conn.execute(select(payout_holds.c.worker_remote_id, payout_holds.c.vendor_ref)).all())
    assert refs == {fake.beneficiary_id(1): f"unapprove:{one}", fake.beneficiary_id(4): f"unapprove:{four}"}
    held = list(AuditLog(store).entries(event="payout.held"))
    assert sorted(e["detail"]["via"] for e in held) == ["vendor", "vendor"]
    assert all(gate.state(ref(fake, i), clock()).held for i in (1, 4))

    fake.log.clear()
    again = engine.run(now=clock() + dt.timedelta(minutes=10))
    assert again.outcomes == [] and fake.log == []  # idempotent: no second vendor call

    # Release approves exactly what the hold un-approved, and nothing else.
    connector.release(ref(fake, 1), refs[fake.beneficiary_id(1)])
    assert fake.actions[-1] == ("approve", one) and fake.payment(one)["approved"] is True  # type: ignore[index]
    assert fake.payment(four)["approved"] is False  # type: ignore[index]


def test_same_dedup_key_same_result_and_a_new_process_never_unapproves_twice(fake: FakePapaya, make: Make) -> None:
    connector = make()
    first = connector.hold(ref(fake, 1), "hs-1", "case pending review")
    assert first.vendor_ref == f"unapprove:{pending_id(fake, 1)}"
    assert "releasing the hold approves them again" in first.description
    fake.log.clear()
    assert connector.hold(ref(fake, 1), "hs-1", "case pending review") == first and fake.log == []
    later = make().hold(ref(fake, 1), "hs-1", "case pending review")
    assert [a for a, _ in fake.actions] == ["unapprove"]
    assert later.vendor_ref == "" and "pending but not approved" in later.description


def test_payments_already_with_the_bank_are_refused_clearly_and_the_gate_holds(
    fake: FakePapaya, make: Make, clock: Clock, store: Store
) -> None:
    processing = str(fake.payments_to(3, "PROCESSING")[0]["id"])
    result = make().hold(ref(fake, 3), "hs-2", "case pending review")
    assert result == result.__class__(
        vendor_ref="",
        description=(
            f"nothing to stop: papaya/{fake.beneficiary_id(3)} has no pending, approved Papaya payment; "
            f"not stoppable (no longer pending): {processing} (PROCESSING)"
        ),
    )
    assert fake.actions == []
    connector = make()
    audit: list[tuple[str, dict[str, Any]]] = []
    ctx = ActionContext(case_of(ref(fake, 3)), "pb", "a1", None, None, lambda e, d: audit.append((e, d)))
    manual = connector.manifest.manual_hold
    assert manual is not None
    action = PayoutHold(
        PayoutGate(store), {"papaya": connector}, clock=clock, manual_tasks={"papaya": manual.task_text}
    )
    out = action.execute(ctx, PayoutHoldParams())
    via = {ref: h["via"] for ref, h in out["holds"].items()}
    assert via == {f"papaya/{fake.beneficiary_id(3)}": "gate"}  # nothing left to stop at the vendor: the gate holds
    assert "Lock the pay cycle's payment group" in out["human_task_text"][f"papaya/{fake.beneficiary_id(3)}"]
    assert audit[0][0] == "payout.held" and audit[0][1]["via"] == "gate"
    assert PayoutGate(store).state(ref(fake, 3), clock()).held


def test_an_unapproved_pending_payment_is_left_alone(fake: FakePapaya, make: Make) -> None:
    result = make().hold(ref(fake, 2), "hs-3", "r")
    assert result.vendor_ref == "" and f"cannot execute; left as is): {pending_id(fake, 2)}" in result.description
    assert fake.actions == []


def test_a_payment_executed_between_listing_and_unapproval_is_reported_not_held(fake: FakePapaya, make: Make) -> None:
    one = pending_id(fake, 1)

    def executed_meanwhile(action: str, payment_id: str) -> None:
        fake.payment(payment_id)["info"]["status"] = "PROCESSING"  # type: ignore[index]

    fake.before_action = executed_meanwhile
    result = make().hold(ref(fake, 1), "hs-4", "r")
    assert result.vendor_ref == "" and f"{one} (already PROCESSING)" in result.description
    assert fake.actions == []


def test_a_refusal_while_still_pending_is_an_error(fake: FakePapaya, make: Make) -> None:
    fake.fail("/payments/payments/approve", 409, method="DELETE")
    with pytest.raises(VendorResponseError, match=f"refused to unapprove pending payment {pending_id(fake, 1)} \\(409"):
        make().hold(ref(fake, 1), "hs-5", "r")


def test_cancel_mode_cancels_and_cannot_be_released(fake: FakePapaya, make: Make) -> None:
    connector = make(hold_action="cancel")
    one = pending_id(fake, 1)
    result = connector.hold(ref(fake, 1), "hs-6", "hiresentry case hs-6 pending review")
    assert result.vendor_ref == f"cancel:{one}"
    assert fake.payment(one)["info"]["status"] == "CANCELLED"  # type: ignore[index]
    assert fake.payment(one)["cancel_reason"] == "hiresentry case hs-6 pending review"  # type: ignore[index]
    with pytest.raises(ActionError, match="cannot restore cancelled payments"):
        connector.release(ref(fake, 1), result.vendor_ref)


def test_release_leaves_payments_that_moved_on(fake: FakePapaya, make: Make) -> None:
    connector = make()
    one = pending_id(fake, 1)
    held = connector.hold(ref(fake, 1), "hs-7", "r")
    fake.payment(one)["info"]["status"] = "CANCELLED"  # type: ignore[index]  # someone cancelled it in Papaya
    connector.release(ref(fake, 1), held.vendor_ref)
    assert fake.actions == [("unapprove", one)]  # no approval of a payment that is no longer pending
    connector.release(ref(fake, 1), "")  # nothing was held at the vendor: nothing to do
    with pytest.raises(ValueError, match="not a Papaya hold reference"):
        connector.release(ref(fake, 1), "pause:x")
    with pytest.raises(ValueError, match="not a record of source 'papaya'"):
        connector.hold(RecordRef(source="deel", remote_id="x"), "hs-7", "r")
