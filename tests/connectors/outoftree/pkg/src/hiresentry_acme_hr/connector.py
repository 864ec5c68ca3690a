"""The Acme HR connector: manifest, typed config, check, one stream, webhooks.

Everything vendor-neutral comes from ``hiresentry.connectors.base``; this file only says where
Acme keeps its data and how an employee maps to a canonical worker.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from pydantic import Field

from hiresentry.connectors.base import (
    AuthChain,
    Batch,
    BearerAuth,
    CheckResult,
    Connector,
    ConnectorConfig,
    HttpClient,
    Manifest,
    PageNumberPaginator,
    RecordProblem,
    RestStream,
    RetryPolicy,
    Runtime,
    VerifiedDelivery,
    WebhookVerifier,
    plan_pass,
    register_scheme,
    shared_bucket,
    verifier_for,
    version_header,
)
from hiresentry.connectors.base.webhooks import HmacVerifier
from hiresentry.core.errors import ConnectorError
from hiresentry.core.model import Record, Worker
from hiresentry.core.secrets import SecretValue

# Acme signs deliveries with hex HMAC-SHA256 of the body in X-Acme-Signature, event id in X-Acme-Event.
register_scheme(
    "acme-hmac",
    "X-Acme-Signature: hex HMAC-SHA256(body)",
    lambda secret, **options: HmacVerifier(
        "acme-hmac", secret, header="X-Acme-Signature", id_headers=("X-Acme-Event",), **options
    ),
)

MANIFEST = Manifest(
    name="acme-hr",
    title="Acme HR (out-of-tree example)",
    record_kinds=["workers"],
    auth="bearer",
    webhook="acme-hmac",
    capabilities=[],
)


class AcmeHrConfig(ConnectorConfig):
    """One Acme HR tenant."""

    base_url: str = "https://api.acme-hr.example/v2"
    token: SecretValue
    webhook_secret: SecretValue | None = None
    page_size: int = Field(50, ge=1, le=100)
    rate_limit_per_second: float = Field(2.0, gt=0)


class EmployeesStream(RestStream):
    """``GET /employees?page=&per_page=`` → workers."""

    name = "employees"
    path = "/employees"
    paginator = PageNumberPaginator()
    records_path = ("employees",)

    def map_record(self, item: Mapping[str, Any]) -> Iterable[Record | RecordProblem]:
        return [
            Worker(
                source=self.source,
                remote_id=str(item["id"]),
                legal_name=item["name"],
                emails=[item["email"]] if item.get("email") else [],
            )
        ]


class AcmeHrConnector(Connector[AcmeHrConfig]):
    """Reads Acme HR employees."""

    manifest = MANIFEST
    config_model = AcmeHrConfig

    def __init__(self, instance: str, config: AcmeHrConfig, *, runtime: Runtime | None = None) -> None:
        super().__init__(instance, config, runtime=runtime)
        self.client = HttpClient(
            instance,
            config.base_url,
            auth=AuthChain(BearerAuth(config.token), version_header("Acme-Version", "2026-01-01")),
            retry=RetryPolicy(attempts=3),
            budget=shared_bucket(f"acme-hr:{instance}", config.rate_limit_per_second),
            session=self.runtime.session,
            sleep=self.runtime.sleep,
            now=self.runtime.now,
        )

    def check(self) -> CheckResult:
        try:
            self.client.get_json("/me")
        except ConnectorError as exc:
            return CheckResult.failure(exc)
        return CheckResult(ok=True, message="token accepted")

    def read(self, state: Mapping[str, str]) -> Iterator[Batch]:
        stream = EmployeesStream(self.client, self.instance, self.config.page_size)
        checkpoint = plan_pass(state, [stream.name])[stream.name]
        if not checkpoint.done:
            yield from stream.batches(checkpoint)

    def webhook_verifier(self) -> WebhookVerifier | None:
        secret = self.config.webhook_secret
        return verifier_for("acme-hmac", secret, connector=self.instance) if secret else None

    def webhook_batch(self, delivery: VerifiedDelivery) -> Batch:
        return Batch()  # Acme's events only say "something changed": the next sync reads it
