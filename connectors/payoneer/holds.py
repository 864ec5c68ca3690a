"""Payout holds for Payoneer: cancel the worker's payouts that are still pending.

Endpoints (v4 program API, from public third-party material; Payoneer's own reference is partner-only):

- ``GET /reports/payee_details?payee_id=`` lists one payee's payouts with their status (the
  ``report_single`` call of github.com/Drengel1990/payoneer_api_client);
- ``GET /payouts/{client_reference_id}/status`` answers ``{"result": {"status": "Pending"|
  "Transferred"|"Cancelled", ...}}`` (github.com/pcriv/go-payoneer ``payouts_test.go``);
- ``POST /payouts/{client_reference_id}/cancel`` (``Payout.cancel`` of the same Ruby client and
  ``shared/reference/connectors.md`` §2.7; the Go client sends PUT) answers ``{"result": {"description":
  "The request was received successfully. The cancel action has not yet been performed."}}``: a
  cancellation is accepted, then carried out asynchronously.

Only pending payouts can be cancelled. A payout already transferred is reported, never "held": the
result names it, and since nothing was stopped at Payoneer its ``vendor_ref`` is empty, so the
payout action closes hiresentry's own gate and names the manual task below.

**No release.** A cancelled payout is gone: Payoneer returns the money to the program balance (the
``Refund`` row of the report) and paying the worker again means submitting a new payout
(``POST /masspayouts``). So the manifest declares ``payout.hold`` but not ``payout.release``.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from hiresentry.connectors.base import ManualHold, ManualLever
from hiresentry.connectors.base.http import HttpClient
from hiresentry.connectors.payoneer import mapping
from hiresentry.connectors.payoneer.streams import segment
from hiresentry.core.capabilities import HoldResult
from hiresentry.core.cases.view import RecordRef
from hiresentry.core.errors import VendorResponseError

log = logging.getLogger(__name__)

VENDOR_REF_LIMIT = 256
"""Length of the payout gate's ``vendor_ref`` column."""

MANUAL_HOLD = ManualHold(
    summary=(
        "Payoneer can cancel a payout only while it is pending. hiresentry cancelled what was pending (if "
        "anything) and closed its payout gate; do the rest in Payoneer before the next payout run."
    ),
    levers=[
        ManualLever(
            action="Leave the payee out of the next payouts",
            how="remove the payee from the next mass-payout batch until the case is cleared",
        ),
        ManualLever(
            action="Cancel payouts submitted after the hold",
            how="Payoneer → Mass Payouts → the payout → Cancel, while its status is still Pending",
            api="POST /v4/programs/{program_id}/payouts/{client_reference_id}/cancel",
        ),
        ManualLever(
            action="Have the payee deactivated in the program (only once the case is confirmed)",
            how="ask the Payoneer account manager to decline or deactivate the payee",
        ),
    ],
)
"""What a person does beside the API hold (``MANIFEST.manual_hold``)."""


class PayoutCanceller:
    """Cancels the pending payouts of one payee of a program; never cancels a payout twice."""

    def __init__(self, client: HttpClient, source: str) -> None:
        self.client = client
        self.source = source

    def payouts_of(self, payee_id: str) -> list[Mapping[str, Any]]:
        """The payee's payouts from ``/reports/payee_details``; a payee Payoneer does not know is an error."""
        body = self.client.get_json("/reports/payee_details", params={"payee_id": payee_id}, allow=(404,))
        if body is None:
            raise VendorResponseError(self.source, f"payee {payee_id} is unknown to this Payoneer program")
        report = mapping.result(body)
        return list(mapping.payouts(report)) if isinstance(report, Mapping) else []

    def status(self, reference: str) -> str | None:
        """The payout's current status, or None if Payoneer does not know it (404)."""
        body = self.client.get_json(f"/payouts/{segment(reference)}/status", allow=(404,))
        found = mapping.result(body)
        return mapping.status_text(found.get("status")) if isinstance(found, Mapping) else None

    def cancel(self, reference: str) -> str | None:
        """Cancel one payout if it is still pending; returns None on success, else why it was not.

        The status is read first so a payout that moved on since the last sync is refused without a
        cancel call; a cancel the vendor refuses (the payout moved on in between) is re-read and
        reported the same way. A refusal while the payout is still pending is an error.
        """
        current = self.status(reference)
        if current is None:
            return "unknown to Payoneer"
        if not mapping.is_pending(current):
            return f"already {current}"
        response = self.client.request("POST", f"/payouts/{segment(reference)}/cancel", allow=(400, 409, 422))
        if response.status_code < 400:
            return None
        now = self.status(reference)
        if now is not None and not mapping.is_pending(now):
            return f"already {now}"
        detail = _error_text(response)
        raise VendorResponseError(
            self.source, f"Payoneer refused to cancel pending payout {reference} ({response.status_code}{detail})"
        )

    def hold(self, worker: RecordRef, reason: str) -> HoldResult:
        """Cancel every pending payout of ``worker``; the result names what was and was not stopped."""
        cancelled: list[str] = []
        refused: list[str] = []
        for payout in self.payouts_of(worker.remote_id):
            reference = mapping.text(payout.get("client_reference_id"))
            status = mapping.status_text(payout.get("status")) or ""
            if reference is None or status.lower() in mapping.SKIPPED_STATUSES:
                continue
            if not mapping.is_pending(status):
                if not status.lower().startswith("cancel"):
                    refused.append(f"{reference} ({status or 'no status'})")
                continue
            why_not = self.cancel(reference)
            if why_not is None:
                cancelled.append(reference)
            else:
                refused.append(f"{reference} ({why_not})")
        log.info("%s: hold for %s cancelled %d payout(s) (%s)", self.source, worker, len(cancelled), reason)
        return HoldResult(vendor_ref=_vendor_ref(cancelled), description=_describe(worker, cancelled, refused))


def _vendor_ref(cancelled: list[str]) -> str:
    """``cancel:ref1,ref2`` within the gate's column; empty when nothing was cancelled."""
    if not cancelled:
        return ""
    kept: list[str] = []
    for reference in cancelled:
        if len("cancel:" + ",".join([*kept, reference])) > VENDOR_REF_LIMIT:
            break
        kept.append(reference)
    return "cancel:" + ",".join(kept)


def _describe(worker: RecordRef, cancelled: list[str], refused: list[str]) -> str:
    parts = []
    if cancelled:
        parts.append(
            f"cancelled {len(cancelled)} pending Payoneer payout(s) of {worker}: {', '.join(cancelled)} "
            "(Payoneer carries cancellations out asynchronously; a cancelled payout cannot be restored)"
        )
    else:
        parts.append(f"nothing to cancel: {worker} has no pending Payoneer payout")
    if refused:
        parts.append(f"not cancellable (no longer pending): {', '.join(refused)}")
    return "; ".join(parts)


def _error_text(response: Any) -> str:
    try:
        body = response.json()
    except ValueError:
        return ""
    if isinstance(body, Mapping):
        message = mapping.text(body.get("error_description")) or mapping.text(body.get("error"))
        return f": {message[:200]}" if message else ""
    return ""
