"""Screening the population against a list index: set-based, blocked, explained per hit.

Names are screened once per distinct text (a population repeats names a lot) and only against the
candidates the name index blocks in; identifiers are dictionary lookups. What is screened, and
against which kind of listed party:

==========================================  ==========================  ===========================
population field                            screened as                 against listed
==========================================  ==========================  ===========================
``workers.legal_name``/``preferred_name``   person name                 individuals
``payout_accounts.holder_name``             payee name                  individuals and entities
``workers.prior_employers``,                organisation name, and any  entities
``engagements.staffing_vendor/client_org``  domain written in it
``worker_keys.domain`` (emails)             registrable domain          domains
``workers.profile_urls``                    domain, page URL            domains, URLs
hashed keys (emails, phones, wallets,       keyed hash                  the listed values, hashed
payout emails, tax ids, addresses)                                      with the store's hasher
``workers.date_of_birth``                   second identifier only      dates of birth of the
                                                                        parties a name matched
==========================================  ==========================  ===========================

Hashed keys need the store's :class:`LinkKeyHasher`, which the population carries
(``pop.hasher``); a population built without one gets only the clear-text checks, and
:func:`screen_population` says so in its result.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

import polars as pl

from hiresentry.core.keys import LinkKeyHasher
from hiresentry.core.population import Population
from hiresentry.core.sanctions.domains import domain_key, url_key
from hiresentry.core.sanctions.index import KeyKind, ListedIdentifier, ListIndex
from hiresentry.core.sanctions.match import Evidence, add_evidence, escalates, identifier_evidence, name_evidence
from hiresentry.core.sanctions.model import EntryType
from hiresentry.core.sanctions.names_index import NameMatch

PERSON: frozenset[EntryType] = frozenset({"individual"})
PAYEE: frozenset[EntryType] = frozenset({"individual", "entity"})
ORGANISATION: frozenset[EntryType] = frozenset({"entity"})
_DOMAIN_IN_TEXT = re.compile(r"(?:https?://)?(?:[a-z0-9-]+\.)+[a-z]{2,}(?:/\S*)?", re.IGNORECASE)


def hasher_for(pop: Population) -> LinkKeyHasher | None:
    """The hasher the population's keys were made with, if known."""
    return pop.hasher


@dataclass
class PersonHit:
    """Everything linking one resolved person (``pid``) to one listed party (``owner``)."""

    pid: int
    owner: int
    evidence: list[Evidence] = field(default_factory=list)

    @property
    def escalate(self) -> bool:
        """The escalation rule (:func:`.match.escalates`) on this person's evidence."""
        return escalates({e.kind for e in self.evidence})

    @property
    def records(self) -> list[str]:
        """Refs of every record that contributed evidence."""
        return sorted({r for e in self.evidence for r in e.records})


@dataclass
class ScreenOutcome:
    """The hits, and whether hashed keys could be checked."""

    hits: list[PersonHit]
    hashed_checked: bool


def _names(pop: Population) -> pl.DataFrame:
    """wid, record ref, field label and text of every name the population holds."""
    workers = pop.workers
    frames = [
        workers.select("wid", "ref", pl.lit("legal name").alias("field"), pl.col("legal_name").alias("text")),
        workers.select("wid", "ref", pl.lit("preferred name").alias("field"), pl.col("preferred_name").alias("text")),
        workers.select(
            "wid", "ref", pl.lit("prior employer").alias("field"), pl.col("prior_employers").alias("text")
        ).explode("text"),
        pop.payout_accounts.select(
            "wid", "ref", pl.lit("payout holder").alias("field"), pl.col("holder_name").alias("text")
        ),
        pop.engagements.select(
            "wid", "ref", pl.lit("staffing vendor").alias("field"), pl.col("staffing_vendor").alias("text")
        ),
        pop.engagements.select("wid", "ref", pl.lit("client").alias("field"), pl.col("client_org").alias("text")),
    ]
    return pl.concat([f.cast({"text": pl.Utf8}) for f in frames]).drop_nulls("text").filter(pl.col("text") != "")


_ROLE_NAME = {
    "legal name": "person",
    "preferred name": "person",
    "payout holder": "payee",
    "prior employer": "organisation",
    "staffing vendor": "organisation",
    "client": "organisation",
}
_ROLES: dict[str, frozenset[EntryType]] = {"person": PERSON, "payee": PAYEE, "organisation": ORGANISATION}


class _Collector:
    def __init__(self, pop: Population) -> None:
        self.pid = dict(zip(pop.workers["wid"].to_list(), pop.workers["pid"].to_list(), strict=True))
        self.hits: dict[tuple[int, int], PersonHit] = {}

    def add(self, wid: int, owner: int, evidence: Evidence) -> None:
        pid = self.pid[wid]
        add_evidence(self.hits.setdefault((pid, owner), PersonHit(pid, owner)).evidence, evidence)


def _screen_names(pop: Population, index: ListIndex, threshold: float, out: _Collector) -> None:
    names = _names(pop).with_columns(pl.col("field").replace_strict(_ROLE_NAME, return_dtype=pl.Utf8).alias("role"))
    matched: dict[tuple[str, str], list[NameMatch]] = {}
    for text, role in names.select("text", "role").unique().iter_rows():
        found = index.names.search(text, threshold, _ROLES[role])
        if found:
            matched[(text, role)] = found
    if not matched:
        return
    hit_texts = pl.DataFrame(list(matched), schema={"text": pl.Utf8, "role": pl.Utf8}, orient="row")
    for wid, ref, label, text, role in names.join(hit_texts, on=["text", "role"]).iter_rows():
        for match in matched[(text, role)]:
            out.add(wid, match.owner, name_evidence(match, f"{label} '{text}'", (ref,)))


def _clear_values(pop: Population) -> pl.DataFrame:
    """wid, record ref, label, value of every clear-text domain or URL source."""
    workers = pop.workers
    emails = (
        pop.worker_keys.filter(pl.col("key_type") == "email")
        .join(workers.select("wid", "ref"), on="wid")
        .select("wid", "ref", pl.lit("email domain").alias("label"), pl.col("domain").alias("value"))
    )
    listed = [
        workers.select("wid", "ref", pl.lit(label).alias("label"), pl.col(column).alias("value")).explode("value")
        for column, label in (("profile_urls", "profile URL"), ("prior_employers", "prior employer"))
    ]
    frames = [f.cast({"value": pl.Utf8}) for f in (emails, *listed)]
    return pl.concat(frames).drop_nulls("value")


def _web_keys(text: str) -> list[tuple[KeyKind, str]]:
    keys: list[tuple[KeyKind, str]] = []
    if domain := domain_key(text):
        keys.append(("domain", domain))
    if url := url_key(text):
        keys.append(("url", url))
    return keys


def _screen_domains(pop: Population, index: ListIndex, out: _Collector) -> None:
    values = _clear_values(pop)
    for value in values["value"].unique().to_list():
        found: list[tuple[str, list[ListedIdentifier]]] = []
        for text in _DOMAIN_IN_TEXT.findall(value):
            for kind, key in _web_keys(text):
                if items := index.lookup(kind, key):
                    found.append((key, items))
        if not found:
            continue
        for wid, ref, label in values.filter(pl.col("value") == value).select("wid", "ref", "label").iter_rows():
            for key, items in found:
                for item in items:
                    out.add(wid, item.owner, identifier_evidence(item, f"{label} {key}", (ref,)))


def _hashed_keys(pop: Population) -> pl.DataFrame:
    """wid, record ref, key hash, what to show for it, from every hashed key the store keeps."""
    workers = pop.workers
    keys = pop.worker_keys.join(workers.select("wid", "ref"), on="wid").select(
        "wid", "ref", "key_hash", pl.format("{} {}", "key_type", "masked").alias("shown")
    )
    payouts = pop.payout_accounts.select(
        "wid",
        "ref",
        pl.col("account_key").alias("key_hash"),
        pl.format("payout account {}", "account_masked").alias("shown"),
    )
    frames = [
        keys,
        payouts,
        workers.select("wid", "ref", pl.col("tax_key").alias("key_hash"), pl.lit("tax id").alias("shown")),
        workers.select(
            "wid",
            "ref",
            pl.col("home_addr_key").alias("key_hash"),
            pl.format("home address {}", "home_addr_masked").alias("shown"),
        ),
        workers.select(
            "wid",
            "ref",
            pl.col("ship_addr_key").alias("key_hash"),
            pl.format("ship-to address {}", "ship_addr_masked").alias("shown"),
        ),
    ]
    payees = pop.payout_accounts
    if "entity_key" in payees.columns:  # payee entity tax id, in stores that record one
        frames.append(
            payees.select("wid", "ref", pl.col("entity_key").alias("key_hash"), pl.lit("payee tax id").alias("shown"))
        )
    if "entity_addr_key" in payees.columns:
        frames.append(
            payees.select(
                "wid",
                "ref",
                pl.col("entity_addr_key").alias("key_hash"),
                pl.format("payee address {}", "entity_addr_masked").alias("shown"),
            )
        )
    return pl.concat([f.cast({"key_hash": pl.Utf8, "shown": pl.Utf8}) for f in frames]).drop_nulls("key_hash")


def _screen_hashed(pop: Population, index: ListIndex, hasher: LinkKeyHasher, out: _Collector) -> None:
    table = index.hashed(hasher)
    wanted = _hashed_keys(pop).filter(pl.col("key_hash").is_in(list(table)))
    for wid, ref, digest, shown in wanted.iter_rows():
        for item in table[digest]:
            out.add(wid, item.owner, identifier_evidence(item, shown or "", (ref,)))


def _screen_dobs(pop: Population, index: ListIndex, out: _Collector) -> None:
    dobs = pop.workers.filter(pl.col("date_of_birth").is_not_null()).select("pid", "ref", "date_of_birth")
    by_pid: dict[int, list[tuple[str, dt.date]]] = {}
    for pid, ref, day in dobs.iter_rows():
        by_pid.setdefault(pid, []).append((ref, day))
    for (pid, owner), hit in out.hits.items():
        if "name" not in {e.kind for e in hit.evidence}:
            continue
        for span in index.dobs.get(owner, ()):
            refs = tuple(ref for ref, day in by_pid.get(pid, ()) if span.contains(day))
            if refs:
                hit.evidence.append(Evidence("dob", "date of birth", span.label, records=refs))
                break


def screen_population(
    pop: Population, index: ListIndex, threshold: float, hasher: LinkKeyHasher | None
) -> ScreenOutcome:
    """Every (person, listed party) pair with evidence, DOBs checked for the name matches."""
    out = _Collector(pop)
    _screen_names(pop, index, threshold, out)
    _screen_domains(pop, index, out)
    if hasher is not None:
        _screen_hashed(pop, index, hasher, out)
    _screen_dobs(pop, index, out)
    return ScreenOutcome(sorted(out.hits.values(), key=lambda h: (h.pid, h.owner)), hasher is not None)
