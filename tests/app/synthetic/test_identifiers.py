"""Identifier generators: formats and check digits are the real ones, pools never overlap."""

from __future__ import annotations

import ipaddress
import itertools
import random

import phonenumbers
import pytest
from schwifty import IBAN

from hiresentry.app.synthetic.identifiers import Registry, aba_valid, ascii_token, spaced_iban, us_phone_forms
from hiresentry.app.synthetic.places import CORPORATE_VPN, COUNTRIES, EGRESS_POOLS, HOSTING_POOL, PHONE_PLANS
from hiresentry.app.synthetic.population import idp_worker_id
from hiresentry.core.keys.normalize import phone


@pytest.mark.parametrize("country", ["GB", "DE", "PL", "BR", "ES", "NL"])
def test_ibans_have_valid_check_digits_and_structure(country: str) -> None:
    reg = Registry(random.Random(1))
    for _ in range(200):
        value = reg.iban(country)
        assert IBAN(value).compact == value
        assert IBAN(spaced_iban(value)).compact == value and IBAN(value.lower()).compact == value


def test_us_routing_numbers_pass_the_aba_checksum() -> None:
    reg = Registry(random.Random(2))
    for _ in range(200):
        account = reg.bank_account("US")
        assert aba_valid(account["routing_number"])
    assert not aba_valid("123456789")


@pytest.mark.parametrize("country", [spec.code for spec in COUNTRIES])
def test_phones_are_valid_for_their_country(country: str) -> None:
    reg = Registry(random.Random(3))
    spec = next(s for s in COUNTRIES if s.code == country)
    for city in spec.cities:
        for _ in range(40):
            e164, shown = reg.phone(country, city.areas)
            parsed = phonenumbers.parse(e164)
            assert phonenumbers.is_valid_number(parsed), e164
            assert phonenumbers.region_code_for_number(parsed) == country
            assert phone(shown) == e164
    assert country in PHONE_PLANS


def test_us_phone_forms_normalise_to_one_number() -> None:
    forms = us_phone_forms("+14155550142")
    assert forms == ("+1 (415) 555-0142", "415.555.0142", "(415) 555-0142")
    assert {phone(f, "US") for f in forms} == {"+14155550142"}


def test_egress_pools_do_not_overlap_and_are_public() -> None:
    networks = [ipaddress.ip_network(cidr) for pools in EGRESS_POOLS.values() for _, cidr in pools]
    networks += [ipaddress.ip_network(HOSTING_POOL[1])] + [ipaddress.ip_network(c) for _, c in CORPORATE_VPN]
    for a, b in itertools.combinations(networks, 2):
        assert not a.overlaps(b), (a, b)
    assert all(n.is_global for n in networks[: -len(CORPORATE_VPN)])
    assert all(n.is_reserved or not n.is_global for n in networks[-len(CORPORATE_VPN) :])


def test_egress_hands_out_every_slash24_once_then_refuses() -> None:
    reg = Registry(random.Random(4))
    hosting = ipaddress.ip_network(HOSTING_POOL[1]).num_addresses >> 8
    prefixes = {reg.egress(None)[1] for _ in range(hosting)}
    assert len(prefixes) == hosting
    with pytest.raises(ValueError, match="exhausted"):
        reg.egress(None)


def test_other_identifiers_never_repeat() -> None:
    reg = Registry(random.Random(5))
    for country in ("US", "CA", "GB", "DE", "PL", "IN", "BR", "PH", "ES", "MX", "NL"):
        values = [reg.tax_id(country, "1990-04-12", "Nowak") for _ in range(300)]
        assert len(set(values)) == len(values)
    serials = [reg.serial() for _ in range(2000)]
    assert len(set(serials)) == len(serials)
    assert len({idp_worker_id(i) for i in range(100_000)}) == 100_000
    assert all(len(idp_worker_id(i)) == 20 for i in (0, 1, 99_999))


def test_ascii_tokens_for_email_locals() -> None:
    assert [ascii_token(n) for n in ("Łukasz", "de Jong", "Müller", "Min-jun", "Álvarez")] == [
        "lukasz", "dejong", "muller", "minjun", "alvarez",
    ]  # fmt: skip
