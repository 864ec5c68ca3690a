"""The network of people linked by shared identifiers: components, link types, infrastructure guards."""

from __future__ import annotations

import datetime as dt
from typing import Any

import polars as pl

from hiresentry.core.keys import LinkKeyHasher
from hiresentry.core.model import AccessEvent, Device, PayoutAccount, Record, Worker
from hiresentry.core.network import Network, build_network
from hiresentry.core.population import Population
from hiresentry.core.resolve import resolve

T0 = dt.datetime(2026, 10, 1, 9, tzinfo=dt.UTC)
IBAN = "DE89 3704 0044 0532 0130 00"


def people(n: int) -> list[Record]:
    names = ["Daniel Park", "Ethan Brooks", "Olga Petrova", "Li Wei", "Priya Nair", "Carlos Ruiz"]
    return [Worker(source="hr", remote_id=f"E{i}", legal_name=names[i]) for i in range(n)]


def sign_in(i: int, who: int, when: dt.datetime, ip: str, **extra: Any) -> AccessEvent:
    return AccessEvent(source="hr", remote_id=f"S{i}", worker_remote_id=f"E{who}", time=when, ip=ip, asn=64500, **extra)


def network(records: list[Record], hasher: LinkKeyHasher, **params: Any) -> Network:
    pop = Population.from_records(records, hasher)
    return build_network(pop.with_persons(resolve(pop).persons), params)


def components(net: Network) -> set[frozenset[int]]:
    grouped = net.members.group_by("component").agg(pl.col("pid"))
    return {frozenset(p) for p in grouped["pid"].to_list()}


def test_links_chain_people_into_one_component_scored_by_type(hasher: LinkKeyHasher) -> None:
    net = network(
        [
            *people(5),
            PayoutAccount(source="hr", remote_id="P0", worker_remote_id="E0", method="bank", iban=IBAN),
            PayoutAccount(source="hr", remote_id="P1", worker_remote_id="E1", method="bank", iban=IBAN),
            Device(source="hr", remote_id="D1", worker_remote_id="E1", serial="C02-XK1"),
            Device(source="hr", remote_id="D2", worker_remote_id="E2", serial="c02xk1"),
            sign_in(1, 2, T0, "203.0.113.5"),
            sign_in(2, 3, T0 + dt.timedelta(hours=3), "203.0.113.77"),
        ],
        hasher,
    )
    assert components(net) == {frozenset({0, 1, 2, 3})}
    assert sorted(net.links["link_type"].to_list()) == ["device", "egress", "payout"]
    assert net.components["link_score"].to_list() == [50 + 45 + 10]
    assert net.components["persons"].to_list() == [4]


def test_egress_links_only_within_the_time_window(hasher: LinkKeyHasher) -> None:
    net = network(
        [*people(2), sign_in(1, 0, T0, "203.0.113.5"), sign_in(2, 1, T0 + dt.timedelta(days=40), "203.0.113.6")], hasher
    )
    assert components(net) == set()


def test_infrastructure_pooled_accounts_and_corporate_vpn_do_not_link(hasher: LinkKeyHasher) -> None:
    pooled = [
        PayoutAccount(source="hr", remote_id=f"P{i}", worker_remote_id=f"E{i}", method="bank", iban=IBAN, pooled=True)
        for i in range(2)
    ]
    vpn = [sign_in(i, i, T0, "198.51.100.10", vpn_provider="GlobalProtect", is_proxy=True) for i in range(2)]
    assert components(network([*people(2), *pooled, *vpn], hasher)) == set()


def test_keys_held_by_too_many_people_are_infrastructure(hasher: LinkKeyHasher) -> None:
    office = [sign_in(i, i, T0, f"192.0.2.{i + 1}") for i in range(6)]
    assert components(network([*people(6), *office], hasher, max_people=5)) == set()
    assert components(network([*people(6), *office], hasher, max_people=6)) == {frozenset(range(6))}


def test_only_the_strongest_keys_of_a_type_count(hasher: LinkKeyHasher) -> None:
    addresses = [f"{n} Elm St, Nashville, TN 37203" for n in (10, 20, 30, 40)]
    shipped = [
        Device(source="hr", remote_id=f"D{i}{j}", worker_remote_id=f"E{i}", shipped_to_address=address)
        for i in range(2)
        for j, address in enumerate(addresses)
    ]
    net = network([*people(2), *shipped], hasher, max_keys_per_type=3)
    assert net.links.height == 4
    assert net.links["counted"].sum() == 3
    assert net.components["link_score"].to_list() == [3 * 15]
