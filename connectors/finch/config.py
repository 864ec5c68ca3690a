"""The typed configuration of a Finch source (one employer connection of a Finch application)."""

from __future__ import annotations

import re
from typing import Literal
from urllib.parse import urlsplit

from pydantic import Field, field_validator

from hiresentry.connectors.base import ConnectorConfig
from hiresentry.core.secrets import SecretValue

Product = Literal["directory", "individual", "employment", "payment", "pay_statement"]
StreamName = Literal["directory", "payments"]
ALL_STREAMS: tuple[StreamName, ...] = ("directory", "payments")
DEFAULT_PRODUCT_RATES: dict[Product, float] = {
    "directory": 20.0,
    "individual": 20.0,
    "employment": 20.0,
    "payment": 12.0,
    "pay_statement": 12.0,
}
"""Finch's documented limits per application and product, requests per rolling minute."""
_LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1"}
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def https_or_local(value: str) -> str:
    """An https:// URL (plain http:// only for a local mock): the access token travels with every request."""
    parts = urlsplit(value)
    if parts.scheme == "https" or (parts.scheme == "http" and parts.hostname in _LOCAL_HOSTS):
        return value.rstrip("/")
    raise ValueError("must be an https:// URL (http:// is accepted for localhost only)")


class FinchConfig(ConnectorConfig):
    """Settings of one Finch connection; the access token is a reference (``env:``/``vault:``), never inline."""

    base_url: str = Field("https://api.tryfinch.com")
    access_token: SecretValue = Field(description="the employer connection's access token (from Finch Connect)")
    api_version: str = Field("2020-09-17", description="sent as Finch-API-Version")
    streams: list[StreamName] = Field(default_factory=lambda: list(ALL_STREAMS))
    page_size: int = Field(100, ge=1, le=100, description="directory page size and batch size of per-person calls")
    fetch_employment: bool = Field(True, description="read /employer/employment for every directory page")
    include_ssn: bool = Field(
        False, description="ask /employer/individual for SSNs (needs the ssn product); kept only as keyed hashes"
    )
    payments_lookback_days: int = Field(365, ge=1, description="the first pass reads payments this far back")
    payments_window_days: int = Field(90, ge=1, le=366, description="pay dates per /employer/payment request")
    payments_overlap_days: int = Field(
        31, ge=0, description="later passes re-read payments from this long before the newest pay date seen"
    )
    product_rate_per_minute: dict[Product, float] = Field(
        default_factory=lambda: dict(DEFAULT_PRODUCT_RATES),
        description="Finch limits each product per application (rolling minute)",
    )
    ip_requests_per_5_minutes: float = Field(1000.0, gt=0, description="Finch's per-IP limit (then a 60 min penalty)")
    rate_limit_scope: str = Field(
        "finch", description="the product budgets are per Finch application: sources of one application share it"
    )
    connect_timeout: float = Field(5.0, gt=0)
    read_timeout: float = Field(360.0, gt=0, description="Finch holds requests up to 6 minutes")
    max_attempts: int = Field(5, ge=1, le=10, description="tries per request on 429/5xx/connection errors")
    max_retry_wait: float = Field(120.0, ge=0, description="longest single wait between two tries, in seconds")
    webhook_secret: SecretValue | None = Field(
        None, description="the webhook's signing secret (whsec_…, Svix style; enables /webhooks/<source>)"
    )

    @field_validator("base_url")
    @classmethod
    def _https(cls, value: str) -> str:
        return https_or_local(value)

    @field_validator("access_token")
    @classmethod
    def _non_empty(cls, value: SecretValue) -> SecretValue:
        if not value.get_secret_value().strip():
            raise ValueError("the access token is empty")
        return value

    @field_validator("api_version")
    @classmethod
    def _date(cls, value: str) -> str:
        if not _DATE.match(value):
            raise ValueError("must be a date, YYYY-MM-DD")
        return value

    @field_validator("product_rate_per_minute")
    @classmethod
    def _rates(cls, value: dict[Product, float]) -> dict[Product, float]:
        if any(rate <= 0 for rate in value.values()):
            raise ValueError("rates must be positive")
        return {**DEFAULT_PRODUCT_RATES, **value}
