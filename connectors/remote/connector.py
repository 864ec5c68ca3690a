"""The Remote connector: manifest, connection test, resumable reads that skip what is unchanged, webhooks.

Remote answers with ``x-ratelimit-*`` headers on every authenticated response, the reset in
**milliseconds** until the window refills: the client's rate-limit policy reads it as such and
pauses before the next request when ``x-ratelimit-remaining`` reaches 0. Customer tokens get 20
requests a minute per company, which the default budget stays under.

Remote has no payout-hold API: the manifest names a manual hold task
(:mod:`hiresentry.connectors.remote.holds`) instead of the ``payout.hold`` capability.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from typing import Any

import requests
from pydantic import SecretStr

from hiresentry.connectors.base import (
    Batch,
    BearerAuth,
    Checkpoint,
    CheckResult,
    Connector,
    HttpClient,
    Manifest,
    RateLimitPolicy,
    RecordProblem,
    ResetHeader,
    RestStream,
    RetryPolicy,
    Runtime,
    VerifiedDelivery,
    WebhookVerifier,
    plan_pass,
    shared_bucket,
)
from hiresentry.connectors.base.oauth import OAuth2Client, OAuth2RefreshAuth, TokenEndpoint
from hiresentry.connectors.base.paginate import MAPPING_ERRORS, dig, problem_reason
from hiresentry.connectors.base.token_store import TokenSet
from hiresentry.connectors.remote import mapping, webhook
from hiresentry.connectors.remote.config import RemoteConfig
from hiresentry.connectors.remote.holds import MANUAL_HOLD
from hiresentry.connectors.remote.streams import (
    ContractorInvoicesStream,
    DetailPlan,
    EmploymentsStream,
    InvoiceWindow,
    known_fingerprints,
    read_employment,
    segment,
)
from hiresentry.core.errors import ConfigError, ConnectorError
from hiresentry.core.model import Record
from hiresentry.core.store import CursorUpdate

RATE_LIMITS = RateLimitPolicy(reset_headers=(ResetHeader("x-ratelimit-reset", "delta_ms"),))
"""Remote: ``x-ratelimit-reset`` is milliseconds until the window refills."""
DETAILS_STREAM = "employment_details"
INVOICE_WINDOW_STREAM = "contractor_invoices_window"

MANIFEST = Manifest(
    name="remote",
    title="Remote (EOR employments, contractors, contractor invoices)",
    record_kinds=["workers", "engagements", "payout_accounts", "payments"],
    auth="oauth2-refresh or bearer",  # "oauth2…" makes `hiresentry check` open the token store
    webhook=webhook.SCHEME,
    capabilities=[],
    manual_hold=MANUAL_HOLD,
)


class RemoteConnector(Connector[RemoteConfig]):
    """Reads one Remote company's employments (with personal, address and bank details) and invoices."""

    manifest = MANIFEST
    config_model = RemoteConfig

    def __init__(self, instance: str, config: RemoteConfig, *, runtime: Runtime | None = None) -> None:
        super().__init__(instance, config, runtime=runtime)
        runtime = self.runtime
        secrets = [s for s in (config.token, config.client_secret, config.refresh_token) if s is not None]
        self.client = HttpClient(
            instance,
            config.base_url,
            auth=self._auth(),
            connect_timeout=config.connect_timeout,
            read_timeout=config.read_timeout,
            retry=RetryPolicy(
                attempts=config.max_attempts, backoff_max=config.max_retry_wait, retry_after_cap=config.max_retry_wait
            ),
            budget=shared_bucket(config.rate_limit_scope or f"remote:{instance}", config.rate_limit_per_second),
            rate_limits=RATE_LIMITS,
            session=runtime.session,
            sleep=runtime.sleep,
            now=runtime.now,
            jitter=runtime.jitter,
            secrets=secrets,
        )

    def _auth(self) -> requests.auth.AuthBase:
        config, runtime = self.config, self.runtime
        if config.auth == "token" and config.token is not None:
            return BearerAuth(config.token)
        if config.client_id is None or config.client_secret is None:  # the config validator refuses this
            raise ConfigError(f"source {self.instance!r}: auth 'oauth2' needs client_id and client_secret")
        client = OAuth2Client(
            config.oauth_token_url,
            config.client_id,
            config.client_secret,
            client_auth="basic",
            body_format=config.token_body,
        )
        endpoint = TokenEndpoint(self.instance, client, session=runtime.session, sleep=runtime.sleep, now=runtime.now)
        tokens = runtime.token_store
        if tokens is None:  # Remote rotates refresh tokens: memory alone would lose the new one
            raise ConfigError(
                f"source {self.instance!r} (remote): auth 'oauth2' needs a persistent token store "
                "(Runtime.token_store); hiresentry's wiring provides the store's"
            )
        if config.refresh_token is not None and tokens.load(self.instance) is None:
            now = runtime.now()
            seed = TokenSet(SecretStr("not-issued-yet"), config.refresh_token, now - dt.timedelta(seconds=1))
            tokens.put(self.instance, seed, now)
        return OAuth2RefreshAuth(self.instance, endpoint, tokens, now=runtime.now, sleep=runtime.sleep)

    def today(self) -> dt.date:
        """Today in UTC, from the runtime's clock."""
        return self.runtime.now().astimezone(dt.UTC).date()

    def check(self) -> CheckResult:
        """One employment of the list: proves the URL, the token and ``employment.read``."""
        params: dict[str, Any] = {"page": 1, "page_size": 1}
        if self.config.company_id:
            params["company_id"] = self.config.company_id
        try:
            self.client.get_json("/v1/employments", params=params)
        except ConnectorError as exc:
            return CheckResult.failure(exc)
        return CheckResult(ok=True, message="token accepted; employments are readable")

    def read(self, state: Mapping[str, str]) -> Iterator[Batch]:
        """Every enabled stream from its committed checkpoint; a new pass first fixes what it will re-read."""
        names = [n for n in ("employments", "contractor_invoices") if n in self.config.streams]
        plan = plan_pass(state, names)
        size = self.config.page_size
        for name in names:
            checkpoint = plan[name]
            if checkpoint.done:
                continue
            stream: RestStream
            if name == "employments":
                details, first = self._details_plan(state.get(DETAILS_STREAM), checkpoint)
                if first is not None:
                    yield first
                stream = EmploymentsStream(
                    self.client,
                    self.instance,
                    size,
                    company_id=self.config.company_id,
                    known={} if details.full else known_fingerprints(state),
                    full=details.full,
                )
            else:
                window, first = self._invoice_window(state.get(INVOICE_WINDOW_STREAM), checkpoint)
                if first is not None:
                    yield first
                stream = ContractorInvoicesStream(self.client, self.instance, size, window.date_from)
            yield from stream.batches(checkpoint)

    def _details_plan(self, stored: str | None, checkpoint: Checkpoint) -> tuple[DetailPlan, Batch | None]:
        """This pass's detail plan: the stored one when resuming, else a new one (committed first)."""
        previous = DetailPlan.decode(stored)
        if previous is not None and previous.pass_no == checkpoint.pass_no:
            return previous, None
        today = self.today()
        last = previous.last_full if previous else None
        full = last is None or (today - last).days >= self.config.detail_refresh_days
        details = DetailPlan(checkpoint.pass_no, full, today if full else last)
        return details, Batch(cursors=[CursorUpdate(self.instance, DETAILS_STREAM, details.encode())])

    def _invoice_window(self, stored: str | None, checkpoint: Checkpoint) -> tuple[InvoiceWindow, Batch | None]:
        """This pass's invoice window: the stored one when resuming, else one reaching back before the last."""
        previous = InvoiceWindow.decode(stored)
        if previous is not None and previous.pass_no == checkpoint.pass_no:
            return previous, None
        since = previous.started_on - dt.timedelta(days=self.config.invoice_lookback_days) if previous else None
        window = InvoiceWindow(checkpoint.pass_no, since, self.today())
        return window, Batch(cursors=[CursorUpdate(self.instance, INVOICE_WINDOW_STREAM, window.encode())])

    # -- webhooks -----------------------------------------------------------------------------------

    def webhook_verifier(self) -> WebhookVerifier | None:
        """The ``remote`` scheme keyed with the callback's signing key; None without one."""
        key = self.config.webhook_signing_key
        if key is None:
            return None
        return webhook.verifier(key, self.instance, self.config.webhook_timestamp_header)

    def webhook_batch(self, delivery: VerifiedDelivery) -> Batch:
        """The current records of what the event names, read back from Remote."""
        payload = delivery.payload
        kind = mapping.text(dig(payload, ("event_type",))) or ""
        company = mapping.text(dig(payload, ("company_id",)))
        if self.config.company_id and company not in (None, self.config.company_id):
            return Batch()
        where = f"{self.instance}:webhook {kind}"
        try:
            if kind.startswith("employment") and (employment := mapping.text(dig(payload, ("employment_id",)))):
                results = read_employment(self.client, self.instance, employment)
            elif kind.startswith("contractor_invoice") and (invoice := self._invoice_id(payload)):
                results = self._read_invoice(invoice)
            else:
                return Batch()
        except MAPPING_ERRORS as exc:
            return Batch(problems=[RecordProblem(where, problem_reason(exc))])
        return Batch(
            records=[r for r in results if isinstance(r, Record)],
            problems=[r for r in results if isinstance(r, RecordProblem)],
        )

    @staticmethod
    def _invoice_id(payload: Any) -> str | None:
        for path in (("contractor_invoice_id",), ("resource_id",), ("contractor_invoice", "id")):
            found = mapping.text(dig(payload, path))
            if found:
                return found
        return None

    def _read_invoice(self, invoice_id: str) -> list[Record | RecordProblem]:
        path = f"/v1/contractor-invoices/{segment(invoice_id)}"
        body = self.client.get_json(path, allow=(404,))
        found = dig(body, ("data", "contractor_invoice"))
        return [mapping.payment(self.instance, found)] if isinstance(found, Mapping) else []
