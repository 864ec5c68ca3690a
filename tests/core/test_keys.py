"""Link keys: normalisation, tolerant name comparison, keyed hashing and masks."""

from __future__ import annotations

import pytest
from pydantic import SecretStr

from hiresentry.core.errors import ConfigError
from hiresentry.core.keys import LinkKeyHasher, mask, name_key, names_compatible, normalize, phonetic_key
from hiresentry.core.model import Address


def test_email_is_lowercased_and_keeps_provider() -> None:
    assert normalize.email("  Dev.Ninja@GMAIL.com ") == "dev.ninja@gmail.com"
    assert normalize.email("not-an-email") is None


@pytest.mark.parametrize(
    ("raw", "region", "expected"),
    [
        ("+1 (415) 555-0142", None, "+14155550142"),
        ("415.555.0142", "US", "+14155550142"),
        ("020 7946 0958", "GB", "+442079460958"),
        ("12", "US", None),
    ],
)
def test_phone_e164(raw: str, region: str | None, expected: str | None) -> None:
    assert normalize.phone(raw, region) == expected


def test_iban_compact_and_checksum() -> None:
    assert normalize.iban("de89 3704 0044 0532 0130 00") == "DE89370400440532013000"
    assert normalize.iban("DE89 3704 0044 0532 0130 01") is None


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (
            Address(line1="123 Main Street", line2="Apt 4", city="Springfield", region="IL", postal_code="62701"),
            Address(line1="123 MAIN ST #4, SPRINGFIELD, IL 62701-1234, USA"),
        ),
        (
            Address(line1="12 North Elm Avenue", city="Austin", region="TX", postal_code="78701", country="US"),
            Address(line1="12 N Elm Ave, Austin, TX 78701"),
        ),
    ],
)
def test_address_forms_of_one_place_key_equal(a: Address, b: Address) -> None:
    assert normalize.address(a) == normalize.address(b)


def test_different_addresses_differ() -> None:
    a = Address(line1="123 Main St", city="Springfield", region="IL", postal_code="62701")
    b = Address(line1="125 Main St", city="Springfield", region="IL", postal_code="62701")
    assert normalize.address(a) != normalize.address(b)


def test_egress_prefix() -> None:
    assert normalize.egress_prefix("203.0.113.77") == "203.0.113.0/24"
    assert normalize.egress_prefix("2001:db8:1:2::5") == "2001:db8:1::/48"
    assert normalize.egress_prefix("nope") is None


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Kim, Min-jun", "Minjun KIM"),
        ("SMITH, WILLIAM J", "Bill J. Smith"),
        ("Mohammed Al-Rashid", "Muhammad Alrashid"),
        ("J. Smith", "John Smith"),
        ("José Álvarez", "Jose Alvarez"),
        ("Dr. Priya Nair", "Priya Nair"),
        ("Maria Garcia Lopez", "Maria Garcia"),
    ],
)
def test_names_compatible(a: str, b: str) -> None:
    assert names_compatible(a, b)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Daniel Park", "Li Wei"),
        ("Alex Turner", "Jin Hyok Pak"),
        ("John Smith", "Jane Doe"),
        ("J K", "John Kim"),
        ("Anna Smith", "John Smith"),
    ],
)
def test_names_incompatible(a: str, b: str) -> None:
    assert not names_compatible(a, b)


def test_name_keys_are_order_free() -> None:
    assert name_key("Kim, Min-jun") == name_key("Minjun Kim") == "kim minjun"
    assert phonetic_key("Mohammed") == phonetic_key("Muhammad")


def test_hasher_is_keyed_typed_and_hides_its_key() -> None:
    a = LinkKeyHasher(SecretStr("k" * 32))
    b = LinkKeyHasher(SecretStr("j" * 32))
    assert a.hash("phone", "+14155550142") == a.hash("phone", "+14155550142")
    assert a.hash("phone", "+14155550142") != b.hash("phone", "+14155550142")
    assert a.hash("phone", "123") != a.hash("payout", "123")
    assert "k" * 8 not in repr(a)
    assert a.fingerprint() != b.fingerprint()


def test_short_key_is_refused() -> None:
    with pytest.raises(ConfigError, match="at least 16 bytes"):
        LinkKeyHasher(SecretStr("short"))


def test_masks_hide_all_but_a_tail() -> None:
    assert mask.email("dev.ninja@gmail.com") == "d•••@gmail.com"
    assert mask.phone("+14155550142") == "+1•••••••0142"
    assert mask.iban("DE89370400440532013000") == "DE••••••3000"
    assert mask.address(Address(line1="88 Pine St", city="Seattle", region="WA", country="US")) == "••• Seattle, WA, US"
