"""The typed configuration of a Deel source (the ``sources.<name>`` block of the config file)."""

from __future__ import annotations

from typing import Literal
from urllib.parse import urlsplit

from pydantic import Field, field_validator

from hiresentry.connectors.base import ConnectorConfig
from hiresentry.core.secrets import SecretValue

StreamName = Literal["people", "contracts", "invoices"]
ALL_STREAMS: tuple[StreamName, ...] = ("people", "contracts", "invoices")
_LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1"}


class DeelConfig(ConnectorConfig):
    """Settings of one Deel organization; the token is a reference (``env:``/``vault:``), never inline."""

    base_url: str = "https://api.letsdeel.com/rest/v2"
    token: SecretValue = Field(description="organization API token with people:read, contracts:read, accounting:read")
    page_size: int = Field(
        100, ge=1, le=200, description="items per page (Deel allows 200 on /people, 99 on /invoices)"
    )
    rate_limit_per_second: float = Field(5.0, gt=0, description="Deel allows 5 requests/second per organization")
    rate_limit_scope: str | None = Field(
        None, description="sources naming the same scope share one rate budget (default: this source alone)"
    )
    connect_timeout: float = Field(5.0, gt=0)
    read_timeout: float = Field(30.0, gt=0)
    max_attempts: int = Field(5, ge=1, le=10, description="tries per request on 429/5xx/connection errors")
    max_retry_wait: float = Field(60.0, ge=0, description="longest single wait between two tries, in seconds")
    streams: list[StreamName] = Field(default_factory=lambda: list(ALL_STREAMS))
    fetch_bank_accounts: bool = Field(
        True, description="read /gp/workers/{id}/banks for every person (one extra call per person)"
    )
    webhook_signing_key: SecretValue | None = Field(
        None, description="the signing_key Deel returned for the webhook subscription (enables /webhooks/<source>)"
    )

    @field_validator("base_url")
    @classmethod
    def _https(cls, value: str) -> str:
        # The bearer token travels with every request: plain HTTP only to a local mock.
        parts = urlsplit(value)
        if parts.scheme == "https" or (parts.scheme == "http" and parts.hostname in _LOCAL_HOSTS):
            return value.rstrip("/")
        raise ValueError("must be an https:// URL (http:// is accepted for localhost only)")

    @field_validator("token")
    @classmethod
    def _non_empty(cls, value: SecretValue) -> SecretValue:
        if not value.get_secret_value().strip():
            raise ValueError("the token is empty")
        return value
