"""Canonical record → table rows: where raw identifiers become keyed hashes and masks.

This is the single place raw PII is turned into link keys. Everything downstream (the store, the
population frames the indicators read, explanations) sees only hashes and masked forms, so the raw
tax id or account number of a record never outlives the batch that carried it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import zlib
from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import Any

import numpy as np
import phonenumbers

from hiresentry.core.keys import LinkKeyHasher, mask, name_key, normalize, phonetic_key
from hiresentry.core.model import (
    AccessEvent,
    Address,
    Device,
    Engagement,
    HiringSignal,
    Payment,
    PayoutAccount,
    PayoutMethod,
    Profile,
    ProfileCommit,
    ProfileFollow,
    ProfileRepo,
    Record,
    Worker,
)
from hiresentry.core.model.records import COUNTRY_ALIASES, country_code
from hiresentry.core.model.scrub import scrub

Row = dict[str, Any]

MINHASH_SIZE = 64
"""Values in a résumé signature; NET-RESUME-CLONE bands them (16 bands of 4) for candidate pairs."""
SHINGLE_WORDS = 3
_PRIME = 4_294_967_291  # largest prime below 2**32: a*x stays below 2**64 for a, x < 2**32
_MINHASH_SEED_TEXT = "hiresentry/resume-minhash/v1"  # lower-case with '/': never a normalised tax id

_LINE_TYPES = {
    phonenumbers.PhoneNumberType.VOIP: "voip",
    phonenumbers.PhoneNumberType.MOBILE: "mobile",
    phonenumbers.PhoneNumberType.FIXED_LINE: "fixed_line",
    phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE: "fixed_or_mobile",
    phonenumbers.PhoneNumberType.TOLL_FREE: "toll_free",
    phonenumbers.PhoneNumberType.PREMIUM_RATE: "premium_rate",
    phonenumbers.PhoneNumberType.PERSONAL_NUMBER: "personal",
    phonenumbers.PhoneNumberType.PAGER: "pager",
    phonenumbers.PhoneNumberType.UAN: "uan",
    phonenumbers.PhoneNumberType.SHARED_COST: "shared_cost",
    phonenumbers.PhoneNumberType.VOICEMAIL: "voicemail",
}


@lru_cache(maxsize=65536)
def line_type(e164: str) -> str | None:
    """The line type ``phonenumbers`` assigns to a number (``voip``, ``mobile``…), or None if unknown.

    Computed at ingest so that ID-THIN-FOOTPRINT can ask for VoIP numbers with a column filter.
    """
    try:
        return _LINE_TYPES.get(phonenumbers.number_type(phonenumbers.parse(e164)))
    except phonenumbers.NumberParseException:
        return None


@lru_cache(maxsize=8)
def _permutations(seed: str) -> tuple[np.ndarray[Any, np.dtype[np.uint64]], np.ndarray[Any, np.dtype[np.uint64]]]:
    digest = b"".join(hashlib.sha256(f"{seed}:{i}".encode()).digest() for i in range(MINHASH_SIZE // 4))
    values = np.frombuffer(digest, dtype=np.uint32).astype(np.uint64) % np.uint64(_PRIME)
    a, b = values[:MINHASH_SIZE], values[MINHASH_SIZE : 2 * MINHASH_SIZE]
    return np.maximum(a, np.uint64(1)), b


def resume_signature(text: str, seed: str) -> list[str] | None:
    """Keyed MinHash of the résumé's 3-word shingles: 64 hex values, or None for too short a text.

    Two signatures agree in about as many positions as the texts share shingles (Jaccard), which
    is all NET-RESUME-CLONE needs; the text itself is never stored. The permutations derive from
    the link-key secret, so a signature cannot be recomputed from a résumé found elsewhere.
    """
    words = re.findall(r"\w+", text.lower())
    if len(words) < SHINGLE_WORDS:
        return None
    shingles = {" ".join(words[i : i + SHINGLE_WORDS]) for i in range(len(words) - SHINGLE_WORDS + 1)}
    x = np.fromiter((zlib.crc32(s.encode()) for s in shingles), dtype=np.uint64, count=len(shingles))
    a, b = _permutations(seed)
    hashed = (a[:, None] * x[None, :] % np.uint64(_PRIME) + b[:, None]) % np.uint64(_PRIME)
    return [f"{int(v):08x}" for v in hashed.min(axis=1)]


def _utc(value: dt.datetime | None) -> dt.datetime | None:
    if value is None:
        return None
    if value.tzinfo is None:
        return value.replace(tzinfo=dt.UTC)
    return value.astimezone(dt.UTC)


def _masked_login(login: str | None) -> str | None:
    """Sign-in names are usually emails, a PII link key: keep only the masked form."""
    if not login:
        return None
    email = normalize.email(login)
    return mask.email(email) if email else mask.tail(login)


# -- code-hosting profiles -----------------------------------------------------------------------

PRIVACY_RELAY_DOMAINS: tuple[str, ...] = (
    "users.noreply.github.com",
    "noreply.github.com",
    "users.noreply.gitlab.com",
    "noreply.gitlab.com",
    "noreply.codeberg.org",
)
"""Commit e-mail domains of code-hosting privacy relays: never link keys.

A relay address stands for one account (or, like ``noreply@github.com`` on web commits, for
everyone), so it says nothing about the person behind it beyond the account itself."""

_NO_REPLY = frozenset({"noreply", "no-reply", "no_reply"})
_PLACEHOLDER_DOMAINS = ("localhost", "localdomain", "local", "example.com", "example.org", "example.net")
"""Machine defaults and documentation placeholders (``root@localhost.localdomain``, ``you@example.com``):
identical for unrelated people, so never link keys either."""

US_STATES = frozenset({
    "alabama", "alaska", "arizona", "arkansas", "california", "colorado", "connecticut", "delaware", "florida",
    "georgia", "hawaii", "idaho", "illinois", "indiana", "iowa", "kansas", "kentucky", "louisiana", "maine",
    "maryland", "massachusetts", "michigan", "minnesota", "mississippi", "missouri", "montana", "nebraska",
    "nevada", "ohio", "oklahoma", "oregon", "pennsylvania", "tennessee", "texas", "utah", "vermont", "virginia",
    "washington", "wisconsin", "wyoming", "new hampshire", "new jersey", "new mexico", "new york",
    "north carolina", "north dakota", "rhode island", "south carolina", "south dakota", "west virginia",
    "district of columbia", "washington dc", "washington d c",
})  # fmt: skip
"""US state names: "Austin, Texas" is in the United States."""

AMBIGUOUS_PLACES = frozenset({"georgia"})
"""A US state and a country at once ("Atlanta, Georgia", "Tbilisi, Georgia"): read as no country."""


def is_privacy_relay(email: str) -> bool:
    """True for a commit address that stands for no one in particular: a code-hosting privacy relay or
    no-reply address (``123+dev@users.noreply.github.com``), a machine default or a placeholder."""
    local, _, domain = email.partition("@")
    unlinkable = (*PRIVACY_RELAY_DOMAINS, *_PLACEHOLDER_DOMAINS)
    return local in _NO_REPLY or any(domain == d or domain.endswith("." + d) for d in unlinkable)


@lru_cache(maxsize=4096)
def location_country(text: str | None) -> str | None:
    """The country a free-text profile location names, or None when it names none we can read.

    Parts are read from the end ("Seattle, WA, USA" → US). Deliberately conservative, since a wrong
    country would be a false contradiction of the worker's claim: two-letter parts are skipped (CA
    is California as often as Canada), US state names mean the United States, Georgia (a state
    and a country) means nothing, and cities, regions and jokes ("Earth", "Remote") give nothing.
    """
    if not text:
        return None
    parts = [p.strip(" .") for p in re.split(r"[,;/|()\n]+| - ", text) if p.strip(" .")]
    for part in reversed(parts):
        lowered = part.lower()
        if lowered in AMBIGUOUS_PLACES:
            return None
        if lowered in US_STATES:
            return "US"
        if len(part) <= 2 and part.upper() not in COUNTRY_ALIASES:
            continue
        try:
            found = country_code(part)
        except ValueError:
            continue
        if found:
            return found
    return None


def profile_words(text: str | None, login: str | None = None) -> str | None:
    """A profile text (bio, README) as lower-case words, without the account's own login.

    Removing the login makes a README copied to another account (whose template names its login)
    compare equal; emoji, markup and punctuation are dropped.
    """
    if not text:
        return None
    lowered = text.lower()
    if login:
        lowered = re.sub(rf"(?<![\w-]){re.escape(login.lower())}(?![\w-])", " ", lowered)
    words = re.findall(r"[a-z0-9]+", lowered)
    return " ".join(words) or None


def profile_text_key(hasher: LinkKeyHasher, words: str) -> str:
    """Keyed hash of normalised profile words (``profile_words``): equal texts, equal keys."""
    # the tax-id key type with lower-case text: a normalised tax id is upper-case alphanumerics only
    return hasher.hash("tax_id", f"profile-text:{words}")


def profile_account_key(hasher: LinkKeyHasher, account: str) -> str:
    """Keyed hash of a code-hosting account id (followers and whom they follow are compared this way)."""
    return hasher.hash("tax_id", f"profile-account:{account.strip().lower()}")


_EMAIL_IN_TEXT = re.compile(r"\S+@\S+")
_NUMBER_IN_TEXT = re.compile(r"\+?\d[\d\s().-]{6,}\d")


def bio_excerpt(bio: str | None, size: int = 60) -> str | None:
    """The start of a bio for explanations, one line, without e-mail addresses or phone numbers."""
    if not bio:
        return None
    text = _NUMBER_IN_TEXT.sub("[number]", _EMAIL_IN_TEXT.sub("[e-mail]", " ".join(bio.split())))
    return text if len(text) <= size else text[: size - 1].rstrip() + "…"


def _login_mask(login: str | None) -> str | None:
    if not login:
        return None
    return f"{login[:2]}{mask.DOT * 3}"


class RowBuilder:
    """Builds the rows of one batch of records with one hasher and one ingest time."""

    def __init__(self, hasher: LinkKeyHasher, now: dt.datetime | None = None) -> None:
        self.hasher = hasher
        self.now = _utc(now) or dt.datetime.now(dt.UTC)
        self._minhash_seed = hasher.hash("tax_id", _MINHASH_SEED_TEXT)

    def _base(self, record: Record) -> Row:
        return {
            "source": record.source,
            "remote_id": record.remote_id,
            "modified_at": _utc(record.modified_at),
            "deleted": record.deleted,
            "ingested_at": self.now,
            "remote_data": scrub(record.remote_data),
        }

    def _address(self, value: Address | None) -> tuple[str | None, str | None]:
        if value is None or value.is_empty():
            return None, None
        text = normalize.address(value)
        if text is None:
            return None, None
        return self.hasher.hash("address", text), mask.address(value)

    def worker(self, record: Worker) -> tuple[Row, list[Row]]:
        """The worker row and its multi-valued key rows (emails, phones)."""
        home_key, home_masked = self._address(record.home_address)
        ship_key, ship_masked = self._address(record.ship_to_address)
        tax = record.tax_id.get_secret_value() if record.tax_id else None
        tax_norm = "".join(ch for ch in tax or "" if ch.isalnum()).upper() or None
        row = self._base(record) | {
            "legal_name": record.legal_name,
            "preferred_name": record.preferred_name,
            "name_key": name_key(record.legal_name),
            "preferred_name_key": name_key(record.preferred_name) if record.preferred_name else None,
            "name_phonetic": phonetic_key(record.legal_name),
            "date_of_birth": record.date_of_birth,
            "claimed_country": record.claimed_country,
            "claimed_timezone": record.claimed_timezone,
            "tax_key": self.hasher.hash("tax_id", tax_norm) if tax_norm else None,
            "home_addr_key": home_key,
            "home_addr_masked": home_masked,
            "ship_addr_key": ship_key,
            "ship_addr_masked": ship_masked,
            "photo_hash": record.photo_hash,
            "prior_employers": record.prior_employers,
            "profile_urls": record.profile_urls,
            "referrer_remote_id": record.referrer_remote_id,
            "agency": record.agency,
            "resume_minhash": resume_signature(record.resume_text, self._minhash_seed) if record.resume_text else None,
            "profile_created_on": record.profile_created_on,
        }
        keys: dict[tuple[str, str], Row] = {}
        owner = {"source": record.source, "worker_remote_id": record.remote_id}
        for raw in record.emails:
            value = normalize.email(raw)
            if value:
                digest = self.hasher.hash("email", value)
                keys[("email", digest)] = owner | {
                    "key_type": "email",
                    "key_hash": digest,
                    "masked": mask.email(value),
                    "domain": value.partition("@")[2],
                    "line_type": None,
                }
        for raw in record.phones:
            parsed = normalize.phone_with_type(raw, record.claimed_country)
            if parsed:
                value, number_type = parsed
                digest = self.hasher.hash("phone", value)
                keys[("phone", digest)] = owner | {
                    "key_type": "phone",
                    "key_hash": digest,
                    "masked": mask.phone(value),
                    "domain": None,
                    "line_type": _LINE_TYPES.get(number_type),
                }
        return row, list(keys.values())

    def payout_account(self, record: PayoutAccount) -> Row:
        """Payout account row; the account identifier is reduced to its hash and a tail mask."""
        key: str | None = None
        masked: str | None = None
        if record.method is PayoutMethod.CRYPTO and record.wallet_address:
            wallet = normalize.wallet(record.wallet_address)
            if wallet:
                key, masked = self.hasher.hash("wallet", wallet), mask.tail(wallet, 6)
        elif record.iban is not None:
            iban = record.iban.get_secret_value()  # already validated and compacted by the model
            key, masked = self.hasher.hash("payout", iban), mask.iban(iban)
        elif record.account_number is not None:
            account = normalize.bank_account(record.routing_number, record.account_number.get_secret_value())
            key, masked = self.hasher.hash("payout", account), mask.tail(account)
        elif record.email:
            value = normalize.email(record.email)
            if value:
                key = self.hasher.hash("payout", f"{record.method.value}:{value}")
                masked = f"{record.method.value} {mask.email(value)}"
        entity_tax = record.entity_tax_id.get_secret_value() if record.entity_tax_id else None
        entity_norm = "".join(ch for ch in entity_tax or "" if ch.isalnum()).upper() or None
        entity_addr_key, entity_addr_masked = self._address(record.entity_address)
        return self._base(record) | {
            "worker_remote_id": record.worker_remote_id,
            "method": record.method.value,
            "holder_name": record.holder_name,
            "holder_name_key": name_key(record.holder_name) if record.holder_name else None,
            "account_key": key,
            "account_masked": masked,
            "bank_country": record.bank_country,
            "bic": record.bic,
            "pooled": record.pooled,
            "first_seen": _utc(record.first_seen),
            "last_seen": _utc(record.last_seen),
            "holder_type": record.holder_type,
            "entity_key": self.hasher.hash("tax_id", entity_norm) if entity_norm else None,
            "entity_formed_on": record.entity_formed_on,
            "entity_addr_key": entity_addr_key,
            "entity_addr_masked": entity_addr_masked,
        }

    def engagement(self, record: Engagement) -> Row:
        """Engagement row."""
        return self._base(record) | {
            "worker_remote_id": record.worker_remote_id,
            "client_org": record.client_org,
            "type": record.type,
            "status": record.status,
            "start_date": record.start_date,
            "end_date": record.end_date,
            "rate": str(record.rate) if record.rate is not None else None,
            "currency": record.currency,
            "staffing_vendor": record.staffing_vendor,
            "hours_per_week": record.hours_per_week,
        }

    def payment(self, record: Payment) -> Row:
        """Payment row; the amount is kept as exact decimal text."""
        return self._base(record) | {
            "worker_remote_id": record.worker_remote_id,
            "engagement_remote_id": record.engagement_remote_id,
            "payout_account_remote_id": record.payout_account_remote_id,
            "amount": str(record.amount),
            "currency": record.currency.upper(),
            "status": record.status,
            "due_date": record.due_date,
            "paid_at": _utc(record.paid_at),
            "hold_ref": record.hold_ref,
            "approved": record.approved,
        }

    def access_event(self, record: AccessEvent) -> Row:
        """Sign-in row; the IP is reduced to its egress network (hash and /24 form)."""
        prefix = normalize.egress_prefix(record.ip) if record.ip else None
        return self._base(record) | {
            "worker_remote_id": record.worker_remote_id,
            "time": _utc(record.time),
            "ended_at": _utc(record.ended_at),
            "login": _masked_login(record.login),
            "egress_key": self.hasher.hash("egress", prefix) if prefix else None,
            "egress_masked": mask.ip(prefix) if prefix else None,
            "asn": record.asn,
            "country": record.country,
            "is_proxy": record.is_proxy,
            "vpn_provider": record.vpn_provider,
            "device_id": record.device_id,
            "user_agent": record.user_agent,
        }

    def device(self, record: Device) -> Row:
        """Device row; serials and the ship-to address become keys."""
        serial = normalize.serial(record.serial) if record.serial else None
        shipped = normalize.serial(record.shipped_serial) if record.shipped_serial else None
        ship_key, ship_masked = self._address(record.shipped_to_address)
        return self._base(record) | {
            "worker_remote_id": record.worker_remote_id,
            "serial_key": self.hasher.hash("serial", serial) if serial else None,
            "serial_masked": mask.tail(serial) if serial else None,
            "shipped_serial_key": self.hasher.hash("serial", shipped) if shipped else None,
            "shipped_serial_masked": mask.tail(shipped) if shipped else None,
            "shipped_to_key": ship_key,
            "shipped_to_masked": ship_masked,
            "mdm_country": record.mdm_country,
            "remote_access_tools": record.remote_access_tools,
            "peripherals": record.peripherals,
            "shipped_to_country": record.shipped_to_address.country if record.shipped_to_address else None,
            "located_at": _utc(record.located_at),
            "software": record.software,
        }

    def hiring_signal(self, record: HiringSignal) -> Row:
        """Hiring-signal row."""
        return self._base(record) | {
            "worker_remote_id": record.worker_remote_id,
            "signal": record.signal,
            "observed_at": _utc(record.observed_at),
            "detail": record.detail,
            "country": record.country,
            "valid_from": record.valid_from,
            "valid_until": record.valid_until,
            "related_worker_remote_id": record.related_worker_remote_id,
        }

    def _profile_owned(self, record: Profile | ProfileRepo | ProfileCommit | ProfileFollow) -> Row:
        return self._base(record) | {
            "worker_remote_id": record.worker_remote_id,
            "worker_source": record.worker_source if record.worker_source != record.source else None,
        }

    def _commit_email(self, raw: str | None) -> tuple[str | None, str | None]:
        value = normalize.email(raw) if raw else None
        if value is None:
            return None, None
        if is_privacy_relay(value):
            return None, mask.email(value)  # shown, never a link key
        return self.hasher.hash("email", value), mask.email(value)

    def profile(self, record: Profile) -> Row:
        """Profile row; bio and README become keyed hashes of their words (plus a bio excerpt)."""
        bio = profile_words(record.bio, record.login)
        readme = profile_words(record.readme, record.login)
        account = record.account_id or record.login
        return self._profile_owned(record) | {
            "platform": record.platform,
            "login": record.login,
            "account_key": profile_account_key(self.hasher, account),
            "created_at": _utc(record.created_at),
            "bio_key": profile_text_key(self.hasher, bio) if bio else None,
            "bio_words": len(bio.split()) if bio else None,
            "bio_excerpt": bio_excerpt(record.bio),
            "readme_key": profile_text_key(self.hasher, readme) if readme else None,
            "readme_words": len(readme.split()) if readme else None,
            "blog": record.blog,
            "company": record.company,
            "location": record.location,
            "location_country": record.location_country or location_country(record.location),
            "followers": record.followers,
            "following": record.following,
            "public_repos": record.public_repos,
            "observed_at": _utc(record.observed_at),
        }

    def profile_repo(self, record: ProfileRepo) -> Row:
        """Repository row."""
        return self._profile_owned(record) | {
            "profile_remote_id": record.profile_remote_id,
            "name": record.name,
            "fork": record.fork,
            "parent": record.parent,
            "created_at": _utc(record.created_at),
            "pushed_at": _utc(record.pushed_at),
        }

    def profile_commit(self, record: ProfileCommit) -> Row:
        """Commit row; author and committer e-mails become ``email`` link keys (privacy relays: none)."""
        author_key, author_masked = self._commit_email(record.author_email)
        committer_key, committer_masked = self._commit_email(record.committer_email)
        return self._profile_owned(record) | {
            "profile_remote_id": record.profile_remote_id,
            "repo": record.repo,
            "repo_fork": record.repo_fork,
            "sha": record.sha,
            "tree_sha": record.tree_sha,
            "authored_at": _utc(record.authored_at),
            "committed_at": _utc(record.committed_at),
            "author_email_key": author_key,
            "author_email_masked": author_masked,
            "committer_email_key": committer_key,
            "committer_email_masked": committer_masked,
            "by_owner": record.by_owner,
        }

    def profile_follow(self, record: ProfileFollow) -> Row:
        """Follower row; the follower and whom it follows are keyed hashes of account ids."""
        follows = record.follower_follows
        return self._profile_owned(record) | {
            "profile_remote_id": record.profile_remote_id,
            "follower_key": profile_account_key(self.hasher, record.follower_id),
            "follower_masked": _login_mask(record.follower_login),
            "follower_created_at": _utc(record.follower_created_at),
            "follower_following": record.follower_following,
            "follower_followers": record.follower_followers,
            "follower_repos": record.follower_repos,
            "follower_follows": None if follows is None else [profile_account_key(self.hasher, a) for a in follows],
        }


class BatchRows:
    """All rows of one batch, grouped by table, ready for bulk insert."""

    def __init__(self) -> None:
        self.tables: dict[str, list[Row]] = {}
        self.worker_keys: list[Row] = []

    def add(self, table: str, row: Row) -> None:
        """Queue one row for ``table``."""
        self.tables.setdefault(table, []).append(row)


def build_rows(records: Iterable[Record], builder: RowBuilder) -> BatchRows:
    """Rows for every record; the last record wins when one (source, remote_id) appears twice."""
    out = BatchRows()
    latest: dict[tuple[str, str, str], Record] = {}
    for record in records:
        latest[(record.kind, record.source, record.remote_id)] = record
    for record in latest.values():
        if isinstance(record, Worker):
            row, keys = builder.worker(record)
            out.add("workers", row)
            out.worker_keys.extend(keys)
        elif isinstance(record, PayoutAccount):
            out.add("payout_accounts", builder.payout_account(record))
        elif isinstance(record, Engagement):
            out.add("engagements", builder.engagement(record))
        elif isinstance(record, Payment):
            out.add("payments", builder.payment(record))
        elif isinstance(record, AccessEvent):
            out.add("access_events", builder.access_event(record))
        elif isinstance(record, Device):
            out.add("devices", builder.device(record))
        elif isinstance(record, HiringSignal):
            out.add("hiring_signals", builder.hiring_signal(record))
        elif isinstance(record, Profile):
            out.add("profiles", builder.profile(record))
        elif isinstance(record, ProfileRepo):
            out.add("profile_repos", builder.profile_repo(record))
        elif isinstance(record, ProfileCommit):
            out.add("profile_commits", builder.profile_commit(record))
        elif isinstance(record, ProfileFollow):
            out.add("profile_follows", builder.profile_follow(record))
    return out


def worker_refs(rows: Sequence[Row]) -> list[tuple[str, str]]:
    """(source, remote_id) of worker rows, for replacing their key rows."""
    return [(r["source"], r["remote_id"]) for r in rows]
