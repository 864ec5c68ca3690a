"""The Gusto connector: manifest, connection test, full and incremental reads, webhooks, payout hold.

Gusto Embedded is read with the company's OAuth access token (refreshed and rotated through the
token store) and ``X-Gusto-API-Version: 2025-06-15``. A sync is either

- a **full pass** over contractors, payment details and contractor payments (resumable page by
  page, like every ``RestStream``), which first notes the newest Gusto event, or
- an **incremental read**: the events after the noted one (``GET /v1/events``, system access
  token), and only the contractors and payments they name (:mod:`~hiresentry.connectors.gusto.changes`).

A full pass runs when there is no finished one, when ``full_sync_days`` have passed (Gusto keeps
events for 30 days), or when ``incremental`` is off. Gusto is one of the few vendors with a payout
stop, so the connector implements ``PayoutHoldCapability`` (:mod:`~hiresentry.connectors.gusto.holds`).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from pydantic import SecretStr

from hiresentry.connectors.base import (
    AuthChain,
    Batch,
    Checkpoint,
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
    version_header,
)
from hiresentry.connectors.base.oauth import ClientCredentialsAuth, OAuth2Client, OAuth2RefreshAuth, TokenEndpoint
from hiresentry.connectors.base.token_store import TokenSet, TokenStore
from hiresentry.connectors.gusto import webhook
from hiresentry.connectors.gusto.changes import ChangeReader
from hiresentry.connectors.gusto.config import GustoConfig
from hiresentry.connectors.gusto.holds import MANUAL_HOLD, PaymentCanceller
from hiresentry.connectors.gusto.streams import (
    ContractorPaymentsStream,
    ContractorsStream,
    PaymentDetailsStream,
    segment,
)
from hiresentry.core.capabilities import HoldResult
from hiresentry.core.cases.view import RecordRef
from hiresentry.core.errors import ConfigError, ConnectorError, ConnectorForbiddenError
from hiresentry.core.store import CursorUpdate

log = logging.getLogger(__name__)

EVENTS_STREAM = "events"

MANIFEST = Manifest(
    name="gusto",
    title="Gusto Embedded (contractors, contractor payments)",
    record_kinds=["workers", "engagements", "payout_accounts", "payments"],
    auth="oauth2-refresh",
    webhook=webhook.SCHEME,
    # Cancelling is final in Gusto: there is no payout.release to declare.
    capabilities=["payout.hold"],
    manual_hold=MANUAL_HOLD,
)


@dataclass(frozen=True)
class EventsCursor:
    """The incremental position: the last event read, and when the full pass it follows began."""

    after: str | None
    full_pass_at: dt.datetime

    def encode(self) -> str:
        return json.dumps({"after": self.after, "full_pass_at": self.full_pass_at.isoformat()}, sort_keys=True)

    @classmethod
    def decode(cls, value: str | None) -> EventsCursor | None:
        if not value:
            return None
        try:
            data = json.loads(value)
            stamp = dt.datetime.fromisoformat(data["full_pass_at"])
            return cls(data.get("after"), stamp if stamp.tzinfo else stamp.replace(tzinfo=dt.UTC))
        except (ValueError, TypeError, KeyError):
            log.warning("ignoring an unreadable Gusto events cursor; a full pass follows")
            return None


def pass_complete(state: Mapping[str, str], names: list[str]) -> bool:
    """True if every one of ``names`` finished the latest pass."""
    found = [Checkpoint.decode(state.get(name)) for name in names]
    if not found or any(cp is None for cp in found):
        return False
    current = max(cp.pass_no for cp in found if cp is not None)
    return all(cp is not None and cp.pass_no == current and cp.done for cp in found)


class GustoConnector(Connector[GustoConfig]):
    """Reads one Gusto company's contractors, bank accounts and contractor payments; cancels payments."""

    manifest = MANIFEST
    config_model = GustoConfig

    def __init__(self, instance: str, config: GustoConfig, *, runtime: Runtime | None = None) -> None:
        super().__init__(instance, config, runtime=runtime)
        runtime = self.runtime
        if runtime.token_store is None:
            # Gusto rotates refresh tokens: one kept only in memory dies with the process, and the
            # configured one is spent after the first refresh.
            raise ConfigError(
                f"source {instance!r} (gusto): needs a persistent token store (Runtime.token_store); "
                "hiresentry's wiring provides the store's"
            )
        self.tokens: TokenStore = runtime.token_store
        oauth = OAuth2Client(
            config.oauth_token_url,
            config.client_id,
            config.client_secret,
            body_format="json",  # Gusto's spec declares a JSON body for /oauth/token
            client_credentials_grant="system_access",
        )
        endpoint = TokenEndpoint(instance, oauth, session=runtime.session, sleep=runtime.sleep, now=runtime.now)
        self.company_auth = OAuth2RefreshAuth(instance, endpoint, self.tokens, now=runtime.now, sleep=runtime.sleep)
        self._seed_tokens(config.refresh_token)
        self.client = self._client(self.company_auth)
        self.events_client = self._client(ClientCredentialsAuth(endpoint, now=runtime.now))
        self.changes = ChangeReader(
            self.client, self.events_client, instance, config.company_uuid, config.page_size, self.payments_window
        )

    def _client(self, credential: OAuth2RefreshAuth | ClientCredentialsAuth) -> HttpClient:
        config, runtime = self.config, self.runtime
        return HttpClient(
            self.instance,
            config.base_url,
            auth=AuthChain(credential, version_header("X-Gusto-API-Version", config.api_version)),
            connect_timeout=config.connect_timeout,
            read_timeout=config.read_timeout,
            retry=RetryPolicy(
                attempts=config.max_attempts, backoff_max=config.max_retry_wait, retry_after_cap=config.max_retry_wait
            ),
            budget=shared_bucket(config.rate_limit_scope or f"gusto:{self.instance}", config.rate_limit_per_second),
            session=runtime.session,
            sleep=runtime.sleep,
            now=runtime.now,
            jitter=runtime.jitter,
            secrets=[config.client_secret, *([config.refresh_token] if config.refresh_token else [])],
        )

    def _seed_tokens(self, refresh_token: SecretStr | None) -> None:
        """Put the configured refresh token into an empty token store (first run only)."""
        if refresh_token is None or self.tokens.load(self.instance) is not None:
            return
        now = self.runtime.now()
        expired = TokenSet(SecretStr("not-issued-yet"), refresh_token, now - dt.timedelta(seconds=1))
        self.tokens.put(self.instance, expired, now)

    # -- windows ----------------------------------------------------------------------------------

    def today(self) -> dt.date:
        """Today in UTC, from the runtime's clock."""
        return self.runtime.now().astimezone(dt.UTC).date()

    def payments_window(self) -> tuple[dt.date, dt.date]:
        """The payment dates a read covers."""
        today = self.today()
        return (
            today - dt.timedelta(days=self.config.payments_lookback_days),
            today + dt.timedelta(days=self.config.payments_ahead_days),
        )

    def hold_window(self) -> tuple[dt.date, dt.date]:
        """The payment dates a hold looks at."""
        today = self.today()
        return today - dt.timedelta(days=self.config.hold_lookback_days), today + dt.timedelta(
            days=self.config.hold_ahead_days
        )

    # -- check and read -----------------------------------------------------------------------------

    def check(self) -> CheckResult:
        """One contractor of the company: proves the URL, the token (refreshing it) and ``contractors:read``."""
        try:
            path = f"/v1/companies/{segment(self.config.company_uuid)}/contractors"
            self.client.get_json(path, params={"page": 1, "per": 1})
        except ConnectorError as exc:
            return CheckResult.failure(exc)
        return CheckResult(ok=True, message="company token accepted; contractors are readable")

    def streams(self) -> list[RestStream]:
        """The enabled full-pass streams."""
        size, company = self.config.page_size, self.config.company_uuid
        every: list[RestStream] = [
            ContractorsStream(self.client, self.instance, size, company),
            PaymentDetailsStream(self.client, self.instance, size, company),
            ContractorPaymentsStream(self.client, self.instance, size, company, self.payments_window()),
        ]
        return [s for s in every if s.name in self.config.streams]

    def read(self, state: Mapping[str, str]) -> Iterator[Batch]:
        """An incremental read when a recent full pass allows it, else (the rest of) a full pass."""
        streams = self.streams()
        names = [s.name for s in streams]
        events = EventsCursor.decode(state.get(EVENTS_STREAM)) if self.config.incremental else None
        fresh = events is not None and self.runtime.now() - events.full_pass_at < dt.timedelta(
            days=self.config.full_sync_days
        )
        if events is not None and fresh and pass_complete(state, names):
            yield from self._incremental(events)
            if not self.changes.cursor_expired:
                return
            # The finished pass makes plan_pass start a new one below, which notes a fresh head.
            log.warning("%s: Gusto no longer knows the last event read; reading everything again", self.instance)
        plan = plan_pass(state, names)
        committed = {name: Checkpoint.decode(state.get(name)) for name in names}
        starting = not any(cp is not None and cp.pass_no == plan[name].pass_no for name, cp in committed.items())
        if starting and self.config.incremental:
            yield from self._note_events_head()
        for stream in streams:
            checkpoint = plan[stream.name]
            if not checkpoint.done:
                yield from stream.batches(checkpoint)

    def _note_events_head(self) -> Iterator[Batch]:
        """Remember the newest event before a full pass, so the next read starts where this one began."""
        now = self.runtime.now()
        try:
            head = self.changes.head()
        except ConnectorForbiddenError as exc:
            log.warning("%s: Gusto events are not readable (%s); every sync will be a full pass", self.instance, exc)
            return
        cursor = EventsCursor(head, now)
        yield Batch(cursors=[CursorUpdate(self.instance, EVENTS_STREAM, cursor.encode())])

    def _incremental(self, cursor: EventsCursor) -> Iterator[Batch]:
        for events, following in self.changes.pages(cursor.after):
            changes = self.changes.read_back(events)
            position = EventsCursor(following, cursor.full_pass_at)
            update = CursorUpdate(self.instance, EVENTS_STREAM, position.encode())
            log.info("%s: %d Gusto events → %d records", self.instance, len(events), len(changes.records))
            yield Batch(records=list(changes.records.values()), cursors=[update], problems=changes.problems)

    # -- webhooks -----------------------------------------------------------------------------------

    def webhook_verifier(self) -> WebhookVerifier | None:
        """The ``gusto`` scheme keyed with the subscription's verification token; None without one."""
        token = self.config.webhook_verification_token
        return webhook.verifier(token, self.instance) if token is not None else None

    def webhook_batch(self, delivery: VerifiedDelivery) -> Batch:
        """The current records of what the event names (read back from Gusto)."""
        changes = self.changes.read_back([delivery.payload])
        return Batch(records=list(changes.records.values()), problems=changes.problems)

    # -- payout hold --------------------------------------------------------------------------------

    def hold(self, worker: RecordRef, dedup_key: str, reason: str) -> HoldResult:
        """Cancel the contractor's pending payments that Gusto still allows to cancel (idempotent)."""
        canceller = PaymentCanceller(self.client, self.instance, self.config.company_uuid, self.hold_window, self.today)
        result = canceller.hold(worker).result(self.instance, worker)
        log.info("%s: hold for case %s: %s", self.instance, dedup_key, result.description)
        return result

    def release(self, worker: RecordRef, vendor_ref: str) -> None:
        """Restores nothing: a cancelled Gusto payment is deleted. Releasing opens hiresentry's gate only.

        ``payout.release`` is therefore not declared; this method exists because the capability
        protocol has it, and succeeds so that an approved release does not stay stuck on the vendor.
        """
        log.warning(
            "%s: released the hold of %s (%s); cancelled Gusto payments are not restored, "
            "create new contractor payments if they are still due",
            self.instance,
            worker,
            vendor_ref or "no vendor reference",
        )
