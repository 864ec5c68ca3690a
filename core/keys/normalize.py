"""Normalisers: one canonical text per identifier type, so that equal things compare equal.

Each function returns ``None`` when the input cannot be read as that identifier; the caller decides
whether that is an error (it is not: a phone the source wrote badly is simply no link key).
"""

from __future__ import annotations

import ipaddress
import re
from functools import lru_cache

import phonenumbers
import pycountry
from schwifty import IBAN
from schwifty.exceptions import SchwiftyException

from hiresentry.core.model import Address


def email(value: str) -> str | None:
    """Lower-cased, trimmed address; the provider is kept (agency domains matter)."""
    text = value.strip().lower()
    local, _, domain = text.partition("@")
    if not local or "." not in domain:
        return None
    return f"{local}@{domain}"


def phone(value: str, default_region: str | None = None) -> str | None:
    """E.164 form (``+14155550123``), reading national numbers in ``default_region``."""
    try:
        parsed = phonenumbers.parse(value, default_region or "US")
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(parsed):
        return None
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def phone_with_type(value: str, default_region: str | None = None) -> tuple[str, int] | None:
    """E.164 form and ``phonenumbers.PhoneNumberType`` from one parse (parsing dominates ingest time)."""
    try:
        parsed = phonenumbers.parse(value, default_region or "US")
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(parsed):
        return None
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164), phonenumbers.number_type(parsed)


def iban(value: str) -> str | None:
    """Compact IBAN with a valid checksum (``DE89370400440532013000``)."""
    try:
        return str(IBAN(value).compact)
    except (SchwiftyException, ValueError):
        return None


def bank_account(routing_number: str | None, account_number: str) -> str:
    """Routing + account digits; letters kept for non-US schemes, separators dropped."""
    digits = re.sub(r"[^0-9A-Za-z]", "", account_number).upper()
    routing = re.sub(r"[^0-9A-Za-z]", "", routing_number or "").upper()
    return f"{routing}/{digits}"


def serial(value: str) -> str | None:
    """Device serial: upper-case, separators removed."""
    text = re.sub(r"[^0-9A-Za-z]", "", value).upper()
    return text or None


def wallet(value: str) -> str | None:
    """Crypto wallet address; EVM hex addresses are case-insensitive, others are kept as written."""
    text = value.strip()
    if re.fullmatch(r"0x[0-9a-fA-F]{40}", text):
        return text.lower()
    return text or None


def egress_prefix(ip: str) -> str | None:
    """The /24 (IPv4) or /48 (IPv6) network an address egresses from: laptops behind one router share it."""
    text = ip.strip()
    parts = text.split(".")
    if len(parts) == 4 and all(p.isdigit() and len(p) <= 3 and int(p) <= 255 for p in parts):
        # fast path for the common dotted-quad case; ipaddress is ~10x slower per call
        return f"{int(parts[0])}.{int(parts[1])}.{int(parts[2])}.0/24"
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    prefix = 24 if address.version == 4 else 48
    return str(ipaddress.ip_network(f"{address}/{prefix}", strict=False))


_STREET_WORDS = {
    "STREET": "ST",
    "STR": "ST",
    "AVENUE": "AVE",
    "AV": "AVE",
    "BOULEVARD": "BLVD",
    "ROAD": "RD",
    "DRIVE": "DR",
    "LANE": "LN",
    "COURT": "CT",
    "PLACE": "PL",
    "TERRACE": "TER",
    "PARKWAY": "PKWY",
    "HIGHWAY": "HWY",
    "CIRCLE": "CIR",
    "SQUARE": "SQ",
    "TRAIL": "TRL",
    "WAY": "WAY",
    "NORTH": "N",
    "SOUTH": "S",
    "EAST": "E",
    "WEST": "W",
    "NORTHEAST": "NE",
    "NORTHWEST": "NW",
    "SOUTHEAST": "SE",
    "SOUTHWEST": "SW",
    "APARTMENT": "#",
    "APT": "#",
    "UNIT": "#",
    "SUITE": "#",
    "STE": "#",
    "NO": "#",
    "NUMBER": "#",
    "FLOOR": "FL",
}
_COUNTRY_WORDS = frozenset({"US", "USA", "UNITED STATES", "UNITED STATES OF AMERICA"})


@lru_cache(maxsize=1)
def _country_names() -> frozenset[str]:
    """Upper-case country names and alpha-3 codes (alpha-2 codes are left out: "IL" is a US state
    far more often than Israel at the end of an address line)."""
    names = set(_COUNTRY_WORDS)
    for country in pycountry.countries:
        names.add(str(country.alpha_3).upper())
        for attr in ("name", "official_name", "common_name"):
            value = getattr(country, attr, None)
            if value:
                names.add(re.sub(r"[^A-Z ]", "", str(value).upper()).strip())
    return frozenset(names)


def _is_country(text: str) -> bool:
    return text in _country_names()


def address(value: Address) -> str | None:
    """Standardised address text, equal for "123 Main Street Apt 4" and "123 MAIN ST #4".

    The country is dropped from the key (sources write it as "US", "USA" or not at all) and ZIP+4
    is cut to five digits. Free-text and structured forms of one address therefore key the same.
    """
    parts = [value.line1, value.line2, value.city, value.region, value.postal_code]
    text = " ".join(p for p in parts if p).upper()
    text = re.sub(r"\b(\d{5})-\d{4}\b", r"\1", text).replace("#", " # ")
    segments = [s.strip() for s in re.split(r",", text) if s.strip()]
    if segments and _is_country(re.sub(r"[^A-Z ]", "", segments[-1]).strip()):
        segments = segments[:-1]
    tokens = re.sub(r"[^A-Z0-9# ]", " ", " ".join(segments)).split()
    out: list[str] = []
    for raw_word in tokens:
        word = _STREET_WORDS.get(raw_word, raw_word)
        if re.fullmatch(r"\d{9}", word):  # ZIP+4 written without its hyphen
            word = word[:5]
        if word == "#" and out and out[-1] == "#":
            continue
        out.append(word)
    # "APT 4", "#4" and "# 4" all become "#4"
    joined = " ".join(out).replace("# ", "#")
    return joined or None
