"""The Personio connector: manifest, connection test, incremental reads of v1 or v2, v2 webhooks.

Two API generations, one source each (``api_version``):

- **v1**: ``POST /v1/auth`` issues a bearer token and every answer carries the next one; the token
  lives in the token store under a lease (:mod:`hiresentry.connectors.personio.auth`), so two syncs
  of one source never spend the same single-use token.
- **v2**: OAuth2 client credentials at ``POST /v2/auth/token`` (a 24-hour app token, kept in
  memory); lists page through ``_meta.links.next.href``.

Personio has no payout-hold API and pays nobody itself (it is an HRIS): no capability, no manual
hold. Webhooks exist only in v2 and carry no signature, only the shared token the subscription was
created with, sent back verbatim in ``Authorization`` (registry scheme ``personio``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping

import requests

from hiresentry.connectors.base import (
    Batch,
    CheckResult,
    Connector,
    HttpClient,
    Manifest,
    RetryPolicy,
    Runtime,
    WebhookVerifier,
    shared_bucket,
    verifier_for,
)
from hiresentry.connectors.base.incremental import IncrementalStream, plan_incremental
from hiresentry.connectors.base.oauth import ClientCredentialsAuth, OAuth2Client, TokenEndpoint
from hiresentry.connectors.base.token_store import MemoryTokenStore
from hiresentry.connectors.personio.auth import PersonioLogin, RotatingTokenAuth
from hiresentry.connectors.personio.config import PersonioConfig
from hiresentry.connectors.personio.streams import V1EmployeesStream, V2PersonsStream
from hiresentry.core.errors import ConnectorError

WEBHOOK_SCHEME = "personio"

MANIFEST = Manifest(
    name="personio",
    title="Personio (HRIS; API v1 or v2)",
    record_kinds=["workers", "engagements", "payout_accounts"],
    # Starts with "oauth2" so `hiresentry check` opens the token store: v1's rotating token lives there.
    auth="oauth2-client-credentials (v2); v1 rotating single-use token in the token store",
    webhook=WEBHOOK_SCHEME,
    capabilities=[],
)


class PersonioConnector(Connector[PersonioConfig]):
    """Reads the employees (v1) or persons and employments (v2) of one Personio company."""

    manifest = MANIFEST
    config_model = PersonioConfig

    def __init__(self, instance: str, config: PersonioConfig, *, runtime: Runtime | None = None) -> None:
        super().__init__(instance, config, runtime=runtime)
        runtime = self.runtime
        self.v1_auth: RotatingTokenAuth | None = None
        auth: requests.auth.AuthBase
        if config.api_version == "v1":
            login = PersonioLogin(self._http(None), config.client_id, config.client_secret)
            store = runtime.token_store or MemoryTokenStore()
            self.v1_auth = auth = RotatingTokenAuth(instance, login, store, now=runtime.now, sleep=runtime.sleep)
        else:
            client = OAuth2Client(
                f"{config.api_base}/auth/token", config.client_id, config.client_secret, scope=config.scope
            )
            endpoint = TokenEndpoint(instance, client, session=runtime.session, sleep=runtime.sleep, now=runtime.now)
            auth = ClientCredentialsAuth(endpoint, now=runtime.now)
        self.client = self._http(auth)

    def _http(self, auth: requests.auth.AuthBase | None) -> HttpClient:
        """An HTTP client on the API base: with ``auth`` and the rate budget, or bare (v1 login)."""
        config, runtime = self.config, self.runtime
        scope = config.rate_limit_scope or f"personio:{self.instance}"
        return HttpClient(
            self.instance,
            config.api_base,
            auth=auth,
            headers=config.headers,
            connect_timeout=config.connect_timeout,
            read_timeout=config.read_timeout,
            retry=RetryPolicy(
                attempts=config.max_attempts, backoff_max=config.max_retry_wait, retry_after_cap=config.max_retry_wait
            ),
            budget=shared_bucket(scope, config.rate_limit_per_second) if auth is not None else None,
            session=runtime.session,
            sleep=runtime.sleep,
            now=runtime.now,
            jitter=runtime.jitter,
            secrets=[config.client_secret],
        )

    def check(self) -> CheckResult:
        """One employee (v1) or person (v2): proves the URL, the credentials and read access."""
        path, params = ("/company/employees", {"limit": 1, "offset": 0})
        if self.config.api_version == "v2":
            path, params = ("/persons", {"limit": 1})
        try:
            self.client.get_json(path, params=params)
        except ConnectorError as exc:
            return CheckResult.failure(exc)
        finally:
            self._release()
        return CheckResult(ok=True, message=f"authenticated ({self.config.api_version}); {path} is readable")

    def streams(self) -> list[IncrementalStream]:
        """The one stream of the configured API version."""
        config = self.config
        overlap = dt.timedelta(hours=config.overlap_hours)
        if config.api_version == "v1":
            return [
                V1EmployeesStream(
                    self.client,
                    self.instance,
                    config.page_size,
                    incremental=config.incremental,
                    overlap=overlap,
                    zone=config.company_timezone,
                )
            ]
        return [
            V2PersonsStream(
                self.client,
                self.instance,
                config.page_size,
                incremental=config.incremental,
                overlap=overlap,
                employments=config.fetch_employments,
            )
        ]

    def read(self, state: Mapping[str, str]) -> Iterator[Batch]:
        """Every stream from its committed watermark; one batch per page."""
        streams = self.streams()
        plan = plan_incremental(state, [s.name for s in streams])
        try:
            for stream in streams:
                if not plan[stream.name].done:
                    yield from stream.batches_from(plan[stream.name])
        finally:
            self._release()

    def webhook_verifier(self) -> WebhookVerifier | None:
        """The ``personio`` scheme (shared token in ``Authorization``); None without a token."""
        token = self.config.webhook_token
        return verifier_for(WEBHOOK_SCHEME, token, connector=self.instance) if token is not None else None

    def _release(self) -> None:
        """End a v1 token lease a failed request left behind, so other syncs need not wait for it to expire."""
        if self.v1_auth is not None:
            self.v1_auth.release()
