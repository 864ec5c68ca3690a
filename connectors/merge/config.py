"""The typed configuration of a Merge HRIS source (one linked account of a Merge organization)."""

from __future__ import annotations

from typing import Literal
from urllib.parse import urlsplit

from pydantic import Field, field_validator

from hiresentry.connectors.base import ConnectorConfig
from hiresentry.core.secrets import SecretValue

StreamName = Literal["employees", "employments", "bank_info", "employee_payroll_runs"]
ALL_STREAMS: tuple[StreamName, ...] = ("employees", "employments", "bank_info", "employee_payroll_runs")
_LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1"}


def https_or_local(value: str) -> str:
    """An https:// URL (plain http:// only for a local mock): the API key travels with every request."""
    parts = urlsplit(value)
    if parts.scheme == "https" or (parts.scheme == "http" and parts.hostname in _LOCAL_HOSTS):
        return value.rstrip("/")
    raise ValueError("must be an https:// URL (http:// is accepted for localhost only)")


class MergeConfig(ConnectorConfig):
    """Settings of one Merge linked account; both keys are references (``env:``/``vault:``), never inline."""

    base_url: str = Field("https://api.merge.dev/api/hris/v1", description="EU: https://api-eu.merge.dev/api/hris/v1")
    api_key: SecretValue = Field(description="the Merge organization's production API key (Bearer)")
    account_token: SecretValue = Field(description="the linked account's token (X-Account-Token)")
    linked_account_id: str | None = Field(
        None,
        description="the linked account's id (GET /account-details 'id'); webhooks are organization-wide, so "
        "changed-data deliveries are mapped only when they name this account",
    )
    include_sensitive_fields: bool = Field(
        True, description="ask for SSNs and other sensitive fields (they are kept only as keyed hashes)"
    )
    page_size: int = Field(100, ge=1, le=100, description="items per page (Merge allows 100)")
    rate_limit_per_minute: float = Field(
        100.0, gt=0, description="Merge limits requests per linked account per minute: 100, 400 or 600 by plan"
    )
    rate_limit_scope: str | None = Field(None, description="sources naming the same scope share one rate budget")
    connect_timeout: float = Field(5.0, gt=0)
    read_timeout: float = Field(60.0, gt=0)
    max_attempts: int = Field(5, ge=1, le=10, description="tries per request on 429/5xx/connection errors")
    max_retry_wait: float = Field(60.0, ge=0, description="longest single wait between two tries, in seconds")
    streams: list[StreamName] = Field(default_factory=lambda: list(ALL_STREAMS))
    incremental: bool = Field(True, description="after a full pass, ask only for what changed (modified_after)")
    overlap_minutes: float = Field(5.0, ge=0, description="re-read changes this long before the newest one seen")
    payroll_currency: str | None = Field(
        None,
        min_length=3,
        max_length=3,
        description="currency of payroll runs whose employee has no employment with pay_currency (Merge's "
        "employee payroll runs carry no currency)",
    )
    webhook_signature_key: SecretValue | None = Field(
        None, description="the organization's webhook signature key (enables /webhooks/<source>)"
    )

    @field_validator("base_url")
    @classmethod
    def _https(cls, value: str) -> str:
        return https_or_local(value)

    @field_validator("api_key", "account_token")
    @classmethod
    def _non_empty(cls, value: SecretValue) -> SecretValue:
        if not value.get_secret_value().strip():
            raise ValueError("the key is empty")
        return value

    @field_validator("payroll_currency")
    @classmethod
    def _upper(cls, value: str | None) -> str | None:
        return value.upper() if value else None
