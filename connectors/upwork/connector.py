"""The Upwork connector: manifest, connection test, incremental read, and the contract-pause hold.

Upwork's API is GraphQL at ``POST /graphql`` with OAuth2 bearer tokens (authorization code with
rotating refresh tokens kept in the store, or client credentials) and an optional
``X-Upwork-API-TenantId`` organization header (``shared/reference/connectors.md`` §1.1). The rate
limit is per IP (10 requests/second in Upwork's support articles); over it Upwork answers 429
without ``Retry-After`` and unblocks about a minute after the last 429, hence a slower backoff than
other vendors and a budget shared by every Upwork source of this process (``rate_limit_scope``).

There is no public schema: the operations are listed, with their sources, in
:mod:`hiresentry.connectors.upwork.queries`. The connector implements
:class:`~hiresentry.core.capabilities.PayoutHoldCapability` by pausing and restarting contracts
(:mod:`hiresentry.connectors.upwork.holds`).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

import requests

from hiresentry.connectors.base import (
    AuthChain,
    Batch,
    CheckResult,
    Connector,
    HttpClient,
    Manifest,
    RetryPolicy,
    Runtime,
    shared_bucket,
    tenant_header,
)
from hiresentry.connectors.base.incremental import IncrementalStream, plan_incremental
from hiresentry.connectors.base.oauth import ClientCredentialsAuth, OAuth2Client, OAuth2RefreshAuth, TokenEndpoint
from hiresentry.connectors.base.token_store import MemoryTokenStore
from hiresentry.connectors.upwork import queries
from hiresentry.connectors.upwork.config import UpworkConfig
from hiresentry.connectors.upwork.graphql import UpworkGraphQL
from hiresentry.connectors.upwork.holds import MANUAL_HOLD, ContractHolds
from hiresentry.connectors.upwork.streams import ContractsStream, Directory, TransactionsStream, WorkDiaryStream
from hiresentry.core.capabilities import HoldResult
from hiresentry.core.cases.view import RecordRef
from hiresentry.core.errors import ConnectorError

MANIFEST = Manifest(
    name="upwork",
    title="Upwork (freelance marketplace, GraphQL API)",
    record_kinds=["workers", "engagements", "payments", "access_events"],
    auth="oauth2-refresh",
    webhook=None,  # Upwork offers no webhooks: poll
    capabilities=["payout.hold", "payout.release"],
    manual_hold=MANUAL_HOLD,
)


def _auth(instance: str, config: UpworkConfig, runtime: Runtime) -> requests.auth.AuthBase:
    client = OAuth2Client(
        config.token_url,
        config.client_id,
        config.client_secret,
        authorize_url=config.authorize_url,
        client_auth=config.client_auth,
    )
    endpoint = TokenEndpoint(instance, client, session=runtime.session, sleep=runtime.sleep, now=runtime.now)
    token: requests.auth.AuthBase
    if config.grant == "client_credentials":
        token = ClientCredentialsAuth(endpoint, now=runtime.now)
    else:
        # Without the store (a bare test or `connectors list`) nothing is authorized: check() says so.
        store = runtime.token_store or MemoryTokenStore()
        token = OAuth2RefreshAuth(instance, endpoint, store, now=runtime.now, sleep=runtime.sleep)
    tenant = tenant_header("X-Upwork-API-TenantId", config.tenant_id) if config.tenant_id else None
    return AuthChain(token, tenant)


class UpworkConnector(Connector[UpworkConfig]):
    """Reads contracts, freelancers, transaction history and work diary of one Upwork client organization."""

    manifest = MANIFEST
    config_model = UpworkConfig

    def __init__(self, instance: str, config: UpworkConfig, *, runtime: Runtime | None = None) -> None:
        super().__init__(instance, config, runtime=runtime)
        runtime = self.runtime
        self.auth = _auth(instance, config, runtime)
        self.client = HttpClient(
            instance,
            config.base_url,
            auth=self.auth,
            connect_timeout=config.connect_timeout,
            read_timeout=config.read_timeout,
            retry=RetryPolicy(
                attempts=config.max_attempts,
                backoff_base=config.backoff_base,
                backoff_max=config.max_retry_wait,
                retry_after_cap=config.max_retry_wait,
            ),
            budget=shared_bucket(config.rate_limit_scope, config.rate_limit_per_second),
            session=runtime.session,
            sleep=runtime.sleep,
            now=runtime.now,
            jitter=runtime.jitter,
            secrets=[config.client_secret],
        )
        self.gql = UpworkGraphQL(self.client, instance)
        self.holds = ContractHolds(self.gql, config.pause_message, config.restart_message, config.page_size)

    def check(self) -> CheckResult:
        """``organization { id name }``: proves URL, token, tenant and the organization read scope."""
        try:
            org = self.gql.run(queries.WHOAMI, {}, "organization")
        except ConnectorError as exc:
            return CheckResult.failure(exc)
        name = org.get("name") if isinstance(org, Mapping) else None
        if not name:
            return CheckResult(ok=False, code="forbidden_scope", message="the token sees no organization")
        return CheckResult(ok=True, message=f"authenticated; organization {name!r} is readable")

    def streams(self) -> list[IncrementalStream]:
        """The enabled streams; contracts first, so transactions find their contracts without extra calls."""
        config = self.config
        directory = Directory(self.gql, config.company_id, config.accounting_entity_id)
        today = self.runtime.now().date()
        every: list[IncrementalStream] = [
            ContractsStream(self.client, self.instance, config.page_size, directory),
            TransactionsStream(
                self.client,
                self.instance,
                directory,
                today=today,
                window_days=config.transaction_window_days,
                lookback_days=config.lookback_days,
                initial_days=config.initial_days,
            ),
            WorkDiaryStream(
                self.client,
                self.instance,
                config.work_diary_page_size,
                directory,
                today=today,
                lookback_days=config.lookback_days,
                initial_days=config.initial_days,
            ),
        ]
        return [s for s in every if s.name in config.streams]

    def read(self, state: Mapping[str, str]) -> Iterator[Batch]:
        """Every enabled stream from its committed watermark; one batch per page."""
        streams = self.streams()
        plan = plan_incremental(state, [s.name for s in streams])
        for stream in streams:
            watermark = plan[stream.name]
            if not watermark.done:
                yield from stream.batches_from(watermark)

    # -- PayoutHoldCapability ----------------------------------------------------------------------

    def hold(self, worker: RecordRef, dedup_key: str, reason: str) -> HoldResult:
        """Pause the worker's active contracts.

        ``reason`` stays in hiresentry: Upwork shows the freelancer the config's neutral message.
        """
        return self.holds.hold(worker, dedup_key)

    def release(self, worker: RecordRef, vendor_ref: str) -> None:
        """Restart the contracts the hold ``vendor_ref`` paused."""
        self.holds.release(worker, vendor_ref)
