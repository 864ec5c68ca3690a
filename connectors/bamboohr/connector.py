"""The BambooHR connector: manifest, connection test, full pass then ``/employees/changed`` re-syncs, webhooks.

BambooHR is an HRIS: it knows who people say they are (legal name, birth date, home address,
phones, emails, tax id) and their employment, not how they are paid (no bank details in the
standard field set), so it yields workers and engagements and has no payout levers.

Two ways to authenticate, both from BambooHR's spec: an API key as the HTTP Basic user (password
"x"), or OAuth2 for partner apps (tokens kept and rotated in the store). BambooHR throttles with
**503 and Retry-After** (sometimes 429): both are retried after the wait BambooHR asks for.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping

import requests
from pydantic import SecretStr

from hiresentry.connectors.bamboohr import mapping, webhook
from hiresentry.connectors.bamboohr.config import BambooHRConfig
from hiresentry.connectors.bamboohr.streams import DIRECTORY_PATH, LIST_PATH, EmployeeReader, EmployeesStream
from hiresentry.connectors.base import (
    BasicAuth,
    Batch,
    CheckResult,
    Connector,
    HttpClient,
    Manifest,
    RateLimitPolicy,
    RecordProblem,
    RetryPolicy,
    Runtime,
    VerifiedDelivery,
    WebhookVerifier,
    shared_bucket,
)
from hiresentry.connectors.base.incremental import plan_incremental
from hiresentry.connectors.base.oauth import OAuth2Client, OAuth2RefreshAuth, TokenEndpoint
from hiresentry.connectors.base.token_store import MemoryTokenStore, TokenSet
from hiresentry.core.errors import ConnectorError

MANIFEST = Manifest(
    name="bamboohr",
    title="BambooHR (HRIS)",
    record_kinds=["workers", "engagements"],
    auth="oauth2-refresh (partner app) or basic (API key)",
    webhook=webhook.SCHEME,
    capabilities=[],  # an HRIS pays no one: nothing to hold here
)

THROTTLING = RateLimitPolicy(throttle_statuses=frozenset({429, 503}))
"""BambooHR signals throttling with 503 + Retry-After (occasionally 429)."""


class BambooHRConnector(Connector[BambooHRConfig]):
    """Reads one BambooHR company's employees (identity and employment)."""

    manifest = MANIFEST
    config_model = BambooHRConfig

    def __init__(self, instance: str, config: BambooHRConfig, *, runtime: Runtime | None = None) -> None:
        super().__init__(instance, config, runtime=runtime)
        runtime = self.runtime
        self.client = HttpClient(
            instance,
            config.url,
            auth=self._auth(),
            connect_timeout=config.connect_timeout,
            read_timeout=config.read_timeout,
            retry=RetryPolicy(
                attempts=config.max_attempts, backoff_max=config.max_retry_wait, retry_after_cap=config.max_retry_wait
            ),
            budget=shared_bucket(config.rate_limit_scope or f"bamboohr:{instance}", config.rate_limit_per_second),
            rate_limits=THROTTLING,
            session=runtime.session,
            sleep=runtime.sleep,
            now=runtime.now,
            jitter=runtime.jitter,
            secrets=[s for s in (config.api_key, config.client_secret, config.refresh_token) if s is not None],
        )

    def _auth(self) -> requests.auth.AuthBase:
        config, runtime = self.config, self.runtime
        if config.api_key is not None:
            return BasicAuth(config.api_key, "x")
        assert config.client_id is not None
        assert config.client_secret is not None
        client = OAuth2Client(config.oauth_token_url, config.client_id, config.client_secret)
        endpoint = TokenEndpoint(self.instance, client, session=runtime.session, sleep=runtime.sleep, now=runtime.now)
        tokens = runtime.token_store or MemoryTokenStore()
        if config.refresh_token is not None and tokens.load(self.instance) is None:
            # First run: an expired placeholder makes the first request refresh with the configured token.
            now = runtime.now()
            seed = TokenSet(SecretStr("not-issued-yet"), config.refresh_token, now - dt.timedelta(seconds=1))
            tokens.put(self.instance, seed, now)
        return OAuth2RefreshAuth(self.instance, endpoint, tokens, now=runtime.now, sleep=runtime.sleep)

    @property
    def organization(self) -> str:
        """The employer named on engagements."""
        return self.config.organization or self.config.company_domain

    def check(self) -> CheckResult:
        """The first page of the listing a full pass uses: proves the URL, credentials and scope."""
        try:
            if self.config.list_source == "employees":
                self.client.get_json(LIST_PATH, params={"page[limit]": 1})
                return CheckResult(ok=True, message=f"authenticated; {LIST_PATH} is readable")
            body = self.client.get_json(DIRECTORY_PATH, allow=(404,))
        except ConnectorError as exc:
            return CheckResult.failure(exc)
        state = "readable" if body is not None else "readable (empty)"
        return CheckResult(ok=True, message=f"authenticated; {DIRECTORY_PATH} is {state}")

    def reader(self) -> EmployeeReader:
        """Reads and maps one employee (Get Employee with the configured fields)."""
        config = self.config
        return EmployeeReader(
            self.client, self.instance, config.fields_requested, config.tax_id_field, self.organization
        )

    def stream(self) -> EmployeesStream:
        """The employees stream as configured."""
        config = self.config
        return EmployeesStream(
            self.client,
            self.instance,
            config.page_size,
            listing=config.list_source,
            reader=self.reader(),
            overlap=dt.timedelta(seconds=config.delta_overlap_seconds),
        )

    def read(self, state: Mapping[str, str]) -> Iterator[Batch]:
        """A full pass the first time, then only the employees ``/employees/changed`` names."""
        stream = self.stream()
        watermark = plan_incremental(state, [stream.name])[stream.name]
        if not watermark.done:
            yield from stream.batches_from(watermark)

    def webhook_verifier(self) -> WebhookVerifier | None:
        """The ``bamboohr`` scheme keyed with the webhook's private key; None without one."""
        key = self.config.webhook_private_key
        return webhook.verifier(key, self.instance) if key is not None else None

    def webhook_batch(self, delivery: VerifiedDelivery) -> Batch:
        """The employees a delivery names, read back with Get Employee; a deletion ends the engagement.

        A vendor failure raises, so the delivery is answered with an error and BambooHR retries it.
        """
        reader, batch = self.reader(), Batch()
        for worker_id, action in webhook.changes(delivery.payload):
            if action == "deleted":
                batch.records.append(mapping.deleted_engagement(self.instance, worker_id, delivery.timestamp))
                continue
            for result in reader.read(
                worker_id, delivery.timestamp, where=f"{self.instance}:webhook employee id={worker_id}"
            ):
                if isinstance(result, RecordProblem):
                    batch.problems.append(result)
                else:
                    batch.records.append(result)
        return batch
