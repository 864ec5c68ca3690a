"""The Papaya Global connector: manifest, connection test, full or incremental read, payout holds.

Workforce Payments API (docs.papayaglobal.com/api-reference): a JWT from ``POST /token``
(:mod:`hiresentry.connectors.papaya.auth`), beneficiaries with their bank details, payment
instructions with their status. Papaya does not publish its rate limits; the client paces itself
with a token bucket, honours ``Retry-After`` and ``X-RateLimit-*`` headers on 429 (the limit headers
appear in api-evangelist/papaya-global's derived spec), and retries 5xx with backoff.

The connector implements :class:`~hiresentry.core.capabilities.PayoutHoldCapability`: a hold
withdraws approval of the worker's pending payments and a release approves them again, so it
declares both ``payout.hold`` and ``payout.release`` (:mod:`hiresentry.connectors.papaya.holds`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping

from hiresentry.connectors.base import (
    Batch,
    Checkpoint,
    CheckResult,
    Connector,
    HttpClient,
    Manifest,
    RestStream,
    RetryPolicy,
    Runtime,
    plan_pass,
    shared_bucket,
)
from hiresentry.connectors.papaya.auth import PapayaTokenAuth
from hiresentry.connectors.papaya.config import PapayaConfig
from hiresentry.connectors.papaya.holds import MANUAL_HOLD, PaymentHolder
from hiresentry.connectors.papaya.streams import (
    BeneficiariesStream,
    ChangedBeneficiariesStream,
    OpenPaymentsStream,
    PaymentsStream,
)
from hiresentry.connectors.papaya.window import (
    BENEFICIARIES,
    OPEN_PAYMENTS,
    PAYMENTS,
    STREAMS,
    SyncWindow,
    Tracker,
    plan_window,
)
from hiresentry.core.capabilities import HoldResult
from hiresentry.core.cases.view import RecordRef
from hiresentry.core.errors import ConnectorError

MANIFEST = Manifest(
    name="papaya",
    title="Papaya Global (Workforce Payments)",
    record_kinds=["workers", "payout_accounts", "payments"],
    auth="api-key-jwt",
    webhook=None,  # Papaya documents notifications but no signature scheme to verify them with
    capabilities=["payout.hold", "payout.release"],
    manual_hold=MANUAL_HOLD,
)


class PapayaConnector(Connector[PapayaConfig]):
    """Reads the beneficiaries and payments of one Papaya organization; holds pending payments."""

    manifest = MANIFEST
    config_model = PapayaConfig

    def __init__(self, instance: str, config: PapayaConfig, *, runtime: Runtime | None = None) -> None:
        super().__init__(instance, config, runtime=runtime)
        runtime = self.runtime
        retry = RetryPolicy(
            attempts=config.max_attempts, backoff_max=config.max_retry_wait, retry_after_cap=config.max_retry_wait
        )
        self.auth = PapayaTokenAuth(
            instance,
            config.login_url,
            config.api_key,
            config.client_secret,
            token_name=config.token_name,
            session=runtime.session,
            sleep=runtime.sleep,
            now=runtime.now,
            retry=retry,
        )
        self.client = HttpClient(
            instance,
            config.base_url,
            auth=self.auth,
            connect_timeout=config.connect_timeout,
            read_timeout=config.read_timeout,
            retry=retry,
            budget=shared_bucket(config.rate_limit_scope or f"papaya:{instance}", config.rate_limit_per_second),
            session=runtime.session,
            sleep=runtime.sleep,
            now=runtime.now,
            jitter=runtime.jitter,
            secrets=[config.api_key, config.client_secret],
        )
        self._holder = PaymentHolder(self.client, instance, config.page_size, config.hold_action)
        self._holds: dict[tuple[str, str], HoldResult] = {}

    def check(self) -> CheckResult:
        """A login, then one beneficiary: proves the URLs, the key and the permission to read."""
        try:
            self.client.get_json("/payments/beneficiaries", params={"skip": 0, "take": 1})
        except ConnectorError as exc:
            return CheckResult.failure(exc)
        return CheckResult(ok=True, message="logged in; beneficiaries are readable")

    def window(self, state: Mapping[str, str], pass_no: int) -> SyncWindow:
        """The plan of pass ``pass_no``: see :mod:`hiresentry.connectors.papaya.window`."""
        return plan_window(
            state,
            pass_no,
            self.runtime.now(),
            dt.timedelta(days=self.config.full_refresh_days),
            dt.timedelta(minutes=self.config.window_overlap_minutes),
        )

    def read(self, state: Mapping[str, str]) -> Iterator[Batch]:
        """Payments, open payments, then beneficiaries, from the committed checkpoints; a batch per page."""
        plan = plan_pass(state, list(STREAMS))
        pass_no = plan[PAYMENTS].pass_no
        window = self.window(state, pass_no)
        size = self.config.page_size
        payments = PaymentsStream(self.client, self.instance, size, window, Tracker.load(state.get(PAYMENTS), pass_no))
        recheck = OpenPaymentsStream(
            self.client, self.instance, size, window.recheck, Tracker.load(state.get(OPEN_PAYMENTS), pass_no)
        )
        first = True
        for stream in self._streams(window, plan, payments, recheck):
            for batch in stream.batches(plan[stream.name]):
                if first:  # the plan commits with the pass's first page, so a resumed pass keeps it
                    batch.cursors.append(window.cursor(self.instance))
                    first = False
                yield batch

    def _streams(
        self, window: SyncWindow, plan: Mapping[str, Checkpoint], payments: PaymentsStream, recheck: OpenPaymentsStream
    ) -> Iterator[RestStream]:
        """The streams still to read, in order; the beneficiaries one is chosen after the payments ran."""
        for stream in (payments, recheck):
            if not plan[stream.name].done:
                yield stream
        if plan[BENEFICIARIES].done:
            return
        size = self.config.page_size
        if window.full:
            yield BeneficiariesStream(self.client, self.instance, size)
        else:
            touched = payments.tracker.touched | recheck.tracker.touched
            yield ChangedBeneficiariesStream(self.client, self.instance, size, touched)

    # -- PayoutHoldCapability -----------------------------------------------------------------

    def hold(self, worker: RecordRef, dedup_key: str, reason: str) -> HoldResult:
        """Withdraw approval of (or cancel) ``worker``'s pending payments; same ``dedup_key``, same result."""
        if worker.source != self.instance:
            raise ValueError(f"{worker} is not a record of source {self.instance!r}")
        key = (dedup_key, worker.remote_id)
        if key not in self._holds:
            self._holds[key] = self._holder.hold(worker, reason)
        return self._holds[key]

    def release(self, worker: RecordRef, vendor_ref: str) -> None:
        """Approve again the payments a hold un-approved (those still pending and unapproved)."""
        if worker.source != self.instance:
            raise ValueError(f"{worker} is not a record of source {self.instance!r}")
        self._holder.release(worker, vendor_ref)
        self._holds = {k: v for k, v in self._holds.items() if k[1] != worker.remote_id}
