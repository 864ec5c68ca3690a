"""The Freelancer.com connector: manifest, connection test, incremental read, milestone-cancel hold.

The API (``https://www.freelancer.com/api/{users,projects}/0.1/…``) takes the employer's OAuth2
access token in the ``Freelancer-OAuth-V1`` header and answers ``{status, result}`` (errors:
``{status: "error", message, error_code, request_id}``, whose ``message`` the HTTP client quotes).
Pagination is ``limit``/``offset``. Freelancer.com documents no rate limit and no webhooks; the
client stays below a modest budget and retries 429/5xx with backoff, honouring ``Retry-After``
(``shared/reference/connectors.md`` §1.2; endpoints and parameters from the official SDK
``freelancer/freelancer-sdk-python``).

The connector implements :class:`~hiresentry.core.capabilities.PayoutHoldCapability`: ``hold``
cancels the worker's unreleased milestone payments; ``release`` cannot be done through the API and
raises :class:`~hiresentry.core.errors.ActionError` naming what a person must do instead
(:mod:`hiresentry.connectors.freelancer.holds`). The manifest therefore declares ``payout.hold``
only.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from hiresentry.connectors.base import (
    Batch,
    CheckResult,
    Connector,
    HeaderAuth,
    HttpClient,
    Manifest,
    RetryPolicy,
    Runtime,
    shared_bucket,
)
from hiresentry.connectors.base.incremental import plan_incremental
from hiresentry.connectors.base.paginate import dig
from hiresentry.connectors.freelancer.config import FreelancerConfig
from hiresentry.connectors.freelancer.holds import MANUAL_HOLD, MilestoneHolds, release_refused
from hiresentry.connectors.freelancer.streams import SELF, ProjectsStream
from hiresentry.core.capabilities import HoldResult
from hiresentry.core.cases.view import RecordRef
from hiresentry.core.errors import ConnectorError, VendorResponseError

MANIFEST = Manifest(
    name="freelancer",
    title="Freelancer.com (employer account)",
    record_kinds=["workers", "engagements", "payments"],
    auth="token (Freelancer-OAuth-V1)",
    webhook=None,  # Freelancer.com offers no webhooks: poll
    capabilities=["payout.hold"],  # a cancelled milestone cannot be un-cancelled: no payout.release
    manual_hold=MANUAL_HOLD,
)


class FreelancerConnector(Connector[FreelancerConfig]):
    """Reads the projects, awarded freelancers and milestone payments of one Freelancer.com employer."""

    manifest = MANIFEST
    config_model = FreelancerConfig

    def __init__(self, instance: str, config: FreelancerConfig, *, runtime: Runtime | None = None) -> None:
        super().__init__(instance, config, runtime=runtime)
        runtime = self.runtime
        self.client = HttpClient(
            instance,
            config.base_url,
            auth=HeaderAuth("Freelancer-OAuth-V1", config.token),
            connect_timeout=config.connect_timeout,
            read_timeout=config.read_timeout,
            retry=RetryPolicy(
                attempts=config.max_attempts,
                backoff_max=config.max_retry_wait,
                retry_after_cap=config.max_retry_wait,
            ),
            budget=shared_bucket(config.rate_limit_scope or f"freelancer:{instance}", config.rate_limit_per_second),
            session=runtime.session,
            sleep=runtime.sleep,
            now=runtime.now,
            jitter=runtime.jitter,
            secrets=[config.token],
        )
        self.holds = MilestoneHolds(self.client, instance, config.page_size)
        self._employer_id = config.employer_id

    def employer_id(self) -> int:
        """The employer account's user id (config, else ``/users/0.1/self``)."""
        if self._employer_id is None:
            self._employer_id = self._self_id()
        return self._employer_id

    def _self_id(self) -> int:
        found = dig(self.client.get_json(SELF), ("result", "id"))
        if isinstance(found, bool) or not isinstance(found, int | str) or not str(found).isdigit():
            raise VendorResponseError(self.instance, f"GET {SELF}: the answer has no numeric result.id")
        return int(found)

    def check(self) -> CheckResult:
        """``GET /users/0.1/self/``: the cheapest call that proves URL, token and header scheme."""
        try:
            user_id = self._self_id()
        except ConnectorError as exc:
            return CheckResult.failure(exc)
        if self.config.employer_id is not None and user_id != self.config.employer_id:
            message = f"the token belongs to user {user_id}, not the configured employer {self.config.employer_id}"
            return CheckResult(ok=False, code="forbidden_scope", message=message)
        return CheckResult(ok=True, message=f"authenticated as user {user_id}")

    def streams(self) -> list[ProjectsStream]:
        """The one stream (projects with their milestones and freelancers)."""
        config = self.config
        return [ProjectsStream(self.client, self.instance, config.page_size, self.employer_id(), config.lookback_hours)]

    def read(self, state: Mapping[str, str]) -> Iterator[Batch]:
        """The projects stream from its committed watermark; one batch per page."""
        streams = self.streams()
        plan = plan_incremental(state, [s.name for s in streams])
        for stream in streams:
            watermark = plan[stream.name]
            if not watermark.done:
                yield from stream.batches_from(watermark)

    # -- PayoutHoldCapability ----------------------------------------------------------------------

    def hold(self, worker: RecordRef, dedup_key: str, reason: str) -> HoldResult:
        """Cancel the worker's unreleased milestone payments (``reason`` stays in hiresentry)."""
        return self.holds.hold(self.employer_id(), worker, dedup_key)

    def release(self, worker: RecordRef, vendor_ref: str) -> None:
        """Always refused: Freelancer.com cannot un-cancel a milestone (see :func:`release_refused`)."""
        raise release_refused(worker, vendor_ref)
