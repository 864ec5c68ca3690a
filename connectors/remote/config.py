"""The typed configuration of a Remote source (one company on Remote.com)."""

from __future__ import annotations

from typing import Literal
from urllib.parse import urlsplit

from pydantic import Field, field_validator, model_validator

from hiresentry.connectors.base import ConnectorConfig
from hiresentry.core.secrets import SecretValue

StreamName = Literal["employments", "contractor_invoices"]
ALL_STREAMS: tuple[StreamName, ...] = ("employments", "contractor_invoices")
_LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1"}


def https_or_local(value: str) -> str:
    """An https:// URL (plain http:// only for a local mock): the token travels with every request."""
    parts = urlsplit(value)
    if parts.scheme == "https" or (parts.scheme == "http" and parts.hostname in _LOCAL_HOSTS):
        return value.rstrip("/")
    raise ValueError("must be an https:// URL (http:// is accepted for localhost only)")


class RemoteConfig(ConnectorConfig):
    """Settings of one Remote company; secrets are references (``env:``/``vault:``), never inline.

    ``auth: token`` sends a customer API token (``ra_live_…``) as Bearer. ``auth: oauth2`` uses a
    partner application's company-scoped tokens from the authorization-code flow, refreshed (and
    rotated) through the token store; ``refresh_token`` seeds the store on first use.
    """

    base_url: str = Field("https://gateway.remote.com", description="sandbox: https://gateway.remote-sandbox.com")
    auth: Literal["token", "oauth2"] = "token"
    token: SecretValue | None = Field(None, description="customer API token (auth: token)")
    client_id: str | None = Field(None, description="partner application client id (auth: oauth2)")
    client_secret: SecretValue | None = Field(None, description="partner application client secret (auth: oauth2)")
    refresh_token: SecretValue | None = Field(None, description="the company's refresh token, seeds the token store")
    token_url: str | None = Field(None, description="default <base_url>/auth/oauth2/token")
    token_body: Literal["json", "form"] = Field(
        "json", description="how the token request is encoded (Remote's spec declares JSON)"
    )
    company_id: str | None = Field(None, description="only this company's employments (partner tokens see several)")
    page_size: int = Field(100, ge=1, le=100, description="page_size of paged lists (Remote allows 100)")
    rate_limit_per_second: float = Field(
        20 / 60, gt=0, description="Remote allows 20 requests/minute per company for customer tokens"
    )
    rate_limit_scope: str | None = Field(None, description="sources naming the same scope share one rate budget")
    connect_timeout: float = Field(5.0, gt=0)
    read_timeout: float = Field(30.0, gt=0)
    max_attempts: int = Field(5, ge=1, le=10, description="tries per request on 429/5xx/connection errors")
    max_retry_wait: float = Field(90.0, ge=0, description="longest single wait between two tries, in seconds")
    streams: list[StreamName] = Field(default_factory=lambda: list(ALL_STREAMS))
    detail_refresh_days: int = Field(
        7, ge=1, description="re-read every employment's details this often, even if its list entry did not change"
    )
    invoice_lookback_days: int = Field(
        60, ge=0, description="a re-sync reads invoices dated from this many days before the previous sync"
    )
    webhook_signing_key: SecretValue | None = Field(
        None, description="the signing_key Remote returned for the webhook callback (enables /webhooks/<source>)"
    )
    webhook_timestamp_header: str = Field(
        "X-Remote-Timestamp", description="the header carrying the signed timestamp (milliseconds)"
    )

    @field_validator("base_url", "token_url")
    @classmethod
    def _https(cls, value: str | None) -> str | None:
        return https_or_local(value) if value is not None else None

    @model_validator(mode="after")
    def _credentials(self) -> RemoteConfig:
        if self.auth == "token" and (self.token is None or not self.token.get_secret_value().strip()):
            raise ValueError("auth 'token' needs a token")
        if self.auth == "oauth2" and (not self.client_id or self.client_secret is None):
            raise ValueError("auth 'oauth2' needs client_id and client_secret")
        return self

    @property
    def oauth_token_url(self) -> str:
        """Where company tokens are refreshed."""
        return self.token_url or f"{self.base_url}/auth/oauth2/token"
