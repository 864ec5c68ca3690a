"""A screening index over one list: names (fuzzy, blocked) plus exact identifier maps.

Identifiers are matched exactly after normalisation, in clear for what the store keeps in clear
(email domains, websites) and as keyed hashes for what it keeps only hashed (wallets, emails,
phones, ID numbers, street addresses): the listed values are public, so they are hashed with the
store's own :class:`LinkKeyHasher` and the same key types and normalisers as
``core/store/rows.py``, and compared hash to hash. The store never needs a raw wallet for this.

================  ==========================================  ==================================
key kind          listed value → key                          compared with (store)
================  ==========================================  ==================================
``wallet``        ``normalize.wallet`` (EVM hex lower-cased)  ``payout_accounts.account_key``
``email``         ``normalize.email``                         ``worker_keys`` (email), payout
                                                              email accounts (``payout`` key)
``domain``        registrable domain of emails and websites,  ``worker_keys.domain``, employer
                  never a mailbox provider or shared host     and profile URLs (clear)
``url``           ``host/path`` of a website page             ``workers.profile_urls`` (clear)
``phone``         E.164 (``normalize.phone`` of ``+digits``)  ``worker_keys`` (phone)
``document``      passport / national ID / tax ID /           ``workers.tax_key``, payee
                  registration number, letters and digits     ``entity_key`` (when present)
                  upper-cased
``address``       ``normalize.address`` of a street address   ``home_addr_key``/``ship_addr_key``,
                                                              ``entity_addr_key`` (when present)
================  ==========================================  ==================================
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

from hiresentry.core.keys import LinkKeyHasher, normalize
from hiresentry.core.model import Address, PayoutMethod
from hiresentry.core.sanctions.domains import domain_key, split_url
from hiresentry.core.sanctions.model import SdnEntry
from hiresentry.core.sanctions.names_index import ListedName, NameIndex
from hiresentry.core.sanctions.remarks import dob_range

KeyKind = Literal["wallet", "email", "domain", "url", "phone", "document", "address"]
# payout accounts keyed by email, as the row builder keys them: "payout" + "<method>:<email>"
PAYOUT_EMAIL_METHODS = tuple(m.value for m in PayoutMethod if m not in (PayoutMethod.BANK, PayoutMethod.CRYPTO))
_DOCUMENT_KINDS = frozenset({"passport", "national_id", "tax_id", "registration_id"})


@dataclass(frozen=True)
class ListedIdentifier:
    """One identifier of a listed party: whose, which kind, its key, and how the list writes it."""

    owner: int
    kind: KeyKind
    key: str
    label: str


@dataclass(frozen=True)
class DobRange:
    """A listed date of birth as the inclusive range it stands for."""

    first: dt.date
    last: dt.date
    label: str

    def contains(self, day: dt.date) -> bool:
        """True when ``day`` falls in the range."""
        return self.first <= day <= self.last


def document_key(value: str) -> str | None:
    """ID numbers as the row builder keys tax ids: letters and digits only, upper-cased."""
    text = re.sub(r"[^0-9A-Za-z]", "", value).upper()
    return text or None


def phone_key(value: str) -> str | None:
    """E.164 form of a listed number, which OFAC writes without ``+`` (``8613621583465``)."""
    digits = re.sub(r"\D", "", value.split("ext")[0].split("/")[0])
    return normalize.phone("+" + digits) if len(digits) >= 8 else None


def address_key(street: str | None, city: str | None) -> str | None:
    """Standardised text of a listed *street* address (a city alone identifies no one)."""
    if not street:
        return None
    return normalize.address(Address(line1=street, city=city))


def identifier_keys(kind: str, value: str) -> list[tuple[KeyKind, str]]:
    """The match keys of one listed identifier (an email gives its address and its domain)."""
    keys: list[tuple[KeyKind, str]] = []
    if kind == "wallet":
        wallet = normalize.wallet(value)
        keys += [("wallet", wallet)] if wallet else []
    elif kind == "email":
        email = normalize.email(value)
        if email:
            keys.append(("email", email))
            domain = domain_key(email)
            keys += [("domain", domain)] if domain else []
    elif kind == "website":
        parts = split_url(value)
        domain = domain_key(value)
        if domain:
            keys.append(("domain", domain))
        elif parts and parts[1]:
            keys.append(("url", f"{parts[0]}/{parts[1]}"))
    elif kind == "phone":
        phone = phone_key(value)
        keys += [("phone", phone)] if phone else []
    elif kind in _DOCUMENT_KINDS:
        document = document_key(value)
        keys += [("document", document)] if document and len(document) >= 5 else []
    return keys


@dataclass
class ListIndex:
    """Names, identifiers and dates of birth of one list's parties, ready for lookups."""

    names: NameIndex
    identifiers: Sequence[ListedIdentifier]
    dobs: Mapping[int, Sequence[DobRange]] = field(default_factory=dict)
    _exact: dict[tuple[KeyKind, str], list[ListedIdentifier]] = field(default_factory=dict, init=False)
    _hashed: dict[str, dict[str, list[ListedIdentifier]]] = field(default_factory=dict, init=False)

    def __post_init__(self) -> None:
        for item in self.identifiers:
            self._exact.setdefault((item.kind, item.key), []).append(item)

    def lookup(self, kind: KeyKind, key: str) -> list[ListedIdentifier]:
        """Listed identifiers equal to a clear key."""
        return self._exact.get((kind, key), [])

    def hashed(self, hasher: LinkKeyHasher) -> dict[str, list[ListedIdentifier]]:
        """Listed identifiers by their keyed hash under ``hasher`` (computed once per key)."""
        fingerprint = hasher.fingerprint()
        if fingerprint not in self._hashed:
            table: dict[str, list[ListedIdentifier]] = {}
            for item in self.identifiers:
                for digest in _digests(hasher, item):
                    table.setdefault(digest, []).append(item)
            self._hashed[fingerprint] = table
        return self._hashed[fingerprint]


def _digests(hasher: LinkKeyHasher, item: ListedIdentifier) -> list[str]:
    if item.kind == "wallet":
        return [hasher.hash("wallet", item.key)]
    if item.kind == "email":
        payout = [hasher.hash("payout", f"{method}:{item.key}") for method in PAYOUT_EMAIL_METHODS]
        return [hasher.hash("email", item.key), *payout]
    if item.kind == "phone":
        return [hasher.hash("phone", item.key)]
    if item.kind == "document":
        return [hasher.hash("tax_id", item.key)]
    if item.kind == "address":
        return [hasher.hash("address", item.key)]
    return []


def _unique(items: Iterable[ListedIdentifier]) -> list[ListedIdentifier]:
    return list(dict.fromkeys(items))


def sdn_index(entries: Sequence[SdnEntry]) -> ListIndex:
    """The index of SDN entries; owners are positions in ``entries``."""
    names: list[ListedName] = []
    identifiers: list[ListedIdentifier] = []
    dobs: dict[int, list[DobRange]] = {}
    for owner, entry in enumerate(entries):
        names.append(ListedName(owner, entry.name, entry.type))
        names += [
            ListedName(owner, alias.name, entry.type, alias.type, alias.strength == "weak") for alias in entry.aliases
        ]
        for item in entry.identifiers:
            for kind, key in identifier_keys(item.kind, item.value):
                identifiers.append(ListedIdentifier(owner, kind, key, item.raw))
            if item.kind == "dob" and (span := dob_range(item.value)):
                dobs.setdefault(owner, []).append(DobRange(span[0], span[1], item.raw))
        for address in entry.addresses:
            street = address_key(address.address, address.city)
            if street:
                label = ", ".join(p for p in (address.address, address.city, address.country) if p)
                identifiers.append(ListedIdentifier(owner, "address", street, label))
    return ListIndex(NameIndex(names), _unique(identifiers), dobs)
