"""The typed configuration of a GitHub source (the ``sources.<name>`` block of the config file)."""

from __future__ import annotations

from urllib.parse import urlsplit

from pydantic import Field, field_validator

from hiresentry.connectors.base import ConnectorConfig
from hiresentry.core.secrets import SecretValue

_LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1"}


class GitHubConfig(ConnectorConfig):
    """Settings of one GitHub source; the token is a reference (``env:``/``vault:``), never inline.

    The connector reads *public* data only, so a fine-grained token with no repository access (or a
    classic token with no scopes) is enough; it buys the authenticated rate limit (5,000 requests
    an hour instead of 60). Which accounts it reads comes from the store: the GitHub logins in the
    ``profile_urls`` of the workers of ``worker_sources`` (see ``docs/connectors/github.md``).
    """

    base_url: str = Field(
        "https://api.github.com", description="REST API root (GitHub Enterprise: https://HOST/api/v3)"
    )
    token: SecretValue = Field(description="personal access token (public read; no scopes needed)")
    worker_sources: list[str] = Field(
        min_length=1, description="sources whose workers' profile_urls name the GitHub accounts to read"
    )
    profile_hosts: list[str] = Field(
        default_factory=lambda: ["github.com", "www.github.com"],
        min_length=1,
        description="hosts of profile URLs that name an account of this GitHub (Enterprise: its host)",
    )
    api_version: str = Field("2022-11-28", description="X-GitHub-Api-Version")
    page_size: int = Field(100, ge=1, le=100, description="items per page of repository and follower lists")
    max_repos: int = Field(30, ge=0, le=300, description="repositories per account, most recently pushed first")
    commits_per_page: int = Field(
        20, ge=1, le=100, description="commits sampled from each end of a repository's history (newest and oldest page)"
    )
    fork_commits: bool = Field(False, description="also sample the commits of forks (only compared, never judged)")
    max_followers: int = Field(30, ge=0, le=300, description="followers sampled per account")
    ring_max_following: int = Field(
        20, ge=0, le=100, description="read whom a follower follows when it follows at most this many accounts"
    )
    rate_limit_per_second: float = Field(5.0, gt=0, description="pace below GitHub's secondary limits")
    rate_limit_scope: str | None = Field(
        None, description="sources naming the same scope share one rate budget (default: the token's API host)"
    )
    connect_timeout: float = Field(5.0, gt=0)
    read_timeout: float = Field(30.0, gt=0)
    max_attempts: int = Field(5, ge=1, le=10, description="tries per request on 429/403 rate limits, 5xx and errors")
    max_retry_wait: float = Field(
        3600.0, ge=0, description="longest single wait, in seconds (GitHub's primary window resets hourly)"
    )
    secondary_wait: float = Field(
        60.0,
        ge=0,
        description="first wait after a secondary rate limit without Retry-After (GitHub: at least a minute)",
    )

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

    @field_validator("profile_hosts")
    @classmethod
    def _hosts(cls, values: list[str]) -> list[str]:
        return [v.strip().lower() for v in values if v.strip()]
