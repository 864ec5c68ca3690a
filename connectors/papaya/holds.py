"""Payout holds for Papaya Global: withdraw approval of (or cancel) a worker's pending payments.

Papaya executes a payment instruction once it is approved and its execution date comes; until it
is executed it stays ``PENDING`` (docs.papayaglobal.com: Payment Status). Endpoints from the same
reference:

- ``GET /payments/payments?filters.status=…`` pages the open payments; the beneficiary is
  ``target.id`` (filtered here: the ``target`` query parameter is described only as "target method");
- ``DELETE /payments/payments/approve?id=`` ("UnApprove Payment Instructions") withdraws approval;
  ``PATCH`` on the same path approves again, which is how :meth:`PaymentHolder.release` undoes it;
- ``POST /payments/payments/cancel {id, cancel_reason}`` cancels for good (CANCELLED is final,
  possible "only when the payout is in a PENDING state"): used only with ``hold_action: cancel``.

Only ``PENDING`` payments are held. ``PROCESSING``/``PROCESSED``/``PARTIAL`` ones are already with the
bank and are reported as not stoppable. A pending payment that is not approved is left alone: it
cannot execute, and releasing must not approve what the client never approved; so the hold's
``vendor_ref`` lists only the payments this hold un-approved (``unapprove:id1,id2``).

**Group lock is not used.** ``PATCH /payments/groups/{id}/lock`` "blocks any additional payments
from being included" in a payment group (a pay cycle shared by every beneficiary in it): it stops
no existing payment and would freeze everyone else's cycle. It is a lever for a person (see
:data:`MANUAL_HOLD`), not a per-worker hold.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping
from typing import Any, Literal
from urllib.parse import quote

import requests

from hiresentry.connectors.base import ManualHold, ManualLever
from hiresentry.connectors.base.http import HttpClient
from hiresentry.connectors.papaya import mapping
from hiresentry.core.capabilities import HoldResult
from hiresentry.core.cases.view import RecordRef
from hiresentry.core.errors import ActionError, VendorResponseError

log = logging.getLogger(__name__)

HoldAction = Literal["unapprove", "cancel"]
VENDOR_REF_LIMIT = 256
"""Length of the payout gate's ``vendor_ref`` column."""
_REFUSED = (400, 404, 409, 422)

MANUAL_HOLD = ManualHold(
    summary=(
        "Papaya can stop a payment only while it is PENDING. hiresentry withdrew approval of what was pending "
        "(if anything) and closed its payout gate; do the rest in Papaya before the next execution date."
    ),
    levers=[
        ManualLever(
            action="Do not approve the worker's payments",
            how="Papaya → Payments → leave the worker's new payment instructions unapproved until the case is cleared",
            api="DELETE /payments/payments/approve?id={payment_id}",
        ),
        ManualLever(
            action="Lock the pay cycle's payment group if nothing else may be added to it",
            how="Papaya → Payment groups → Lock (blocks new payments in the group for every beneficiary in it)",
            api="PATCH /payments/groups/{id}/lock",
        ),
        ManualLever(
            action="Cancel the pending payment (only once the case is confirmed)",
            how="Papaya → Payments → the payment → Cancel; a cancelled payment cannot be restored",
            api="POST /payments/payments/cancel {id, cancel_reason}",
        ),
    ],
)
"""What a person does beside the API hold (``MANIFEST.manual_hold``)."""


def _approve_path(payment_id: str) -> tuple[str, dict[str, str]]:
    return "/payments/payments/approve", {"id": payment_id}


class PaymentHolder:
    """Holds and releases the pending payments of one beneficiary; never acts on a payment twice."""

    def __init__(self, client: HttpClient, source: str, page_size: int, action: HoldAction) -> None:
        self.client = client
        self.source = source
        self.page_size = page_size
        self.action = action

    def open_payments(self, beneficiary: str) -> Iterator[Mapping[str, Any]]:
        """The beneficiary's payments in a non-final status, page by page."""
        skip = 0
        while True:
            params = {"filters.status": list(mapping.OPEN_STATUSES), "skip": skip, "take": self.page_size}
            body = self.client.get_json("/payments/payments", params=params)
            items = body.get("items") if isinstance(body, Mapping) else None
            if not isinstance(items, list):
                raise VendorResponseError(self.source, "GET /payments/payments: response has no list at 'items'")
            for item in items:
                if (
                    isinstance(item, Mapping)
                    and mapping.first(mapping.section(item, "target"), "id", "beneficiary") == beneficiary
                ):
                    yield item
            if len(items) < self.page_size:
                return
            skip += len(items)

    def payment(self, payment_id: str) -> Mapping[str, Any] | None:
        """One payment as Papaya has it now; None if it is gone (404)."""
        body = self.client.get_json(f"/payments/payments/{quote(payment_id, safe='')}", allow=(404,))
        return body if isinstance(body, Mapping) else None

    def hold(self, worker: RecordRef, reason: str) -> HoldResult:
        """Un-approve (or cancel) every pending, approved payment of ``worker``; report the rest."""
        held: list[str] = []
        unapproved: list[str] = []
        refused: list[str] = []
        for item in self.open_payments(worker.remote_id):
            payment_id = mapping.text(item.get("id"))
            state = mapping.status(item) or "no status"
            if payment_id is None:
                continue
            if state != "PENDING":
                refused.append(f"{payment_id} ({state})")
            elif self.action == "unapprove" and item.get("approved") is False:
                unapproved.append(payment_id)
            else:
                why_not = self._stop(payment_id, reason)
                (held if why_not is None else refused).append(
                    payment_id if why_not is None else f"{payment_id} ({why_not})"
                )
        log.info("%s: hold for %s stopped %d payment(s)", self.source, worker, len(held))
        return HoldResult(_vendor_ref(self.action, held), _describe(worker, self.action, held, unapproved, refused))

    def release(self, worker: RecordRef, vendor_ref: str) -> list[str]:
        """Approve again the payments a hold un-approved, if still pending and unapproved; returns them."""
        if not vendor_ref:
            return []
        action, _, listed = vendor_ref.partition(":")
        if action == "cancel":
            raise ActionError(
                f"{self.source}: Papaya cannot restore cancelled payments ({listed}) of {worker}; "
                "create new payment instructions once the case is cleared"
            )
        if action != "unapprove" or not listed:
            raise ValueError(f"not a Papaya hold reference: {vendor_ref!r}")
        approved: list[str] = []
        for payment_id in listed.split(","):
            current = self.payment(payment_id)
            if current is None or mapping.status(current) != "PENDING" or current.get("approved") is True:
                log.info("%s: release of %s leaves payment %s as it is", self.source, worker, payment_id)
                continue
            path, params = _approve_path(payment_id)
            self.client.request("PATCH", path, params=params)
            approved.append(payment_id)
        return approved

    def _stop(self, payment_id: str, reason: str) -> str | None:
        """Un-approve or cancel one pending payment; None on success, else why it was not (it moved on)."""
        if self.action == "unapprove":
            path, params = _approve_path(payment_id)
            response = self.client.request("DELETE", path, params=params, allow=_REFUSED)
        else:
            body = {"id": payment_id, "cancel_reason": reason[:250]}
            response = self.client.request("POST", "/payments/payments/cancel", json=body, allow=_REFUSED)
        if response.status_code < 400:
            return None
        current = self.payment(payment_id)
        state = mapping.status(current) if current is not None else "gone"
        if state != "PENDING":
            return f"already {state}"
        raise VendorResponseError(
            self.source,
            f"Papaya refused to {self.action} pending payment {payment_id} ({response.status_code}{_detail(response)})",
        )


def _vendor_ref(action: HoldAction, held: list[str]) -> str:
    """``unapprove:id1,id2`` (or ``cancel:…``) within the gate's column; empty when nothing was stopped."""
    if not held:
        return ""
    kept: list[str] = []
    for payment_id in held:
        if len(f"{action}:" + ",".join([*kept, payment_id])) > VENDOR_REF_LIMIT:
            log.warning("%d held payment(s) do not fit the hold reference; release them by hand", len(held) - len(kept))
            break
        kept.append(payment_id)
    return f"{action}:" + ",".join(kept)


def _describe(worker: RecordRef, action: HoldAction, held: list[str], unapproved: list[str], refused: list[str]) -> str:
    done = "withdrew approval of" if action == "unapprove" else "cancelled"
    parts = [
        f"{done} {len(held)} pending Papaya payment(s) of {worker}: {', '.join(held)}"
        if held
        else f"nothing to stop: {worker} has no pending, approved Papaya payment"
    ]
    if unapproved:
        parts.append(f"pending but not approved (cannot execute; left as is): {', '.join(unapproved)}")
    if refused:
        parts.append(f"not stoppable (no longer pending): {', '.join(refused)}")
    if held and action == "unapprove":
        parts.append("releasing the hold approves them again")
    return "; ".join(parts)


def _detail(response: requests.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return ""
    if isinstance(body, Mapping):
        message = mapping.first(body, "description", "error")
        return f": {message[:200]}" if message else ""
    return ""
