"""Screening a population: both indicators on canonical records, through the real row builder.

Records go through ``Population.from_records`` (the same row builder as the store, so wallets,
emails, phones and tax ids exist only as keyed hashes) and resolution, then the indicator
functions run as the catalogue runs them. Hashed identifiers are compared with the SDN values
hashed by the same hasher, which the population carries (``pop.hasher``).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import time
from pathlib import Path
from typing import Any

import polars as pl
import pytest
import yaml

from hiresentry.core.errors import ConfigError
from hiresentry.core.indicators import Indicator, load_catalogue, run_indicator
from hiresentry.core.indicators.golden import run_case
from hiresentry.core.indicators.spec import GoldenCase
from hiresentry.core.keys import LinkKeyHasher
from hiresentry.core.model import PayoutAccount, Record, Worker
from hiresentry.core.population import Population
from hiresentry.core.resolve import resolve
from hiresentry.core.sanctions import SdnList, hasher_for, screen_population, write_extract
from hiresentry.core.sanctions.index import ListIndex

WALLET = "0xB6F5EC1A0A9CD1526536D3F0426C429529471F40"  # KIM, Sang Man (ETH, USDT, USDC)


def population(records: list[Record], hasher: LinkKeyHasher) -> Population:
    pop = Population.from_records(records, hasher)
    return pop.with_persons(resolve(pop).persons)


def catalogue(**parameters: dict[str, Any]) -> dict[str, Indicator]:
    overrides = {
        key: type("S", (), {"enabled": True, "weight": None, "parameters": p})() for key, p in parameters.items()
    }
    return {i.id: i for i in load_catalogue(overrides) if i.id.startswith("SAN-")}


@pytest.fixture(scope="module")
def indicators() -> dict[str, Indicator]:
    return catalogue()


def hits_by_ref(pop: Population, frame: pl.DataFrame) -> dict[str, dict[str, Any]]:
    refs = dict(zip(pop.workers["pid"].to_list(), pop.workers["ref"].to_list(), strict=True))
    return {refs[row["pid"]]: row for row in frame.iter_rows(named=True)}


def test_hashed_identifiers_match_through_the_hasher(indicators: dict[str, Indicator], hasher: LinkKeyHasher) -> None:
    records: list[Record] = [
        Worker(source="hr", remote_id="E1", legal_name="Ethan Brooks"),
        PayoutAccount(source="hr", remote_id="A1", worker_remote_id="E1", method="crypto", wallet_address=WALLET),
        Worker(source="hr", remote_id="E2", legal_name="Ryan Cole", emails=["PKURUI9999@gmail.com"]),
        Worker(source="hr", remote_id="E3", legal_name="Olga Petrova", phones=["+86 136 2158 3465"]),
        Worker(source="hr", remote_id="E4", legal_name="Sim Hyon Sop", tax_id="109484100"),
        Worker(source="hr", remote_id="E5", legal_name="Mary Smith", emails=["mary@example.com"]),
        Worker(source="hr", remote_id="E6", legal_name="Anna Nowak"),
        PayoutAccount(
            source="hr", remote_id="A6", worker_remote_id="E6", method="paypal", email="Semenov.Roma@gmail.com"
        ),
    ]
    pop = population(records, hasher)
    sdn = indicators["SAN-SDN-MATCH"]
    unkeyed = dataclasses.replace(pop, hasher=None)
    clear_only = hits_by_ref(unkeyed, run_indicator(sdn, unkeyed))  # no hasher known: only the clear-text checks
    assert list(clear_only) == ["hr/E4"] and clear_only["hr/E4"]["weight"] == 10  # Sim Hyon Sop, by name
    found = hits_by_ref(pop, run_indicator(sdn, pop))
    assert sorted(found) == ["hr/E1", "hr/E2", "hr/E3", "hr/E4", "hr/E6"]
    wallet = found["hr/E1"]
    assert wallet["weight"] == 100
    assert "SDN #43377 KIM, Sang Man" in wallet["explanation"]
    assert (
        "payout account ••••471f40 is a listed ETH wallet address - escalated: exact identifier"
        in wallet["explanation"]
    )
    assert WALLET.lower() not in wallet["explanation"].lower()  # the wallet itself is not copied
    assert wallet["records"] == ["hr/A1"]
    assert "SDN#43377" in wallet["keys"]
    assert "SDN #45430 KIMSUKY" in found["hr/E2"]["explanation"]
    assert "SDN #28263 TIAN, Yinyin" in found["hr/E3"]["explanation"]
    assert "tax id is a listed ID document number" in found["hr/E4"]["explanation"]  # his passport number
    assert found["hr/E4"]["weight"] == 100
    assert "SDN #44718 SEMENOV, Roman" in found["hr/E6"]["explanation"]  # a PayPal account on a listed email
    assert found["hr/E6"]["records"] == ["hr/A6"]


def test_a_population_carrying_its_hasher_needs_no_context(
    indicators: dict[str, Indicator], hasher: LinkKeyHasher
) -> None:
    base = population(
        [
            Worker(source="p", remote_id="W", legal_name="Ethan Brooks"),
            PayoutAccount(source="p", remote_id="A", worker_remote_id="W", method="crypto", wallet_address=WALLET),
        ],
        hasher,
    )
    assert hasher_for(base) is hasher
    assert run_indicator(indicators["SAN-SDN-MATCH"], base).height == 1


def test_name_only_weighs_little_and_a_second_identifier_escalates(
    indicators: dict[str, Indicator], hasher: LinkKeyHasher
) -> None:
    records: list[Record] = [
        # one person in two sources: the name in HR, the date of birth in payroll
        Worker(source="hr", remote_id="E1", legal_name="Kim Sangman", tax_id="123-45-6789"),
        Worker(
            source="payroll",
            remote_id="P1",
            legal_name="Kim Sangman",
            tax_id="123456789",
            date_of_birth=dt.date(1965, 4, 25),
        ),
        Worker(source="hr", remote_id="E2", legal_name="Sang Man Kim", date_of_birth=dt.date(1990, 1, 1)),
        Worker(source="hr", remote_id="E3", legal_name="Hyun-woo Kim"),
    ]
    pop = population(records, hasher)
    found = hits_by_ref(pop, run_indicator(indicators["SAN-SDN-MATCH"], pop))
    escalated = found.get("hr/E1") or found["payroll/P1"]
    assert escalated["weight"] == 100
    assert escalated["records"] == ["hr/E1", "payroll/P1"]
    assert "date of birth matches 'DOB 25 Apr 1965'" in escalated["explanation"]
    for ref in ("hr/E2", "hr/E3"):  # a namesake: reported, but weighs name_only_weight and says why
        assert found[ref]["weight"] == 10
        assert "name only, not escalated: needs a second identifier" in found[ref]["explanation"]


def test_front_entity_weights(indicators: dict[str, Indicator], hasher: LinkKeyHasher) -> None:
    records: list[Record] = [
        Worker(source="hr", remote_id="E1", legal_name="Ethan Brooks", prior_employers=["Tony WKJ LLC"]),
        Worker(source="hr", remote_id="E2", legal_name="Ryan Cole", emails=["r.cole@upworksell.com"]),
        Worker(source="hr", remote_id="E3", legal_name="Mary Smith", prior_employers=["Guangzhou Aiyixi Trading"]),
        Worker(source="hr", remote_id="E4", legal_name="Olga Petrova", emails=["GlausLi1990@outlook.com"]),
    ]
    pop = population(records, hasher)
    found = hits_by_ref(pop, run_indicator(indicators["SAN-FRONT-ENTITY"], pop))
    assert {ref: row["weight"] for ref, row in found.items()} == {"hr/E1": 40, "hr/E2": 70, "hr/E3": 15, "hr/E4": 70}
    assert "not a designation" in found["hr/E3"]["explanation"]
    assert "front:glaus-li" in found["hr/E4"]["keys"]


def test_sdn_path_parameter_reads_another_list(tmp_path: Path, bundled: SdnList, hasher: LinkKeyHasher) -> None:
    only_kim = SdnList(tuple(e for e in bundled.entries if e.ent_num == 43377), bundled.report)
    extract = tmp_path / "kim.json"
    write_extract(only_kim, extract, "test: one entry")
    custom = catalogue(**{"SAN-SDN-MATCH": {"sdn_path": str(extract)}})["SAN-SDN-MATCH"]
    pop = population(
        [Worker(source="hr", remote_id="E1", legal_name="Sangman Kim", date_of_birth=dt.date(1965, 4, 25))], hasher
    )
    assert run_indicator(custom, pop).height == 1
    other = population(
        [Worker(source="hr", remote_id="E1", legal_name="Jong Song Hwa", date_of_birth=dt.date(1970, 2, 5))], hasher
    )
    assert run_indicator(custom, other).is_empty()  # in the bundled list, not in this one
    wider = catalogue(**{"SAN-SDN-MATCH": {"programs": ["DPRK", "CUBA"]}})["SAN-SDN-MATCH"]
    with pytest.raises(ConfigError, match=r"point sdn_path at the full OFAC sdn\.csv"):
        run_indicator(wider, pop)


def test_screening_100k_names_takes_seconds(index: ListIndex, hasher: LinkKeyHasher) -> None:
    """Reports the time; asserts only on the result (wall-clock time is never asserted)."""
    from hiresentry.app.synthetic.names import FAMILY, GIVEN

    cultures = sorted(GIVEN)
    rows = []
    for i in range(100_000):
        culture = cultures[i % len(cultures)]
        given, family = GIVEN[culture], FAMILY[culture]
        middle = chr(ord("A") + (i // 7) % 26)
        name = (
            f"{given[(i * 7) % len(given)]} {middle}. {family[(i * 13) % len(family)]} {i // 1000 % 10 or ''}".strip()
        )
        rows.append(
            {"source": "bench", "remote_id": str(i), "legal_name": name, "deleted": False, "prior_employers": []}
        )
    rows.append(
        {"source": "bench", "remote_id": "x", "legal_name": "Sangman Kim", "deleted": False, "prior_employers": []}
    )
    pop = Population.from_rows({"workers": rows}, [])
    pop = pop.with_persons(pop.workers.select("wid", pl.col("wid").alias("pid")))
    started = time.perf_counter()
    outcome = screen_population(pop, index, 85, hasher)
    elapsed = time.perf_counter() - started
    distinct = pop.workers["legal_name"].n_unique()
    print(f"\nscreened {pop.workers.height} workers ({distinct} distinct names) in {elapsed:.1f} s")
    assert any(h.owner == index.names.search("KIM, Sang Man", 100)[0].owner for h in outcome.hits)


WALLET_GOLDEN = """
name: payout wallet that is an SDN wallet
expect: fire
hits: [payroll/P1]
records:
  - {kind: workers, source: payroll, remote_id: P1, legal_name: Ethan Brooks}
  - {kind: payout_accounts, source: payroll, remote_id: A1, worker_remote_id: P1, method: crypto,
     wallet_address: "0xB6F5EC1A0A9CD1526536D3F0426C429529471F40"}
"""


def test_wallet_golden_case_uses_the_population_hasher(indicators: dict[str, Indicator]) -> None:
    """SDN wallets are keyed with the population's own hasher, so a listed wallet matches its stored hash."""
    case = GoldenCase.model_validate(yaml.safe_load(WALLET_GOLDEN))
    result = run_case(indicators["SAN-SDN-MATCH"], case)
    assert result.passed, result.detail
    assert "listed ETH wallet address - escalated" in result.detail
