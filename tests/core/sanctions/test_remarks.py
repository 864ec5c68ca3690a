"""Remark items → typed identifiers and weak aliases; DOB text → date ranges (pure functions)."""

from __future__ import annotations

import datetime as dt

import pytest

from hiresentry.core.sanctions.model import Alias, Identifier
from hiresentry.core.sanctions.remarks import dob_range, parse_item, parse_remarks


@pytest.mark.parametrize(
    ("item", "kind", "value", "qualifier"),
    [
        ("DOB 25 Apr 1965", "dob", "25 Apr 1965", None),
        ("POB North Pyongan Province, North Korea", "pob", "North Pyongan Province, North Korea", None),
        ("nationality Korea, North", "nationality", "Korea, North", None),
        (
            "Digital Currency Address - XBT 1D6gG9iKEhPitTcWRJiniuj1jYM2hNeAfJ",
            "wallet",
            "1D6gG9iKEhPitTcWRJiniuj1jYM2hNeAfJ",
            "XBT",
        ),
        ("alt. Digital Currency Address - USDT TE3mCcPULjPUE7yk", "wallet", "TE3mCcPULjPUE7yk", "USDT"),
        ("Email Address syshim10@mofa.lat", "email", "syshim10@mofa.lat", None),
        ("EMAIL kdb@co.chesin.com", "email", "kdb@co.chesin.com", None),
        ("alt. Website sovershopp.online", "website", "sovershopp.online", None),
        ("Phone Number 8613621583465", "phone", "8613621583465", None),
        (
            "Passport 109420132 (Korea, North) issued 16 Oct 2019 expires 16 Oct 2024",
            "passport",
            "109420132",
            "Korea, North",
        ),
        ("Passport PS 472330208 (Korea, North) expires 04 Jul 2017", "passport", "PS 472330208", "Korea, North"),
        ("Identification Number G563542(9) (Hong Kong)", "national_id", "G563542(9)", "Hong Kong"),
        ("Identification Number IMO 5342883", "vessel_id", "IMO 5342883", None),
        ("Vessel Registration Identification IMO 7937317", "vessel_id", "IMO 7937317", None),
        (
            "Unified Social Credit Code (USCC) 91222401MA0Y31E659 (China)",
            "registration_id",
            "91222401MA0Y31E659",
            "China",
        ),
        ("Tax ID No. 2543103179 (Russia)", "tax_id", "2543103179", "Russia"),
        ("SWIFT/BIC KDBKKPPY", "swift_bic", "KDBKKPPY", None),
        (
            "Linked To: CHINYONG INFORMATION TECHNOLOGY COOPERATION COMPANY",
            "linked_to",
            "CHINYONG INFORMATION TECHNOLOGY COOPERATION COMPANY",
            None,
        ),
        (
            "Secondary sanctions risk: North Korea Sanctions Regulations",
            "other",
            "Secondary sanctions risk: North Korea Sanctions Regulations",
            None,
        ),
    ],
)
def test_items_are_typed(item: str, kind: str, value: str, qualifier: str | None) -> None:
    parsed = parse_item(item)
    assert isinstance(parsed, Identifier)
    assert (parsed.kind, parsed.value, parsed.qualifier, parsed.raw) == (kind, value, qualifier, item)


def test_akas_in_remarks_are_weak_aliases() -> None:
    assert parse_item("a.k.a. 'KOMID'") == Alias(name="KOMID", type="aka", strength="weak")
    assert parse_item("f.k.a. 'KYONGYONG CREDIT BANK'") == Alias(
        name="KYONGYONG CREDIT BANK", type="fka", strength="weak"
    )


def test_a_whole_remarks_field() -> None:
    parsed = parse_remarks(
        "DOB 25 Apr 1965; Digital Currency Address - ETH 0x97b1043abd9e6fc31681635166d430a458d14f9c; "
        "a.k.a. 'ALIS LLC'; alt. Passport 827220538 (Korea, North)."
    )
    assert [i.kind for i in parsed.identifiers] == ["dob", "wallet", "passport"]
    assert parsed.identifiers[-1].value == "827220538"  # the closing full stop is not part of it
    assert [a.name for a in parsed.aliases] == ["ALIS LLC"]
    assert parse_remarks(None).identifiers == ()


@pytest.mark.parametrize(
    ("text", "first", "last"),
    [
        ("25 Apr 1965", dt.date(1965, 4, 25), dt.date(1965, 4, 25)),
        ("Nov 1950", dt.date(1950, 11, 1), dt.date(1950, 11, 30)),
        ("Feb 1968", dt.date(1968, 2, 1), dt.date(1968, 2, 29)),
        ("1970", dt.date(1970, 1, 1), dt.date(1970, 12, 31)),
        ("circa 1951", dt.date(1950, 1, 1), dt.date(1952, 12, 31)),
        ("1960 to 1962", dt.date(1960, 1, 1), dt.date(1962, 12, 31)),
    ],
)
def test_dob_ranges(text: str, first: dt.date, last: dt.date) -> None:
    assert dob_range(text) == (first, last)


@pytest.mark.parametrize("text", ["31 Feb 1970", "sometime in 1970", "Foo 1970", ""])
def test_unreadable_dobs_give_no_range(text: str) -> None:
    assert dob_range(text) is None
