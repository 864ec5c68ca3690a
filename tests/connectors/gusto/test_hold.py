"""Gusto's payout hold end to end: the ``payout.hold`` action, the connector's capability, our fake.

The fake (``fake_gusto.py``) is **our own stateful fixture** in Gusto's wire format: it lists
contractor payments grouped by contractor, answers single payments with their current
``may_cancel``, deletes a payment on ``DELETE`` (204) and refuses with 422 once a payment is
processing, as Gusto documents. The action is the real ``PayoutHold`` over the real payout gate in
the SQLite store; Gusto's own request contract for the same calls is checked in
``test_contract_prism.py``.
"""

from __future__ import annotations

from typing import Any

import pytest

from hiresentry.connectors.base.token_store import MemoryTokenStore
from hiresentry.connectors.gusto import MANIFEST, GustoConnector
from hiresentry.core.capabilities import PayoutHoldCapability
from hiresentry.core.cases.view import CaseView, RecordRef
from hiresentry.core.errors import ActionError, VendorResponseError
from hiresentry.core.gate import PayoutGate
from hiresentry.core.levels import Level
from hiresentry.core.store import Store
from hiresentry.playbooks.actions.base import ActionContext
from hiresentry.playbooks.actions.payout import PayoutHold, PayoutHoldParams
from tests.connectors.gusto.fake_gusto import COMPANY, FakeGusto, payment
from tests.connectors.gusto.support import NOW, make

PAYMENTS = f"/v1/companies/{COMPANY}/contractor_payments"
SOURCE = "gusto-acme"


@pytest.fixture
def company(fake_gusto: tuple[FakeGusto, str]) -> tuple[FakeGusto, GustoConnector]:
    """Contractor 0: one cancellable upcoming payment and one paid last month; contractor 1: one
    upcoming payment already processing; contractor 2: nothing pending."""
    fake, url = fake_gusto
    c0, c1 = fake.contractors[0]["uuid"], fake.contractors[1]["uuid"]
    fake.payments = [
        payment(1, c0, "2026-03-06", may_cancel=True),
        payment(2, c0, "2026-02-13", may_cancel=False, status="Funded"),
        payment(3, c1, "2026-03-03", may_cancel=False, status="Funded"),
    ]
    return fake, make(url, tokens=MemoryTokenStore(), instance=SOURCE)


def ref(worker: str) -> RecordRef:
    return RecordRef(source=SOURCE, remote_id=worker)


def case(*workers: str) -> CaseView:
    refs = [ref(w) for w in workers]
    return CaseView(
        dedup_key="hs-0123abcd",
        status="open",
        level=Level.HIGH,
        score=80.0,
        summary="Two contractor identities share one device.",
        workers=refs,
        payees=refs,
        evidence=[],
        evidence_digest="d1",
        created_at=NOW,
        updated_at=NOW,
    )


def context(view: CaseView, prior: dict[str, Any] | None = None) -> tuple[ActionContext, list[tuple[str, Any]]]:
    audit: list[tuple[str, Any]] = []
    ctx = ActionContext(
        view, "high-risk", "payout.hold", prior, None, lambda event, data: audit.append((event, data)), now=NOW
    )
    return ctx, audit


def action(store: Store, connector: GustoConnector) -> PayoutHold:
    """The payout action as the wiring builds it: the connector's capability and its manual task."""
    assert MANIFEST.manual_hold is not None
    return PayoutHold(
        PayoutGate(store),
        capabilities={connector.instance: connector},
        manual_tasks={connector.instance: MANIFEST.manual_hold.task_text},
    )


def deletes(fake: FakeGusto) -> list[str]:
    return [p for p in fake.paths() if p.startswith("DELETE")]


def test_the_hold_cancels_the_cancellable_payment_and_is_idempotent(
    company: tuple[FakeGusto, GustoConnector], store: Store
) -> None:
    fake, connector = company
    c0 = fake.contractors[0]["uuid"]
    p1, p2, p3 = (p["uuid"] for p in fake.payments)
    hold = action(store, connector)
    ctx, _audit = context(case(c0))
    result = hold.execute(ctx, PayoutHoldParams())

    assert result["holds"][f"{SOURCE}/{c0}"]["via"] == "vendor"
    assert result["holds"][f"{SOURCE}/{c0}"]["status"] == "held"
    assert deletes(fake) == [f"DELETE {PAYMENTS}/{p1}"]
    # may_cancel was re-read just before the cancel, and the paid payment was left alone.
    assert fake.paths().index(f"GET {PAYMENTS}/{p1}") < fake.paths().index(f"DELETE {PAYMENTS}/{p1}")
    assert [p["uuid"] for p in fake.payments] == [p2, p3]
    assert fake.requests_to(PAYMENTS)[0] == {
        "start_date": "2026-02-23",
        "end_date": "2026-06-30",
        "contractor_uuid": c0,
        "per": "100",
        "page": "1",
    }
    gate = PayoutGate(store)
    assert gate.state(ref(c0), NOW).held
    (stored,) = gate.holds("hs-0123abcd")
    assert (stored.status, stored.via, stored.vendor_ref) == ("held", "vendor", f"cancelled:{p1}")

    # Re-running the action changes nothing at Gusto.
    fake.log.clear()
    ctx, _ = context(case(c0), prior=result)
    again = hold.execute(ctx, PayoutHoldParams())
    assert again["holds"] == result["holds"]
    assert deletes(fake) == []

    # Asking the capability itself again: the payment is gone, nothing is pending, nothing is cancelled.
    direct = connector.hold(ref(c0), "hs-0123abcd", "again")
    assert (direct.vendor_ref, direct.description) == (
        "nothing-pending",
        f"nothing was pending: no cancellable Gusto payment to {SOURCE}/{c0}; hiresentry's payout gate holds",
    )
    assert deletes(fake) == []


def test_the_hold_refuses_a_payment_that_may_no_longer_be_cancelled(
    company: tuple[FakeGusto, GustoConnector], store: Store
) -> None:
    fake, connector = company
    c1 = fake.contractors[1]["uuid"]
    p3 = fake.payments[2]["uuid"]
    ctx, _audit = context(case(c1))
    with pytest.raises(ActionError, match="may_cancel is false"):
        action(store, connector).execute(ctx, PayoutHoldParams())
    assert deletes(fake) == []
    assert len(fake.payments) == 3
    # The hold is visibly pending with Gusto's refusal, and the gate is closed meanwhile.
    gate = PayoutGate(store)
    (stored,) = gate.holds("hs-0123abcd")
    assert stored.status == "pending"
    assert stored.last_error is not None and p3 in stored.last_error
    assert gate.state(ref(c1), NOW).held
    with pytest.raises(VendorResponseError, match="cannot be cancelled"):
        connector.hold(ref(c1), "hs-0123abcd", "r")


def test_a_payment_that_starts_processing_during_the_hold_is_reported_not_cancelled(
    company: tuple[FakeGusto, GustoConnector],
) -> None:
    fake, connector = company
    c0 = fake.contractors[0]["uuid"]
    p1 = fake.payments[0]["uuid"]
    fake.fail(f"{PAYMENTS}/{p1}", 422, method="DELETE")
    with pytest.raises(VendorResponseError, match=p1):
        connector.hold(ref(c0), "hs-0123abcd", "r")
    assert deletes(fake) == [f"DELETE {PAYMENTS}/{p1}"]


def test_nothing_pending_is_said_clearly_and_the_gate_still_holds(
    company: tuple[FakeGusto, GustoConnector], store: Store
) -> None:
    fake, connector = company
    c2 = fake.contractors[2]["uuid"]
    ctx, _ = context(case(c2))
    result = action(store, connector).execute(ctx, PayoutHoldParams())
    assert result["holds"][f"{SOURCE}/{c2}"]["status"] == "held"
    (stored,) = PayoutGate(store).holds("hs-0123abcd")
    assert stored.vendor_ref == "nothing-pending"
    assert PayoutGate(store).state(ref(c2), NOW).held
    assert deletes(fake) == []


def test_hold_is_declared_release_is_not_and_restores_nothing(
    company: tuple[FakeGusto, GustoConnector], caplog: pytest.LogCaptureFixture
) -> None:
    fake, connector = company
    assert MANIFEST.capabilities == ["payout.hold"]
    assert isinstance(connector, PayoutHoldCapability)
    fake.log.clear()
    connector.release(ref("x"), "cancelled:p")  # the protocol's method: it must not block a release
    assert fake.log == []
    assert "not restored" in caplog.text
