"""Canonical records: what every connector maps a vendor's payload into.

Identity is split from employment, as Finch does: a :class:`Worker` is one identity *claim* made in
one source, and what the worker does for a client (:class:`Engagement`), how they are paid
(:class:`PayoutAccount`, :class:`Payment`) and what they do on company systems
(:class:`AccessEvent`, :class:`Device`, :class:`HiringSignal`) hang off it by ``worker_remote_id``
within the same source. Resolution across sources happens later, in the core, never here.

Raw identifiers that must not be stored (tax ids, bank account numbers) are ``SecretStr`` so that a
stray ``repr`` or log line cannot leak them; the store keeps only their keyed hashes (core.keys).
"""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from decimal import Decimal
from enum import StrEnum
from functools import lru_cache
from typing import Any, ClassVar, Literal

import pycountry
from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator, model_validator
from schwifty import IBAN
from schwifty.exceptions import SchwiftyException

RecordKind = Literal[
    "workers",
    "engagements",
    "payout_accounts",
    "payments",
    "access_events",
    "devices",
    "hiring_signals",
    "profiles",
    "profile_repos",
    "profile_commits",
    "profile_follows",
]


@lru_cache(maxsize=4096)
def country_code(value: str | None) -> str | None:
    """Normalise a country given as ISO alpha-2/alpha-3 code or English name to ISO alpha-2.

    Vendors disagree on the form ("US", "USA", "United States"); comparisons in the core must not.
    """
    if value is None or not str(value).strip():
        return None
    text = str(value).strip()
    if text.upper() in COUNTRY_ALIASES:
        return COUNTRY_ALIASES[text.upper()]
    if len(text) == 2 and text.isalpha():
        found = pycountry.countries.get(alpha_2=text.upper())
    else:
        try:
            found = pycountry.countries.lookup(text)
        except LookupError:
            found = None
    if found is None:
        raise ValueError(f"unknown country {text!r}")
    return str(found.alpha_2)


COUNTRY_ALIASES: dict[str, str] = {
    "UK": "GB", "GREAT BRITAIN": "GB", "ENGLAND": "GB", "SCOTLAND": "GB", "WALES": "GB",
    "RUSSIA": "RU", "TURKEY": "TR", "BRUNEI": "BN", "IVORY COAST": "CI", "SOUTH KOREA": "KR",
    "KOREA": "KR", "NORTH KOREA": "KP", "DPRK": "KP", "IRAN": "IR", "SYRIA": "SY", "VIETNAM": "VN",
    "LAOS": "LA", "BOLIVIA": "BO", "VENEZUELA": "VE", "TANZANIA": "TZ", "MOLDOVA": "MD",
    "CZECH REPUBLIC": "CZ", "MACEDONIA": "MK", "TAIWAN": "TW", "PALESTINE": "PS", "VATICAN": "VA",
    "MICRONESIA": "FM", "CAPE VERDE": "CV", "SWAZILAND": "SZ", "BURMA": "MM", "EAST TIMOR": "TL",
    "HOLLAND": "NL", "UAE": "AE",
}  # fmt: skip
"""Common short English names vendors use that ISO's official names do not match (pycountry)."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=True)


class Address(_Strict):
    """A postal address as a source gives it; standardised for comparison in core.keys."""

    line1: str | None = None
    line2: str | None = None
    city: str | None = None
    region: str | None = None
    postal_code: str | None = None
    country: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _from_text(cls, value: Any) -> Any:
        # A single line ("12 Main St, Springfield, IL 62701, US") is common in exports.
        if isinstance(value, str):
            return {"line1": value}
        return value

    @field_validator("country")
    @classmethod
    def _country(cls, value: str | None) -> str | None:
        return country_code(value)

    def is_empty(self) -> bool:
        """True when no part of the address was given."""
        return not any((self.line1, self.line2, self.city, self.region, self.postal_code))


class Record(_Strict):
    """Fields every canonical record carries, whatever its kind."""

    kind: ClassVar[RecordKind]

    source: str = Field(min_length=1, description="connector instance name, e.g. 'deel' or 'hr-export'")
    remote_id: str = Field(min_length=1, description="the record's id in its source")
    remote_data: dict[str, Any] = Field(
        default_factory=dict, description="raw payload, scrubbed of secrets and unneeded PII"
    )
    modified_at: dt.datetime | None = None
    deleted: bool = False

    @field_validator("remote_id", mode="before")
    @classmethod
    def _id_as_text(cls, value: Any) -> Any:
        return str(value) if isinstance(value, int) else value

    @property
    def ref(self) -> tuple[str, str]:
        """(source, remote_id): the record's identity across the whole system."""
        return (self.source, self.remote_id)


class Worker(Record):
    """One identity claim in one source: who the worker says they are."""

    kind: ClassVar[RecordKind] = "workers"

    legal_name: str = Field(min_length=1)
    preferred_name: str | None = None
    date_of_birth: dt.date | None = None
    emails: list[str] = Field(default_factory=list)
    phones: list[str] = Field(default_factory=list)
    home_address: Address | None = None
    ship_to_address: Address | None = None
    claimed_country: str | None = None
    claimed_timezone: str | None = None
    tax_id: SecretStr | None = None
    photo_hash: str | None = None
    prior_employers: list[str] = Field(default_factory=list)
    profile_urls: list[str] = Field(default_factory=list)
    referrer_remote_id: str | None = None
    agency: str | None = Field(default=None, description="recruiting agency that submitted the worker")
    resume_text: str | None = Field(
        default=None,
        description="résumé body text; only a keyed MinHash signature of it is stored (near-duplicate check)",
    )
    profile_created_on: dt.date | None = Field(
        default=None,
        description="creation date of the oldest online profile the source or an enrichment knows (email, GitHub…)",
    )

    @field_validator("claimed_country")
    @classmethod
    def _country(cls, value: str | None) -> str | None:
        return country_code(value)

    @field_validator("claimed_timezone")
    @classmethod
    def _timezone(cls, value: str | None) -> str | None:
        if value is None or not value:
            return None
        try:
            zoneinfo.ZoneInfo(value)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown IANA time zone {value!r}") from exc
        return value

    @field_validator("emails")
    @classmethod
    def _emails(cls, values: list[str]) -> list[str]:
        cleaned = [v.strip() for v in values if v and v.strip()]
        for v in cleaned:
            local, _, domain = v.partition("@")
            if not local or "." not in domain:
                raise ValueError(f"not an email address: {v!r}")
        return cleaned

    @field_validator("phones", "prior_employers", "profile_urls")
    @classmethod
    def _non_empty(cls, values: list[str]) -> list[str]:
        return [v.strip() for v in values if v and v.strip()]


class Engagement(Record):
    """A worker's engagement with a client organisation."""

    kind: ClassVar[RecordKind] = "engagements"

    worker_remote_id: str = Field(min_length=1)
    client_org: str | None = None
    type: Literal["contractor", "employee"] = "contractor"
    status: str | None = None
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    rate: Decimal | None = None
    currency: str | None = None
    staffing_vendor: str | None = Field(default=None, description="staffing firm or agency, if any")
    hours_per_week: float | None = Field(default=None, ge=0, le=168, description="contracted hours, if known")


class PayoutMethod(StrEnum):
    """How money leaves for the worker."""

    BANK = "bank"
    PAYPAL = "paypal"
    WISE = "wise"
    PAYONEER = "payoneer"
    CRYPTO = "crypto"
    OTHER = "other"


class PayoutAccount(Record):
    """Where a worker's pay goes. The account number itself is never stored, only its keyed hash."""

    kind: ClassVar[RecordKind] = "payout_accounts"

    worker_remote_id: str = Field(min_length=1)
    method: PayoutMethod
    holder_name: str | None = None
    iban: SecretStr | None = None
    routing_number: str | None = None
    account_number: SecretStr | None = None
    email: str | None = Field(default=None, description="PayPal/Wise/Payoneer account email")
    wallet_address: str | None = None
    bank_country: str | None = None
    bic: str | None = None
    pooled: bool = Field(default=False, description="declared pooled account of an EOR or agency paying many workers")
    first_seen: dt.datetime | None = None
    last_seen: dt.datetime | None = None
    holder_type: Literal["individual", "business"] | None = Field(
        default=None, description="whether the holder is a person or a company (payee entity)"
    )
    entity_tax_id: SecretStr | None = Field(default=None, description="payee entity's tax id (EIN/VAT); hashed")
    entity_formed_on: dt.date | None = Field(default=None, description="payee entity's formation date")
    entity_address: Address | None = Field(default=None, description="payee entity's registered address")

    @field_validator("bank_country")
    @classmethod
    def _country(cls, value: str | None) -> str | None:
        return country_code(value)

    @field_validator("iban")
    @classmethod
    def _iban(cls, value: SecretStr | None) -> SecretStr | None:
        # Checked here, not at hashing time, so a bad IBAN is reported with its file and line.
        if value is None:
            return None
        try:
            return SecretStr(str(IBAN(value.get_secret_value()).compact))
        except (SchwiftyException, ValueError):
            raise ValueError("iban: not a valid IBAN (bad checksum, length or country)") from None

    @model_validator(mode="after")
    def _has_account(self) -> PayoutAccount:
        if self.deleted:
            return self
        present = {
            PayoutMethod.BANK: self.iban is not None or self.account_number is not None,
            PayoutMethod.CRYPTO: bool(self.wallet_address),
        }.get(self.method, bool(self.email) or self.account_number is not None)
        if not present:
            raise ValueError(f"a {self.method.value} payout account needs its account identifier")
        return self


class Payment(Record):
    """One payout or invoice to a worker."""

    kind: ClassVar[RecordKind] = "payments"

    worker_remote_id: str = Field(min_length=1)
    engagement_remote_id: str | None = None
    payout_account_remote_id: str | None = None
    amount: Decimal
    currency: str = Field(min_length=3, max_length=8)
    status: str | None = None
    due_date: dt.date | None = None
    paid_at: dt.datetime | None = None
    hold_ref: str | None = Field(default=None, description="vendor reference that can stop this payment")
    approved: bool | None = Field(
        default=None, description="the client approved the work or milestone this pays for (false: it did not)"
    )


class AccessEvent(Record):
    """A sign-in or session observed by an identity provider or platform."""

    kind: ClassVar[RecordKind] = "access_events"

    worker_remote_id: str = Field(min_length=1)
    time: dt.datetime
    ended_at: dt.datetime | None = Field(default=None, description="when the session ended, if the source knows")
    login: str | None = None
    ip: str | None = None
    asn: int | None = None
    country: str | None = None
    is_proxy: bool = False
    vpn_provider: str | None = None
    device_id: str | None = None
    user_agent: str | None = None

    @field_validator("country")
    @classmethod
    def _country(cls, value: str | None) -> str | None:
        return country_code(value)


class Device(Record):
    """A company device issued to a worker: what was shipped, where, and what runs on it."""

    kind: ClassVar[RecordKind] = "devices"

    worker_remote_id: str = Field(min_length=1)
    serial: str | None = None
    shipped_serial: str | None = None
    shipped_to_address: Address | None = None
    mdm_country: str | None = None
    located_at: dt.datetime | None = Field(default=None, description="when the MDM reported mdm_country")
    remote_access_tools: list[str] = Field(default_factory=list)
    peripherals: list[str] = Field(default_factory=list)
    software: list[str] = Field(default_factory=list, description="installed software inventory (names)")

    @field_validator("mdm_country")
    @classmethod
    def _country(cls, value: str | None) -> str | None:
        return country_code(value)


class HiringSignal(Record):
    """An interview or onboarding observation recorded by HR or an ATS."""

    kind: ClassVar[RecordKind] = "hiring_signals"

    worker_remote_id: str = Field(min_length=1)
    signal: str = Field(
        min_length=1,
        description="e.g. camera_refused, liveness_failed, i9_third_party (core/indicators/signals.py lists them)",
    )
    observed_at: dt.datetime | None = None
    detail: str | None = None
    country: str | None = Field(default=None, description="country a declaration concerns (travel_declared)")
    valid_from: dt.date | None = Field(default=None, description="first day a declaration covers")
    valid_until: dt.date | None = Field(default=None, description="last day a declaration covers")
    related_worker_remote_id: str | None = Field(
        default=None, description="another worker of the same source the signal concerns (household member…)"
    )

    @field_validator("signal")
    @classmethod
    def _signal_name(cls, value: str) -> str:
        # "Camera refused" and "camera-refused" are the same observation as camera_refused
        return re.sub(r"[\s\-]+", "_", value.strip().lower())

    @field_validator("country")
    @classmethod
    def _country(cls, value: str | None) -> str | None:
        return country_code(value)

    @model_validator(mode="after")
    def _period(self) -> HiringSignal:
        if self.valid_from and self.valid_until and self.valid_until < self.valid_from:
            raise ValueError("valid_until is before valid_from")
        return self


class ProfileRecord(Record):
    """Base of the code-hosting profile kinds: the worker claim that cites the profile.

    Like every other kind, a profile record points at its worker with ``worker_remote_id`` in the
    same source. A connector that *enriches another source's workers* (the GitHub connector reads
    the profile links of the HR or payroll workers already in the store) names that source in
    ``worker_source`` instead of inventing a second identity claim: the profile then belongs to the
    very worker record that cited it, and so to whichever person that record resolves to.
    """

    worker_remote_id: str = Field(min_length=1)
    worker_source: str | None = Field(
        default=None, description="source of the worker when it is not this record's own (enrichment connectors)"
    )


class Profile(ProfileRecord):
    """A public code-hosting account a worker cites (a GitHub profile): who it says it is, and since when.

    ``bio`` and ``readme`` are read, never stored: only keyed hashes of their normalised words (for
    the same text across candidates) and a short bio excerpt are kept.
    """

    kind: ClassVar[RecordKind] = "profiles"

    platform: str = Field(min_length=1, description="code-hosting platform, e.g. github")
    login: str = Field(min_length=1)
    account_id: str | None = Field(default=None, description="the platform's stable account id")
    created_at: dt.datetime | None = Field(default=None, description="when the account was created")
    bio: str | None = None
    readme: str | None = Field(default=None, description="profile README text (hashed, never stored)")
    blog: str | None = None
    company: str | None = None
    location: str | None = Field(default=None, description="free-text location on the profile")
    location_country: str | None = Field(
        default=None, description="country of the location (derived from location at ingest when not given)"
    )
    followers: int | None = Field(default=None, ge=0)
    following: int | None = Field(default=None, ge=0)
    public_repos: int | None = Field(default=None, ge=0)
    observed_at: dt.datetime | None = Field(default=None, description="when the source read the profile")

    @field_validator("platform")
    @classmethod
    def _platform(cls, value: str) -> str:
        return value.lower()

    @field_validator("account_id", mode="before")
    @classmethod
    def _id_text(cls, value: Any) -> Any:
        return str(value) if isinstance(value, int) else value

    @field_validator("location_country")
    @classmethod
    def _country(cls, value: str | None) -> str | None:
        return country_code(value)


class ProfileRepo(ProfileRecord):
    """A public repository of a profile's account."""

    kind: ClassVar[RecordKind] = "profile_repos"

    profile_remote_id: str = Field(min_length=1, description="remote_id of the profile record (same source)")
    name: str = Field(min_length=1, description="full name, owner/repository")
    fork: bool = False
    parent: str | None = Field(default=None, description="full name of the repository it was forked from")
    created_at: dt.datetime | None = None
    pushed_at: dt.datetime | None = None


_SHA = re.compile(r"^[0-9a-f]{7,64}$")


class ProfileCommit(ProfileRecord):
    """One commit of the bounded sample taken from a profile's repository.

    Commit e-mails are read, never stored: they become keyed hashes (``email`` link keys, the same
    namespace as workers' e-mails) and masks; privacy relay addresses (noreply) are never keyed.
    ``by_owner`` says whom the platform attributes the commit to: the profile's account (true),
    another account (false), or no account (null).
    """

    kind: ClassVar[RecordKind] = "profile_commits"

    profile_remote_id: str = Field(min_length=1)
    repo: str = Field(min_length=1, description="full name of the repository, owner/repository")
    repo_fork: bool = Field(default=False, description="the repository is a fork")
    sha: str
    tree_sha: str | None = None
    authored_at: dt.datetime | None = None
    committed_at: dt.datetime | None = None
    author_email: str | None = None
    committer_email: str | None = None
    by_owner: bool | None = None

    @field_validator("sha", "tree_sha")
    @classmethod
    def _sha(cls, value: str | None) -> str | None:
        if value is None:
            return None
        text = value.strip().lower()
        if not _SHA.match(text):
            raise ValueError("not a git object id (7 to 64 hex digits)")
        return text


class ProfileFollow(ProfileRecord):
    """An account that follows a profile, with what the follower ring check needs to know about it.

    ``follower_id`` and the ids in ``follower_follows`` are the platform's account ids (or logins,
    consistently, for a source that knows only logins); both are stored only as keyed hashes.
    ``follower_follows`` is null when the source did not read whom the follower follows.
    """

    kind: ClassVar[RecordKind] = "profile_follows"

    profile_remote_id: str = Field(min_length=1)
    follower_id: str = Field(min_length=1)
    follower_login: str | None = Field(default=None, description="kept masked only")
    follower_created_at: dt.datetime | None = None
    follower_following: int | None = Field(default=None, ge=0, description="how many accounts the follower follows")
    follower_followers: int | None = Field(default=None, ge=0)
    follower_repos: int | None = Field(default=None, ge=0, description="the follower's public repositories")
    follower_follows: list[str] | None = Field(default=None, description="account ids the follower follows")

    @field_validator("follower_id", mode="before")
    @classmethod
    def _id_text(cls, value: Any) -> Any:
        return str(value) if isinstance(value, int) else value

    @field_validator("follower_follows", mode="before")
    @classmethod
    def _ids_text(cls, value: Any) -> Any:
        if isinstance(value, str):  # a CSV cell: ids separated by "|" (the field may be null, so CSV reads it as text)
            return [v.strip() for v in value.split("|") if v.strip()]
        return [str(v) if isinstance(v, int) else v for v in value] if isinstance(value, list) else value


KIND_MODELS: dict[RecordKind, type[Record]] = {
    "workers": Worker,
    "engagements": Engagement,
    "payout_accounts": PayoutAccount,
    "payments": Payment,
    "access_events": AccessEvent,
    "devices": Device,
    "hiring_signals": HiringSignal,
    "profiles": Profile,
    "profile_repos": ProfileRepo,
    "profile_commits": ProfileCommit,
    "profile_follows": ProfileFollow,
}
