"""The Rippling connector: legacy Platform employees and/or new REST workers, as canonical workers.

``api`` chooses the source of truth: ``rest`` (``GET /workers``, rest.ripplingapis.com, the API
Rippling develops), ``legacy`` (``GET /employees[/include_terminated]``, api.rippling.com/platform,
the 2021 API that still serves SSNs and terminated employees with the right scopes), or ``both``.
Both map to one worker and one engagement per person.

Rippling has no per-worker payout stop (:mod:`~hiresentry.connectors.rippling.holds` names the
levers) and no signed webhooks (the legacy App Shop callbacks are unsigned form posts, which
hiresentry does not accept), so the manifest declares neither.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping

from pydantic import SecretStr

from hiresentry.connectors.base import (
    Batch,
    BearerAuth,
    CheckResult,
    Connector,
    HttpClient,
    Manifest,
    RetryPolicy,
    Runtime,
    plan_pass,
    shared_bucket,
)
from hiresentry.connectors.rippling.config import RipplingConfig
from hiresentry.connectors.rippling.holds import MANUAL_HOLD
from hiresentry.connectors.rippling.streams import LegacyEmployeesStream, WorkersCursor, WorkersStream, WorkersWalk
from hiresentry.core.errors import ConnectorError

MANIFEST = Manifest(
    name="rippling",
    title="Rippling (legacy Platform API employees, REST API workers)",
    record_kinds=["workers", "engagements"],
    auth="bearer",
    webhook=None,
    capabilities=[],
    manual_hold=MANUAL_HOLD,
)


class RipplingConnector(Connector[RipplingConfig]):
    """Reads one Rippling company's people through the configured API(s)."""

    manifest = MANIFEST
    config_model = RipplingConfig

    def __init__(self, instance: str, config: RipplingConfig, *, runtime: Runtime | None = None) -> None:
        super().__init__(instance, config, runtime=runtime)
        self.legacy = self._client(config.legacy_base_url, config.token)
        self.rest = self._client(config.rest_base_url, config.rest_token or config.token)

    def _client(self, base_url: str, token: SecretStr) -> HttpClient:
        config, runtime = self.config, self.runtime
        return HttpClient(
            self.instance,
            base_url,
            auth=BearerAuth(token),
            connect_timeout=config.connect_timeout,
            read_timeout=config.read_timeout,
            retry=RetryPolicy(
                attempts=config.max_attempts, backoff_max=config.max_retry_wait, retry_after_cap=config.max_retry_wait
            ),
            budget=shared_bucket(config.rate_limit_scope or f"rippling:{self.instance}", config.rate_limit_per_second),
            session=runtime.session,
            sleep=runtime.sleep,
            now=runtime.now,
            jitter=runtime.jitter,
        )

    def check(self) -> CheckResult:
        """The first page of each configured API: proves the URL, the token and the people scopes."""
        try:
            if self.config.uses_legacy:
                self.legacy.get_json(self.employees().path, params={"limit": 1, "offset": 0})
            if self.config.uses_rest:
                self.rest.get_json("/workers", params=self.workers().params())
        except ConnectorError as exc:
            return CheckResult.failure(exc)
        return CheckResult(ok=True, message=f"token accepted; {self.config.api} API people are readable")

    def employees(self) -> LegacyEmployeesStream:
        """The legacy employees stream."""
        return LegacyEmployeesStream(
            self.legacy, self.instance, self.config.page_size, include_terminated=self.config.include_terminated
        )

    def workers(self) -> WorkersStream:
        """The REST workers stream."""
        return WorkersStream(
            self.rest, self.instance, expand=self.config.rest_expand, order_by=self.config.rest_order_by
        )

    def read(self, state: Mapping[str, str]) -> Iterator[Batch]:
        """Legacy employees (a resumable full pass), then REST workers (full, or down to the watermark)."""
        if self.config.uses_legacy:
            stream = self.employees()
            checkpoint = plan_pass(state, [stream.name])[stream.name]
            yield from stream.batches(checkpoint)
        if self.config.uses_rest:
            walk = WorkersWalk(
                self.workers(),
                incremental=self.config.incremental,
                full_sync=dt.timedelta(days=self.config.full_sync_days),
            )
            cursor = walk.start(WorkersCursor.decode(state.get(WorkersStream.name)), self.runtime.now())
            yield from walk.batches(cursor)
