"""How to hold a Remote payout by hand: Remote has no API that pauses or cancels a payment.

Contractor invoices can end up ``blocked`` or in ``compliance_review``, but Remote sets those
states, not the customer. hiresentry therefore does not offer ``payout.hold`` for Remote: a
``payout.hold`` action closes hiresentry's own payout gate and names this task, whose levers are
the ones Remote does offer (``shared/reference/connectors.md`` §2.2). Ending an engagement cannot
be undone, which is why none of them is automated.
"""

from __future__ import annotations

from hiresentry.connectors.base import ManualHold, ManualLever

MANUAL_HOLD = ManualHold(
    summary=(
        "Remote cannot pause a payout through its API. hiresentry's payout gate is closed for this worker; "
        "stop the money in Remote before the next invoice is approved or paid out."
    ),
    levers=[
        ManualLever(
            action="Do not approve the contractor's open invoices",
            how="Remote → Payments → Contractor invoices: leave issued invoices unapproved and note the case id",
        ),
        ManualLever(
            action="Cancel the onboarding of a worker who has not started",
            how="Remote → People → the employment → Cancel onboarding",
            api="POST /v1/cancel-onboarding/{employment_id}",
            scope="employment.manage",
        ),
        ManualLever(
            action="End a contractor-of-record engagement (only once the case is confirmed)",
            how="Remote → People → the contractor → Terminate",
            api="POST /v1/contractors/employments/{employment_id}/cor-termination-requests",
            scope="employment.manage",
        ),
        ManualLever(
            action="Offboard an employee (only once the case is confirmed)",
            how="Remote → People → the employee → Offboard",
            api="POST /v1/offboardings {employment_id, type: termination, …}",
            scope="employment.manage",
        ),
    ],
)
"""The manual payout-hold task of every Remote source (``MANIFEST.manual_hold``)."""
