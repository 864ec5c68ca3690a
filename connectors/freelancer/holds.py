"""Holding Freelancer.com payouts: cancel the worker's unreleased milestone payments.

A milestone payment is money the employer has put aside for a freelancer; it reaches the freelancer
only when released. ``PUT /projects/0.1/milestones/{id}/?action=cancel`` (the SDK's
``cancel_milestone_payment``) cancels one that is not released yet, so the money cannot be released
to them. That is ``payout.hold``:

- **Idempotent.** Only milestones in an unreleased state are cancelled; asking again finds none and
  calls nothing. The hold reference (``cancel:<id>,<id>``) names what this hold cancelled.
- **No release.** Freelancer.com has no action that un-cancels a milestone: the API can only create
  a *new* milestone payment, which is a new payment decision for a person, not an undo. So the
  manifest does not declare ``payout.release`` and :func:`release_refused` explains what to do.
- Freelancer.com may refuse to cancel a milestone (for example one under dispute); the vendor's
  message is reported and a person uses :data:`MANUAL_HOLD`.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping
from typing import Any
from urllib.parse import quote

from hiresentry.connectors.base import ManualHold, ManualLever
from hiresentry.connectors.base.http import HttpClient
from hiresentry.connectors.base.paginate import dig
from hiresentry.connectors.freelancer import mapping
from hiresentry.connectors.freelancer.streams import MILESTONES, PROJECT_PROJECTIONS, PROJECTS, milestones_for
from hiresentry.core.capabilities import HoldResult
from hiresentry.core.cases.view import RecordRef
from hiresentry.core.errors import ActionError, VendorResponseError

log = logging.getLogger(__name__)

REF_PREFIX = "cancel:"

MANUAL_HOLD = ManualHold(
    summary=(
        "Freelancer.com pays through milestone payments. hiresentry cancels the unreleased ones it finds; "
        "make sure no new money reaches the freelancer."
    ),
    levers=[
        ManualLever(
            action="Do not release milestone payments",
            how="Freelancer.com → Manage → the project → Payments: leave created milestones unreleased",
        ),
        ManualLever(
            action="Reject new milestone requests",
            how="Freelancer.com → the project → Payments → Milestone requests: reject",
            api="PUT /projects/0.1/milestone_requests/{id}/?action=reject",
        ),
        ManualLever(
            action="Cancel a milestone Freelancer.com refused to cancel through the API",
            how="Freelancer.com → the project → Payments → the milestone → Cancel (or open a dispute)",
            api="PUT /projects/0.1/milestones/{id}/?action=cancel",
        ),
    ],
)
"""Levers beside the automated cancel (``MANIFEST.manual_hold``)."""


def release_refused(worker: RecordRef, vendor_ref: str) -> ActionError:
    """Why a Freelancer.com hold cannot be released by API, and what a person does instead."""
    cancelled = vendor_ref.removeprefix(REF_PREFIX) or "none"
    return ActionError(
        f"Freelancer.com cannot un-cancel milestone payments (hold {vendor_ref!r} of {worker}): "
        f"if the case is cleared, create new milestone payments for the cancelled ones ({cancelled}) "
        "in Freelancer.com by hand"
    )


class MilestoneHolds:
    """Find and cancel one freelancer's unreleased milestones on the employer's projects."""

    def __init__(self, client: HttpClient, source: str, page_size: int = 50) -> None:
        self.client = client
        self.source = source
        self.page_size = page_size

    def projects_with(self, employer_id: int, worker_id: str) -> list[str]:
        """Ids of the employer's projects the worker has a selected bid on (all projects without bid data)."""
        every: list[str] = []
        theirs: list[str] = []
        bid_data = False
        for project, bids in self._projects(employer_id):
            every.append(project)
            bid_data |= bids is not None
            if bids and any(str(b.get("bidder_id")) == worker_id for b in bids):
                theirs.append(project)
        return theirs if bid_data else every

    def _projects(self, employer_id: int) -> Iterator[tuple[str, list[Mapping[str, Any]] | None]]:
        offset = 0
        while True:
            params = {"owners[]": [employer_id], "limit": self.page_size, "offset": offset, **PROJECT_PROJECTIONS}
            result = mapping.obj(dig(self.client.get_json(PROJECTS, params=params), ("result",)))
            projects = [p for p in result.get("projects") or [] if isinstance(p, Mapping) and p.get("id")]
            bids = mapping.selected_bids(result, projects)
            has_bids = "selected_bids" in result or any("selected_bids" in p for p in projects)
            for project in projects:
                yield str(project["id"]), bids.get(str(project["id"]), []) if has_bids else None
            offset += len(projects)
            total = result.get("total_count")
            if len(projects) < self.page_size or (isinstance(total, int) and offset >= total):
                return

    def hold(self, employer_id: int, worker: RecordRef, dedup_key: str) -> HoldResult:
        """Cancel every unreleased milestone of ``worker``; nothing to cancel → an empty reference."""
        projects = self.projects_with(employer_id, worker.remote_id)
        milestones = milestones_for(self.client, projects, self.page_size)
        theirs = [m for m in milestones if str(m.get("bidder_id")) == worker.remote_id]
        cancelled: list[str] = []
        for milestone in theirs:
            status = (mapping.text(milestone.get("status")) or "").lower()
            if status not in mapping.UNRELEASED:
                continue
            transaction = str(milestone["transaction_id"])
            path = f"{MILESTONES}{quote(transaction, safe='')}/"
            body = self.client.request_json("PUT", path, params={"action": "cancel"}).body
            if not (isinstance(body, Mapping) and body.get("status") == "success"):
                raise VendorResponseError(self.source, f"cancel of milestone {transaction} did not succeed")
            cancelled.append(transaction)
        log.info("%s: hold %s cancelled %d milestone(s) of %s", self.source, dedup_key, len(cancelled), worker)
        released = sum(1 for m in theirs if (mapping.text(m.get("status")) or "").lower() in mapping.RELEASED)
        if cancelled:
            text = f"cancelled unreleased Freelancer.com milestone payment(s) {', '.join(cancelled)}"
        else:
            text = "no unreleased Freelancer.com milestone payment to cancel"
        if released:
            text += f"; {released} milestone(s) were already released and cannot be held"
        return HoldResult(REF_PREFIX + ",".join(cancelled) if cancelled else "", text)
