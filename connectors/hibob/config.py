"""The typed configuration of a HiBob source (one Bob company, read by a service user)."""

from __future__ import annotations

from typing import Literal, Self
from urllib.parse import urlsplit

from pydantic import Field, field_validator, model_validator

from hiresentry.connectors.base import ConnectorConfig
from hiresentry.core.secrets import SecretValue

_LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1"}

StreamName = Literal["people", "payroll_history"]
ALL_STREAMS: tuple[StreamName, ...] = ("people", "payroll_history")

FIELD_PATHS: dict[str, str | None] = {
    "id": "root.id",
    "first_name": "root.firstName",
    "surname": "root.surname",
    "full_name": "root.fullName",
    "display_name": "root.displayName",
    "work_email": "root.email",
    "personal_email": "home.privateEmail",
    "mobile_phone": "home.mobilePhone",
    "home_phone": "home.privatePhone",
    "work_phone": "work.workPhone",
    "work_mobile": "work.workMobile",
    "date_of_birth": "personal.birthDate",
    "address_line1": "address.line1",
    "address_line2": "address.line2",
    "city": "address.city",
    "region": "address.usaState",
    "postal_code": "address.postCode",
    "country": "address.country",
    "linkedin": "about.socialData.linkedin",
    "tax_id": None,
}
"""Canonical field → Bob field path (``/company/people/fields`` lists a company's); None leaves it out."""


def https_or_local(value: str) -> str:
    """An https:// URL (plain http:// only for a local mock): the token travels with every request."""
    parts = urlsplit(value)
    if parts.scheme == "https" or (parts.scheme == "http" and parts.hostname in _LOCAL_HOSTS):
        return value.rstrip("/")
    raise ValueError("must be an https:// URL (http:// is accepted for localhost only)")


class HiBobConfig(ConnectorConfig):
    """Settings of one Bob company; the service user's token is a reference (``env:``/``vault:``)."""

    base_url: str = Field("https://api.hibob.com/v1", description="https://api.sandbox.hibob.com/v1 for a sandbox")
    service_user_id: str = Field(min_length=1, description="the service user's ID (the Basic user name)")
    service_user_token: SecretValue = Field(description="the service user's token (the Basic password)")
    fields: dict[str, str | None] = Field(
        default_factory=dict, description="canonical field → Bob field path; overrides the defaults"
    )
    show_inactive: bool = Field(True, description="include inactive (terminated) employees")
    streams: list[StreamName] = Field(default_factory=lambda: list(ALL_STREAMS))
    bank_accounts: bool = Field(True, description="read /people/{id}/bank-accounts (needs the Financial permission)")
    full_refresh_days: int = Field(
        7, ge=1, description="between full passes, only employees whose fields changed are read in depth"
    )
    page_size: int = Field(50, ge=1, le=500, description="employees per committed batch")
    organization: str | None = Field(None, description="the employer's name on engagements")
    rate_limit_per_second: float = Field(
        2.0, gt=0, description="Bob limits per endpoint per minute and blocks repeated auth failures: stay gentle"
    )
    rate_limit_scope: str | None = Field(None, description="sources naming the same scope share one rate budget")
    connect_timeout: float = Field(5.0, gt=0)
    read_timeout: float = Field(60.0, gt=0)
    max_attempts: int = Field(5, ge=1, le=10, description="tries per request on 429/5xx/connection errors")
    max_retry_wait: float = Field(90.0, ge=0, description="longest single wait between two tries, in seconds")
    webhook_secret: SecretValue | None = Field(
        None, description="the webhook's secret; it keys Bob-Signature (enables /webhooks/<source>)"
    )

    @field_validator("base_url")
    @classmethod
    def _https(cls, value: str) -> str:
        return https_or_local(value)

    @field_validator("fields")
    @classmethod
    def _known_fields(cls, value: dict[str, str | None]) -> dict[str, str | None]:
        unknown = sorted(set(value) - set(FIELD_PATHS))
        if unknown:
            raise ValueError(f"unknown fields {unknown}; known: {sorted(FIELD_PATHS)}")
        bad = [p for p in value.values() if p is not None and not all(part.isidentifier() for part in p.split("."))]
        if bad:
            raise ValueError(f"not Bob field paths (category.field): {bad}")
        return value

    @model_validator(mode="after")
    def _usable(self) -> Self:
        if not self.streams:
            raise ValueError("streams is empty: nothing to read")
        if not self.service_user_token.get_secret_value().strip():
            raise ValueError("service_user_token is empty")
        if not self.paths.get("id"):
            raise ValueError("fields.id cannot be removed: employees are keyed by it")
        return self

    @property
    def paths(self) -> dict[str, str | None]:
        """The field paths in use: the defaults with this source's overrides."""
        return {**FIELD_PATHS, **self.fields}

    @property
    def search_fields(self) -> list[str]:
        """``fields`` of ``POST /people/search``: every configured path, once."""
        return list(dict.fromkeys(p for p in self.paths.values() if p))
