"""The Merge HRIS connector: manifest, connection test, incremental reads, webhooks.

Merge is a unified API over many HR systems: one *linked account* is one customer's HR system.
Every request carries the organization's API key (``Authorization: Bearer``) and the linked
account's token (``X-Account-Token``); both are secrets. Merge reads and normalises; it cannot hold
a payout (no capability, no manual hold of its own: the underlying payroll system's would apply).

Limits: requests per linked account per minute by plan (a token bucket paces us below the
configured one), and an IP block after more than 20 failing requests in 10 s, which an
:class:`~hiresentry.connectors.base.ErrorRateGuard` stops us short of (15 in 10 s).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping

from hiresentry.connectors.base import (
    AuthChain,
    Batch,
    BearerAuth,
    CheckResult,
    Connector,
    ErrorRateGuard,
    HttpClient,
    Manifest,
    RetryPolicy,
    Runtime,
    VerifiedDelivery,
    WebhookVerifier,
    per_minute,
    shared_bucket,
    tenant_header,
)
from hiresentry.connectors.base.connector import CheckCode
from hiresentry.connectors.base.incremental import plan_incremental
from hiresentry.connectors.merge import webhook
from hiresentry.connectors.merge.config import MergeConfig
from hiresentry.connectors.merge.streams import (
    BankInfoStream,
    CurrencyIndex,
    EmployeePayrollRunsStream,
    EmployeesStream,
    EmploymentsStream,
    LocationIndex,
    MergeStream,
    PayrollRunIndex,
)
from hiresentry.core.errors import ConnectorError

MANIFEST = Manifest(
    name="merge",
    title="Merge (unified HRIS API)",
    record_kinds=["workers", "engagements", "payout_accounts", "payments"],
    auth="bearer API key + X-Account-Token",
    webhook=webhook.SCHEME,
    capabilities=[],
)

# What GET /account-details says about the linked account, and what check() makes of it.
_STATUS_PROBLEMS: dict[str, tuple[CheckCode, str]] = {
    "RELINK_NEEDED": ("invalid_auth", "the linked account needs to be relinked through Merge Link"),
    "INCOMPLETE": ("cannot_connect", "the linked account's setup in Merge Link is incomplete"),
}


class MergeConnector(Connector[MergeConfig]):
    """Reads employees, employments, bank info and employee payroll runs of one Merge linked account."""

    manifest = MANIFEST
    config_model = MergeConfig

    def __init__(self, instance: str, config: MergeConfig, *, runtime: Runtime | None = None) -> None:
        super().__init__(instance, config, runtime=runtime)
        runtime = self.runtime
        scope = config.rate_limit_scope or f"merge:{instance}"
        self.client = HttpClient(
            instance,
            config.base_url,
            auth=AuthChain(BearerAuth(config.api_key), tenant_header("X-Account-Token", config.account_token)),
            connect_timeout=config.connect_timeout,
            read_timeout=config.read_timeout,
            retry=RetryPolicy(
                attempts=config.max_attempts, backoff_max=config.max_retry_wait, retry_after_cap=config.max_retry_wait
            ),
            budget=shared_bucket(scope, per_minute(config.rate_limit_per_minute)),
            error_guard=ErrorRateGuard(
                stop_at=15,
                window=10.0,
                rule="Merge blocks an IP after more than 20 failing requests in 10 s",
                clock=lambda: runtime.now().timestamp(),
            ),
            session=runtime.session,
            sleep=runtime.sleep,
            now=runtime.now,
            jitter=runtime.jitter,
            secrets=[config.api_key, config.account_token],
        )

    def check(self) -> CheckResult:
        """``GET /account-details``: proves the URL, both keys, and that the linked account is usable."""
        try:
            details = self.client.get_json("/account-details")
        except ConnectorError as exc:
            return CheckResult.failure(exc)
        details = details if isinstance(details, Mapping) else {}
        status = str(details.get("status") or "")
        integration = details.get("integration") or details.get("integration_slug") or "an HR system"
        if status in _STATUS_PROBLEMS:
            code, why = _STATUS_PROBLEMS[status]
            return CheckResult(ok=False, code=code, message=f"[{self.instance}] {why} (status {status})")
        category = details.get("category")
        if category not in (None, "hris"):
            return CheckResult(
                ok=False,
                code="forbidden_scope",
                message=f"[{self.instance}] the account token belongs to a {category!r} linked account, not HRIS",
            )
        return CheckResult(ok=True, message=f"linked account to {integration} is {status or 'reachable'}")

    def streams(self) -> list[MergeStream]:
        """The enabled streams, employments before the payroll runs that need their currency."""
        config, client, size = self.config, self.client, self.config.page_size
        incremental, overlap = config.incremental, dt.timedelta(minutes=config.overlap_minutes)
        currencies = CurrencyIndex(client, size, config.payroll_currency)
        locations = LocationIndex(client, size)
        sensitive = config.include_sensitive_fields
        every: list[MergeStream] = [
            EmployeesStream(
                client, self.instance, size, incremental, overlap, sensitive=sensitive, locations=locations
            ),
            EmploymentsStream(client, self.instance, size, incremental, overlap, currencies=currencies),
            BankInfoStream(client, self.instance, size, incremental, overlap),
            EmployeePayrollRunsStream(
                client, self.instance, size, incremental, overlap, runs=PayrollRunIndex(client), currencies=currencies
            ),
        ]
        return [s for s in every if s.name in config.streams]

    def read(self, state: Mapping[str, str]) -> Iterator[Batch]:
        """Every enabled stream from its committed watermark; one batch per page."""
        streams = self.streams()
        plan = plan_incremental(state, [s.name for s in streams])
        for stream in streams:
            if not plan[stream.name].done:
                yield from stream.batches_from(plan[stream.name])

    def webhook_verifier(self) -> WebhookVerifier | None:
        """The ``merge`` scheme keyed with the signature key; None without one."""
        key = self.config.webhook_signature_key
        return webhook.verifier(key, self.instance) if key is not None else None

    def webhook_batch(self, delivery: VerifiedDelivery) -> Batch:
        """Engagements of this linked account's ``Employment.*`` changed-data events; else nothing."""
        return webhook.batch(self.instance, self.config.linked_account_id, delivery)
