"""The typed configuration of a Freelancer.com source (the ``sources.<name>`` block of the config file).

The API takes an OAuth2 access token of the employer account in the ``Freelancer-OAuth-V1`` header
(not ``Authorization``); the developer portal issues one for the app owner's own account. The
token is a reference (``env:``/``vault:``), never inline.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from pydantic import Field, field_validator

from hiresentry.connectors.base import ConnectorConfig
from hiresentry.core.secrets import SecretValue

_LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1"}


class FreelancerConfig(ConnectorConfig):
    """Settings of one Freelancer.com employer account."""

    base_url: str = Field(
        "https://www.freelancer.com/api", description="sandbox: https://www.freelancer-sandbox.com/api"
    )
    token: SecretValue = Field(description="OAuth2 access token of the employer account")
    employer_id: int | None = Field(None, description="the employer's user id (default: asked with /users/0.1/self)")
    page_size: int = Field(50, ge=1, le=100, description="projects and milestones per request")
    lookback_hours: int = Field(
        24, ge=0, le=24 * 31, description="hours every re-sync reads again before the watermark"
    )
    rate_limit_per_second: float = Field(2.0, gt=0, description="Freelancer.com documents no limit: stay gentle")
    rate_limit_scope: str | None = Field(None, description="sources naming the same scope share one budget")
    connect_timeout: float = Field(5.0, gt=0)
    read_timeout: float = Field(30.0, gt=0)
    max_attempts: int = Field(5, ge=1, le=10, description="tries per request on 429/5xx/connection errors")
    max_retry_wait: float = Field(60.0, ge=0, description="longest single wait between two tries, in seconds")

    @field_validator("base_url")
    @classmethod
    def _https(cls, value: str) -> str:
        # The token travels with every request: plain HTTP only to a local mock.
        parts = urlsplit(value)
        if parts.scheme == "https" or (parts.scheme == "http" and parts.hostname in _LOCAL_HOSTS):
            return value.rstrip("/")
        raise ValueError("must be an https:// URL (http:// is accepted for localhost only)")

    @field_validator("token")
    @classmethod
    def _non_empty(cls, value: SecretValue) -> SecretValue:
        if not value.get_secret_value().strip():
            raise ValueError("the token is empty")
        return value
