"""Sanctions indicators: the OFAC SDN list (DPRK programs) and published front entities.

Both screen the population with :func:`hiresentry.core.sanctions.screen_population` (blocked
names, exact identifiers) against a list index built once per process. One hit row per person:
the parties matched, best first, each with its evidence.

``SAN-SDN-MATCH`` weighs an escalated hit (an exact identifier, or a name plus a second
identifier) with the indicator's weight, and a name-only hit with ``name_only_weight``: low enough
that a common name alone never opens a case, visible enough that a reviewer sees it next to other
evidence. ``SAN-FRONT-ENTITY`` weighs a domain/email match with the indicator's weight, a name
match with ``name_weight`` and anything from an analyst finding with ``analyst_weight``.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Sequence
from typing import Any

import polars as pl

from hiresentry.core.indicators.registry import HIT_SCHEMA, empty_hits, indicator
from hiresentry.core.population import Population
from hiresentry.core.sanctions import front_list, hasher_for, list_index, load_list, screen_population
from hiresentry.core.sanctions.match import Evidence
from hiresentry.core.sanctions.screen import PersonHit

log = logging.getLogger(__name__)
_warned: list[bool] = []  # warn once per process about a population without a hasher
SHOWN_PARTIES = 3
_IDENTIFIER_WORDS = {
    "wallet": "wallet address",
    "email": "email address",
    "phone": "phone number",
    "document": "ID document number",
    "address": "street address",
}
_CURRENCY = re.compile(r"Digital Currency Address - (\w+)")
NO_SECOND = "name only, not escalated: needs a second identifier (DOB, address, email, domain, wallet, phone or ID)"


def evidence_text(e: Evidence) -> str:
    """One piece of evidence in words; listed wallets, emails and IDs are named, not copied."""
    if e.kind == "name":
        how = "weak alias" if e.weak else (e.alias_type or "name")
        return f"{e.screened} ~ {how} '{e.listed}' (score {e.score:.0f})"
    if e.kind == "dob":
        return f"date of birth matches '{e.listed}'"
    if e.kind in ("domain", "url"):
        return f"{e.screened} is listed ('{e.listed}')"
    word = _IDENTIFIER_WORDS[e.kind]
    currency = _CURRENCY.search(e.listed) if e.kind == "wallet" else None
    return f"{e.screened} is a listed {currency.group(1) + ' ' if currency else ''}{word}"


def _rows(
    hits: Sequence[PersonHit],
    describe: Callable[[PersonHit], str],
    weight: Callable[[PersonHit], float | None],
    key: Callable[[PersonHit], str],
) -> pl.DataFrame:
    """One hit row per person: strongest parties first, at most :data:`SHOWN_PARTIES` described."""
    by_pid: dict[int, list[PersonHit]] = {}
    for hit in hits:
        by_pid.setdefault(hit.pid, []).append(hit)
    rows: list[dict[str, Any]] = []
    for pid, found in by_pid.items():
        weights = [weight(h) for h in found]
        best = None if any(w is None for w in weights) else max(w for w in weights if w is not None)
        order = sorted(range(len(found)), key=lambda i: (weights[i] is not None, -(weights[i] or 0)))
        shown = [describe(found[i]) for i in order[:SHOWN_PARTIES]]
        if len(found) > SHOWN_PARTIES:
            shown.append(f"and {len(found) - SHOWN_PARTIES} more listed parties")
        masked = {e.screened for h in found for e in h.evidence if e.kind not in ("name", "dob")}
        rows.append(
            {
                "pid": pid,
                "weight": best,
                "explanation": " | ".join(shown),
                "records": sorted({r for h in found for r in h.records}),
                "keys": sorted({key(h) for h in found} | masked),
            }
        )
    return pl.DataFrame(rows, schema=HIT_SCHEMA) if rows else empty_hits()


@indicator("SAN-SDN-MATCH")
def sdn_match(pop: Population, params: dict[str, Any]) -> pl.DataFrame:
    """Workers, payees, employers, emails, websites and wallets matching a DPRK-program SDN entry."""
    sdn = load_list(params["sdn_path"], params["aux_paths"], params["programs"], params["remarks_markers"])
    hasher = hasher_for(pop)
    if hasher is None and not _warned:
        _warned.append(True)
        log.warning("SAN-SDN-MATCH: no link-key hasher for this population; wallets, emails, phones, IDs unchecked")
    outcome = screen_population(pop, list_index(sdn), float(params["threshold"]), hasher)
    name_only = float(params["name_only_weight"])

    def describe(hit: PersonHit) -> str:
        entry = sdn.entries[hit.owner]
        kinds = {e.kind for e in hit.evidence}
        verdict = (
            "escalated: exact identifier"
            if kinds - {"name", "dob", "address"}
            else ("escalated: name and a second identifier" if hit.escalate else NO_SECOND)
        )
        evidence = "; ".join(evidence_text(e) for e in hit.evidence)
        return f"SDN #{entry.ent_num} {entry.name} ({entry.type}; {', '.join(entry.programs)}): {evidence} - {verdict}"

    return _rows(
        outcome.hits,
        describe,
        lambda h: None if h.escalate else name_only,
        lambda h: f"SDN#{sdn.entries[h.owner].ent_num}",
    )


@indicator("SAN-FRONT-ENTITY")
def front_entity(pop: Population, params: dict[str, Any]) -> pl.DataFrame:
    """Prior employers, payers, payees and domains matching a published front entity or seized domain."""
    front, index = front_list(params["front_path"])
    outcome = screen_population(pop, index, float(params["threshold"]), hasher_for(pop))

    def weight(hit: PersonHit) -> float | None:
        entry = front.entries[hit.owner]
        if entry.analyst_finding:
            return float(params["analyst_weight"])
        if {e.kind for e in hit.evidence} - {"name", "dob", "address"}:
            return None
        return float(params["name_weight"])

    def describe(hit: PersonHit) -> str:
        entry = front.entries[hit.owner]
        finding = ", not a designation" if entry.analyst_finding else ""
        evidence = "; ".join(evidence_text(e) for e in hit.evidence if e.kind != "dob")
        cites = ", ".join(entry.cites)
        return f"{entry.name or entry.id} ({entry.kind.replace('_', ' ')}{finding}; {cites}): {evidence}"

    return _rows(outcome.hits, describe, weight, lambda h: f"front:{front.entries[h.owner].id}")
