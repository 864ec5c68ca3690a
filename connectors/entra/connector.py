"""The Microsoft Entra ID connector: sign-in logs, users as workers, account suspension.

Microsoft Graph with an app token (OAuth2 client credentials against
``{login_url}/{tenant}/oauth2/v2.0/token``, scope ``{graph_url}/.default``; the token is cached
until shortly before it expires and fetched again after a 401). Graph throttles with 429 and
``Retry-After``, which the HTTP client honours; the default budget stays below the reporting
APIs' 5 requests per 10 seconds per app and tenant. Implements
:class:`~hiresentry.core.capabilities.AccountSuspendCapability` (:mod:`.accounts`). Entra pushes
no sign-in webhooks (streaming goes through Azure Event Hubs), so this connector only polls.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping

from hiresentry.connectors.base import (
    Batch,
    CheckResult,
    Connector,
    HttpClient,
    Manifest,
    RetryPolicy,
    Runtime,
    shared_bucket,
)
from hiresentry.connectors.base.incremental import plan_incremental
from hiresentry.connectors.base.oauth import ClientCredentialsAuth, OAuth2Client, TokenEndpoint
from hiresentry.connectors.base.time_window import TimeWindowStream
from hiresentry.connectors.entra.accounts import EntraAccounts
from hiresentry.connectors.entra.config import EntraConfig
from hiresentry.connectors.entra.streams import SignInsStream, UsersStream
from hiresentry.core.capabilities import SuspendResult
from hiresentry.core.cases.view import RecordRef
from hiresentry.core.errors import ConnectorError

MANIFEST = Manifest(
    name="entra",
    title="Microsoft Entra ID (sign-in logs, users)",
    record_kinds=["workers", "access_events"],
    auth="oauth2-client-credentials",
    webhook=None,
    capabilities=["account.suspend"],
)


class EntraConnector(Connector[EntraConfig]):
    """Reads one tenant's users and sign-in logs through Microsoft Graph; disables accounts on request."""

    manifest = MANIFEST
    config_model = EntraConfig

    def __init__(self, instance: str, config: EntraConfig, *, runtime: Runtime | None = None) -> None:
        super().__init__(instance, config, runtime=runtime)
        runtime = self.runtime
        token_client = OAuth2Client(
            f"{config.login_url}/{config.tenant_id}/oauth2/v2.0/token",
            config.client_id,
            config.client_secret,
            scope=f"{config.graph_url}/.default",
        )
        endpoint = TokenEndpoint(instance, token_client, session=runtime.session, sleep=runtime.sleep, now=runtime.now)
        scope = config.rate_limit_scope or f"entra:{config.tenant_id}:{config.client_id}"
        self.client = HttpClient(
            instance,
            f"{config.graph_url}/{config.api_version}",
            auth=ClientCredentialsAuth(endpoint, now=runtime.now),
            connect_timeout=config.connect_timeout,
            read_timeout=config.read_timeout,
            retry=RetryPolicy(
                attempts=config.max_attempts,
                backoff_max=config.max_retry_wait,
                retry_after_cap=config.max_retry_wait,
            ),
            budget=shared_bucket(scope, config.rate_limit_per_second),
            session=runtime.session,
            sleep=runtime.sleep,
            now=runtime.now,
            jitter=runtime.jitter,
            secrets=[config.client_secret],
        )
        self.accounts = EntraAccounts(instance, self.client, revoke_sessions=config.revoke_sessions_on_suspend)

    def check(self) -> CheckResult:
        """An app token, then one sign-in and one user: proves tenant, secret, permissions and licence."""
        try:
            if "sign_ins" in self.config.streams:
                self.client.get_json("/auditLogs/signIns", params={"$top": 1})
            if "users" in self.config.streams:
                self.client.get_json("/users", params={"$top": 1, "$select": "id"})
        except ConnectorError as exc:
            return CheckResult.failure(exc)
        return CheckResult(ok=True, message=f"app token issued; {', '.join(self.config.streams)} readable")

    def streams(self) -> list[TimeWindowStream]:
        """The enabled streams, users first."""
        config = self.config
        overlap = dt.timedelta(minutes=config.overlap_minutes)
        every: list[TimeWindowStream] = [
            UsersStream(
                self.client, self.instance, config.page_size, overlap=overlap, lookback=None, now=self.runtime.now
            ),
            SignInsStream(
                self.client,
                self.instance,
                config.page_size,
                overlap=overlap,
                lookback=dt.timedelta(days=config.initial_lookback_days),
                now=self.runtime.now,
                successful_only=config.successful_only,
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

    # -- AccountSuspendCapability -------------------------------------------------------------------

    def suspend(self, worker: RecordRef, dedup_key: str, reason: str) -> SuspendResult:
        """Disable the Entra account ``worker`` (``reason`` stays in hiresentry's audit log)."""
        return self.accounts.suspend(worker, dedup_key)

    def unsuspend(self, worker: RecordRef, vendor_ref: str) -> None:
        """Re-enable an account :meth:`suspend` disabled."""
        self.accounts.unsuspend(worker, vendor_ref)
