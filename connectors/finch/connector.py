"""The Finch connector: manifest, connection test (with re-authentication), reads, Svix webhooks.

One source is one employer connection: an access token from Finch Connect, sent as
``Authorization: Bearer`` with ``Finch-API-Version`` on every request. Finch reads payroll and HR
systems; it cannot hold a payout (no capability).

``check()`` asks ``GET /introspect`` (the management API) and turns what it says into a stable code:
a 401 with ``finch_code: reauthenticate_user``, or a connection whose every authentication method
reports ``reauth``, is ``invalid_auth`` with a message saying that **the employer must
re-authenticate through Finch Connect** (nothing hiresentry can fix with a new secret); a missing
product (say ``pay_statement``) is ``forbidden_scope`` naming it; an assisted connection Finch is
still setting up is ``cannot_connect``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from hiresentry.connectors.base import (
    AuthChain,
    Batch,
    BearerAuth,
    Budgets,
    CheckResult,
    Connector,
    HttpClient,
    Manifest,
    RetryPolicy,
    Runtime,
    TokenBucket,
    WebhookVerifier,
    per_minute,
    shared_bucket,
    verifier_for,
    version_header,
)
from hiresentry.connectors.base.connector import CheckCode
from hiresentry.connectors.base.incremental import plan_incremental
from hiresentry.connectors.finch.api import RATE_LIMITS, REAUTHENTICATE, FinchApi
from hiresentry.connectors.finch.config import FinchConfig, Product
from hiresentry.connectors.finch.streams import DirectoryStream, FinchStream, PaymentsStream
from hiresentry.core.errors import ConnectorError

WEBHOOK_SCHEME = "finch"

MANIFEST = Manifest(
    name="finch",
    title="Finch (unified payroll and HRIS API)",
    record_kinds=["workers", "engagements", "payments"],
    auth="bearer access token per employer connection + Finch-API-Version",
    webhook=WEBHOOK_SCHEME,
    capabilities=[],
)

# Connection states of /introspect's authentication_methods, when none is "connected".
_STATES: dict[str, tuple[CheckCode, str]] = {
    "reauth": ("invalid_auth", "the employer must re-authenticate this connection through Finch Connect"),
    "error_no_account_setup": (
        "invalid_auth",
        "the employer has not added Finch to their payroll system yet (follow the Finch Connect instructions)",
    ),
    "error_permissions": (
        "forbidden_scope",
        "the employer added Finch with too few permissions; they must re-add it as Finch Connect describes",
    ),
    "pending": ("cannot_connect", "Finch is still waiting for access to the employer's payroll system"),
    "processing": ("cannot_connect", "Finch is pulling the employer's data for the first time; try later"),
}


class FinchConnector(Connector[FinchConfig]):
    """Reads the directory, individuals, employments and pay statements of one Finch connection."""

    manifest = MANIFEST
    config_model = FinchConfig

    def __init__(self, instance: str, config: FinchConfig, *, runtime: Runtime | None = None) -> None:
        super().__init__(instance, config, runtime=runtime)
        scope = config.rate_limit_scope
        ip = shared_bucket(f"{scope}:ip", config.ip_requests_per_5_minutes / 300.0)
        products: tuple[Product, ...] = ("directory", "individual", "employment", "payment", "pay_statement")
        clients: dict[Product | None, HttpClient] = {
            p: self._http(Budgets([shared_bucket(f"{scope}:{p}", per_minute(config.product_rate_per_minute[p])), ip]))
            for p in products
        }
        clients[None] = self._http(ip)  # the management API (/introspect)
        self.api = FinchApi(instance, clients)

    def _http(self, budget: Budgets | TokenBucket) -> HttpClient:
        config, runtime = self.config, self.runtime
        return HttpClient(
            self.instance,
            config.base_url,
            auth=AuthChain(BearerAuth(config.access_token), version_header("Finch-API-Version", config.api_version)),
            connect_timeout=config.connect_timeout,
            read_timeout=config.read_timeout,
            retry=RetryPolicy(
                attempts=config.max_attempts, backoff_max=config.max_retry_wait, retry_after_cap=config.max_retry_wait
            ),
            budget=budget,
            rate_limits=RATE_LIMITS,
            session=runtime.session,
            sleep=runtime.sleep,
            now=runtime.now,
            jitter=runtime.jitter,
            secrets=[config.access_token],
        )

    def needed_products(self) -> list[str]:
        """The Finch products the enabled streams read."""
        config = self.config
        needed: list[str] = []
        if "directory" in config.streams:
            needed += ["directory", "individual"] + (["employment"] if config.fetch_employment else [])
            needed += ["ssn"] if config.include_ssn else []
        if "payments" in config.streams:
            needed += ["payment", "pay_statement"]
        return needed

    def check(self) -> CheckResult:
        """``GET /introspect``: the token, the connection's state, and the products the streams need."""
        try:
            body = self.api.call(None, "GET", "/introspect")
        except ConnectorError as exc:
            return CheckResult.failure(exc)
        info: Mapping[str, Any] = body if isinstance(body, Mapping) else {}
        problem = self._connection_problem(info)
        if problem is not None:
            return problem
        granted = {str(p) for p in info.get("products") or []}
        missing = [p for p in self.needed_products() if p not in granted]
        if missing:
            return CheckResult(
                ok=False,
                code="forbidden_scope",
                message=f"[{self.instance}] the connection lacks the Finch products {', '.join(missing)}: reconnect "
                "through Finch Connect asking for them, or disable the streams that need them",
            )
        provider = info.get("payroll_provider_id") or "the provider"
        return CheckResult(ok=True, message=f"connected to {provider}; products {', '.join(sorted(granted))}")

    def _connection_problem(self, info: Mapping[str, Any]) -> CheckResult | None:
        methods = [m for m in info.get("authentication_methods") or [] if isinstance(m, Mapping)]
        states = [str((m.get("connection_status") or {}).get("status") or "") for m in methods]
        if not states or "connected" in states:
            return None
        for state in ("reauth", "error_no_account_setup", "error_permissions", "pending", "processing"):
            if state in states:
                code, why = _STATES[state]
                hint = f" (finch_code {REAUTHENTICATE})" if state == "reauth" else f" (connection status {state})"
                return CheckResult(ok=False, code=code, message=f"[{self.instance}] {why}{hint}")
        return CheckResult(ok=False, code="unknown", message=f"[{self.instance}] connection status {', '.join(states)}")

    def streams(self) -> list[FinchStream]:
        """The enabled streams."""
        config = self.config
        every: list[FinchStream] = [
            DirectoryStream(
                self.api, self.instance, config.page_size, employment=config.fetch_employment, ssn=config.include_ssn
            ),
            PaymentsStream(
                self.api,
                self.instance,
                config.page_size,
                today=self.runtime.now().date(),
                lookback=config.payments_lookback_days,
                window=config.payments_window_days,
                overlap=config.payments_overlap_days,
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
        """The registry's ``finch`` (Svix) scheme keyed with the webhook secret; None without one.

        Finch's webhook payloads name what changed (``directory.updated``, ``payment.created`` …) but
        carry no full record, so deliveries map to no records (the base's empty batch): the next sync
        reads the change.
        """
        secret = self.config.webhook_secret
        return verifier_for(WEBHOOK_SCHEME, secret, connector=self.instance) if secret is not None else None
