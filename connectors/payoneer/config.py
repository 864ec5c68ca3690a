"""The typed configuration of a Payoneer source (the ``sources.<name>`` block of the config file)."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlsplit

from pydantic import Field, field_validator

from hiresentry.connectors.base import ConnectorConfig
from hiresentry.core.secrets import SecretValue

_LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1"}


def https_url(value: str) -> str:
    """``value`` without a trailing slash if it is ``https://`` (``http://`` only for a local mock)."""
    parts = urlsplit(value)
    if parts.scheme == "https" or (parts.scheme == "http" and parts.hostname in _LOCAL_HOSTS):
        return value.rstrip("/")
    raise ValueError("must be an https:// URL (http:// is accepted for localhost only)")


class PayoneerConfig(ConnectorConfig):
    """One Payoneer Mass Payouts program; the client secret is a reference (``env:``/``vault:``)."""

    program_id: str = Field(pattern=r"^[0-9A-Za-z_-]{1,64}$", description="the program (partner) id Payoneer issued")
    client_id: str = Field(min_length=1, description="OAuth2 client id of the program's API app")
    client_secret: SecretValue = Field(description="OAuth2 client secret, as an env:/vault: reference")
    base_url: str = Field("https://api.payoneer.com", description="sandbox: https://api.sandbox.payoneer.com")
    token_url: str = Field(
        "https://login.payoneer.com/api/v2/oauth2/token",
        description="client-credentials token endpoint (sandbox: https://login.sandbox.payoneer.com/api/v2/oauth2/token)",
    )
    scope: str = Field("read write", description="scopes asked for in the client-credentials grant")
    page_size: int = Field(100, ge=1, le=500, description="payees per report page")
    history_start: dt.date = Field(
        dt.date(2015, 1, 1), description="start_date of the first report window (the first sync reads from here)"
    )
    window_overlap_days: int = Field(
        1, ge=0, le=31, description="each incremental window starts this many days before the last one ended"
    )
    rate_limit_per_second: float = Field(
        5.0, gt=0, description="client-side budget; Payoneer publishes no limit, so stay modest"
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
    def _https(cls, value: str) -> str:
        # The bearer token and the client secret travel with these requests.
        return https_url(value)

    @field_validator("client_secret")
    @classmethod
    def _non_empty(cls, value: SecretValue) -> SecretValue:
        if not value.get_secret_value().strip():
            raise ValueError("the client secret is empty")
        return value

    @property
    def api_url(self) -> str:
        """Where every program endpoint lives: ``{base_url}/v4/programs/{program_id}``."""
        return f"{self.base_url}/v4/programs/{self.program_id}"
