"""The typed configuration of an Upwork source (the ``sources.<name>`` block of the config file).

Upwork's API is OAuth2 only (the OAuth 1.0a REST API was retired): an API key is a client id and
secret, and the tokens come from the authorization-code grant (refresh tokens rotate, so they live in
the store's token table, never in the config) or, for apps Upwork enabled for it, the
client-credentials grant. ``tenant_id`` selects the organization when the authorizing user belongs
to several (``X-Upwork-API-TenantId``).
"""

from __future__ import annotations

from typing import Literal
from urllib.parse import urlsplit

from pydantic import Field, field_validator

from hiresentry.connectors.base import ConnectorConfig
from hiresentry.core.secrets import SecretValue

StreamName = Literal["contracts", "transactions", "work_diary"]
ALL_STREAMS: tuple[StreamName, ...] = ("contracts", "transactions", "work_diary")
_LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1"}


def _https_or_local(value: str) -> str:
    # Tokens travel with every request: plain HTTP only to a local mock.
    parts = urlsplit(value)
    if parts.scheme == "https" or (parts.scheme == "http" and parts.hostname in _LOCAL_HOSTS):
        return value.rstrip("/")
    raise ValueError("must be an https:// URL (http:// is accepted for localhost only)")


class UpworkConfig(ConnectorConfig):
    """Settings of one Upwork client organization; secrets are references (``env:``/``vault:``)."""

    base_url: str = Field("https://api.upwork.com", description="the GraphQL endpoint is base_url + /graphql")
    token_url: str = "https://www.upwork.com/api/v3/oauth2/token"  # noqa: S105 - a URL, not a secret
    authorize_url: str = "https://www.upwork.com/ab/account-security/oauth2/authorize"
    client_id: str = Field(min_length=1, description="the API key's client id")
    client_secret: SecretValue = Field(description="the API key's client secret")
    grant: Literal["authorization_code", "client_credentials"] = Field(
        "authorization_code", description="authorization_code: tokens from the store; client_credentials: app token"
    )
    client_auth: Literal["body", "basic"] = Field("body", description="how the token endpoint gets the client secret")
    tenant_id: str | None = Field(None, description="organization id sent as X-Upwork-API-TenantId")
    company_id: str | None = Field(
        None, description="organization whose work diary is read (default: the token's current organization)"
    )
    accounting_entity_id: str | None = Field(
        None, description="ACE id for transactionHistory (default: asked with the accountingEntity query)"
    )
    page_size: int = Field(50, ge=1, le=50, description="contracts per page (Upwork allows at most 50)")
    work_diary_page_size: int = Field(100, ge=1, le=500, description="work-diary snapshots per request")
    transaction_window_days: int = Field(31, ge=1, le=366, description="days of transaction history per request")
    initial_days: int = Field(90, ge=1, le=3660, description="how far back the first sync reads history and diary")
    lookback_days: int = Field(2, ge=0, le=31, description="days every re-sync reads again (late postings)")
    streams: list[StreamName] = Field(default_factory=lambda: list(ALL_STREAMS))
    pause_message: str = Field(
        "This contract is paused by the client pending an administrative review.",
        max_length=500,
        description="the message Upwork shows the freelancer on pause (never names the case or its reason)",
    )
    restart_message: str = Field("This contract is active again.", max_length=500)
    rate_limit_per_second: float = Field(5.0, gt=0, description="Upwork allows 10 requests/second per IP")
    rate_limit_scope: str = Field("upwork", description="sources naming the same scope share one budget (per IP)")
    connect_timeout: float = Field(5.0, gt=0)
    read_timeout: float = Field(30.0, gt=0)
    max_attempts: int = Field(5, ge=1, le=10, description="tries per request on 429/5xx/connection errors")
    backoff_base: float = Field(
        5.0, ge=0, description="first wait after a 429 without Retry-After (Upwork unblocks ~1 min after the last)"
    )
    max_retry_wait: float = Field(60.0, ge=0, description="longest single wait between two tries, in seconds")

    @field_validator("base_url", "token_url", "authorize_url")
    @classmethod
    def _urls(cls, value: str) -> str:
        return _https_or_local(value)

    @field_validator("client_secret")
    @classmethod
    def _non_empty(cls, value: SecretValue) -> SecretValue:
        if not value.get_secret_value().strip():
            raise ValueError("the client secret is empty")
        return value
