"""The typed configuration of a Workday source: REST staffing ``/workers`` and RaaS custom reports.

Each Workday tenant defines its own custom reports, so a report is configured with the column
(``Report_Entry`` key) that holds each canonical field. Defaults follow the report layout described
in ``docs/connectors/workday.md``; a tenant overrides only the columns it names differently.
"""

from __future__ import annotations

import re
from typing import Literal, Self
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from hiresentry.connectors.base import ConnectorConfig
from hiresentry.core.secrets import SecretValue

_LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1"}
_SEGMENT = re.compile(r"^[^/?#\s]+$")

ReportKind = Literal["workers", "payout_accounts"]
Column = str | list[str]
"""A report column (``Legal_Name``), a column inside a group (``Email_Addresses_group.Email``), or several."""

REPORT_FIELDS: dict[ReportKind, dict[str, Column]] = {
    "workers": {
        "id": "Employee_ID",
        "legal_name": "Legal_Name",
        "first_name": "Legal_First_Name",
        "middle_name": "Legal_Middle_Name",
        "last_name": "Legal_Last_Name",
        "preferred_name": "Preferred_Name",
        "date_of_birth": "Date_of_Birth",
        "emails": ["Home_Email", "Work_Email"],
        "phones": ["Home_Phone", "Mobile_Phone", "Work_Phone"],
        "address_line1": "Home_Address_Line_1",
        "address_line2": "Home_Address_Line_2",
        "city": "Home_City",
        "region": "Home_Region",
        "postal_code": "Home_Postal_Code",
        "country": "Home_Country",
        "timezone": "Time_Zone",
        "tax_id": "National_ID",
        "prior_employers": "Previous_Employers_group.Company",
        "profile_urls": [],
        "modified_at": "Last_Updated",
    },
    "payout_accounts": {
        "id": "Payment_Election_ID",
        "worker_id": "Employee_ID",
        "holder_name": "Account_Holder",
        "iban": "IBAN",
        "account_number": "Account_Number",
        "routing_number": "Routing_Number",
        "bic": "BIC",
        "bank_country": "Bank_Country",
        "modified_at": "Last_Updated",
    },
}
"""Canonical field → default report column, per report kind; every key a report may map."""


def https_or_local(value: str) -> str:
    """An https:// URL (plain http:// only for a local mock): credentials travel with every request."""
    parts = urlsplit(value)
    if parts.scheme == "https" or (parts.scheme == "http" and parts.hostname in _LOCAL_HOSTS):
        return value.rstrip("/")
    raise ValueError("must be an https:// URL (http:// is accepted for localhost only)")


class ReportConfig(BaseModel):
    """One RaaS custom report: where it is, what it holds, and which column holds what."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(pattern=r"^[a-z][a-z0-9_]{0,40}$", description="the stream name (its cursor in the store)")
    path: str = Field(description="'<report owner>/<report name>', as in …/customreport2/<tenant>/<owner>/<report>")
    kind: ReportKind
    fields: dict[str, Column] = Field(default_factory=dict, description="canonical field → column; overrides defaults")
    prompts: dict[str, str] = Field(default_factory=dict, description="fixed report prompts (query parameters)")
    changed_since_prompt: str | None = Field(
        None,
        description="a DateTime prompt the report filters on (e.g. 'Updated_From'): re-syncs pass the last mark "
        "and get only changed rows; without one, every sync reads the whole report",
    )

    @field_validator("path")
    @classmethod
    def _owner_and_report(cls, value: str) -> str:
        parts = value.strip("/").split("/")
        if len(parts) != 2 or not all(_SEGMENT.match(p) and p not in (".", "..") for p in parts):
            raise ValueError("must be '<report owner>/<report name>'")
        return "/".join(parts)

    @model_validator(mode="after")
    def _known_fields(self) -> Self:
        known = REPORT_FIELDS[self.kind]
        unknown = sorted(set(self.fields) - set(known))
        if unknown:
            raise ValueError(f"unknown {self.kind} fields {unknown}; known: {sorted(known)}")
        columns = self.columns
        if not columns.get("id"):
            raise ValueError("the report must map 'id'")
        if self.kind == "payout_accounts" and not columns.get("worker_id"):
            raise ValueError("a payout_accounts report must map 'worker_id'")
        if self.changed_since_prompt and not columns.get("modified_at"):
            raise ValueError("changed_since_prompt needs a 'modified_at' column: the next mark comes from it")
        return self

    @property
    def columns(self) -> dict[str, Column]:
        """The defaults of the report's kind with this report's overrides."""
        return {**REPORT_FIELDS[self.kind], **self.fields}


class WorkdayConfig(ConnectorConfig):
    """Settings of one Workday tenant; secrets are references (``env:``/``vault:``), never inline.

    REST (``/workers``) authenticates with an API client for integrations (OAuth2 refresh-token
    grant); RaaS reports with the integration system user (HTTP Basic) or, without one, the same
    OAuth2 token.
    """

    host: str = Field(
        pattern=r"^[A-Za-z0-9.-]+(:\d+)?$",
        description="the tenant's services host, e.g. wd2-impl-services1.workday.com",
    )
    tenant: str = Field(pattern=r"^[A-Za-z0-9_-]+$")
    rest_base_url: str | None = Field(None, description="default: https://<host>/ccx/api/staffing/v6/<tenant>")
    raas_base_url: str | None = Field(None, description="default: https://<host>/ccx/service/customreport2/<tenant>")
    token_url: str | None = Field(None, description="default: https://<host>/ccx/oauth2/<tenant>/token")
    client_id: str | None = Field(None, description="API client for integrations (REST)")
    client_secret: SecretValue | None = None
    refresh_token: SecretValue | None = Field(
        None, description="the integration's refresh token; seeds the token store on first use"
    )
    isu_username: str | None = Field(None, description="integration system user for RaaS (HTTP Basic)")
    isu_password: SecretValue | None = None
    rest_workers: bool = Field(True, description="read GET /workers (jobs; identity too unless a workers report)")
    include_terminated: bool = Field(True, description="includeTerminatedWorkers on /workers")
    service_dates: bool = Field(True, description="read /workers/{id}/serviceDates for hire dates (one call each)")
    page_size: int = Field(100, ge=1, le=100, description="limit of /workers (Workday allows 100)")
    reports: list[ReportConfig] = Field(default_factory=list)
    organization: str | None = Field(None, description="the employer's name on engagements (default: tenant)")
    changed_since_overlap_minutes: int = Field(10, ge=0, description="re-syncs ask from this long before the mark")
    rate_limit_per_second: float = Field(
        5.0, gt=0, description="Workday publishes no per-key limit; REST throttles with 429"
    )
    rate_limit_scope: str | None = Field(None, description="sources naming the same scope share one rate budget")
    connect_timeout: float = Field(5.0, gt=0)
    read_timeout: float = Field(120.0, gt=0, description="RaaS reports can take long to run")
    max_attempts: int = Field(5, ge=1, le=10, description="tries per request on 429/5xx/connection errors")
    max_retry_wait: float = Field(60.0, ge=0, description="longest single wait between two tries, in seconds")

    @field_validator("rest_base_url", "raas_base_url", "token_url")
    @classmethod
    def _https(cls, value: str | None) -> str | None:
        return https_or_local(value) if value is not None else None

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if not self.rest_workers and not self.reports:
            raise ValueError("nothing to read: enable rest_workers or configure reports")
        names = [r.name for r in self.reports]
        if len(set(names)) != len(names) or "workers" in names:
            raise ValueError("report names must be unique and not 'workers' (the REST stream)")
        if sum(r.kind == "workers" for r in self.reports) > 1:
            raise ValueError("at most one workers report: two would overwrite each other's identities")
        oauth = self.client_id is not None and self.client_secret is not None
        if self.rest_workers and not oauth:
            raise ValueError("rest_workers needs client_id and client_secret (Workday REST is OAuth2 only)")
        if (self.isu_username is None) != (self.isu_password is None):
            raise ValueError("give isu_username and isu_password together")
        if self.reports and self.isu_username is None and not oauth:
            raise ValueError("reports need isu_username/isu_password or the OAuth2 client")
        return self

    @property
    def rest_url(self) -> str:
        """Base of the staffing REST API."""
        return self.rest_base_url or f"https://{self.host}/ccx/api/staffing/v6/{self.tenant}"

    @property
    def raas_url(self) -> str:
        """Base of the tenant's custom reports."""
        return self.raas_base_url or f"https://{self.host}/ccx/service/customreport2/{self.tenant}"

    @property
    def oauth_token_url(self) -> str:
        """Where the refresh-token grant goes."""
        return self.token_url or f"https://{self.host}/ccx/oauth2/{self.tenant}/token"

    @property
    def workers_report(self) -> ReportConfig | None:
        """The report that supplies identities, if one is configured."""
        return next((r for r in self.reports if r.kind == "workers"), None)
