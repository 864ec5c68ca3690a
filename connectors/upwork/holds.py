"""Holding Upwork payouts: pause the worker's active contracts, restart them on release.

Upwork's ``pauseContract(contractId, message)`` stops a contract: the freelancer can no longer log
time or be paid through it until ``restartContract``. Both need the ``pub-contract:write:all``
scope. A hold pauses every *active* contract of the worker in the client organization:

- **Idempotent.** A contract that is already paused is left alone, so asking again for the same
  case calls no mutation. The hold reference (``pause:<id>,<id>``) names only the contracts *this*
  hold paused; release restarts exactly those and never a contract someone paused for another
  reason. (If a hold's result was lost and it is asked again, the contracts it paused the first
  time look "already paused" and a person restarts them after release: the safe direction.)
- **No tip-off.** Upwork shows the pause message to the freelancer, so it is the neutral
  ``pause_message`` of the config, never the case or its evidence.
- **What pausing does not stop.** Hours already logged in the current billing week and fixed-price
  milestones the client approves are still paid; :data:`MANUAL_HOLD` names the levers for those.
  Whether a pause also stops billing of logged time is not documented (connectors.md §1.1).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping
from typing import Any

from hiresentry.connectors.base import ManualHold, ManualLever
from hiresentry.connectors.base.paginate import dig
from hiresentry.connectors.upwork import mapping, queries
from hiresentry.connectors.upwork.graphql import UpworkGraphQL
from hiresentry.core.capabilities import HoldResult
from hiresentry.core.cases.view import RecordRef
from hiresentry.core.errors import InputError, VendorResponseError

log = logging.getLogger(__name__)

REF_PREFIX = "pause:"
ACTIVE = "active"
PAUSED = "paused"

MANUAL_HOLD = ManualHold(
    summary=(
        "Pausing the Upwork contract stops new time and new payments through it; money already in "
        "the billing cycle or in escrow still needs a person."
    ),
    levers=[
        ManualLever(
            action="Dispute logged hours still in review",
            how="Upwork → Reports → Timesheet: dispute the current week's hours before the review period ends",
        ),
        ManualLever(
            action="Do not approve submitted milestones",
            how="Upwork → Contracts → the contract → Milestones: request changes instead of approving",
            api="rejectSubmittedMilestone(input: {id, noteToContractor})",
            scope="pub-contract:write:all",
        ),
        ManualLever(
            action="End the contract (only once the case is confirmed)",
            how="Upwork → Contracts → End contract",
            api="endContractByClient(contractId, input: {reasonRef})",
            scope="pub-contract:write:all",
        ),
    ],
)
"""Levers beside the automated pause (``MANIFEST.manual_hold``)."""


def _status(contract: Mapping[str, Any]) -> str:
    return (mapping.text(contract.get("status")) or "").lower()


class ContractHolds:
    """Pause and restart the contracts of one freelancer through Upwork's GraphQL API."""

    def __init__(self, gql: UpworkGraphQL, pause_message: str, restart_message: str, page_size: int = 50) -> None:
        self.gql = gql
        self.pause_message = pause_message
        self.restart_message = restart_message
        self.page_size = page_size

    def contracts_of(self, worker_id: str) -> Iterator[Mapping[str, Any]]:
        """Every contract of ``worker_id`` in the client organization (all Relay pages)."""
        after: str | None = None
        while True:
            pagination: dict[str, Any] = {"first": self.page_size, **({"after": after} if after else {})}
            variables = {"filter": {"freelancerId_any": [worker_id]}, "pagination": pagination}
            connection = self.gql.run(queries.CLIENT_CONTRACTS, variables, "organization")
            offers = dig(connection, ("clientOffers",))
            if not isinstance(offers, Mapping):
                raise VendorResponseError(self.gql.source, "organization.clientOffers: no connection in the answer")
            for edge in offers.get("edges") or []:
                contract = dig(edge, ("node", "contractDetails"))
                if isinstance(contract, Mapping) and mapping.freelancer_id(contract) == worker_id:
                    yield contract
            info = mapping.obj(offers.get("pageInfo"))
            cursor = mapping.text(info.get("endCursor"))
            if info.get("hasNextPage") is not True or not cursor or cursor == after:
                return
            after = cursor

    def _act(self, document: str, field: str, contract_id: str, message: str) -> None:
        result = self.gql.run(document, {"contractId": contract_id, "message": message}, field)
        if not (isinstance(result, Mapping) and result.get("success") is True):
            raise VendorResponseError(self.gql.source, f"{field} of contract {contract_id} did not succeed")

    def hold(self, worker: RecordRef, dedup_key: str) -> HoldResult:
        """Pause every active contract of ``worker``; contracts already paused are left as they are."""
        paused, already, other = [], [], []
        for contract in self.contracts_of(worker.remote_id):
            contract_id, status = str(contract["id"]), _status(contract)
            if status == ACTIVE:
                self._act(queries.PAUSE_CONTRACT, "pauseContract", contract_id, self.pause_message)
                paused.append(contract_id)
            elif status == PAUSED:
                already.append(contract_id)
            else:
                other.append(contract_id)
        log.info("%s: hold %s paused %d contract(s) of %s", self.gql.source, dedup_key, len(paused), worker)
        parts = [f"paused Upwork contract(s) {', '.join(paused)}" if paused else "paused no Upwork contract"]
        if already:
            parts.append(f"already paused (left as they were, not restarted on release): {', '.join(already)}")
        if other:
            parts.append(f"not active (ended or pending): {', '.join(other)}")
        return HoldResult(REF_PREFIX + ",".join(paused) if paused else "", "; ".join(parts))

    def release(self, worker: RecordRef, vendor_ref: str) -> None:
        """Restart the contracts a hold paused; contracts active again or ended are skipped."""
        ids = parse_ref(vendor_ref)
        for contract_id in ids:
            contract = self.gql.run(queries.CONTRACT_STATUS, {"id": contract_id}, "contractDetails")
            status = _status(contract) if isinstance(contract, Mapping) else "missing"
            if status == PAUSED:
                self._act(queries.RESTART_CONTRACT, "restartContract", contract_id, self.restart_message)
            else:
                log.info("%s: release of %s skips contract %s (%s)", self.gql.source, worker, contract_id, status)


def parse_ref(vendor_ref: str) -> list[str]:
    """The contract ids of a hold reference ``pause:<id>,<id>``."""
    if not vendor_ref.startswith(REF_PREFIX):
        raise InputError(f"not an Upwork hold reference (expected {REF_PREFIX}<contract ids>): {vendor_ref!r}")
    ids = [part.strip() for part in vendor_ref.removeprefix(REF_PREFIX).split(",") if part.strip()]
    if not ids:
        raise InputError(f"the Upwork hold reference names no contract: {vendor_ref!r}")
    return ids
