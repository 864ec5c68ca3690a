"""Holding a Gusto payout: cancel the contractor's payments while Gusto still allows it.

Gusto Embedded cancels a contractor payment with ``DELETE
/v1/companies/{company}/contractor_payments/{uuid}`` (scope ``payrolls:run``) only while the
payment's ``may_cancel`` is true, i.e. before it starts processing. A hold therefore:

1. lists the contractor's payments dated from ``hold_lookback_days`` ago to ``hold_ahead_days``
   ahead (``contractor_uuid`` filter);
2. takes the *pending* ones: those Gusto says may be cancelled, and those dated today or later;
3. re-reads each one just before acting (``may_cancel`` can turn false between the list and the
   cancel: the payment started processing) and cancels it only if it still may be cancelled;
4. reports what it did. A payment that is gone (404) was already cancelled: a re-run is a no-op.

**What the result means.** When every pending payment was cancelled, ``vendor_ref`` is
``cancelled:<uuid>,…``; when nothing was pending it is ``nothing-pending`` (the case is still held
by hiresentry's payout gate, which payroll consults before creating the next payment). When a
pending payment can no longer be cancelled (``may_cancel`` false: it is processing), the hold
*refuses*: it raises :class:`~hiresentry.core.errors.VendorResponseError` naming the payments, so
the hold stays visibly pending with that error, the gate stays closed and the human task below
applies. Cancelled payments are logged either way.

**No release.** A cancelled payment is deleted in Gusto; nothing can "un-cancel" it. The connector
does not declare ``payout.release``. Its ``release()`` (which the capability protocol requires)
restores nothing and only logs: releasing a hold opens hiresentry's gate, and payroll creates a new
payment if the case is cleared.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from hiresentry.connectors.base import ManualHold, ManualLever
from hiresentry.connectors.base.http import HttpClient
from hiresentry.connectors.gusto import mapping
from hiresentry.connectors.gusto.streams import ContractorPaymentsStream, segment
from hiresentry.core.capabilities import HoldResult
from hiresentry.core.cases.view import RecordRef
from hiresentry.core.errors import VendorResponseError

log = logging.getLogger(__name__)

NOTHING_PENDING = "nothing-pending"
"""The ``vendor_ref`` of a hold that found no pending payment to cancel."""

MANUAL_HOLD = ManualHold(
    summary=(
        "Gusto could not cancel every pending payment to this contractor. hiresentry's payout gate is closed; "
        "make sure no new or processing payment reaches the contractor."
    ),
    levers=[
        ManualLever(
            action="Do not create or fund contractor payments while the gate is closed",
            how="Gusto → Pay → Pay contractors: check hiresentry's payout gate before paying this contractor",
            api="POST /v1/companies/{company_id}/contractor_payments (do not call)",
            scope="payrolls:run",
        ),
        ManualLever(
            action="Cancel payments that became cancellable again or were created since",
            how="Gusto → Pay → Contractor payments: cancel unprocessed payments to the contractor",
            api="DELETE /v1/companies/{company_id}/contractor_payments/{contractor_payment_id} (while may_cancel)",
            scope="payrolls:run",
        ),
        ManualLever(
            action="Pay by check instead of direct deposit until the case is reviewed",
            how="Gusto → People → the contractor → Payment method: switch to Check (keeps money off their account)",
            api="PUT /v1/contractors/{contractor_uuid}/payment_method {version, type: Check}",
            scope="contractor_payment_methods:write",
        ),
        ManualLever(
            action="Ask Gusto about payments already processing (may_cancel false)",
            how="Gusto support: a processing payment cannot be cancelled through the API",
        ),
        ManualLever(
            action="Dismiss the contractor (only once the case is confirmed)",
            how="Gusto → People → the contractor → Dismiss",
        ),
    ],
)
"""The human task a Gusto hold names when the API could not stop everything."""


@dataclass
class HoldOutcome:
    """Payments a hold looked at, by what became of them."""

    cancelled: list[str] = field(default_factory=list)
    not_cancellable: list[str] = field(default_factory=list)
    already_gone: list[str] = field(default_factory=list)

    def result(self, source: str, worker: RecordRef) -> HoldResult:
        """The capability's answer; raises when a pending payment could not be stopped."""
        if self.not_cancellable:
            done = f"cancelled {', '.join(self.cancelled)}; " if self.cancelled else ""
            raise VendorResponseError(
                source,
                f"{done}{len(self.not_cancellable)} pending payment(s) of {worker} cannot be cancelled "
                f"(may_cancel is false: already processing): {', '.join(self.not_cancellable)}; "
                "hiresentry's payout gate stays closed, see the Gusto hold task",
            )
        if self.cancelled:
            text = f"cancelled {len(self.cancelled)} pending Gusto contractor payment(s) of {worker}"
            return HoldResult(f"cancelled:{','.join(self.cancelled)}", text + "; hiresentry's payout gate holds")
        return HoldResult(
            NOTHING_PENDING,
            f"nothing was pending: no cancellable Gusto payment to {worker}; hiresentry's payout gate holds",
        )


class PaymentCanceller:
    """Cancels a contractor's pending payments (``may_cancel`` re-checked right before each cancel)."""

    def __init__(
        self,
        client: HttpClient,
        source: str,
        company: str,
        window: Callable[[], tuple[dt.date, dt.date]],
        today: Callable[[], dt.date],
    ) -> None:
        self.client = client
        self.source = source
        self.company = company
        self.window = window
        self.today = today

    def _path(self, uuid: str) -> str:
        return f"/v1/companies/{segment(self.company)}/contractor_payments/{segment(uuid)}"

    def pending(self, contractor: str) -> list[Mapping[str, Any]]:
        """The contractor's payments that are, or may still be, on their way."""
        stream = ContractorPaymentsStream(
            self.client, self.source, 100, self.company, self.window(), contractor=contractor
        )
        today = self.today()
        found: dict[str, Mapping[str, Any]] = {}
        # The stream's batches are mapped records; the hold needs the raw items, so walk its pages here.
        position: str | None = None
        while True:
            request = stream.paginator.request(stream.path, position, stream.page_size, stream.params())
            response = stream.fetch(request)
            items = stream.items(response.body)
            for item in items:
                if not isinstance(item, Mapping) or mapping.text(item.get("contractor_uuid")) != contractor:
                    continue
                uuid = mapping.text(item.get("uuid"))
                try:
                    dated = mapping.day(item.get("date"))
                except ValueError:  # an unreadable date: only may_cancel decides
                    dated = None
                if uuid and (item.get("may_cancel") is True or (dated is not None and dated >= today)):
                    found[uuid] = item
            position = stream.paginator.next_position(position, stream.page_size, response.body, items)
            if position is None:
                return list(found.values())

    def hold(self, worker: RecordRef) -> HoldOutcome:
        """Cancel every pending payment of ``worker`` (a Gusto contractor uuid) that may still be cancelled."""
        outcome = HoldOutcome()
        for item in self.pending(worker.remote_id):
            uuid = str(item["uuid"])
            fresh = self.client.get_json(self._path(uuid), allow=(404,))
            if not isinstance(fresh, Mapping):
                outcome.already_gone.append(uuid)
                continue
            if fresh.get("may_cancel") is not True:
                log.warning(
                    "%s: payment %s of %s is processing (may_cancel false); not cancelled", self.source, uuid, worker
                )
                outcome.not_cancellable.append(uuid)
                continue
            response = self.client.request("DELETE", self._path(uuid), allow=(404, 422))
            if response.status_code == 404:
                outcome.already_gone.append(uuid)
            elif response.status_code == 422:  # started processing between our read and the cancel
                outcome.not_cancellable.append(uuid)
            else:
                log.info("%s: cancelled contractor payment %s of %s", self.source, uuid, worker)
                outcome.cancelled.append(uuid)
        return outcome
