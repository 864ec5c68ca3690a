"""The typed configuration of a Papaya Global source (the ``sources.<name>`` block of the config file)."""

from __future__ import annotations

from typing import Literal
from urllib.parse import urlsplit

from pydantic import Field, field_validator

from hiresentry.connectors.base import ConnectorConfig
from hiresentry.core.secrets import SecretValue

_LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1"}


class PapayaConfig(ConnectorConfig):
    """One Papaya Global organization (Workforce Payments API); key and secret are references."""

    api_key: SecretValue = Field(description="the API key integration support issued, as an env:/vault: reference")
    client_secret: SecretValue = Field(description="the client secret paired with the key, as a reference")
    base_url: str = Field(
        "https://api.papayaglobal.com/api/v1", description="sandbox: https://sandbox.papayaglobal.com/api/v1"
    )
    token_url: str | None = Field(
        None, description="where POST /token is served (default: {base_url}/token); Papaya's staging has its own host"
    )
    token_name: str | None = Field(None, max_length=64, description="name given to issued tokens (Papaya: a UUID)")
    page_size: int = Field(50, ge=1, le=500, description="items per page (take); Papaya's default is 50")
    full_refresh_days: float = Field(
        7.0, ge=0, description="re-list every beneficiary and payment this often (0: every sync is a full pass)"
    )
    window_overlap_minutes: float = Field(
        10.0, ge=0, le=1440, description="each incremental window starts this long before the last one ended"
    )
    hold_action: Literal["unapprove", "cancel"] = Field(
        "unapprove",
        description="unapprove: withdraw approval of pending payments (re-approved on release); cancel: irreversible",
    )
    rate_limit_per_second: float = Field(
        5.0, gt=0, description="client-side budget; Papaya does not publish its limits"
    )
    rate_limit_scope: str | None = Field(
        None, description="sources naming the same scope share one rate budget (default: this source alone)"
    )
    connect_timeout: float = Field(5.0, gt=0)
    read_timeout: float = Field(30.0, gt=0)
    max_attempts: int = Field(5, ge=1, le=10, description="tries per request on 429/5xx/connection errors")
    max_retry_wait: float = Field(60.0, ge=0, description="longest single wait between two tries, in seconds")

    @field_validator("base_url", "token_url")
    @classmethod
    def _https(cls, value: str | None) -> str | None:
        # The key, the secret and the JWT travel with these requests: plain HTTP only to a local mock.
        if value is None:
            return None
        parts = urlsplit(value)
        if parts.scheme == "https" or (parts.scheme == "http" and parts.hostname in _LOCAL_HOSTS):
            return value.rstrip("/")
        raise ValueError("must be an https:// URL (http:// is accepted for localhost only)")

    @field_validator("api_key", "client_secret")
    @classmethod
    def _non_empty(cls, value: SecretValue) -> SecretValue:
        if not value.get_secret_value().strip():
            raise ValueError("is empty")
        return value

    @property
    def login_url(self) -> str:
        """The token endpoint actually used."""
        return self.token_url or f"{self.base_url}/token"
