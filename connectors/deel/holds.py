"""How to hold a Deel payout by hand: Deel has no API that pauses or cancels a payment.

hiresentry therefore does not offer ``payout.hold`` for Deel. A ``payout.hold`` action closes
hiresentry's own payout gate and names this task, so that a person uses the levers Deel does have
before the next pay cycle: declining what would be paid, and, once a case is confirmed, ending the
contract. Endpoints and scopes are from Deel's OpenAPI spec (v1.25.0); each lever is a decision a
human should take (termination cannot be undone), which is why none of them is automated.
"""

from __future__ import annotations

from hiresentry.connectors.base import ManualHold, ManualLever

MANUAL_HOLD = ManualHold(
    summary=(
        "Deel cannot pause a payout through its API. hiresentry's payout gate is closed for this worker; "
        "stop the money in Deel before the next pay cycle."
    ),
    levers=[
        ManualLever(
            action="Decline submitted timesheets",
            how="Deel → Contracts → the worker's contract → Timesheets: decline pending entries with the case id",
            api="POST /timesheets/{id}/reviews {data: {status: declined, reason}}",
            scope="timesheets:write",
        ),
        ManualLever(
            action="Decline pending invoice adjustments",
            how="Deel → Contracts → Adjustments: decline bonuses, expenses and other pending adjustments",
            api="POST /invoice-adjustments/{id}/reviews {status: declined, reason}",
            scope="invoice-adjustments:write",
        ),
        ManualLever(
            action="Decline submitted tasks or milestones",
            how="Deel → Contracts → Tasks: decline submitted work that would be invoiced",
            api="POST /contracts/{contract_id}/tasks/many/reviews {status: declined}",
            scope="contracts:write",
        ),
        ManualLever(
            action="Terminate the contract (only once the case is confirmed)",
            how="Deel → Contracts → End contract; choose immediate termination if payments must stop now",
            api="POST /contracts/{contract_id}/terminations {data: {terminate_now, completion_date, message}}",
            scope="contracts:write",
        ),
    ],
)
"""The manual payout-hold task of every Deel source (``MANIFEST.manual_hold``)."""
