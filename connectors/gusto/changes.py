"""What changed in Gusto, from its events: the incremental read and the webhook handler share this.

Gusto objects carry no update time and its lists no "changed since" filter, but Gusto keeps an
event for every change for 30 days (``GET /v1/events``, a cursor ``starting_after_uuid``, system
access token) and pushes the same events as webhooks. An event names an entity, not its content:
``{uuid, event_type, resource_type: "Company", resource_uuid, entity_type, entity_uuid, timestamp}``.
So a change is read back by fetching what the event names:

==================================  ===========================================================
event_type                          fetched
==================================  ===========================================================
``contractor.bank_account.*``,      the company's payment details (one call: the event names the
``contractor.payment_method.*``     bank account, not its contractor)
``contractor.*`` (others)           ``GET /v1/contractors/{uuid}`` and that contractor's payment details
``contractor_payment.*``            ``GET /v1/companies/{company}/contractor_payments/{uuid}``
``contractor_payment_group.*``      the contractor payments of the configured date window
others (employees, payrolls, …)     nothing
==================================  ===========================================================

An entity that answers 404 is gone (a destroyed contractor, a cancelled payment); nothing is
written for it, since a canonical record needs the content Gusto no longer returns.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from hiresentry.connectors.base import Checkpoint, RecordProblem
from hiresentry.connectors.base.http import HttpClient
from hiresentry.connectors.base.paginate import MAPPING_ERRORS, problem_reason
from hiresentry.connectors.gusto import mapping
from hiresentry.connectors.gusto.streams import ContractorPaymentsStream, PaymentDetailsStream, segment
from hiresentry.core.errors import VendorResponseError
from hiresentry.core.model import Record

EVENTS_PATH = "/v1/events"


@dataclass
class Changes:
    """Records read back for a set of events, and the entities that could not be mapped."""

    records: dict[tuple[str, str], Record] = field(default_factory=dict)
    problems: list[RecordProblem] = field(default_factory=list)

    def add(self, records: Sequence[Record]) -> None:
        """Keep the last copy of each record."""
        for record in records:
            self.records[(record.kind, record.remote_id)] = record


@dataclass(frozen=True)
class Plan:
    """Which entities a set of events asks to read back."""

    contractors: tuple[str, ...] = ()
    payments: tuple[str, ...] = ()
    all_details: bool = False
    all_payments: bool = False

    @property
    def empty(self) -> bool:
        """True when none of the events concerns contractors or their payments."""
        return not (self.contractors or self.payments or self.all_details or self.all_payments)


def plan(events: Sequence[Any], company: str) -> Plan:
    """What to fetch for ``events`` of ``company`` (events of other companies are ignored)."""
    contractors: dict[str, None] = {}
    payments: dict[str, None] = {}
    all_details = all_payments = False
    for event in events:
        if not isinstance(event, Mapping):
            continue
        owner = mapping.text(event.get("resource_uuid"))
        kind = mapping.text(event.get("event_type")) or ""
        entity = mapping.text(event.get("entity_uuid"))
        if owner not in (None, company):
            continue
        if kind.startswith(("contractor.bank_account.", "contractor.payment_method.")):
            all_details = True
        elif kind.startswith("contractor_payment_group."):
            all_payments = True
        elif kind.startswith("contractor_payment.") and entity:
            payments[entity] = None
        elif kind.startswith("contractor.") and entity:
            contractors[entity] = None
    return Plan(tuple(contractors), tuple(payments), all_details, all_payments)


class ChangeReader:
    """Reads Gusto's event feed of one company and fetches what the events name."""

    def __init__(
        self,
        client: HttpClient,
        events_client: HttpClient,
        source: str,
        company: str,
        page_size: int,
        payments_window: Callable[[], tuple[dt.date, dt.date]],
    ) -> None:
        self.client = client
        self.events_client = events_client
        self.source = source
        self.company = company
        self.page_size = min(page_size, 100)
        self.payments_window = payments_window
        self.cursor_expired = False

    # -- the event feed ---------------------------------------------------------------------------

    def _events(self, params: Mapping[str, Any], *, cursor: bool = False) -> list[Any] | None:
        """One page of events; None when Gusto refuses the stored cursor (``cursor``: it may)."""
        query = {"resource_uuid": self.company, **params}
        allow = (404, 422) if cursor else ()
        response = self.events_client.request_json("GET", EVENTS_PATH, params=query, allow=allow)
        if response.status in allow:
            return None
        body = response.body
        if not isinstance(body, list):
            raise VendorResponseError(self.source, f"GET {EVENTS_PATH}: the body is not a list of events")
        return body

    def head(self) -> str | None:
        """The newest event of the company now (None if there is none): where the next read starts."""
        newest = self._events({"sort_order": "desc", "limit": "1"}) or []
        return mapping.text(newest[0].get("uuid")) if newest and isinstance(newest[0], Mapping) else None

    def pages(self, after: str | None) -> Iterator[tuple[list[Any], str | None]]:
        """Event pages after ``after`` (oldest first), each with the cursor that follows it.

        If Gusto refuses ``after`` (it keeps events for 30 days), nothing is yielded and
        :attr:`cursor_expired` is set: the caller must read everything instead.
        """
        self.cursor_expired = False
        first = True
        while True:
            params = {"sort_order": "asc", "limit": str(self.page_size)}
            if after:
                params["starting_after_uuid"] = after
            # Only the stored cursor can be unknown to Gusto; later ones come from this very walk.
            events = self._events(params, cursor=first and after is not None)
            if events is None:
                self.cursor_expired = True
                return
            first = False
            last = next(
                (mapping.text(e.get("uuid")) for e in reversed(events) if isinstance(e, Mapping) and e.get("uuid")),
                None,
            )
            following = last or after
            yield events, following
            if len(events) < self.page_size or following == after:
                return
            after = following

    # -- reading back what changed ------------------------------------------------------------------

    def read_back(self, events: Sequence[Any]) -> Changes:
        """The current records of everything ``events`` name."""
        wanted = plan(events, self.company)
        changes = Changes()
        for uuid in wanted.contractors:
            self._contractor(uuid, changes, details=not wanted.all_details)
        for uuid in wanted.payments:
            self._payment(uuid, changes)
        if wanted.all_details:
            self._stream(PaymentDetailsStream(self.client, self.source, self.page_size, self.company), changes)
        if wanted.all_payments:
            window = self.payments_window()
            self._stream(
                ContractorPaymentsStream(self.client, self.source, self.page_size, self.company, window), changes
            )
        return changes

    def _contractor(self, uuid: str, changes: Changes, *, details: bool) -> None:
        path = f"/v1/contractors/{segment(uuid)}"
        body = self.client.get_json(path, params={"include": "company_name"}, allow=(404,))
        if isinstance(body, Mapping):
            try:
                changes.add([mapping.worker(self.source, body), mapping.engagement(self.source, body)])
            except MAPPING_ERRORS as exc:
                changes.problems.append(RecordProblem(f"{self.source}:{path}", problem_reason(exc)))
        if details:
            stream = PaymentDetailsStream(self.client, self.source, self.page_size, self.company, contractor=uuid)
            self._stream(stream, changes)

    def _payment(self, uuid: str, changes: Changes) -> None:
        path = f"/v1/companies/{segment(self.company)}/contractor_payments/{segment(uuid)}"
        body = self.client.get_json(path, allow=(404,))
        if isinstance(body, Mapping):
            try:
                changes.add([mapping.payment(self.source, body)])
            except MAPPING_ERRORS as exc:
                changes.problems.append(RecordProblem(f"{self.source}:{path}", problem_reason(exc)))

    @staticmethod
    def _stream(stream: PaymentDetailsStream | ContractorPaymentsStream, changes: Changes) -> None:
        for batch in stream.batches(Checkpoint()):
            changes.add(batch.records)
            changes.problems.extend(batch.problems)
