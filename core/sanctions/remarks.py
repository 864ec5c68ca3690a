"""``Remarks`` → typed identifiers and weak aliases.

OFAC's legacy CSV keeps dates of birth, documents, emails, websites, wallet addresses and the weak
a.k.a.s of a party in one ``;``-separated free-text field, e.g.::

    DOB 25 Apr 1965; POB North Pyongan Province, North Korea; nationality Korea, North;
    Digital Currency Address - XBT 1D6gG9iKEhPitTcWRJiniuj1jYM2hNeAfJ; alt. Passport 827220538 (Korea, North)

Each item is matched against a small table of labels (``alt.`` marks a further value of the same
label). Items no label fits are kept as ``other`` with their text, so nothing the list says is lost.
Dates of birth are turned into inclusive date ranges (a full date, a month, a year, ``circa`` a year
(±1), or ``1960 to 1962``) because that is how they are compared.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from hiresentry.core.sanctions.model import Alias, AliasType, Identifier, IdentifierKind

_ALIAS = re.compile(r"^(a\.k\.a\.|f\.k\.a\.|n\.k\.a\.)\s+'(.*)'$", re.IGNORECASE)
_ALIAS_TYPES: dict[str, AliasType] = {"a.k.a.": "aka", "f.k.a.": "fka", "n.k.a.": "nka"}
_WALLET = re.compile(r"^Digital Currency Address - ([A-Za-z0-9]+)\s+(\S+)$")
_DOCUMENT = re.compile(r"^(?P<number>.+?)(?:\s+\((?P<country>[^()]*)\))?(?:\s+(?:issued|expires)\b.*)?$")

# (label regex, kind, is a document number whose issuing country is in parentheses)
_LABEL_TABLE: tuple[tuple[str, IdentifierKind, bool], ...] = (
    (r"^DOB\s+(.+)$", "dob", False),
    (r"^POB\s+(.+)$", "pob", False),
    (r"^nationality\s+(.+)$", "nationality", False),
    (r"^citizen\s+(.+)$", "citizenship", False),
    (r"^Gender\s+(.+)$", "gender", False),
    (r"^(?:Email Address|EMAIL)\s+(\S+)$", "email", False),
    (r"^Website\s+(\S+)$", "website", False),
    (r"^(?:Phone Number|PHONE|Telephone|FAX)\s+(.+)$", "phone", False),
    (r"^(?:Diplomatic\s+)?Passport\s+(.+)$", "passport", True),
    (r"^(?:Identification Number|Company Number)\s+(IMO\s+.+)$", "vessel_id", False),
    (r"^Vessel Registration Identification\s+(.+)$", "vessel_id", False),
    (r"^MMSI\s+(.+)$", "vessel_id", False),
    (
        r"^(?:National ID No\.|National Foreign ID Number|Identification Number|Personal ID Card|Cedula No\.|"
        r"D\.N\.I\.|SSN|Birth Certificate Number)\s*(.+)$",
        "national_id",
        True,
    ),
    (r"^(?:Tax ID No\.|NIT #|RFC|RUC #|V\.A\.T\. Number|CUIT)\s*(.+)$", "tax_id", True),
    (
        r"^(?:Registration Number|Business Registration Number|Business Registration Document #|Company Number|"
        r"Unified Social Credit Code \(USCC\)|Registration ID|Commercial Registry Number|Legal Entity Number|"
        r"Business Number|Enterprise Number|Organization Code|D-U-N-S Number|Government Gazette Number|"
        r"C\.R\. No\.|Trade License No\.|Chamber of Commerce Number|Economic Register Number \(CBLS\))\s*(.+)$",
        "registration_id",
        True,
    ),
    (r"^SWIFT/BIC\s+(.+)$", "swift_bic", False),
    (r"^Linked To:\s*(.+)$", "linked_to", False),
)
_LABELS = tuple((re.compile(pattern, re.IGNORECASE), kind, document) for pattern, kind, document in _LABEL_TABLE)


@dataclass(frozen=True)
class ParsedRemarks:
    """The typed content of one ``Remarks`` field."""

    identifiers: tuple[Identifier, ...]
    aliases: tuple[Alias, ...]


def split_items(remarks: str) -> list[str]:
    """The ``;``-separated items, trimmed, with the closing full stop of the field removed."""
    text = remarks.strip()
    if text.endswith("."):
        text = text[:-1]
    return [item.strip() for item in text.split(";") if item.strip()]


def parse_item(item: str) -> Identifier | Alias:
    """One remark item as an identifier, or as a weak alias when it is an a.k.a./f.k.a./n.k.a."""
    body = item[5:].strip() if item.lower().startswith("alt. ") else item
    alias = _ALIAS.match(body)
    if alias:
        return Alias(name=alias.group(2).strip(), type=_ALIAS_TYPES[alias.group(1).lower()], strength="weak")
    wallet = _WALLET.match(body)
    if wallet:
        return Identifier(kind="wallet", value=wallet.group(2), qualifier=wallet.group(1).upper(), raw=item)
    for pattern, kind, document in _LABELS:
        found = pattern.match(body)
        if not found:
            continue
        value = found.group(1).strip()
        if document:
            parts = _DOCUMENT.match(value)
            if parts:
                return Identifier(kind=kind, value=parts["number"].strip(), qualifier=parts["country"], raw=item)
        return Identifier(kind=kind, value=value, raw=item)
    return Identifier(kind="other", value=body, raw=item)


def parse_remarks(remarks: str | None) -> ParsedRemarks:
    """Every item of a ``Remarks`` field, typed."""
    if not remarks:
        return ParsedRemarks((), ())
    identifiers: list[Identifier] = []
    aliases: list[Alias] = []
    for item in split_items(remarks):
        parsed = parse_item(item)
        if isinstance(parsed, Alias):
            aliases.append(parsed)
        else:
            identifiers.append(parsed)
    return ParsedRemarks(tuple(identifiers), tuple(aliases))


_MONTHS = {
    m: i for i, m in enumerate(("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1)
}
_DAY_MONTH_YEAR = re.compile(r"^(\d{1,2}) ([A-Za-z]{3})[a-z]* (\d{4})$")
_MONTH_YEAR = re.compile(r"^([A-Za-z]{3})[a-z]* (\d{4})$")
_YEAR = re.compile(r"^(\d{4})$")
_YEAR_RANGE = re.compile(r"^(\d{4}) to (\d{4})$")
CIRCA_YEARS = 1


def _month_end(year: int, month: int) -> dt.date:
    following = dt.date(year + month // 12, month % 12 + 1, 1)
    return following - dt.timedelta(days=1)


def dob_range(text: str) -> tuple[dt.date, dt.date] | None:
    """The inclusive date range a ``DOB`` value stands for, or ``None`` if it cannot be read.

    ``05 Feb 1970`` → that day; ``Feb 1970`` → that month; ``1970`` → that year; ``circa 1970`` →
    1969-1971; ``1960 to 1962`` → those years.
    """
    value = text.strip()
    circa = value.lower().startswith("circa ")
    if circa:
        value = value[6:].strip()
    try:
        if found := _DAY_MONTH_YEAR.match(value):
            month = _MONTHS.get(found.group(2).lower())
            if month is None:
                return None
            day = dt.date(int(found.group(3)), month, int(found.group(1)))
            return day, day
        if found := _MONTH_YEAR.match(value):
            month = _MONTHS.get(found.group(1).lower())
            if month is None:
                return None
            year = int(found.group(2))
            return dt.date(year, month, 1), _month_end(year, month)
        first = last = 0
        if found := _YEAR.match(value):
            first = last = int(found.group(1))
        elif found := _YEAR_RANGE.match(value):
            first, last = int(found.group(1)), int(found.group(2))
        else:
            return None
    except ValueError:
        return None
    if circa:
        first, last = first - CIRCA_YEARS, last + CIRCA_YEARS
    return dt.date(first, 1, 1), dt.date(last, 12, 31)
