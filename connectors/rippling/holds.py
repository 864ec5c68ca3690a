"""How to hold a Rippling payout by hand: Rippling's APIs cannot stop one payment to one worker.

The only write on pay in either API is the legacy ``PATCH /payroll_runs/{payrollRunId}`` (``runState``
and ``checkDate``), and only while the run is still ``DRAFT``: it acts on a whole pay run, not on one
worker, so hiresentry does not declare ``payout.hold`` for Rippling. A ``payout.hold`` action closes
hiresentry's payout gate and names this task, whose levers a payroll admin can pull before the run
is approved.
"""

from __future__ import annotations

from hiresentry.connectors.base import ManualHold, ManualLever

MANUAL_HOLD = ManualHold(
    summary=(
        "Rippling cannot stop a single worker's payment through its API. hiresentry's payout gate is closed "
        "for this worker; keep the money in Rippling before the next pay run is approved."
    ),
    levers=[
        ManualLever(
            action="Remove or skip the worker's payment in the DRAFT pay run",
            how="Rippling → Payroll → the upcoming run (still Draft) → the worker → skip this payment",
            api="GET /payroll_runs/{payrollRunId}/employees (find the worker's line; edits happen in the app)",
            scope="employee:payroll",
        ),
        ManualLever(
            action="Keep the pay run in DRAFT until the worker is removed",
            how="Do not approve the run; a run can only be changed while it is Draft",
            api="PATCH /payroll_runs/{payrollRunId} {runState, checkDate} (DRAFT runs only)",
            scope="employee:payroll",
        ),
        ManualLever(
            action="Cancel pending contractor payments",
            how="Rippling → Payroll → Contractor payments: cancel unprocessed payments to the worker",
        ),
        ManualLever(
            action="Terminate the worker (only once the case is confirmed)",
            how="Rippling → People → the worker → Terminate",
        ),
    ],
)
"""The manual payout-hold task of every Rippling source (``MANIFEST.manual_hold``)."""
