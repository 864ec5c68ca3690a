"""The Deel connector: manifest, connection test, a resumable read of every stream, webhooks.

A copy-me example for the next REST vendor: the connector only wires config into an
:class:`HttpClient` (auth, timeouts, retries, rate budget) and lists its streams; paging,
problems and checkpoints come from :mod:`hiresentry.connectors.base.paginate`, webhook
verification from the base's scheme registry. Deel has no payout-hold API: the manifest names a
manual hold task (:mod:`hiresentry.connectors.deel.holds`) instead of the ``payout.hold`` capability.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Mapping

import requests

from hiresentry.connectors.base import (
    Batch,
    BearerAuth,
    CheckResult,
    Connector,
    HttpClient,
    Manifest,
    RestStream,
    RetryPolicy,
    Runtime,
    VerifiedDelivery,
    WebhookVerifier,
    plan_pass,
    shared_bucket,
)
from hiresentry.connectors.deel import webhook
from hiresentry.connectors.deel.config import DeelConfig
from hiresentry.connectors.deel.holds import MANUAL_HOLD
from hiresentry.connectors.deel.streams import ContractIndex, ContractsStream, InvoicesStream, PeopleStream
from hiresentry.core.errors import ConnectorError

MANIFEST = Manifest(
    name="deel",
    title="Deel (contractors, EOR, global payroll)",
    record_kinds=["workers", "engagements", "payout_accounts", "payments"],
    auth="bearer",
    webhook=webhook.SCHEME,
    # Deel has no API to hold a payout; a "hold" is a human task plus hiresentry's payout gate.
    capabilities=[],
    manual_hold=MANUAL_HOLD,
)


class DeelConnector(Connector[DeelConfig]):
    """Reads people, contracts, bank accounts and invoices of one Deel organization."""

    manifest = MANIFEST
    config_model = DeelConfig

    def __init__(
        self,
        instance: str,
        config: DeelConfig,
        *,
        session: requests.Session | None = None,
        sleep: Callable[[float], None] = time.sleep,
        runtime: Runtime | None = None,
    ) -> None:
        """``runtime`` (or, as before, ``session`` and ``sleep``) is for tests: no real waiting."""
        super().__init__(instance, config, runtime=runtime or Runtime(session=session, sleep=sleep))
        runtime = self.runtime
        scope = config.rate_limit_scope or f"deel:{instance}"
        self.client = HttpClient(
            instance,
            config.base_url,
            auth=BearerAuth(config.token),
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
            secrets=[config.token],
        )

    def check(self) -> CheckResult:
        """One page of one person: proves the URL, the token and the ``people:read`` scope."""
        try:
            self.client.get_json("/people", params={"limit": 1, "offset": 0})
        except ConnectorError as exc:
            return CheckResult.failure(exc)
        return CheckResult(ok=True, message="authenticated; /people is readable")

    def streams(self) -> list[RestStream]:
        """The enabled streams, in dependency order (contracts before the invoices that name them)."""
        size = self.config.page_size
        index = ContractIndex(self.client)
        every: list[RestStream] = [
            PeopleStream(self.client, self.instance, size, fetch_banks=self.config.fetch_bank_accounts),
            ContractsStream(self.client, self.instance, size, index),
            InvoicesStream(self.client, self.instance, size, index),
        ]
        return [s for s in every if s.name in self.config.streams]

    def read(self, state: Mapping[str, str]) -> Iterator[Batch]:
        """Every enabled stream from its committed checkpoint; one batch per page."""
        streams = self.streams()
        plan = plan_pass(state, [s.name for s in streams])
        for stream in streams:
            checkpoint = plan[stream.name]
            if not checkpoint.done:
                yield from stream.batches(checkpoint)

    def webhook_verifier(self) -> WebhookVerifier | None:
        """The ``deel`` scheme keyed with the configured signing key; None without one."""
        key = self.config.webhook_signing_key
        return webhook.verifier(key, self.instance) if key is not None else None

    def webhook_batch(self, delivery: VerifiedDelivery) -> Batch:
        """The engagement of a ``contract.*`` event; other events wait for the next sync."""
        return webhook.batch(self.instance, delivery)
