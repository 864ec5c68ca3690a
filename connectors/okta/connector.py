"""The Okta connector: sign-ins from the System Log, users as workers, account suspension.

The connector wires the config into one :class:`HttpClient` (``Authorization: SSWS <token>``,
Okta's ``X-Rate-Limit-*`` headers: a 429 waits until ``X-Rate-Limit-Reset``, and a success with
``X-Rate-Limit-Remaining: 0`` pauses before the next request) and lists its two time-window
streams; paging, problems and watermarks come from the base. It implements
:class:`~hiresentry.core.capabilities.AccountSuspendCapability` through Okta's user lifecycle
(:mod:`hiresentry.connectors.okta.accounts`) and takes event hooks (:mod:`.webhook`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from urllib.parse import urlsplit

from hiresentry.connectors.base import (
    Batch,
    CheckResult,
    Connector,
    HeaderAuth,
    HttpClient,
    Manifest,
    RetryPolicy,
    Runtime,
    VerifiedDelivery,
    WebhookVerifier,
    shared_bucket,
)
from hiresentry.connectors.base.incremental import plan_incremental
from hiresentry.connectors.base.ratelimit import OKTA
from hiresentry.connectors.base.time_window import TimeWindowStream
from hiresentry.connectors.okta import webhook
from hiresentry.connectors.okta.accounts import OktaAccounts
from hiresentry.connectors.okta.config import OktaConfig
from hiresentry.connectors.okta.streams import SystemLogStream, UsersStream
from hiresentry.core.capabilities import SuspendResult
from hiresentry.core.cases.view import RecordRef
from hiresentry.core.errors import ConnectorError

MANIFEST = Manifest(
    name="okta",
    title="Okta (System Log sign-ins, users)",
    record_kinds=["workers", "access_events"],
    auth="ssws-token",
    webhook=webhook.SCHEME,
    capabilities=["account.suspend"],
)


class OktaConnector(Connector[OktaConfig]):
    """Reads one Okta org's users and sign-in events; suspends users on request."""

    manifest = MANIFEST
    config_model = OktaConfig

    def __init__(self, instance: str, config: OktaConfig, *, runtime: Runtime | None = None) -> None:
        super().__init__(instance, config, runtime=runtime)
        runtime = self.runtime
        scope = config.rate_limit_scope or f"okta:{urlsplit(config.org_url).netloc}"
        self.client = HttpClient(
            instance,
            config.org_url,
            auth=HeaderAuth("Authorization", config.api_token, scheme="SSWS"),
            connect_timeout=config.connect_timeout,
            read_timeout=config.read_timeout,
            retry=RetryPolicy(
                attempts=config.max_attempts,
                backoff_max=config.max_retry_wait,
                retry_after_cap=config.max_retry_wait,
            ),
            budget=shared_bucket(scope, config.rate_limit_per_second),
            rate_limits=OKTA,
            session=runtime.session,
            sleep=runtime.sleep,
            now=runtime.now,
            jitter=runtime.jitter,
            secrets=[config.api_token],
        )
        self.accounts = OktaAccounts(instance, self.client, clear_sessions=config.clear_sessions_on_suspend)

    def check(self) -> CheckResult:
        """One log event and one user: proves the URL, the token and read access to both."""
        try:
            if "system_log" in self.config.streams:
                self.client.get_json("/api/v1/logs", params={"limit": 1})
            if "users" in self.config.streams:
                self.client.get_json("/api/v1/users", params={"limit": 1})
        except ConnectorError as exc:
            return CheckResult.failure(exc)
        return CheckResult(ok=True, message=f"authenticated; {', '.join(self.config.streams)} readable")

    def streams(self) -> list[TimeWindowStream]:
        """The enabled streams: users first, so a sign-in's identity lands no later than the sign-in."""
        config = self.config
        overlap = dt.timedelta(minutes=config.overlap_minutes)
        every: list[TimeWindowStream] = [
            UsersStream(
                self.client, self.instance, config.page_size, overlap=overlap, lookback=None, now=self.runtime.now
            ),
            SystemLogStream(
                self.client,
                self.instance,
                config.page_size,
                overlap=overlap,
                lookback=dt.timedelta(days=config.initial_lookback_days),
                now=self.runtime.now,
                event_types=config.event_types,
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
        """Suspend the Okta user ``worker`` (``reason`` stays in hiresentry's audit log; Okta has no field)."""
        return self.accounts.suspend(worker, dedup_key)

    def unsuspend(self, worker: RecordRef, vendor_ref: str) -> None:
        """Lift a suspension :meth:`suspend` made."""
        self.accounts.unsuspend(worker, vendor_ref)

    # -- webhooks ---------------------------------------------------------------------------------

    def webhook_verifier(self) -> WebhookVerifier | None:
        """The ``okta`` scheme with the configured header and secret; None without a secret."""
        secret = self.config.webhook_secret
        if secret is None:
            return None
        return webhook.verifier(secret, self.instance, self.config.webhook_header)

    def webhook_batch(self, delivery: VerifiedDelivery) -> Batch:
        """The sign-ins among an event hook's events, as access events."""
        return webhook.batch(self.instance, delivery, self.config.event_types, self.config.successful_only)
