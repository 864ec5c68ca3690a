"""The typed configuration of a BambooHR source (one company, ``<company>.bamboohr.com``)."""

from __future__ import annotations

from typing import Literal, Self
from urllib.parse import urlsplit

from pydantic import Field, field_validator, model_validator

from hiresentry.connectors.base import ConnectorConfig
from hiresentry.core.secrets import SecretValue

_LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1"}

IDENTITY_FIELDS: tuple[str, ...] = (
    "firstName",
    "middleName",
    "lastName",
    "preferredName",
    "dateOfBirth",
    "homeEmail",
    "workEmail",
    "mobilePhone",
    "homePhone",
    "workPhone",
    "address1",
    "address2",
    "city",
    "state",
    "zipcode",
    "country",
    "linkedIn",
    "employeeNumber",
    "status",
    "employmentHistoryStatus",
    "hireDate",
    "originalHireDate",
    "terminationDate",
    "jobTitle",
    "department",
    "division",
    "location",
    "payRate",
    "payType",
    "lastChanged",
)
"""``GET /api/v1/employees/{id}?fields=…``: BambooHR's documented field names that carry identity and
employment ("Field Names" in BambooHR's documentation); fields the key may not see are left out by BambooHR."""


def https_or_local(value: str) -> str:
    """An https:// URL (plain http:// only for a local mock): credentials travel with every request."""
    parts = urlsplit(value)
    if parts.scheme == "https" or (parts.scheme == "http" and parts.hostname in _LOCAL_HOSTS):
        return value.rstrip("/")
    raise ValueError("must be an https:// URL (http:// is accepted for localhost only)")


class BambooHRConfig(ConnectorConfig):
    """Settings of one BambooHR company; secrets are references (``env:``/``vault:``), never inline.

    Authenticate with an API key (HTTP Basic) or, for a partner app, OAuth2 (``client_id``,
    ``client_secret`` and a ``refresh_token`` that seeds the token store once). BambooHR's spec
    declares the cursor-paginated ``GET /api/v1/employees`` for OAuth only, so ``listing`` defaults to
    ``employees`` with OAuth and to ``directory`` with an API key.
    """

    company_domain: str = Field(
        pattern=r"^[a-z0-9][a-z0-9-]{0,62}$", description="the subdomain: 'acme' for acme.bamboohr.com"
    )
    base_url: str | None = Field(None, description="default: https://<company_domain>.bamboohr.com")
    api_key: SecretValue | None = Field(None, description="an API key (sent as the Basic user, password 'x')")
    client_id: str | None = Field(None, description="OAuth2 client id of a partner app")
    client_secret: SecretValue | None = Field(None, description="OAuth2 client secret")
    refresh_token: SecretValue | None = Field(
        None, description="seeds the token store on first use; the store holds the current one afterwards"
    )
    token_url: str | None = Field(None, description="default: <base_url>/token.php")
    listing: Literal["employees", "directory"] | None = Field(
        None,
        description="full passes list employees from the cursor-paginated /api/v1/employees (all statuses) or "
        "from /api/v1/employees/directory (active employees only); default: employees with OAuth, directory "
        "with an API key",
    )
    employee_fields: list[str] = Field(
        default_factory=lambda: list(IDENTITY_FIELDS),
        min_length=1,
        max_length=400,
        description="fields= of Get Employee (BambooHR allows 400)",
    )
    tax_id_field: str | None = Field(
        "ssn", description="field holding the tax id (kept only as a keyed hash); None to never request it"
    )
    organization: str | None = Field(None, description="the employer's name on engagements (default: company_domain)")
    page_size: int = Field(250, ge=1, le=2500, description="page[limit] of /api/v1/employees (BambooHR allows 2500)")
    delta_overlap_seconds: int = Field(
        300, ge=0, description="re-sync asks /employees/changed from this long before the last pass's mark"
    )
    rate_limit_per_second: float = Field(5.0, gt=0, description="BambooHR publishes no limit; it throttles with 503")
    rate_limit_scope: str | None = Field(None, description="sources naming the same scope share one rate budget")
    connect_timeout: float = Field(5.0, gt=0)
    read_timeout: float = Field(30.0, gt=0)
    max_attempts: int = Field(5, ge=1, le=10, description="tries per request on 503/429/5xx/connection errors")
    max_retry_wait: float = Field(120.0, ge=0, description="longest single wait between two tries, in seconds")
    webhook_private_key: SecretValue | None = Field(
        None, description="the webhook's private key; it keys X-BambooHR-Signature (enables /webhooks/<source>)"
    )

    @field_validator("base_url", "token_url")
    @classmethod
    def _https(cls, value: str | None) -> str | None:
        return https_or_local(value) if value is not None else None

    @field_validator("employee_fields")
    @classmethod
    def _field_names(cls, value: list[str]) -> list[str]:
        bad = [f for f in value if not f or not f.replace("_", "").replace(".", "").isalnum()]
        if bad:
            raise ValueError(f"not BambooHR field names: {bad}")
        return list(dict.fromkeys(value))

    @model_validator(mode="after")
    def _one_credential(self) -> Self:
        oauth = (self.client_id, self.client_secret, self.refresh_token)
        if self.api_key is not None and any(v is not None for v in oauth):
            raise ValueError("give either api_key or the OAuth2 client (client_id, client_secret, refresh_token)")
        if self.api_key is None and (self.client_id is None or self.client_secret is None):
            raise ValueError("needs api_key, or client_id and client_secret (with refresh_token on first use)")
        if self.api_key is not None and not self.api_key.get_secret_value().strip():
            raise ValueError("api_key is empty")
        return self

    @property
    def uses_oauth(self) -> bool:
        """True for a partner app (OAuth2 bearer tokens), False for an API key."""
        return self.api_key is None

    @property
    def url(self) -> str:
        """The company's API origin."""
        return self.base_url or f"https://{self.company_domain}.bamboohr.com"

    @property
    def oauth_token_url(self) -> str:
        """Where the OAuth2 refresh grant goes."""
        return self.token_url or f"{self.url}/token.php"

    @property
    def list_source(self) -> Literal["employees", "directory"]:
        """Which endpoint a full pass lists employees from."""
        return self.listing or ("employees" if self.uses_oauth else "directory")

    @property
    def fields_requested(self) -> list[str]:
        """``fields=`` of Get Employee: the configured fields plus the tax id field, if any."""
        extra = [self.tax_id_field] if self.tax_id_field else []
        return list(dict.fromkeys([*self.employee_fields, *extra]))
