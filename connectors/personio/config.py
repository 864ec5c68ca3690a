"""The typed configuration of a Personio source (one Personio company, API v1 or v2)."""

from __future__ import annotations

import re
import zoneinfo
from typing import Literal
from urllib.parse import urlsplit

from pydantic import Field, field_validator

from hiresentry.connectors.base import ConnectorConfig
from hiresentry.core.secrets import SecretValue

ApiVersion = Literal["v1", "v2"]
DEFAULT_BASE_URLS: dict[ApiVersion, str] = {
    "v1": "https://api.personio.de/v1",
    "v2": "https://api.personio.de/v2",
}
_LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1"}
_UPPER_SNAKE = re.compile(r"^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$")


def https_or_local(value: str) -> str:
    """An https:// URL (plain http:// only for a local mock): credentials travel with every request."""
    parts = urlsplit(value)
    if parts.scheme == "https" or (parts.scheme == "http" and parts.hostname in _LOCAL_HOSTS):
        return value.rstrip("/")
    raise ValueError("must be an https:// URL (http:// is accepted for localhost only)")


class PersonioConfig(ConnectorConfig):
    """Settings of one Personio company; the client secret is a reference (``env:``/``vault:``), never inline."""

    api_version: ApiVersion = Field(
        "v1",
        description="v1: /company/employees with Personio's rotating bearer token; "
        "v2: /v2/persons + employments with OAuth2 client credentials",
    )
    base_url: str | None = Field(
        None, description="default https://api.personio.de/v1 or /v2 by api_version (the paths are relative to it)"
    )
    client_id: str = Field(min_length=1, description="the API credential's client id")
    client_secret: SecretValue = Field(description="the API credential's client secret")
    scope: str | None = Field(None, description="v2 only: scopes to ask for (default: all scopes of the credential)")
    app_id: str = Field("HIRESENTRY", description="sent as X-Personio-App-ID (UPPER_SNAKE_CASE, Personio asks for it)")
    partner_id: str | None = Field(None, description="sent as X-Personio-Partner-ID if set (integration partners)")
    page_size: int = Field(50, ge=1, le=100, description="items per page (v1 allows 100, v2 allows 50)")
    rate_limit_per_second: float = Field(
        4.0, gt=0, description="Personio v1 allows 300 requests/minute (5/s) on employee endpoints"
    )
    rate_limit_scope: str | None = Field(None, description="sources naming the same scope share one rate budget")
    connect_timeout: float = Field(5.0, gt=0)
    read_timeout: float = Field(30.0, gt=0)
    max_attempts: int = Field(5, ge=1, le=10, description="tries per request on 429/5xx/connection errors")
    max_retry_wait: float = Field(60.0, ge=0, description="longest single wait between two tries, in seconds")
    incremental: bool = Field(
        True,
        description="after a full pass, ask only for employees changed since the newest change seen "
        "(v1 updated_since, v2 updated_at.gt)",
    )
    overlap_hours: float = Field(
        24.0,
        ge=0,
        description="re-read changes this long before the newest one seen (v1 reads the filter in "
        "company time without an offset)",
    )
    company_timezone: str = Field(
        "Europe/Berlin", description="v1 sends dates as midnight company time in UTC; dates are read in this zone"
    )
    fetch_employments: bool = Field(True, description="v2: one /persons/{id}/employments call per person")
    webhook_token: SecretValue | None = Field(
        None, description="v2: the token given when the webhook was created; Personio sends it in Authorization"
    )

    @field_validator("base_url")
    @classmethod
    def _https(cls, value: str | None) -> str | None:
        return https_or_local(value) if value is not None else None

    @field_validator("client_secret")
    @classmethod
    def _non_empty(cls, value: SecretValue) -> SecretValue:
        if not value.get_secret_value().strip():
            raise ValueError("the client secret is empty")
        return value

    @field_validator("app_id", "partner_id")
    @classmethod
    def _upper_snake(cls, value: str | None) -> str | None:
        if value is not None and not _UPPER_SNAKE.match(value):
            raise ValueError("must be UPPER_SNAKE_CASE (Personio's rule for X-Personio-App-ID/Partner-ID)")
        return value

    @field_validator("company_timezone")
    @classmethod
    def _zone(cls, value: str) -> str:
        try:
            zoneinfo.ZoneInfo(value)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown IANA time zone {value!r}") from None
        return value

    @property
    def api_base(self) -> str:
        """The base URL in effect: the configured one, else Personio's for the API version."""
        return self.base_url or DEFAULT_BASE_URLS[self.api_version]

    @property
    def headers(self) -> dict[str, str]:
        """Identification headers Personio asks every integration to send."""
        found = {"X-Personio-App-ID": self.app_id}
        if self.partner_id:
            found["X-Personio-Partner-ID"] = self.partner_id
        return found
