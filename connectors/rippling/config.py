"""The typed configuration of a Rippling source (one company, legacy Platform API and/or new REST API)."""

from __future__ import annotations

from typing import Literal
from urllib.parse import urlsplit

from pydantic import Field, field_validator, model_validator

from hiresentry.connectors.base import ConnectorConfig
from hiresentry.core.secrets import SecretValue

_LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1"}


def https_or_local(value: str) -> str:
    """An https:// URL (plain http:// only for a local mock): the token travels with every request."""
    parts = urlsplit(value)
    if parts.scheme == "https" or (parts.scheme == "http" and parts.hostname in _LOCAL_HOSTS):
        return value.rstrip("/")
    raise ValueError("must be an https:// URL (http:// is accepted for localhost only)")


class RipplingConfig(ConnectorConfig):
    """Settings of one Rippling company; tokens are references (``env:``/``vault:``), never inline."""

    api: Literal["rest", "legacy", "both"] = Field(
        "rest", description="rest: GET /workers (rest.ripplingapis.com); legacy: GET /employees (Platform API)"
    )
    token: SecretValue = Field(description="API key (Bearer) for the chosen API; for 'both', used by both unless ...")
    rest_token: SecretValue | None = Field(None, description="... a separate token for the REST API is given")
    legacy_base_url: str = "https://api.rippling.com/platform/api"
    rest_base_url: str = "https://rest.ripplingapis.com"
    include_terminated: bool = Field(True, description="legacy: read /employees/include_terminated")
    page_size: int = Field(100, ge=1, le=100, description="legacy 'limit' per page (the REST API sets its own)")
    rest_expand: str = Field(
        "user,employment_type", description="REST 'expand': user carries names, phones and addresses"
    )
    rest_order_by: str = Field(
        "updated_at desc", description="REST 'order_by': newest changes first, so a re-sync can stop early"
    )
    incremental: bool = Field(True, description="REST: stop reading at workers not changed since the last sync")
    full_sync_days: int = Field(7, ge=1, description="REST: days between full passes (catches changes to users only)")
    rate_limit_per_second: float = Field(2.0, gt=0, description="Rippling publishes no limit; stay gentle")
    rate_limit_scope: str | None = Field(None, description="sources naming the same scope share one rate budget")
    connect_timeout: float = Field(5.0, gt=0)
    read_timeout: float = Field(60.0, gt=0, description="the legacy docs advise paging on 504: pages can be slow")
    max_attempts: int = Field(5, ge=1, le=10, description="tries per request on 429/5xx/connection errors")
    max_retry_wait: float = Field(60.0, ge=0, description="longest single wait between two tries, in seconds")

    @field_validator("legacy_base_url", "rest_base_url")
    @classmethod
    def _https(cls, value: str) -> str:
        return https_or_local(value)

    @model_validator(mode="after")
    def _tokens(self) -> RipplingConfig:
        for token in (self.token, self.rest_token):
            if token is not None and not token.get_secret_value().strip():
                raise ValueError("a token is empty")
        return self

    @property
    def uses_rest(self) -> bool:
        """True if the REST API's workers are read."""
        return self.api in ("rest", "both")

    @property
    def uses_legacy(self) -> bool:
        """True if the legacy Platform API's employees are read."""
        return self.api in ("legacy", "both")
