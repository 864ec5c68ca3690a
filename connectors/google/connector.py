"""The Google Workspace connector: login activity, Directory users as workers, account suspension.

A service account with domain-wide delegation acts as the configured admin
(:mod:`.service_account`); reads use a token with the read-only scopes of the enabled streams,
suspensions a separate token with the Directory's read-write user scope. Google throttles with
429 *and* with 403 whose ``errors[].reason`` is ``rateLimitExceeded``/``userRateLimitExceeded``/
``quotaExceeded``; both are retried with exponential backoff (a plain 403 stays
``forbidden_scope``). Implements :class:`~hiresentry.core.capabilities.AccountSuspendCapability`
(:mod:`.accounts`) and takes ``activities.watch`` notifications (:mod:`.webhook`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from typing import Any

from hiresentry.connectors.base import (
    Batch,
    CheckResult,
    Connector,
    HttpClient,
    Manifest,
    RateLimitPolicy,
    RetryPolicy,
    Runtime,
    VerifiedDelivery,
    WebhookVerifier,
    shared_bucket,
)
from hiresentry.connectors.base.incremental import plan_incremental
from hiresentry.connectors.base.time_window import TimeWindowStream
from hiresentry.connectors.google import webhook
from hiresentry.connectors.google.accounts import GoogleAccounts
from hiresentry.connectors.google.config import GoogleWorkspaceConfig
from hiresentry.connectors.google.service_account import ServiceAccountAuth, ServiceAccountKey
from hiresentry.connectors.google.streams import LOGIN_ACTIVITY, USERS, LoginActivityStream, UsersStream
from hiresentry.core.capabilities import SuspendResult
from hiresentry.core.cases.view import RecordRef
from hiresentry.core.errors import ConnectorError

REPORTS_SCOPE = "https://www.googleapis.com/auth/admin.reports.audit.readonly"
USERS_READ_SCOPE = "https://www.googleapis.com/auth/admin.directory.user.readonly"
USERS_WRITE_SCOPE = "https://www.googleapis.com/auth/admin.directory.user"
QUOTA_REASONS = frozenset({"rateLimitExceeded", "userRateLimitExceeded", "quotaExceeded"})

MANIFEST = Manifest(
    name="google",
    title="Google Workspace (login activity, Directory users)",
    record_kinds=["workers", "access_events"],
    auth="service-account-jwt",
    webhook=webhook.SCHEME,
    capabilities=["account.suspend"],
)


def quota_exceeded(status: int, headers: Mapping[str, str], body: Any) -> bool:
    """Google's 403 that means "slow down", not "forbidden" (``errors[].reason``, ``RESOURCE_EXHAUSTED``)."""
    if status != 403 or not isinstance(body, Mapping) or not isinstance(body.get("error"), Mapping):
        return False
    error = body["error"]
    errors = error.get("errors")
    reasons = {e.get("reason") for e in errors if isinstance(e, Mapping)} if isinstance(errors, list) else set()
    return bool(reasons & QUOTA_REASONS) or error.get("status") == "RESOURCE_EXHAUSTED"


GOOGLE = RateLimitPolicy(throttle_when=quota_exceeded)


class GoogleWorkspaceConnector(Connector[GoogleWorkspaceConfig]):
    """Reads one Workspace customer's users and successful logins; suspends users on request."""

    manifest = MANIFEST
    config_model = GoogleWorkspaceConfig

    def __init__(self, instance: str, config: GoogleWorkspaceConfig, *, runtime: Runtime | None = None) -> None:
        super().__init__(instance, config, runtime=runtime)
        self.key = ServiceAccountKey.from_json(config.service_account_key)
        scopes = [REPORTS_SCOPE] if "login_activity" in config.streams else []
        scopes += [USERS_READ_SCOPE] if "users" in config.streams else []
        self.client = self._client(scopes)
        self.accounts = GoogleAccounts(instance, self._client([USERS_WRITE_SCOPE]))

    def _client(self, scopes: list[str]) -> HttpClient:
        config, runtime = self.config, self.runtime
        auth = ServiceAccountAuth(
            self.instance,
            self.key,
            config.delegated_admin,
            scopes,
            session=runtime.session,
            sleep=runtime.sleep,
            now=runtime.now,
        )
        return HttpClient(
            self.instance,
            config.base_url,
            auth=auth,
            connect_timeout=config.connect_timeout,
            read_timeout=config.read_timeout,
            retry=RetryPolicy(
                attempts=config.max_attempts,
                backoff_max=config.max_retry_wait,
                retry_after_cap=config.max_retry_wait,
            ),
            budget=shared_bucket(
                config.rate_limit_scope or f"google:{self.key.client_email}", config.rate_limit_per_second
            ),
            rate_limits=GOOGLE,
            session=runtime.session,
            sleep=runtime.sleep,
            now=runtime.now,
            jitter=runtime.jitter,
        )

    def check(self) -> CheckResult:
        """A delegated token, then one login and one user: proves key, delegation, scopes and admin rights."""
        try:
            if "login_activity" in self.config.streams:
                self.client.get_json(LOGIN_ACTIVITY, params={"maxResults": 1, "eventName": "login_success"})
            if "users" in self.config.streams:
                self.client.get_json(USERS, params={"customer": self.config.customer_id, "maxResults": 1})
        except ConnectorError as exc:
            return CheckResult.failure(exc)
        return CheckResult(
            ok=True, message=f"acting as {self.config.delegated_admin}; {', '.join(self.config.streams)} readable"
        )

    def streams(self) -> list[TimeWindowStream]:
        """The enabled streams, users first."""
        config, now = self.config, self.runtime.now
        overlap = dt.timedelta(minutes=config.overlap_minutes)
        every: list[TimeWindowStream] = [
            UsersStream(
                self.client,
                self.instance,
                config.page_size,
                overlap=overlap,
                lookback=None,
                now=now,
                customer_id=config.customer_id,
            ),
            LoginActivityStream(
                self.client,
                self.instance,
                config.page_size,
                overlap=overlap,
                lookback=dt.timedelta(days=config.initial_lookback_days),
                now=now,
                customer_id=config.customer_id,
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
        """Suspend the Workspace account ``worker`` (``reason`` stays in hiresentry's audit log)."""
        return self.accounts.suspend(worker, dedup_key)

    def unsuspend(self, worker: RecordRef, vendor_ref: str) -> None:
        """Restore an account :meth:`suspend` suspended."""
        self.accounts.unsuspend(worker, vendor_ref)

    # -- webhooks ---------------------------------------------------------------------------------

    def webhook_verifier(self) -> WebhookVerifier | None:
        """The ``google-channel`` scheme with the channel token; None without one."""
        token = self.config.channel_token
        return webhook.verifier(token, self.instance) if token is not None else None

    def webhook_batch(self, delivery: VerifiedDelivery) -> Batch:
        """The access event of a notified successful login."""
        return webhook.batch(self.instance, delivery)
