"""The typed configuration of a Gusto source (one company of a Gusto Embedded partner)."""

from __future__ import annotations

from typing import Literal
from urllib.parse import urlsplit

from pydantic import Field, field_validator

from hiresentry.connectors.base import ConnectorConfig
from hiresentry.core.secrets import SecretValue

StreamName = Literal["contractors", "payment_details", "contractor_payments"]
ALL_STREAMS: tuple[StreamName, ...] = ("contractors", "payment_details", "contractor_payments")
API_VERSION = "2025-06-15"
_LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1"}


def https_or_local(value: str) -> str:
    """An https:// URL (plain http:// only for a local mock): tokens travel with every request."""
    parts = urlsplit(value)
    if parts.scheme == "https" or (parts.scheme == "http" and parts.hostname in _LOCAL_HOSTS):
        return value.rstrip("/")
    raise ValueError("must be an https:// URL (http:// is accepted for localhost only)")


class GustoConfig(ConnectorConfig):
    """Settings of one Gusto company; secrets are references (``env:``/``vault:``), never inline."""

    base_url: str = Field("https://api.gusto.com", description="https://api.gusto-demo.com for the demo environment")
    token_url: str | None = Field(None, description="OAuth token URL (default: <base_url>/oauth/token)")
    company_uuid: str = Field(min_length=1, description="the company whose contractors are read")
    client_id: str = Field(min_length=1, description="the partner application's OAuth client id")
    client_secret: SecretValue = Field(description="the partner application's OAuth client secret")
    refresh_token: SecretValue | None = Field(
        None,
        description="the company's refresh token, used once to seed the token store; Gusto rotates it on every "
        "refresh, so the store (not this value) holds the current one afterwards",
    )
    api_version: Literal["2025-06-15"] = Field("2025-06-15", description="sent as X-Gusto-API-Version")
    page_size: int = Field(100, ge=1, le=100, description="'per' of paged lists")
    rate_limit_per_second: float = Field(
        3.0, gt=0, description="Gusto allows 200 requests per minute per application and user (3.3/s)"
    )
    rate_limit_scope: str | None = Field(None, description="sources naming the same scope share one rate budget")
    connect_timeout: float = Field(5.0, gt=0)
    read_timeout: float = Field(30.0, gt=0)
    max_attempts: int = Field(5, ge=1, le=10, description="tries per request on 429/5xx/connection errors")
    max_retry_wait: float = Field(60.0, ge=0, description="longest single wait between two tries, in seconds")
    streams: list[StreamName] = Field(default_factory=lambda: list(ALL_STREAMS))
    payments_lookback_days: int = Field(730, ge=1, description="contractor payments dated this far back are read")
    payments_ahead_days: int = Field(90, ge=0, description="... and scheduled payments this far ahead")
    incremental: bool = Field(
        True,
        description="between full passes, read only what Gusto's events name (GET /v1/events with a system "
        "access token from the same client id and secret)",
    )
    full_sync_days: int = Field(
        7, ge=1, le=29, description="days between full passes; under 30 because Gusto keeps events for 30 days"
    )
    hold_lookback_days: int = Field(7, ge=0, description="a hold looks at payments dated this far back ...")
    hold_ahead_days: int = Field(120, ge=1, description="... and this far ahead")
    webhook_verification_token: SecretValue | None = Field(
        None, description="the subscription's verification_token; it keys X-Gusto-Signature (enables webhooks)"
    )

    @field_validator("base_url", "token_url")
    @classmethod
    def _https(cls, value: str | None) -> str | None:
        return https_or_local(value) if value is not None else None

    @field_validator("client_secret")
    @classmethod
    def _non_empty(cls, value: SecretValue) -> SecretValue:
        if not value.get_secret_value().strip():
            raise ValueError("the client secret is empty")
        return value

    @property
    def oauth_token_url(self) -> str:
        """Where tokens are refreshed and system access tokens are issued."""
        return self.token_url or f"{self.base_url}/oauth/token"
