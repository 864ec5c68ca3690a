"""The Workday connector: REST staffing ``/workers`` and RaaS custom reports of one tenant.

REST staffing v6 lists workers and their jobs but little identity; the tenant's RaaS custom reports
carry the rest (legal name parts, birth date, home address, national id, previous employers) and
bank details (payment elections). Reports are incremental through a changed-since prompt; REST is a
full pass each sync (no change filter exists there). Workday has no webhooks and no payout levers.

REST uses OAuth2 (an API client for integrations: refresh-token grant at the tenant's token URL);
RaaS uses the integration system user (HTTP Basic) or, without one, the same OAuth2 token. Workday
REST throttles with 429 and no rate headers: backoff, and a client-side budget.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping

import requests
from pydantic import SecretStr

from hiresentry.connectors.base import (
    BasicAuth,
    Batch,
    Checkpoint,
    CheckResult,
    Connector,
    HttpClient,
    Manifest,
    RetryPolicy,
    Runtime,
    shared_bucket,
)
from hiresentry.connectors.base.incremental import plan_incremental
from hiresentry.connectors.base.oauth import OAuth2Client, OAuth2RefreshAuth, TokenEndpoint
from hiresentry.connectors.base.token_store import MemoryTokenStore, TokenSet
from hiresentry.connectors.workday.config import WorkdayConfig
from hiresentry.connectors.workday.streams import ReportStream, WorkersStream, prompt_time, report_stream
from hiresentry.core.errors import ConnectorError

MANIFEST = Manifest(
    name="workday",
    title="Workday (HCM: REST staffing and RaaS reports)",
    record_kinds=["workers", "engagements", "payout_accounts"],
    auth="oauth2-refresh (REST) and basic ISU (RaaS)",
    webhook=None,  # Workday pushes nothing: poll
    capabilities=[],
)


class WorkdayConnector(Connector[WorkdayConfig]):
    """Reads one Workday tenant's workers, jobs, identity reports and payment elections."""

    manifest = MANIFEST
    config_model = WorkdayConfig

    def __init__(self, instance: str, config: WorkdayConfig, *, runtime: Runtime | None = None) -> None:
        super().__init__(instance, config, runtime=runtime)
        oauth = self._oauth()
        self.rest = self._client(config.rest_url, oauth)
        isu = config.isu_username
        raas_auth = BasicAuth(isu, config.isu_password) if isu is not None and config.isu_password else oauth
        self.raas = self._client(config.raas_url, raas_auth)

    def _oauth(self) -> requests.auth.AuthBase | None:
        config, runtime = self.config, self.runtime
        if config.client_id is None or config.client_secret is None:
            return None
        client = OAuth2Client(config.oauth_token_url, config.client_id, config.client_secret, client_auth="basic")
        endpoint = TokenEndpoint(self.instance, client, session=runtime.session, sleep=runtime.sleep, now=runtime.now)
        tokens = runtime.token_store or MemoryTokenStore()
        if config.refresh_token is not None and tokens.load(self.instance) is None:
            # First run: an expired placeholder makes the first request refresh with the configured token.
            now = runtime.now()
            seed = TokenSet(SecretStr("not-issued-yet"), config.refresh_token, now - dt.timedelta(seconds=1))
            tokens.put(self.instance, seed, now)
        return OAuth2RefreshAuth(self.instance, endpoint, tokens, now=runtime.now, sleep=runtime.sleep)

    def _client(self, base_url: str, auth: requests.auth.AuthBase | None) -> HttpClient:
        config, runtime = self.config, self.runtime
        secrets = [config.client_secret, config.refresh_token, config.isu_password]
        return HttpClient(
            self.instance,
            base_url,
            auth=auth,
            connect_timeout=config.connect_timeout,
            read_timeout=config.read_timeout,
            retry=RetryPolicy(
                attempts=config.max_attempts, backoff_max=config.max_retry_wait, retry_after_cap=config.max_retry_wait
            ),
            budget=shared_bucket(config.rate_limit_scope or f"workday:{self.instance}", config.rate_limit_per_second),
            session=runtime.session,
            sleep=runtime.sleep,
            now=runtime.now,
            jitter=runtime.jitter,
            secrets=[s for s in secrets if s is not None],
        )

    @property
    def organization(self) -> str:
        """The employer named on engagements."""
        return self.config.organization or self.config.tenant

    def check(self) -> CheckResult:
        """One worker from REST (or, RaaS only, the first report asked for rows changed from now)."""
        try:
            if self.config.rest_workers:
                self.rest.get_json("/workers", params={"limit": 1, "offset": 0})
                return CheckResult(ok=True, message="authenticated; /workers is readable")
            report = self.config.reports[0]
            stream = report_stream(self.raas, self.instance, report, dt.timedelta(0))
            params = {"format": "json", **report.prompts}
            if report.changed_since_prompt:
                params[report.changed_since_prompt] = prompt_time(self.runtime.now())  # few rows: a cheap run
            self.raas.get_json(stream.path, params=params)
        except ConnectorError as exc:
            return CheckResult.failure(exc)
        return CheckResult(ok=True, message=f"authenticated; report {report.path} runs")

    def streams(self) -> tuple[WorkersStream | None, list[ReportStream]]:
        """The REST stream (if enabled) and one stream per report."""
        config = self.config
        overlap = dt.timedelta(minutes=config.changed_since_overlap_minutes)
        reports = [report_stream(self.raas, self.instance, r, overlap) for r in config.reports]
        if not config.rest_workers:
            return None, reports
        workers = WorkersStream(
            self.rest,
            self.instance,
            config.page_size,
            include_terminated=config.include_terminated,
            emit_workers=config.workers_report is None,
            service_dates=config.service_dates,
            organization=self.organization,
        )
        return workers, reports

    def read(self, state: Mapping[str, str]) -> Iterator[Batch]:
        """REST workers (full pass), then each report (incremental where it has a changed-since prompt)."""
        workers, reports = self.streams()
        names = ([workers.name] if workers else []) + [r.name for r in reports]
        plan = plan_incremental(state, names)
        if workers is not None and not plan[workers.name].done:
            at = plan[workers.name]
            yield from workers.batches(Checkpoint(at.pass_no, at.position, at.done))
        for report in reports:
            if not plan[report.name].done:
                yield from report.batches_from(plan[report.name])
