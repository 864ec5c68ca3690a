"""The typed configuration of a Microsoft Entra ID source (the ``sources.<name>`` block)."""

from __future__ import annotations

import re
from typing import Literal
from urllib.parse import urlsplit

from pydantic import Field, field_validator

from hiresentry.connectors.base import ConnectorConfig
from hiresentry.core.secrets import SecretValue

StreamName = Literal["users", "sign_ins"]
ALL_STREAMS: tuple[StreamName, ...] = ("users", "sign_ins")
_LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1"}
_TENANT = re.compile(r"^[A-Za-z0-9][A-Za-z0-9.\-]*$")


def _https(value: str) -> str:
    # Tokens and the client secret travel to these hosts: plain HTTP only to a local mock.
    parts = urlsplit(value)
    if parts.path not in ("", "/"):
        raise ValueError("must be a base URL without a path")
    if parts.scheme == "https" or (parts.scheme == "http" and parts.hostname in _LOCAL_HOSTS):
        return value.rstrip("/")
    raise ValueError("must be an https:// URL (http:// is accepted for localhost only)")


class EntraConfig(ConnectorConfig):
    """An app registration with application permissions, secrets as ``env:``/``vault:`` references.

    Permissions: ``AuditLog.Read.All`` and ``User.Read.All`` to read (sign-in logs need an Entra ID
    P1 or P2 licence in the tenant); ``User.EnableDisableAccount.All`` (or ``User.ReadWrite.All``)
    for ``account.suspend``, plus ``User.RevokeSessions.All`` to end the user's sessions with it.
    """

    tenant_id: str = Field(description="the directory (tenant) id or a verified domain")
    client_id: str = Field(min_length=1, description="the app registration's application (client) id")
    client_secret: SecretValue = Field(description="a client secret of the app registration")
    graph_url: str = "https://graph.microsoft.com"
    login_url: str = "https://login.microsoftonline.com"
    api_version: Literal["v1.0", "beta"] = Field(
        "v1.0", description="beta adds the sign-in's user agent and autonomous system number"
    )
    successful_only: bool = Field(True, description="only sign-ins with status.errorCode 0")
    page_size: int = Field(1000, ge=1, le=1000, description="items per page (the users list allows 999)")
    overlap_minutes: int = Field(
        30, ge=0, le=24 * 60, description="each poll re-reads this much before the last sign-in seen (late events)"
    )
    initial_lookback_days: int = Field(
        30, ge=1, le=30, description="how far back the first poll reads (Entra keeps 30)"
    )
    rate_limit_per_second: float = Field(0.5, gt=0, description="Graph's reporting APIs allow 5 requests per 10 s")
    rate_limit_scope: str | None = Field(
        None, description="sources naming the same scope share one rate budget (default: the tenant and app)"
    )
    connect_timeout: float = Field(5.0, gt=0)
    read_timeout: float = Field(60.0, gt=0)
    max_attempts: int = Field(5, ge=1, le=10, description="tries per request on 429/5xx/connection errors")
    max_retry_wait: float = Field(120.0, ge=0, description="longest single wait between two tries, in seconds")
    streams: list[StreamName] = Field(default_factory=lambda: list(ALL_STREAMS))
    revoke_sessions_on_suspend: bool = Field(
        True, description="account.suspend also revokes refresh tokens and sessions (revokeSignInSessions)"
    )

    @field_validator("graph_url", "login_url")
    @classmethod
    def _base_urls(cls, value: str) -> str:
        return _https(value)

    @field_validator("tenant_id")
    @classmethod
    def _tenant(cls, value: str) -> str:
        if not _TENANT.match(value.strip()):
            raise ValueError("must be a tenant id (GUID) or a domain such as contoso.onmicrosoft.com")
        return value.strip()

    @field_validator("client_secret")
    @classmethod
    def _non_empty(cls, value: SecretValue) -> SecretValue:
        if not value.get_secret_value().strip():
            raise ValueError("the client secret is empty")
        return value
