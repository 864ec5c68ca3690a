"""Every planted pattern and every benign look-alike is present and carries exactly its anomaly."""

from __future__ import annotations

from typing import Any

import pytest

from hiresentry.app.synthetic import rounds_for
from hiresentry.app.synthetic.patterns import BENIGN, PLANTED, SLOTS_PER_ROUND
from hiresentry.app.synthetic.truth import Group
from hiresentry.core.keys import names_compatible
from hiresentry.core.keys.normalize import address, egress_prefix, email, iban, phone
from hiresentry.core.model import Address

from .conftest import CONTRACTORS, Population

PATTERNS = (
    "PAY-SHARED-ACCOUNT", "PAY-NAME-MISMATCH", "PAY-CRYPTO", "NET-SHARED-PHONE", "NET-SHARED-EMAIL",
    "SHIP-ADDR-NOT-HOME", "NET-VPN-PROXY", "DEV-RMM", "ID-XSRC-MISMATCH", "NET-LAPTOP-FARM",
)  # fmt: skip


class View:
    """A group's records resolved to (kind, record), with per-contractor helpers."""

    def __init__(self, population: Population, group: Group) -> None:
        self.population = population
        self.items = [(r.source, *population.by_id(r.source)[r.remote_id]) for r in group.records]

    def of(self, source: str, kind: str) -> list[dict[str, Any]]:
        return [rec for s, k, rec in self.items if s == source and k == kind]

    def account(self, worker: dict[str, Any]) -> dict[str, Any]:
        return next(
            a for a in self.population.records[("payroll", "payout_accounts")]
            if a["worker_remote_id"] == worker["remote_id"]
        )  # fmt: skip

    def engagement(self, worker: dict[str, Any]) -> dict[str, Any]:
        return next(
            e for e in self.population.records[("payroll", "engagements")]
            if e["worker_remote_id"] == worker["remote_id"]
        )  # fmt: skip


def _groups(population: Population, benign: bool, pattern: str) -> list[View]:
    groups = population.truth.benign if benign else population.truth.planted
    found = [View(population, g) for g in groups if g.pattern == pattern]
    assert found, f"no {'benign' if benign else 'planted'} {pattern}"
    return found


def test_every_pattern_is_planted_and_imitated(population: Population) -> None:
    assert {g.pattern for g in population.truth.planted} == set(PATTERNS)
    assert {g.pattern for g in population.truth.benign} == set(PATTERNS)
    for group in population.truth.planted + population.truth.benign:
        assert group.note and any(population.by_id(r.source)[r.remote_id][0] == "workers" for r in group.records)


def test_participants_are_distinct_contractors(population: Population) -> None:
    workers = [
        r.remote_id
        for g in population.truth.planted + population.truth.benign
        for r in g.records
        if r.source == "hr" and r.remote_id.startswith("E")
    ]
    payroll = {
        r.remote_id
        for g in population.truth.planted + population.truth.benign
        for r in g.records
        if r.source == "payroll" and r.remote_id.startswith("PR-")
    }
    assert len(workers) == len(set(workers))
    assert SLOTS_PER_ROUND == 34 and len(PLANTED) == 10 and len(BENIGN) == 12
    assert len(payroll) <= SLOTS_PER_ROUND * rounds_for(CONTRACTORS)


@pytest.mark.parametrize("benign", [False, True])
def test_shared_account(population: Population, benign: bool) -> None:
    for view in _groups(population, benign, "PAY-SHARED-ACCOUNT"):
        workers, accounts = view.of("payroll", "workers"), view.of("payroll", "payout_accounts")
        assert len(workers) == (4 if benign else 3) == len(accounts)
        assert len({iban(a["iban"]) for a in accounts}) == 1
        assert all(a["pooled"] is benign for a in accounts)
        if not benign:
            assert len({a["iban"] for a in accounts}) == 3  # written three ways
            assert any(" " in a["iban"] for a in accounts) and any(a["iban"].islower() for a in accounts)
            for a, w in zip(accounts, workers, strict=True):
                assert names_compatible(a["holder_name"], w["legal_name"])
        names = [w["legal_name"] for w in workers]
        assert not any(names_compatible(a, b) for i, a in enumerate(names) for b in names[i + 1 :])
        assert len({w["tax_id"] for w in workers}) == len({w["date_of_birth"] for w in workers}) == len(workers)


@pytest.mark.parametrize("benign", [False, True])
def test_name_mismatch(population: Population, benign: bool) -> None:
    views = _groups(population, benign, "PAY-NAME-MISMATCH")
    for view in views:
        (worker,), (account,) = view.of("payroll", "workers"), view.of("payroll", "payout_accounts")
        assert account["holder_name"] != worker["legal_name"]
        assert names_compatible(account["holder_name"], worker["legal_name"]) is benign
    if benign:
        holders = {v.of("payroll", "payout_accounts")[0]["holder_name"] for v in views}
        assert {"SMITH, WILLIAM J", "Maria Garcia & Jose Garcia", "Mohammed Al-Rashid"} <= holders


@pytest.mark.parametrize("benign", [False, True])
def test_crypto(population: Population, benign: bool) -> None:
    for view in _groups(population, benign, "PAY-CRYPTO"):
        (worker,), (account,) = view.of("payroll", "workers"), view.of("payroll", "payout_accounts")
        assert account["method"] == "crypto" and account["wallet_address"].startswith("0x")
        assert len(account["wallet_address"]) == 42
        assert view.engagement(worker)["currency"] == ("USDC" if benign else "USD")


def test_shared_phone_planted(population: Population) -> None:
    for view in _groups(population, False, "NET-SHARED-PHONE"):
        a, b = view.of("hr", "workers")
        assert a["phones"] != b["phones"]  # written differently...
        assert phone(a["phones"][0], "US") == phone(b["phones"][0], "US") is not None  # ...one number
        assert a["claimed_country"] == b["claimed_country"] == "US"
        assert not names_compatible(a["legal_name"], b["legal_name"])
        for field in ("tax_id", "date_of_birth", "home_address", "emails"):
            assert a[field] != b[field]


def test_shared_phone_benign_is_one_person(population: Population) -> None:
    for view in _groups(population, True, "NET-SHARED-PHONE"):
        (hr,), (pay,) = view.of("hr", "workers"), view.of("payroll", "workers")
        assert hr["phones"] != pay["phones"] and phone(hr["phones"][0], "US") == pay["phones"][0]
        assert (hr["tax_id"], hr["legal_name"], hr["date_of_birth"]) == (
            pay["tax_id"], pay["legal_name"], pay["date_of_birth"],
        )  # fmt: skip


@pytest.mark.parametrize("benign", [False, True])
def test_shared_email(population: Population, benign: bool) -> None:
    for view in _groups(population, benign, "NET-SHARED-EMAIL"):
        workers = view.of("hr", "workers")
        assert len(workers) == (3 if benign else 2)
        common = set.intersection(*({email(e) for e in w["emails"]} for w in workers))
        assert len(common) == 1
        names = [w["legal_name"] for w in workers]
        assert not any(names_compatible(a, b) for i, a in enumerate(names) for b in names[i + 1 :])
        assert all((w["agency"] is not None) is benign for w in workers)
        if benign:
            assert common <= {"submissions@talentbridge.example", "candidates@apextech.example"}
            hr_engagements = {e["worker_remote_id"]: e for e in view.population.records[("hr", "engagements")]}
            assert all(hr_engagements[w["remote_id"]]["staffing_vendor"] == w["agency"] for w in workers)


@pytest.mark.parametrize("benign", [False, True])
def test_ship_to(population: Population, benign: bool) -> None:
    for view in _groups(population, benign, "SHIP-ADDR-NOT-HOME"):
        (worker,), (device,) = view.of("hr", "workers"), view.of("hr", "devices")
        home, ship = Address(**worker["home_address"]), Address(**worker["ship_to_address"])
        assert worker["ship_to_address"] != worker["home_address"]
        assert Address(**device["shipped_to_address"]) == ship
        assert (address(home) == address(ship)) is benign
        assert (home.region == ship.region) is benign
        if benign:
            assert "-" in (ship.postal_code or "") and "#" in (ship.line2 or "")


@pytest.mark.parametrize("benign", [False, True])
def test_vpn(population: Population, benign: bool) -> None:
    for view in _groups(population, benign, "NET-VPN-PROXY"):
        events = view.of("idp", "access_events")
        assert len(events) >= 2
        provider = "GlobalProtect" if benign else "Astrill VPN"
        assert all(e["vpn_provider"] == provider and e["is_proxy"] for e in events)
        (worker,) = view.of("idp", "workers")
        others = [
            e for e in view.population.records[("idp", "access_events")]
            if e["worker_remote_id"] == worker["remote_id"] and e not in events
        ]  # fmt: skip
        assert others and all(not e["is_proxy"] and e["vpn_provider"] is None for e in others)
        if not benign:  # the exits are on hosting infrastructure no normal worker uses
            assert len({egress_prefix(e["ip"]) for e in events}) == 1


@pytest.mark.parametrize("benign", [False, True])
def test_rmm(population: Population, benign: bool) -> None:
    for view in _groups(population, benign, "DEV-RMM"):
        (device,) = view.of("idp", "devices")
        assert device["remote_access_tools"] == (["ScreenConnect"] if benign else ["AnyDesk", "TeamViewer"])
    tools = [d["remote_access_tools"] for d in population.records[("idp", "devices")]]
    assert sum(t == ["ScreenConnect"] for t in tools) > 0.01 * len(tools)


@pytest.mark.parametrize("benign", [False, True])
def test_cross_source_mismatch(population: Population, benign: bool) -> None:
    for view in _groups(population, benign, "ID-XSRC-MISMATCH"):
        (hr,), (pay,) = view.of("hr", "workers"), view.of("payroll", "workers")
        assert hr["tax_id"] == pay["tax_id"]
        assert names_compatible(hr["legal_name"], pay["legal_name"]) is benign
        assert (hr["date_of_birth"] == pay["date_of_birth"]) is benign
        assert (hr["claimed_country"] == pay["claimed_country"]) is not benign
        if benign:
            assert (hr["claimed_country"], pay["claimed_country"]) == ("US", "CA")


def test_normal_workers_mostly_sign_in_without_vpn(population: Population) -> None:
    events = population.records[("idp", "access_events")]
    vpn_workers = {e["worker_remote_id"] for e in events if e["vpn_provider"] == "GlobalProtect"}
    assert 0.01 < len(vpn_workers) / len(population.records[("idp", "workers")]) < 0.12
    assert {e["vpn_provider"] for e in events} == {None, "GlobalProtect", "Astrill VPN"}
