"""The Deel connector: manifest, connection test and a resumable read of every stream.

A copy-me example for the next REST vendor: the connector only wires config into an
:class:`HttpClient` (auth, timeouts, retries, rate budget) and lists its streams; paging,
problems and checkpoints come from :mod:`hiresentry.connectors.base.paginate`.
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
    check_code,
    plan_pass,
    shared_bucket,
)
from hiresentry.connectors.deel.config import DeelConfig
from hiresentry.connectors.deel.streams import ContractIndex, ContractsStream, InvoicesStream, PeopleStream
from hiresentry.core.errors import ConnectorError

MANIFEST = Manifest(
    name="deel",
    title="Deel (contractors, EOR, global payroll)",
    record_kinds=["workers", "engagements", "payout_accounts", "payments"],
    auth="bearer",
    webhook="x-deel-signature HMAC-SHA256('POST'+body)",
    # Deel has no API to hold a payout; a "hold" is a human task plus hiresentry's payout gate.
    capabilities=[],
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
    ) -> None:
        """``session`` and ``sleep`` are for tests (response hooks, no real waiting)."""
        super().__init__(instance, config)
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
            session=session,
            sleep=sleep,
            secrets=[config.token],
        )

    def check(self) -> CheckResult:
        """One page of one person: proves the URL, the token and the ``people:read`` scope."""
        try:
            self.client.get_json("/people", params={"limit": 1, "offset": 0})
        except ConnectorError as exc:
            return CheckResult(ok=False, code=check_code(exc), message=str(exc))
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
