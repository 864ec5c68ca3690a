"""Freelancer.com as a payout-hold capability, end to end: sync → screen → the ``payout.hold`` action.

Real store (SQLite), real risk core and playbook engine; Freelancer.com is **our own** stateful REST
fake (``fake_freelancer.py``, built from the SDK's ``PUT /projects/0.1/milestones/{id}/?action=cancel``:
Freelancer.com publishes no OpenAPI spec). The action cancels the unreleased milestones of the case's
freelancers, is audited, and neither a second run nor a repeated hold calls the vendor again. Release
is refused with what a person must do, because a cancelled milestone cannot be un-cancelled.
"""

from __future__ import annotations

from typing import Any

import pytest

from hiresentry.connectors.base import sync
from hiresentry.connectors.freelancer import MANIFEST, FreelancerConnector
from hiresentry.core.capabilities import PayoutHoldCapability
from hiresentry.core.cases.view import RecordRef
from hiresentry.core.errors import ActionError, VendorResponseError
from hiresentry.core.gate import PayoutGate
from hiresentry.core.indicators import load_catalogue
from hiresentry.core.levels import Level, LevelThresholds
from hiresentry.core.screen import screen
from hiresentry.core.store import Store
from hiresentry.core.store.audit import AuditLog
from hiresentry.playbooks.actions.payout import PayoutHold
from hiresentry.playbooks.engine import PlaybookEngine
from hiresentry.playbooks.schema import parse_playbook
from tests.connectors.freelancer.conftest import NOW, SOURCE, Factory
from tests.connectors.freelancer.fake_freelancer import FakeFreelancer

FIRST = RecordRef(source=SOURCE, remote_id=str(FakeFreelancer.freelancer_id(0)))
SECOND = RecordRef(source=SOURCE, remote_id=str(FakeFreelancer.freelancer_id(1)))
CANCEL = "/projects/0.1/milestones/{}/"


def one_house(fake: FakeFreelancer) -> None:
    """Two freelancers with different names give the same home address in Lahore."""
    for i, (first, last) in enumerate([("Ali", "Khan"), ("Bilal", "Ahmed")]):
        user = fake.users[str(FakeFreelancer.freelancer_id(i))]
        user.update(first_name=first, last_name=last, public_name=f"{first} {last[0]}.")
        user["location"].update(
            full_address="House 12, Street 4, Gulberg III", city="Lahore", administrative_area="Punjab"
        )
        user["location"]["country"] = {"name": "Pakistan", "code": "pk"}


def engine(store: Store, connector: FreelancerConnector) -> PlaybookEngine:
    data: dict[str, Any] = {
        "id": "hold-on-risk",
        "trigger": {"on": ["case.created", "case.updated"], "at_least": "low"},
        "actions": [{"payout.hold": {}}],
        "mode": "active",
    }
    playbook = parse_playbook(data, "test", {"payout.hold": PayoutHold.params_model})
    action = PayoutHold(PayoutGate(store), capabilities={SOURCE: connector}, clock=lambda: NOW)
    return PlaybookEngine(store, [playbook], {"payout.hold": action})


def puts(fake: FakeFreelancer) -> list[str]:
    return [path for method, path, _ in fake.log if method == "PUT"]


def test_manifest_declares_hold_but_not_release(fake: FakeFreelancer, make: Factory) -> None:
    assert MANIFEST.capabilities == ["payout.hold"] and MANIFEST.manual_hold is not None
    assert isinstance(make(), PayoutHoldCapability)


def test_payout_hold_cancels_unreleased_milestones_once_and_is_audited(
    fake: FakeFreelancer, make: Factory, store: Store
) -> None:
    one_house(fake)
    connector = make()
    sync(connector, store)
    result = screen(store, load_catalogue(), LevelThresholds(), Level.LOW, now=NOW)
    cased = {m for d in result.drafts for m in d.members}
    assert {FIRST, SECOND} <= cased, "a home shared by two identities should open a case for each"

    fake.log.clear()
    first = engine(store, connector).run(now=NOW)

    assert first.count("done") >= 1 and first.count("failed") == 0
    assert sorted(puts(fake)) == [CANCEL.format(7_700_100), CANCEL.format(7_700_101)]
    assert all(c == {"action": "cancel"} for c in fake.calls(CANCEL.format(7_700_100), "PUT"))
    assert fake.milestones["7700100"]["status"] == "canceled"
    assert fake.milestones["7700000"]["status"] == "cleared"  # released money is not touched
    held = {e["detail"]["worker"]: e["detail"]["via"] for e in AuditLog(store).entries(event="payout.held")}
    assert held[str(FIRST)] == held[str(SECOND)] == "vendor"
    assert PayoutGate(store).state(FIRST, NOW).held

    calls = len(fake.log)
    assert engine(store, connector).run(now=NOW).outcomes == []
    assert len(fake.log) == calls


def test_a_repeated_hold_cancels_nothing(fake: FakeFreelancer, make: Factory) -> None:
    connector = make()
    first = connector.hold(FIRST, "hs-1", "reason")
    assert first.vendor_ref == "cancel:7700100"
    assert "already released" in first.description
    again = connector.hold(FIRST, "hs-1", "reason")
    assert again.vendor_ref == "" and "no unreleased" in again.description
    assert puts(fake) == [CANCEL.format(7_700_100)]


def test_release_is_refused_with_what_a_person_must_do(fake: FakeFreelancer, make: Factory) -> None:
    with pytest.raises(ActionError, match=r"cannot un-cancel.*7700100"):
        make().release(FIRST, "cancel:7700100")


def test_a_milestone_the_vendor_will_not_cancel_fails_the_hold_loudly(fake: FakeFreelancer, make: Factory) -> None:
    fake.milestone(300, 0, 120.0, "requested_release")
    fake.fail(CANCEL.format(7_700_300), 409, method="PUT")
    with pytest.raises(VendorResponseError, match="injected"):
        make().hold(FIRST, "hs-1", "reason")
