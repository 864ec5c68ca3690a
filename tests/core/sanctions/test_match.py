"""Exact identifiers and the escalation rule, through ``check`` on the shipped list.

Wallets (EVM case-insensitive, others exact), registrable domains of emails and websites (never a
mailbox provider), emails; a name alone never escalates, a second identifier or an exact one does;
nationality is never an identifier.
"""

from __future__ import annotations

import datetime as dt

import pytest

from hiresentry.core.sanctions import SdnList, check, describe, escalates
from hiresentry.core.sanctions.domains import domain_key, registrable_domain, url_key
from hiresentry.core.sanctions.index import ListIndex


def ent_nums(bundled: SdnList, hits: list) -> list[int]:  # type: ignore[type-arg]
    return [bundled.entries[h.owner].ent_num for h in hits]


def test_wallets_match_exactly(bundled: SdnList, index: ListIndex) -> None:
    evm = check(index, wallets=["0xB6F5EC1A0A9CD1526536D3F0426C429529471F40"])  # EVM: case does not matter
    assert ent_nums(bundled, evm) == [43377]
    assert evm[0].escalate
    assert [e.kind for e in evm[0].evidence] == ["wallet"]  # listed as ETH, USDT and USDC: one match
    btc = check(index, wallets=["1D6gG9iKEhPitTcWRJiniuj1jYM2hNeAfJ"])
    assert ent_nums(bundled, btc) == [43377]
    assert check(index, wallets=["1d6gg9ikehpitTcWRJiniuj1jYM2hNeAfJ"]) == []  # base58 is case-sensitive
    assert check(index, wallets=["0xb6f5ec1a0a9cd1526536d3f0426c429529471f41"]) == []


def test_domains_match_as_registrable_domains(bundled: SdnList, index: ListIndex) -> None:
    for written in ("mofa.lat", "https://www.mofa.lat/login", "MAIL.MOFA.LAT", "syshim10@mofa.lat"):
        assert ent_nums(bundled, check(index, domains=[written])) == [45430], written
    # the website of Tornado Cash, and the domain of a listed email of Roman Semenov
    assert ent_nums(bundled, check(index, domains=["tornado.cash"])) == [39796, 44718]
    assert check(index, domains=["gmail.com", "naver.com", "github.com"]) == []
    assert check(index, domains=["mofa.lat.example.com"]) == []


def test_emails_match_exactly_and_their_domain_unless_shared(bundled: SdnList, index: ListIndex) -> None:
    listed = check(index, emails=["PKURUI9999@gmail.com"])
    assert ent_nums(bundled, listed) == [45430] and listed[0].escalate
    assert check(index, emails=["pkurui9998@gmail.com"]) == []  # same provider, other mailbox
    other = check(index, emails=["anyone@sinbad.io"])
    assert ent_nums(bundled, other) == [44437] and other[0].kinds == {"domain"}


def test_name_only_needs_a_second_identifier(bundled: SdnList, index: ListIndex) -> None:
    (alone,) = check(index, name="Sang-man Kim")
    assert not alone.escalate
    assert describe(alone, bundled.entries[alone.owner])["escalate"] is False
    (with_dob,) = check(index, name="Sang-man Kim", dob=dt.date(1965, 4, 25))
    assert with_dob.escalate and with_dob.kinds == {"name", "dob"}
    (wrong_dob,) = check(index, name="Sang-man Kim", dob=dt.date(1965, 4, 26))
    assert not wrong_dob.escalate
    assert check(index, dob=dt.date(1965, 4, 25)) == []  # a date of birth alone is nobody


def test_dob_ranges_count_as_second_identifier(bundled: SdnList, index: ListIndex) -> None:
    circa = next(e for e in bundled.entries if any(d.value.startswith("circa") for d in e.identifiers_of("dob")))
    span = next(d for d in circa.identifiers_of("dob") if d.value.startswith("circa"))
    year = int(span.value.split()[-1])
    hits = check(index, name=circa.name, dob=dt.date(year + 1, 6, 1))
    assert any(h.escalate for h in hits if bundled.entries[h.owner] is circa)


@pytest.mark.parametrize(
    ("kinds", "escalate"),
    [
        ({"name"}, False),
        ({"name", "dob"}, True),
        ({"name", "address"}, True),
        ({"address"}, False),
        ({"dob"}, False),
        ({"wallet"}, True),
        ({"email"}, True),
        ({"domain"}, True),
        ({"phone"}, True),
        ({"document"}, True),
    ],
)
def test_escalation_rule(kinds: set[str], escalate: bool) -> None:
    assert escalates(kinds) is escalate


def test_describe_gives_the_documented_fields(bundled: SdnList, index: ListIndex) -> None:
    (hit,) = check(index, name="Kim Sangman", wallets=["0x97b1043abd9e6fc31681635166d430a458d14f9c"])
    document = describe(hit, bundled.entries[hit.owner])
    assert document == {
        "list": "ofac-sdn",
        "ent_num": 43377,
        "name": "KIM, Sang Man",
        "type": "individual",
        "programs": ["DPRK4"],
        "matched_name": "KIM, Sang Man",
        "matched_as": "primary name",
        "weak_alias": False,
        "score": 100.0,
        "matched_identifiers": [
            {
                "kind": "wallet",
                "screened": "0x97b1043abd9e6fc31681635166d430a458d14f9c",
                "listed": "Digital Currency Address - ETH 0x97b1043abd9e6fc31681635166d430a458d14f9c",
            }
        ],
        "escalate": True,
    }


def test_domain_helpers() -> None:
    assert registrable_domain("mail.yanbian.com.cn") == "yanbian.com.cn"
    assert domain_key("https://www.Upworksell.com/about?x=1") == "upworksell.com"
    assert domain_key("someone@gmail.com") is None
    assert url_key("https://github.com/someone/") == "github.com/someone"
    assert url_key("upworksell.com") is None
