"""Unrelated contractors share no identifier; each contractor is consistent across the sources.

Only values planted on purpose (listed in ``truth.json``) may appear on more than one contractor's
records, and then only on records of one group.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Any

import phonenumbers

from hiresentry.app.synthetic.names import FAMILY
from hiresentry.core.keys import names_compatible
from hiresentry.core.keys.normalize import address, egress_prefix, email, iban, phone, serial
from hiresentry.core.model import Address

from .conftest import Population


def _shared(
    records: Iterable[dict[str, Any]], keys: Callable[[dict[str, Any]], Iterable[str | None]]
) -> list[set[str]]:
    owners: dict[str, set[str]] = defaultdict(set)
    for record in records:
        owner = record.get("worker_remote_id") or record["remote_id"]
        for key in keys(record):
            if key is not None:
                owners[key].add(owner)
    return [ids for ids in owners.values() if len(ids) > 1]


def _assert_only_planted(population: Population, source: str, shared: list[set[str]]) -> None:
    groups = [
        {r.remote_id for r in g.records if r.source == source}
        for g in population.truth.planted + population.truth.benign
    ]
    for ids in shared:
        assert any(ids <= group for group in groups), f"{source}: {sorted(ids)} share an identifier"


def _payout_owner(population: Population) -> dict[str, str]:
    return {a["remote_id"]: a["worker_remote_id"] for a in population.records[("payroll", "payout_accounts")]}


def test_phones_are_valid_and_unique_after_e164(population: Population) -> None:
    for source in ("hr", "payroll"):
        workers = population.records[(source, "workers")]
        for w in workers[::7]:
            for value in w["phones"]:
                parsed = phonenumbers.parse(value, w["claimed_country"])
                assert phonenumbers.is_possible_number(parsed) and phonenumbers.is_valid_number(parsed), value
                assert phonenumbers.region_code_for_number(parsed) == w["claimed_country"] or (
                    w["remote_id"] in _relocated(population)
                )
        shared = _shared(workers, lambda w: [phone(p, w["claimed_country"]) for p in w["phones"]])
        _assert_only_planted(population, source, shared)


def _relocated(population: Population) -> set[str]:
    return {r.remote_id for g in population.truth.benign if g.pattern == "ID-XSRC-MISMATCH" for r in g.records}


def test_emails_are_unique_lower_cased(population: Population) -> None:
    for source in ("hr", "payroll", "idp"):
        workers = population.records[(source, "workers")]
        assert all(e == e.lower() for w in workers for e in w["emails"])
        _assert_only_planted(population, source, _shared(workers, lambda w: [email(e) for e in w["emails"]]))


def test_tax_ids_are_unique_per_source(population: Population) -> None:
    for source in ("hr", "payroll"):
        ids = [w["tax_id"] for w in population.records[(source, "workers")]]
        assert len(set(ids)) == len(ids)


def test_payout_accounts_are_unique_except_planted_and_pooled(population: Population) -> None:
    accounts = population.records[("payroll", "payout_accounts")]
    for a in accounts:
        if a["iban"]:
            assert iban(a["iban"]) is not None, a["iban"]

    def key(a: dict[str, Any]) -> list[str | None]:
        if a["iban"]:
            return [iban(a["iban"])]
        if a["account_number"]:
            return [f"{a['routing_number']}/{a['account_number']}"]
        return [a["email"] or a["wallet_address"]]

    _assert_only_planted(population, "payroll", _shared(accounts, key))
    methods = {a["method"] for a in accounts}
    assert {"bank", "wise", "crypto"} <= methods


def test_serials_are_unique_and_match_between_hr_and_mdm(population: Population) -> None:
    shipped = [serial(d["shipped_serial"]) for d in population.records[("hr", "devices")]]
    enrolled = [serial(d["serial"]) for d in population.records[("idp", "devices")]]
    assert len(set(shipped)) == len(shipped)
    assert shipped == enrolled  # same contractor order in both sources, no serial swapped


def test_egress_slash24s_are_unique_outside_the_corporate_vpn(population: Population) -> None:
    events = population.records[("idp", "access_events")]
    home = [e for e in events if e["vpn_provider"] != "GlobalProtect"]
    _assert_only_planted(population, "idp", _shared(home, lambda e: [egress_prefix(e["ip"])]))
    per_worker: dict[str, set[str | None]] = defaultdict(set)
    for e in home:
        if not e["is_proxy"]:
            per_worker[e["worker_remote_id"]].add(egress_prefix(e["ip"]))
    assert all(len(prefixes) == 1 for prefixes in per_worker.values())


def test_home_addresses_are_unique(population: Population) -> None:
    workers = population.records[("hr", "workers")]
    _assert_only_planted(population, "hr", _shared(workers, lambda w: [address(Address(**w["home_address"]))]))


def test_normal_contractors_resolve_across_sources(population: Population) -> None:
    """HR ↔ payroll by tax id (same name, DOB, phone); HR ↔ IdP by work email (same name)."""
    mismatched = {
        r.remote_id
        for g in population.truth.planted + population.truth.benign
        if g.pattern == "ID-XSRC-MISMATCH"
        for r in g.records
    }
    payroll = {w["tax_id"]: w for w in population.records[("payroll", "workers")]}
    idp = {w["emails"][0]: w for w in population.records[("idp", "workers")]}
    for hr in population.records[("hr", "workers")]:
        pay = payroll[hr["tax_id"]]
        if hr["remote_id"] not in mismatched:
            assert names_compatible(hr["legal_name"], pay["legal_name"])
            assert hr["date_of_birth"] == pay["date_of_birth"]
            assert hr["claimed_country"] == pay["claimed_country"]
        assert address(Address(**hr["home_address"])) == address(Address(**pay["home_address"]))
        assert phone(hr["phones"][0], hr["claimed_country"]) == pay["phones"][0]
        work = hr["emails"][-1]
        assert work.endswith("@corp.example")
        assert idp[work]["legal_name"] == hr["legal_name"]


def test_names_come_from_many_cultures_in_every_large_country(population: Population) -> None:
    culture_of = {family: culture for culture, names in FAMILY.items() for family in names}
    workers = population.records[("hr", "workers")]
    for country, at_least in (("US", 8), ("GB", 4), ("CA", 4)):
        families = {w["legal_name"].split(" ", 1)[1] for w in workers if w["claimed_country"] == country}
        assert len({culture_of.get(f) for f in families} - {None}) >= at_least, country
    countries = {w["claimed_country"] for w in workers}
    assert {"US", "GB", "DE", "PL", "IN", "BR", "PH", "CA", "ES", "MX", "NL"} <= countries
