"""Evidence of a match with a listed party, the escalation rule, and the one-off check.

**Escalation rule.** Common names are the listed false positive of SDN screening, so a match on a
name alone (however close) is reported with ``escalate=False``: it needs a second identifier.
Second identifiers are the date of birth (the listed day, month or year range contains the
worker's), a listed street address, or any exact identifier. An exact identifier (wallet address,
email address, registrable domain or page URL, phone number, passport/ID number) is precise on its
own: it escalates with or without a name. **Nationality and places of birth are never used** as a
second identifier: hiresentry flags misrepresentation, not origin.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

from hiresentry.core.keys import normalize
from hiresentry.core.sanctions.domains import domain_key, url_key
from hiresentry.core.sanctions.index import KeyKind, ListedIdentifier, ListIndex
from hiresentry.core.sanctions.model import EntryType, SdnEntry
from hiresentry.core.sanctions.names_index import NameMatch

DEFAULT_THRESHOLD = 85.0
EvidenceKind = Literal["name", "dob", "address", "wallet", "email", "domain", "url", "phone", "document"]
CRITICAL_KINDS: frozenset[str] = frozenset({"wallet", "email", "domain", "url", "phone", "document"})
SUPPORTING_KINDS: frozenset[str] = frozenset({"dob", "address"})


@dataclass(frozen=True)
class Evidence:
    """One reason to link a screened subject to a listed party.

    ``screened`` is what was screened, as shown to people (a name as written, a masked wallet);
    ``listed`` is what the list says (the name or alias matched, the identifier's remark text).
    """

    kind: EvidenceKind
    screened: str
    listed: str
    score: float = 100.0
    method: str = "exact"
    alias_type: str | None = None
    weak: bool = False
    records: tuple[str, ...] = ()


def escalates(kinds: Collection[str]) -> bool:
    """The escalation rule of the module docstring, on the kinds of evidence gathered."""
    kinds = set(kinds)
    return bool(kinds & CRITICAL_KINDS) or ("name" in kinds and bool(kinds & SUPPORTING_KINDS))


def add_evidence(found: list[Evidence], new: Evidence) -> None:
    """Append ``new`` unless the same screened value already matched the same way (a wallet listed
    as ETH, USDT and USDC is one match)."""
    if not any((e.kind, e.screened, e.records) == (new.kind, new.screened, new.records) for e in found):
        found.append(new)


@dataclass
class PartyHit:
    """Everything that links one screened subject to one listed party (``owner``)."""

    owner: int
    evidence: list[Evidence] = field(default_factory=list)

    @property
    def kinds(self) -> set[str]:
        """The kinds of evidence present."""
        return {e.kind for e in self.evidence}

    @property
    def escalate(self) -> bool:
        """True when the evidence meets the escalation rule."""
        return escalates(self.kinds)

    @property
    def score(self) -> float:
        """The best name score, or 100 when an identifier matched exactly."""
        if self.kinds & CRITICAL_KINDS:
            return 100.0
        return max((e.score for e in self.evidence if e.kind == "name"), default=0.0)


def name_evidence(match: NameMatch, screened: str, records: tuple[str, ...] = ()) -> Evidence:
    """Evidence from a name match."""
    name = match.name
    return Evidence("name", screened, name.text, match.score, match.method, name.alias_type, name.weak, records)


def identifier_evidence(item: ListedIdentifier, screened: str, records: tuple[str, ...] = ()) -> Evidence:
    """Evidence from an exact identifier match."""
    return Evidence(item.kind, screened, item.label, records=records)


def _clear_keys(
    wallets: Iterable[str], domains: Iterable[str], emails: Iterable[str]
) -> list[tuple[KeyKind, str, str]]:
    keys: list[tuple[KeyKind, str, str]] = []
    for raw in wallets:
        if wallet := normalize.wallet(raw):
            keys.append(("wallet", wallet, raw))
    for raw in domains:
        if domain := domain_key(raw):
            keys.append(("domain", domain, raw))
        if url := url_key(raw):
            keys.append(("url", url, raw))
    for raw in emails:
        if email := normalize.email(raw):
            keys.append(("email", email, raw))
            if domain := domain_key(email):
                keys.append(("domain", domain, raw))
    return keys


def check(
    index: ListIndex,
    *,
    name: str | None = None,
    dob: dt.date | None = None,
    wallets: Iterable[str] = (),
    domains: Iterable[str] = (),
    emails: Iterable[str] = (),
    threshold: float = DEFAULT_THRESHOLD,
    types: Collection[EntryType] | None = None,
) -> list[PartyHit]:
    """Screen one subject given in clear (the investigator's check), escalating hits first."""
    hits: dict[int, PartyHit] = {}
    if name:
        for match in index.names.search(name, threshold, types):
            add_evidence(hits.setdefault(match.owner, PartyHit(match.owner)).evidence, name_evidence(match, name))
    for kind, key, raw in _clear_keys(wallets, domains, emails):
        for item in index.lookup(kind, key):
            add_evidence(hits.setdefault(item.owner, PartyHit(item.owner)).evidence, identifier_evidence(item, raw))
    if dob is not None:
        for owner, hit in hits.items():
            for span in index.dobs.get(owner, ()):
                if span.contains(dob):
                    add_evidence(hit.evidence, Evidence("dob", dob.isoformat(), span.label))
    return sorted(hits.values(), key=lambda h: (not h.escalate, -h.score, h.owner))


def describe(hit: PartyHit, entry: SdnEntry) -> dict[str, Any]:
    """One SDN hit as a JSON-ready document (the CLI's ``--json`` and other tools read this)."""
    names = [e for e in hit.evidence if e.kind == "name"]
    best = max(names, key=lambda e: e.score, default=None)
    return {
        "list": "ofac-sdn",
        "ent_num": entry.ent_num,
        "name": entry.name,
        "type": entry.type,
        "programs": list(entry.programs),
        "matched_name": best.listed if best else None,
        "matched_as": (best.alias_type or "primary name") if best else None,
        "weak_alias": best.weak if best else None,
        "score": round(hit.score, 1),
        "matched_identifiers": [
            {"kind": e.kind, "screened": e.screened, "listed": e.listed} for e in hit.evidence if e.kind != "name"
        ],
        "escalate": hit.escalate,
    }
