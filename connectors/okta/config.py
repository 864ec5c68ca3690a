"""The typed configuration of an Okta source (the ``sources.<name>`` block of the config file)."""

from __future__ import annotations

from typing import Literal
from urllib.parse import urlsplit

from pydantic import Field, field_validator

from hiresentry.connectors.base import ConnectorConfig
from hiresentry.core.secrets import SecretValue

StreamName = Literal["users", "system_log"]
ALL_STREAMS: tuple[StreamName, ...] = ("users", "system_log")
_LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1"}


class OktaConfig(ConnectorConfig):
    """Settings of one Okta org; the API token is a reference (``env:``/``vault:``), never inline.

    The token is an SSWS API token of an admin with read access to users and the System Log
    (a read-only admin), plus user lifecycle rights if ``account.suspend`` is to be used.
    """

    org_url: str = Field(description="the org's base URL, e.g. https://acme.okta.com")
    api_token: SecretValue = Field(description="SSWS API token (Authorization: SSWS <token>)")
    event_types: list[str] = Field(
        default_factory=lambda: ["user.session.start"],
        min_length=1,
        description="System Log event types read as sign-ins",
    )
    successful_only: bool = Field(True, description="only events whose outcome.result is SUCCESS")
    page_size: int = Field(1000, ge=1, le=1000, description="items per page (the users list allows 200)")
    overlap_minutes: int = Field(
        15, ge=0, le=24 * 60, description="each poll re-reads this much before the last event seen (late events)"
    )
    initial_lookback_days: int = Field(
        30, ge=1, le=90, description="how far back the first poll reads (Okta keeps 90 days)"
    )
    rate_limit_per_second: float = Field(1.0, gt=0, description="pace below the org's /api/v1/logs limit")
    rate_limit_scope: str | None = Field(
        None, description="sources naming the same scope share one rate budget (default: the org's host)"
    )
    connect_timeout: float = Field(5.0, gt=0)
    read_timeout: float = Field(30.0, gt=0)
    max_attempts: int = Field(5, ge=1, le=10, description="tries per request on 429/5xx/connection errors")
    max_retry_wait: float = Field(120.0, ge=0, description="longest single wait between two tries, in seconds")
    streams: list[StreamName] = Field(default_factory=lambda: list(ALL_STREAMS))
    clear_sessions_on_suspend: bool = Field(
        True, description="account.suspend also ends the user's open Okta sessions (DELETE /users/{id}/sessions)"
    )
    webhook_secret: SecretValue | None = Field(
        None, description="the value of the event hook's authorization header (enables /webhooks/<source>)"
    )
    webhook_header: str = Field("Authorization", description="the header the event hook sends the secret in")

    @field_validator("org_url")
    @classmethod
    def _https(cls, value: str) -> str:
        # The API token travels with every request: plain HTTP only to a local mock.
        parts = urlsplit(value)
        if parts.path not in ("", "/"):
            raise ValueError("must be the org's base URL without a path (https://acme.okta.com)")
        if parts.scheme == "https" or (parts.scheme == "http" and parts.hostname in _LOCAL_HOSTS):
            return value.rstrip("/")
        raise ValueError("must be an https:// URL (http:// is accepted for localhost only)")

    @field_validator("api_token")
    @classmethod
    def _non_empty(cls, value: SecretValue) -> SecretValue:
        if not value.get_secret_value().strip():
            raise ValueError("the API token is empty")
        return value

    @field_validator("event_types")
    @classmethod
    def _event_types(cls, values: list[str]) -> list[str]:
        for value in values:
            if not value or any(c in value for c in '"\\ ()'):
                raise ValueError(f"not an Okta event type: {value!r}")
        return values
