"""The Payoneer connector: manifest, connection test, incremental read, and the payout hold.

Payoneer's Mass Payouts API (v4) authenticates an app with the OAuth2 client-credentials grant
(``grant_type=client_credentials`` at ``login.payoneer.com/api/v2/oauth2/token``, client id and
secret in HTTP Basic; github.com/pcriv/go-payoneer ``internal/auth/provider.go``) and puts every
program resource under ``/v4/programs/{program_id}``. The app token is cached in memory until a
minute before ``expires_in`` and fetched again then, or at once when the API answers 401
(:class:`~hiresentry.connectors.base.oauth.ClientCredentialsAuth`). Payoneer publishes no rate
limit; the client paces itself with a modest token bucket and honours ``Retry-After`` on 429.

The connector implements :class:`~hiresentry.core.capabilities.PayoutHoldCapability` by cancelling
the worker's pending payouts (:mod:`hiresentry.connectors.payoneer.holds`). It declares
``payout.hold`` only: a cancelled payout cannot be restored, so :meth:`release` refuses.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from hiresentry.connectors.base import (
    Batch,
    CheckResult,
    Connector,
    HttpClient,
    Manifest,
    RetryPolicy,
    Runtime,
    plan_pass,
    shared_bucket,
)
from hiresentry.connectors.base.oauth import ClientCredentialsAuth, OAuth2Client, TokenEndpoint
from hiresentry.connectors.payoneer.config import PayoneerConfig
from hiresentry.connectors.payoneer.holds import MANUAL_HOLD, PayoutCanceller
from hiresentry.connectors.payoneer.streams import PayeesStream, ReportWindow
from hiresentry.core.capabilities import HoldResult
from hiresentry.core.cases.view import RecordRef
from hiresentry.core.errors import ActionError, ConnectorError

MANIFEST = Manifest(
    name="payoneer",
    title="Payoneer (Mass Payouts)",
    record_kinds=["workers", "payout_accounts", "payments"],
    auth="client-credentials",  # OAuth2 app token kept in memory: `check` needs no token store
    webhook=None,  # IPCN callbacks exist, but no signature scheme is public: nothing to verify against
    capabilities=["payout.hold"],
    manual_hold=MANUAL_HOLD,
)


class PayoneerConnector(Connector[PayoneerConfig]):
    """Reads the payees and payouts of one Payoneer program and cancels pending payouts on a hold."""

    manifest = MANIFEST
    config_model = PayoneerConfig

    def __init__(self, instance: str, config: PayoneerConfig, *, runtime: Runtime | None = None) -> None:
        super().__init__(instance, config, runtime=runtime)
        runtime = self.runtime
        retry = RetryPolicy(
            attempts=config.max_attempts, backoff_max=config.max_retry_wait, retry_after_cap=config.max_retry_wait
        )
        client = OAuth2Client(
            token_url=config.token_url,
            client_id=config.client_id,
            client_secret=config.client_secret,
            scope=config.scope or None,
            client_auth="basic",
        )
        self.token_endpoint = TokenEndpoint(
            instance, client, session=runtime.session, sleep=runtime.sleep, now=runtime.now, retry=retry
        )
        self.client = HttpClient(
            instance,
            config.api_url,
            auth=ClientCredentialsAuth(self.token_endpoint, now=runtime.now),
            connect_timeout=config.connect_timeout,
            read_timeout=config.read_timeout,
            retry=retry,
            budget=shared_bucket(config.rate_limit_scope or f"payoneer:{instance}", config.rate_limit_per_second),
            session=runtime.session,
            sleep=runtime.sleep,
            now=runtime.now,
            jitter=runtime.jitter,
            secrets=[config.client_secret],
        )
        self._canceller = PayoutCanceller(self.client, instance)
        self._holds: dict[tuple[str, str], HoldResult] = {}

    def check(self) -> CheckResult:
        """A token, then a one-day payees report: proves the URLs, the credentials and the program id."""
        today = self.runtime.now().date().isoformat()
        try:
            self.client.get_json(
                "/reports/payees_status", params={"start_date": today, "end_date": today, "page": 1, "page_size": 1}
            )
        except ConnectorError as exc:
            return CheckResult.failure(exc)
        return CheckResult(ok=True, message=f"token issued; program {self.config.program_id} reports are readable")

    def read(self, state: Mapping[str, str]) -> Iterator[Batch]:
        """The payees report from the committed window on; one batch per report page."""
        checkpoint = plan_pass(state, [PayeesStream.name])[PayeesStream.name]
        window = ReportWindow.for_pass(
            checkpoint,
            state.get(PayeesStream.name),
            self.runtime.now().date(),
            self.config.history_start,
            self.config.window_overlap_days,
        )
        stream = PayeesStream(self.client, self.instance, self.config.page_size, window)
        if not checkpoint.done:
            yield from stream.batches(checkpoint)

    # -- PayoutHoldCapability -----------------------------------------------------------------

    def hold(self, worker: RecordRef, dedup_key: str, reason: str) -> HoldResult:
        """Cancel the pending payouts of ``worker``; the same ``dedup_key`` returns the first result."""
        if worker.source != self.instance:
            raise ValueError(f"{worker} is not a record of source {self.instance!r}")
        key = (dedup_key, worker.remote_id)
        if key not in self._holds:
            self._holds[key] = self._canceller.hold(worker, reason)
        return self._holds[key]

    def release(self, worker: RecordRef, vendor_ref: str) -> None:
        """Refused: Payoneer cannot restore a cancelled payout (submit a new payout once cleared)."""
        raise ActionError(
            f"{self.instance}: Payoneer cannot restore cancelled payouts ({vendor_ref or 'none'}) of {worker}; "
            "once the case is cleared, submit new payouts (POST /masspayouts) and open hiresentry's payout gate"
        )
