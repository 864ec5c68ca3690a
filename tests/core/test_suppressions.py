"""Reviewer suppressions over a real store: scoring honours them, expiry and revocation end them."""

from __future__ import annotations

import datetime as dt

import pytest

from hiresentry.core.cases import CaseRepository
from hiresentry.core.indicators import load_catalogue
from hiresentry.core.levels import Level, LevelThresholds
from hiresentry.core.model import AccessEvent, Worker
from hiresentry.core.screen import screen
from hiresentry.core.store import Store
from hiresentry.core.store.audit import AuditLog
from hiresentry.core.suppressions import SuppressionRepository

NOW = dt.datetime(2026, 11, 1, tzinfo=dt.UTC)
CATALOGUE = load_catalogue()


def seed(store: Store) -> None:
    store.ingest(
        [
            Worker(source="hr", remote_id="E1", legal_name="Ethan Brooks", tax_id="111-22-3333"),
            Worker(source="idp", remote_id="U1", legal_name="Ethan Brooks", tax_id="111223333"),
            AccessEvent(source="idp", remote_id="S1", worker_remote_id="U1", time=NOW, vpn_provider="Astrill VPN"),
        ]
    )


def indicators_at(store: Store, when: dt.datetime) -> set[str]:
    screen(store, CATALOGUE, LevelThresholds(), Level.LOW, now=when)
    return {e.indicator for c in CaseRepository(store).find() for e in c.evidence}


def test_a_suppression_silences_one_indicator_for_the_person_until_it_expires(store: Store) -> None:
    seed(store)
    assert indicators_at(store, NOW) == {"NET-VPN-PROXY"}
    repo = SuppressionRepository(store)
    # named on the HR record, applies to the person that record resolves to (the sign-ins are the IdP's)
    repo.add("NET-VPN-PROXY", "hr", "E1", NOW + dt.timedelta(days=10), "travelling, confirmed by manager", "lead", NOW)
    assert indicators_at(store, NOW + dt.timedelta(days=1)) == set()
    assert indicators_at(store, NOW + dt.timedelta(days=11)) == {"NET-VPN-PROXY"}  # expired: counts again
    events = [e["event"] for e in AuditLog(store).entries()]
    assert "suppression.added" in events


def test_revoked_suppressions_stop_applying_and_are_kept(store: Store) -> None:
    seed(store)
    repo = SuppressionRepository(store)
    new_id = repo.add("NET-VPN-PROXY", "idp", "U1", NOW + dt.timedelta(days=10), "travel", "lead", NOW)
    assert indicators_at(store, NOW) == set()
    repo.revoke(new_id, "auditor", NOW + dt.timedelta(days=1))
    assert indicators_at(store, NOW + dt.timedelta(days=1)) == {"NET-VPN-PROXY"}
    (kept,) = repo.all()
    assert kept.revoked_at is not None
    assert repo.active(NOW + dt.timedelta(days=2)) == []
    with pytest.raises(KeyError):
        repo.revoke(new_id, "auditor", NOW + dt.timedelta(days=2))


def test_suppressions_need_a_future_date_and_a_reason(store: Store) -> None:
    repo = SuppressionRepository(store)
    with pytest.raises(ValueError, match="in the future"):
        repo.add("NET-VPN-PROXY", "idp", "U1", NOW, "x", "lead", NOW)
    with pytest.raises(ValueError, match="needs a reason"):
        repo.add("NET-VPN-PROXY", "idp", "U1", NOW + dt.timedelta(days=1), "  ", "lead", NOW)
