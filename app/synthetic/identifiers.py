"""Identifier generators: phones, tax ids, bank accounts, serials, egress networks, emails, addresses.

Every generator draws from the population's single ``random.Random`` and registers what it hands out,
so that two unrelated workers never share an identifier by accident: any shared phone, email, account,
serial or /24 in the output is one that a pattern planted on purpose and listed in ``truth.json``.
Formats are real (E.164-valid mobile ranges, IBANs with mod-97 check digits, ABA routing checksums,
national tax-id check digits where cheap) so the connectors' normalisers are exercised as in production.
"""

from __future__ import annotations

import ipaddress
import random
import string
import unicodedata
from typing import Any

from hiresentry.app.synthetic.places import (
    COUNTRY,
    EGRESS_POOLS,
    HOSTING_POOL,
    PERSONAL_EMAIL_DOMAINS,
    PHONE_PLANS,
    US_SUFFIXES,
)

_IBAN_COUNTRIES = frozenset({"GB", "DE", "PL", "BR", "ES", "NL"})
_FOLD = str.maketrans({"ł": "l", "Ł": "L", "ß": "ss", "ø": "o", "Ø": "O", "đ": "d", "æ": "ae"})
_ALNUM = string.ascii_uppercase + string.digits
_SUFFIXES = tuple(US_SUFFIXES)
_ES_BANKS = ("2100", "0049", "0182", "0081", "2085")
_ABA_PREFIXES = (*range(1, 13), *range(21, 33))  # Federal Reserve districts and thrift prefixes


def ascii_token(text: str) -> str:
    """Lower-case ASCII letters only: "Łukasz" → "lukasz", "de Jong" → "dejong" (for email locals)."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_FOLD))
    return "".join(ch for ch in decomposed if ch.isascii() and ch.isalnum()).lower()


def iban_check_digits(country: str, bban: str) -> str:
    """ISO 13616 mod-97 check digits for ``country`` + ``bban``."""
    digits = "".join(str(int(ch, 36)) for ch in bban + country + "00")
    return f"{98 - int(digits) % 97:02d}"


def spaced_iban(compact: str) -> str:
    """Print form in groups of four ("DE89 3704 0044 0532 0130 00")."""
    return " ".join(compact[i : i + 4] for i in range(0, len(compact), 4))


def _weighted_check(digits: str, weights: tuple[int, ...], modulus: int) -> int:
    return sum(int(d) * w for d, w in zip(digits, weights, strict=False)) % modulus


def aba_valid(routing: str) -> bool:
    """ABA routing-number checksum (3-7-1 weights, mod 10)."""
    return len(routing) == 9 and _weighted_check(routing, (3, 7, 1) * 3, 10) == 0


def luhn_digit(body: str) -> str:
    """The Luhn check digit that completes ``body``."""
    total = 0
    for i, ch in enumerate(reversed(body)):
        d = int(ch) * (2 if i % 2 == 0 else 1)
        total += d - 9 if d > 9 else d
    return str((10 - total % 10) % 10)


def us_phone_forms(e164: str) -> tuple[str, str, str]:
    """A +1 number as ``+1 (415) 555-0142``, ``415.555.0142`` and ``(415) 555-0142``."""
    n = e164[2:]
    return f"+1 ({n[:3]}) {n[3:6]}-{n[6:]}", f"{n[:3]}.{n[3:6]}.{n[6:]}", f"({n[:3]}) {n[3:6]}-{n[6:]}"


class _Pool:
    """Hands out every /24 of one network exactly once, in a scattered order (golden-ratio stride).

    Stepping by an odd stride modulo a power of two visits each /24 once, so uniqueness needs no set
    and no retries even when a country's pools fill up.
    """

    __slots__ = ("asn", "base", "offset", "size", "stride", "used")

    def __init__(self, asn: int, cidr: str, rng: random.Random) -> None:
        network = ipaddress.ip_network(cidr)
        self.asn, self.base, self.size = asn, int(network.network_address), network.num_addresses >> 8
        self.stride = int(self.size * 0.6180339887) | 1
        self.offset, self.used = rng.randrange(self.size), 0

    def take(self) -> int | None:
        """Network address of the next unused /24, or ``None`` when the pool is exhausted."""
        if self.used == self.size:
            return None
        slot = (self.offset + self.used * self.stride) % self.size
        self.used += 1
        return self.base + (slot << 8)


class Registry:
    """Hands out unique identifiers from one seeded generator and remembers every value it issued."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self._used: dict[str, set[Any]] = {}
        self._egress = {
            country: [_Pool(asn, cidr, rng) for asn, cidr in pools]
            for country, pools in (*EGRESS_POOLS.items(), ("", (HOSTING_POOL,)))
        }

    def claim(self, space: str, value: Any) -> bool:
        """Register ``value`` in ``space``; False when it was already handed out."""
        return self._claim(space, value)

    def _claim(self, space: str, value: Any) -> bool:
        used = self._used.setdefault(space, set())
        if value in used:
            return False
        used.add(value)
        return True

    def phone(self, country: str, areas: str = "") -> tuple[str, str]:
        """(E.164, international display form) of a fresh valid number (NANP: in one of ``areas``)."""
        cc, prefixes, length = PHONE_PLANS[country]
        prefixes = tuple(areas.split()) or prefixes
        rng = self.rng
        while True:
            prefix = rng.choice(prefixes)
            if cc == "1":
                exchange = rng.randrange(200, 1000)
                if exchange == 555 or exchange % 100 == 11:
                    continue
                sub = f"{exchange}{rng.randrange(10000):04d}"
            else:
                sub = f"{rng.randrange(10**length):0{length}d}"
            e164 = f"+{cc}{prefix}{sub}"
            if self._claim("phone", e164):
                break
        if cc == "1":
            return e164, f"+1 {prefix}-{sub[:3]}-{sub[3:]}"
        return e164, f"+{cc} {prefix} {sub[: len(sub) // 2]} {sub[len(sub) // 2 :]}"

    def personal_email(self, given: str, family: str, country: str) -> str:
        """A fresh personal mailbox at a common provider of the worker's country."""
        rng = self.rng
        first, last = ascii_token(given) or "dev", ascii_token(family) or "mail"
        domains = PERSONAL_EMAIL_DOMAINS.get(country, PERSONAL_EMAIL_DOMAINS["default"])
        while True:
            style = rng.randrange(4)
            number = rng.randrange(1, 100)
            local = (
                f"{first}.{last}",
                f"{first}{last}{number}",
                f"{first[0]}{last}{number}",
                f"{last}.{first}{rng.randrange(70, 100)}",
            )[style]
            address = f"{local}@{rng.choice(domains)}"
            if self._claim("email", address):
                return address

    def handle_email(self) -> str:
        """A fresh nickname-style mailbox, the kind shared between personas ("dev.ninja.pro@gmail.com")."""
        words = ("dev", "code", "ninja", "pro", "stack", "cloud", "byte", "pixel", "swift", "smart")
        while True:
            parts = self.rng.sample(words, 3)
            address = f"{'.'.join(parts)}{self.rng.randrange(10, 1000)}@gmail.com"
            if self._claim("email", address):
                return address

    def work_email(self, given: str, family: str) -> str:
        """``first.last@corp.example``, numbered when the name is already taken."""
        base = f"{ascii_token(given.split()[0]) or 'user'}.{ascii_token(family.split()[-1]) or 'user'}"
        number = 1
        address = f"{base}@corp.example"
        while not self._claim("email", address):
            number += 1
            address = f"{base}{number}@corp.example"
        return address

    def tax_id(self, country: str, dob: str, family: str) -> str:
        """A fresh national tax/social id in the country's usual format (with check digits)."""
        while True:
            value = self._tax_id(country, dob, family)
            # claimed in the form the core compares (separators dropped): a US SSN and a Canadian
            # SIN can share nine digits, and would then resolve as one person
            if self._claim("tax", "".join(ch for ch in value if ch.isalnum()).upper()):
                return value

    def _tax_id(self, country: str, dob: str, family: str) -> str:
        r = self.rng.randrange
        if country == "US":
            area = r(1, 900)
            area = 667 if area == 666 else area
            return f"{area:03d}-{r(1, 100):02d}-{r(1, 10000):04d}"
        if country == "CA":
            body = f"{r(1, 8)}{r(10**7):07d}"
            sin = body + luhn_digit(body)
            return f"{sin[:3]} {sin[3:6]} {sin[6:]}"
        if country == "GB":
            first, second = self.rng.choice("ABCEGHJKLMPRSTWXYZ"), self.rng.choice("ABCEGHJKLMPRSTWXYZ")
            return f"{first}{second}{r(10**6):06d}{self.rng.choice('ABCD')}"
        if country == "DE":
            digits = f"{r(1, 10)}{r(10**9):09d}"
            product = 10
            for d in digits:
                total = (int(d) + product) % 10 or 10
                product = (total * 2) % 11
            return digits + str((11 - product) % 10)
        if country == "PL":  # PESEL encodes the date of birth
            year, month, day = int(dob[:4]), int(dob[5:7]), int(dob[8:10])
            body = f"{year % 100:02d}{month + (20 if year >= 2000 else 0):02d}{day:02d}{r(10**4):04d}"
            return body + str((10 - _weighted_check(body, (1, 3, 7, 9) * 3, 10)) % 10)
        if country == "IN":  # PAN: 4th letter P (individual), 5th the surname initial
            letters = "".join(self.rng.choice(string.ascii_uppercase) for _ in range(3))
            initial = (ascii_token(family)[:1] or "X").upper()
            return f"{letters}P{initial}{r(10**4):04d}{self.rng.choice(string.ascii_uppercase)}"
        if country == "BR":  # CPF with both check digits
            body = f"{r(10**9):09d}"
            for length in (9, 10):
                total = sum(int(d) * (length + 1 - i) for i, d in enumerate(body))
                body += str(0 if total % 11 < 2 else 11 - total % 11)
            return f"{body[:3]}.{body[3:6]}.{body[6:9]}-{body[9:]}"
        if country == "PH":
            return f"{r(100, 1000)}-{r(1000):03d}-{r(1000):03d}-000"
        if country == "ES":  # DNI with its control letter
            number = r(10**7, 10**8)
            return f"{number}{'TRWAGMYFPDXBNJZSQVHLCKE'[number % 23]}"
        if country == "MX":  # RFC (persona física): 4 letters, birth date, homoclave
            letters = "".join(self.rng.choice(string.ascii_uppercase) for _ in range(4))
            homoclave = "".join(self.rng.choice(_ALNUM) for _ in range(3))
            return f"{letters}{dob[2:4]}{dob[5:7]}{dob[8:10]}{homoclave}"
        if country == "NL":  # BSN, eleven-proof
            while True:
                body = f"{r(1, 10)}{r(10**7):07d}"
                last = _weighted_check(body, (9, 8, 7, 6, 5, 4, 3, 2), 11)
                if last < 10:
                    return body + str(last)
        raise ValueError(f"no tax id format for {country}")

    def iban(self, country: str) -> str:
        """A fresh compact IBAN with correct check digits (format-valid for schwifty)."""
        r, choice = self.rng.randrange, self.rng.choice
        while True:
            if country == "GB":
                bban = f"{choice(('NWBK', 'BARC', 'LOYD', 'HBUK', 'MIDL', 'NAIA'))}{r(10**6):06d}{r(10**8):08d}"
            elif country == "DE":
                bban = f"{r(10**7, 9 * 10**7)}{r(10**10):010d}"
            elif country == "PL":
                bban = f"{r(10**7, 10**8)}{r(10**16):016d}"
            elif country == "BR":
                bban = f"{r(10**8):08d}{r(10**5):05d}{r(10**10):010d}{choice('CP')}1"
            elif country == "ES":
                bban = f"{choice(_ES_BANKS)}{r(10**4):04d}{r(100):02d}{r(10**10):010d}"
            elif country == "NL":
                bban = f"{choice(('ABNA', 'INGB', 'RABO', 'SNSB', 'TRIO', 'BUNQ'))}{r(10**10):010d}"
            else:
                raise ValueError(f"{country} does not use IBANs")
            compact = f"{country}{iban_check_digits(country, bban)}{bban}"
            if self._claim("account", compact):
                return compact

    def bank_account(self, country: str) -> dict[str, Any]:
        """Payout-account fields for a fresh account in the worker's country (IBAN where used)."""
        if country in _IBAN_COUNTRIES:
            return {"method": "bank", "iban": self.iban(country), "bank_country": country}
        if country == "PH":  # paid through Wise to the personal mailbox (filled in by the caller)
            return {"method": "wise", "bank_country": None}
        r, choice = self.rng.randrange, self.rng.choice
        while True:
            if country == "US":
                body = f"{choice(_ABA_PREFIXES):02d}{r(10**6):06d}"
                routing = body + str((10 - _weighted_check(body, (3, 7, 1, 3, 7, 1, 3, 7), 10)) % 10)
                account = f"{r(10**9, 10**12)}"
            elif country == "CA":
                routing = f"0{choice(('001', '002', '003', '004', '006', '010'))}{r(10**5):05d}"
                account = f"{r(10**6, 10**7)}"
            elif country == "IN":
                routing = f"{choice(('HDFC', 'ICIC', 'SBIN', 'UTIB', 'KKBK'))}0{r(10**6):06d}"
                account = f"{r(10**11, 10**14)}"
            elif country == "MX":  # CLABE in the account number, its check digit on 3-7-1 weights
                body = f"{choice(('002', '012', '014', '072', '021'))}{r(1000):03d}{r(10**11):011d}"
                weighted = sum(int(d) * w % 10 for d, w in zip(body, (3, 7, 1) * 6, strict=False))
                routing, account = None, body + str((10 - weighted % 10) % 10)
            else:
                raise ValueError(f"no bank format for {country}")
            if self._claim("account", f"{routing}/{account}"):
                return {
                    "method": "bank",
                    "routing_number": routing,
                    "account_number": account,
                    "bank_country": country,
                }

    def wallet(self) -> str:
        """A fresh EVM-style wallet address (0x + 40 hex)."""
        while True:
            address = f"0x{self.rng.getrandbits(160):040x}"
            if self._claim("account", address):
                return address

    def serial(self) -> str:
        """A fresh laptop serial in Apple, Dell or Lenovo style."""
        rng = self.rng
        while True:
            vendor = rng.random()
            if vendor < 0.55:
                value = "C02" + "".join(rng.choice(_ALNUM) for _ in range(9))
            elif vendor < 0.8:
                value = "".join(rng.choice(_ALNUM) for _ in range(7))
            else:
                value = "PF" + "".join(rng.choice(_ALNUM) for _ in range(6))
            if self._claim("serial", value):
                return value

    def egress(self, country: str | None) -> tuple[int, str]:
        """(ASN, fresh /24 written as "a.b.c.") from the country's ISPs, or VPN hosting when ``None``."""
        pools = self._egress[country or ""]
        start = self.rng.randrange(len(pools))
        for i in range(len(pools)):
            base = pools[(start + i) % len(pools)].take()
            if base is not None:
                asn = pools[(start + i) % len(pools)].asn
                return asn, f"{base >> 24}.{(base >> 16) & 255}.{(base >> 8) & 255}."
        raise ValueError(f"egress pools of {country or 'VPN hosting'} exhausted: population too large")

    def address(self, country: str, exclude_region: str | None = None) -> dict[str, Any]:
        """A fresh home address in ``country`` (optionally outside one region), canonical field names."""
        spec, rng, r = COUNTRY[country], self.rng, self.rng.randrange
        while True:
            city = rng.choice(spec.cities)
            if city.region == exclude_region:
                continue
            street, number, line2 = rng.choice(spec.streets), r(1, 400), None
            if country in ("US", "CA"):
                suffix = rng.choice(_SUFFIXES)
                line1 = f"{r(100, 10000)} {street} {suffix}"
                line2 = f"Apt {r(1, 40)}" if rng.random() < 0.3 else None
            elif country in ("GB", "IN", "PH"):
                line1 = f"{number} {street}" if country != "IN" else f"{number}, {street}"
                line2 = f"Flat {r(1, 30)}" if rng.random() < 0.25 else None
            elif country == "PL":
                line1 = f"{street} {number}/{r(1, 80)}"
            elif country == "BR":
                line1 = f"{street}, {number}"
                line2 = f"Apto {r(11, 250)}" if rng.random() < 0.5 else None
            else:
                line1 = f"{street} {number}"
            postal = self._postal(country, city.postal)
            if self._claim("address", (line1.upper(), line2, postal, city.name)):
                return {
                    "line1": line1,
                    "line2": line2,
                    "city": city.name,
                    "region": city.region,
                    "postal_code": postal,
                    "country": country,
                }

    def _postal(self, country: str, prefix: str) -> str:
        r, letters = self.rng.randrange, "ABDEFGHJLNPQRSTUWXYZ"
        if country == "US":
            return f"{prefix}{r(100):02d}"
        if country == "CA":
            return f"{prefix} {r(10)}{self.rng.choice(letters)}{r(10)}"
        if country == "GB":
            return f"{prefix} {r(10)}{self.rng.choice(letters)}{self.rng.choice(letters)}"
        if country in ("DE", "ES", "MX"):
            return f"{prefix}{r(1000):03d}"
        if country == "PL":
            return f"{prefix}-{r(1000):03d}"
        if country == "IN":
            return f"{prefix}{r(1000):03d}"
        if country == "BR":
            return f"{prefix}{r(1000):03d}-{r(1000):03d}"
        if country == "PH":
            return f"{prefix}{r(100):02d}"
        return f"{prefix}{r(100):02d} {self.rng.choice(letters)}{self.rng.choice(letters)}"  # NL
