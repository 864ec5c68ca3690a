"""The typed configuration of a Google Workspace source (the ``sources.<name>`` block)."""

from __future__ import annotations

import re
from typing import Literal
from urllib.parse import urlsplit

from pydantic import Field, field_validator

from hiresentry.connectors.base import ConnectorConfig
from hiresentry.connectors.google.service_account import ServiceAccountKey
from hiresentry.core.secrets import SecretValue

StreamName = Literal["users", "login_activity"]
ALL_STREAMS: tuple[StreamName, ...] = ("users", "login_activity")
_LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1"}
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_CUSTOMER = re.compile(r"^(my_customer|C[0-9a-z]+)$")


class GoogleWorkspaceConfig(ConnectorConfig):
    """A service account with domain-wide delegation acting as an admin; the key is a secret reference.

    Delegated scopes: ``admin.reports.audit.readonly`` (login activity) and
    ``admin.directory.user.readonly`` (users); ``admin.directory.user`` as well for ``account.suspend``
    (requested only when suspending). The admin needs the matching admin privileges.
    """

    service_account_key: SecretValue = Field(description="the service account's JSON key file content")
    delegated_admin: str = Field(description="the admin the service account acts as (domain-wide delegation)")
    customer_id: str = Field("my_customer", description="the Workspace customer id (my_customer: the admin's own)")
    base_url: str = "https://admin.googleapis.com"
    page_size: int = Field(1000, ge=1, le=1000, description="items per page (the Directory allows 500)")
    overlap_minutes: int = Field(
        240,
        ge=0,
        le=48 * 60,
        description="each poll re-reads this much before the last login seen: login events can arrive hours late",
    )
    initial_lookback_days: int = Field(30, ge=1, le=180, description="how far back the first poll reads (max 180)")
    rate_limit_per_second: float = Field(2.0, gt=0, description="pace below the project's Admin SDK quota")
    rate_limit_scope: str | None = Field(
        None, description="sources naming the same scope share one rate budget (default: the service account)"
    )
    connect_timeout: float = Field(5.0, gt=0)
    read_timeout: float = Field(60.0, gt=0)
    max_attempts: int = Field(6, ge=1, le=10, description="tries per request on 429/5xx/quota errors")
    max_retry_wait: float = Field(120.0, ge=0, description="longest single wait between two tries, in seconds")
    streams: list[StreamName] = Field(default_factory=lambda: list(ALL_STREAMS))
    channel_token: SecretValue | None = Field(
        None, description="the token of an activities.watch channel (enables /webhooks/<source>)"
    )

    @field_validator("service_account_key")
    @classmethod
    def _key(cls, value: SecretValue) -> SecretValue:
        ServiceAccountKey.from_json(value)  # a bad key file fails at load time, not at the first sync
        return value

    @field_validator("delegated_admin")
    @classmethod
    def _admin(cls, value: str) -> str:
        if not _EMAIL.match(value.strip()):
            raise ValueError("must be the email address of a Workspace admin")
        return value.strip()

    @field_validator("customer_id")
    @classmethod
    def _customer(cls, value: str) -> str:
        if not _CUSTOMER.match(value):
            raise ValueError("must be my_customer or a customer id such as C03az79cb")
        return value

    @field_validator("base_url")
    @classmethod
    def _https(cls, value: str) -> str:
        parts = urlsplit(value)
        if parts.path not in ("", "/"):
            raise ValueError("must be a base URL without a path")
        if parts.scheme == "https" or (parts.scheme == "http" and parts.hostname in _LOCAL_HOSTS):
            return value.rstrip("/")
        raise ValueError("must be an https:// URL (http:// is accepted for localhost only)")
