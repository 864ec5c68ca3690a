"""Upwork as a payout-hold capability, end to end: sync → screen → the ``payout.hold`` action.

Real store (SQLite), real risk core and playbook engine; Upwork is **our own** stateful GraphQL
fake (``fake_upwork.py``, built from Upwork's documented ``pauseContract``/``restartContract``
mutations: Upwork publishes no schema). The action pauses the worker's contract in the fake, is
audited, and neither a second engine run nor a repeated hold calls the mutation again.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from hiresentry.connectors.base import sync
from hiresentry.connectors.upwork import UpworkConnector
from hiresentry.core.capabilities import PayoutHoldCapability
from hiresentry.core.cases.view import RecordRef
from hiresentry.core.errors import InputError
from hiresentry.core.gate import PayoutGate
from hiresentry.core.indicators import load_catalogue
from hiresentry.core.levels import Level, LevelThresholds
from hiresentry.core.screen import screen
from hiresentry.core.store import Store
from hiresentry.core.store.audit import AuditLog
from hiresentry.playbooks.actions.payout import PayoutHold
from hiresentry.playbooks.engine import PlaybookEngine
from hiresentry.playbooks.outbox import Outbox
from hiresentry.playbooks.schema import parse_playbook
from tests.connectors.upwork.conftest import NOW, SOURCE, Factory
from tests.connectors.upwork.fake_upwork import FakeUpwork

SUSPECT = RecordRef(source=SOURCE, remote_id=FakeUpwork.user_id(0))


def night_shifts(fake: FakeUpwork) -> None:
    """The Chicago freelancer (contract 0) works 23:00-05:00 Chicago time, five days running."""
    for days_ago in range(2, 7):
        day = NOW.date() - dt.timedelta(days=days_ago)
        fake.diary_entry(day.strftime("%Y%m%d"), 0, dt.datetime.combine(day, dt.time(4), dt.UTC), 6)
    fake.transaction(1, 0, (NOW.date() - dt.timedelta(days=1)).isoformat(), paymentStatus="Pending", fullyPaidDate=None)


def engine(store: Store, connector: UpworkConnector) -> PlaybookEngine:
    data: dict[str, Any] = {
        "id": "hold-on-risk",
        "trigger": {"on": ["case.created", "case.updated"], "at_least": "low"},
        "actions": [{"payout.hold": {"expires_after": "14d"}}],
        "mode": "active",
    }
    playbook = parse_playbook(data, "test", {"payout.hold": PayoutHold.params_model})
    action = PayoutHold(PayoutGate(store), capabilities={SOURCE: connector}, clock=lambda: NOW)
    return PlaybookEngine(store, [playbook], {"payout.hold": action})


def test_the_connector_is_a_hold_capability(fake: FakeUpwork, make: Factory) -> None:
    assert isinstance(make(), PayoutHoldCapability)


def test_payout_hold_pauses_the_contract_once_and_is_audited(fake: FakeUpwork, make: Factory, store: Store) -> None:
    night_shifts(fake)
    connector = make()
    sync(connector, store)
    result = screen(store, load_catalogue(), LevelThresholds(), Level.LOW, now=NOW)
    suspects = [d for d in result.drafts if SUSPECT in d.members]
    assert suspects, "the night-shift pattern should open a case"

    fake.log.clear()
    first = engine(store, connector).run(now=NOW)

    assert first.count("done") >= 1 and first.count("failed") == 0
    assert fake.contract(FakeUpwork.contract_id(0))["status"] == "PAUSED"  # type: ignore[index]
    pauses = fake.calls("PauseContract")
    assert pauses == [{"contractId": FakeUpwork.contract_id(0), "message": connector.config.pause_message}]
    assert "hs-" not in pauses[0]["message"]  # nothing about the case reaches the freelancer
    held = AuditLog(store).entries(event="payout.held")
    mine = [e for e in held if e["detail"]["worker"] == str(SUSPECT)]
    assert len(mine) == 1 and mine[0]["detail"]["via"] == "vendor"
    holds = [item.result for item in Outbox(store).all() if item.result and "holds" in item.result]
    assert any(h["holds"].get(str(SUSPECT), {}).get("via") == "vendor" for h in holds)
    (placed,) = [h for h in PayoutGate(store).holds() if h.worker == SUSPECT]
    assert placed.vendor_ref == f"pause:{FakeUpwork.contract_id(0)}"
    assert PayoutGate(store).state(SUSPECT, NOW).held

    calls = len(fake.log)
    second = engine(store, connector).run(now=NOW + dt.timedelta(minutes=5))
    assert second.outcomes == [] and len(fake.log) == calls


def test_a_repeated_hold_calls_no_mutation(fake: FakeUpwork, make: Factory) -> None:
    connector = make()
    first = connector.hold(SUSPECT, "hs-1", "reason")
    assert first.vendor_ref == f"pause:{FakeUpwork.contract_id(0)}"
    again = connector.hold(SUSPECT, "hs-1", "reason")
    assert again.vendor_ref == "" and "already paused" in again.description
    assert len(fake.calls("PauseContract")) == 1


def test_release_restarts_only_what_the_hold_paused(fake: FakeUpwork, make: Factory) -> None:
    connector = make()
    fake.contract(FakeUpwork.contract_id(1))["status"] = "PAUSED"  # type: ignore[index]  # paused by someone else
    ref = connector.hold(RecordRef(source=SOURCE, remote_id=FakeUpwork.user_id(0)), "hs-1", "r").vendor_ref
    connector.release(SUSPECT, ref)
    connector.release(SUSPECT, ref)  # idempotent: the contract is active again, nothing to restart
    assert [v["contractId"] for v in fake.calls("RestartContract")] == [FakeUpwork.contract_id(0)]
    assert fake.contract(FakeUpwork.contract_id(0))["status"] == "ACTIVE"  # type: ignore[index]
    assert fake.contract(FakeUpwork.contract_id(1))["status"] == "PAUSED"  # type: ignore[index]


def test_a_worker_without_active_contracts_falls_back_to_the_gate(fake: FakeUpwork, make: Factory) -> None:
    fake.contract(FakeUpwork.contract_id(3))["status"] = "CLOSED"  # type: ignore[index]
    result = make().hold(RecordRef(source=SOURCE, remote_id=FakeUpwork.user_id(3)), "hs-2", "r")
    assert result.vendor_ref == "" and "not active" in result.description
    assert fake.calls("PauseContract") == []


def test_release_refuses_a_reference_it_did_not_make(fake: FakeUpwork, make: Factory) -> None:
    with pytest.raises(InputError, match="not an Upwork hold reference"):
        make().release(SUSPECT, "gate")
    with pytest.raises(InputError, match="names no contract"):
        make().release(SUSPECT, "pause:")
