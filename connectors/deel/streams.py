"""Deel's streams: which endpoint, which paginator, where the items are, and how they map.

- ``people``: ``GET /people`` (offset/limit). Each person's page also fetches
  ``/people/{id}/personal`` (legal name, birth date, phones, typed addresses) and, if enabled,
  ``/gp/workers/{id}/banks``, so a person's identity and payout accounts commit together with the
  page's checkpoint.
- ``contracts``: ``GET /contracts`` (``after_cursor`` ↔ ``page.cursor``).
- ``invoices``: ``GET /invoices`` (offset/limit, at most 99 per page) → payments. An invoice names
  only its contract, so the worker is looked up through :class:`ContractIndex`.

``GET /payments`` is not read: in Deel's spec its rows carry no amount and it has no paging
parameters; invoices carry amount, currency, status and dates per contract.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any
from urllib.parse import quote

from hiresentry.connectors.base import BodyCursorPaginator, OffsetPaginator, RecordProblem, RestStream
from hiresentry.connectors.base.http import HttpClient
from hiresentry.connectors.base.paginate import MAPPING_ERRORS, problem_reason
from hiresentry.connectors.deel import mapping
from hiresentry.core.model import Record


def _segment(value: Any) -> str:
    """A vendor id as one path segment: ids come from vendor data and must not add path parts."""
    return quote(str(value), safe="")


class ContractIndex:
    """Contract id → worker id, filled by the contracts stream and completed on demand.

    When a sync resumes after the contracts stream already finished, the index starts empty; the
    invoices stream then asks ``GET /contracts/{id}`` once per unknown contract.
    """

    def __init__(self, client: HttpClient) -> None:
        self.client = client
        self._workers: dict[str, str | None] = {}

    def remember(self, contract_id: str, worker_id: str | None) -> None:
        """Record what a contracts page said about one contract."""
        self._workers[contract_id] = worker_id

    def worker_for(self, contract_id: str) -> str | None:
        """The worker of ``contract_id``, or None if Deel does not know it or it has no worker."""
        if contract_id not in self._workers:
            body = self.client.get_json(f"/contracts/{_segment(contract_id)}", allow=(404,))
            data = body.get("data") if isinstance(body, Mapping) else None
            person = data.get("worker") if isinstance(data, Mapping) else None
            worker_id = mapping.text(person.get("id")) if isinstance(person, Mapping) else None
            self._workers[contract_id] = worker_id
        return self._workers[contract_id]


class PeopleStream(RestStream):
    """``/people`` → workers, with their personal details and bank accounts."""

    name = "people"
    path = "/people"
    paginator = OffsetPaginator(total_path=("page", "total_rows"))
    max_page_size = 200

    def __init__(self, client: HttpClient, source: str, page_size: int, *, fetch_banks: bool = True) -> None:
        super().__init__(client, source, page_size)
        self.fetch_banks = fetch_banks

    def params(self) -> dict[str, Any]:
        # A stable order keeps offset pages from shifting under us while we read them.
        return {"sort_by": "id", "sort_order": "asc"}

    def map_record(self, item: Mapping[str, Any]) -> Iterable[Record | RecordProblem]:
        person_id = mapping.text(item.get("id"))
        if person_id is None:
            raise ValueError("person has no id")
        body = self.client.get_json(f"/people/{_segment(person_id)}/personal", allow=(404,))
        personal = body.get("data") if isinstance(body, Mapping) else None
        yield mapping.worker(self.source, item, personal if isinstance(personal, Mapping) else None)
        if self.fetch_banks:
            yield from self._banks(person_id)

    def _banks(self, person_id: str) -> Iterator[Record | RecordProblem]:
        # Deel keeps bank details for global-payroll workers; for others it has none (404).
        path = f"/gp/workers/{_segment(person_id)}/banks"
        body = self.client.get_json(path, allow=(404,))
        banks = body.get("data") if isinstance(body, Mapping) else None
        for bank in banks if isinstance(banks, list) else []:
            try:
                yield mapping.payout_account(self.source, person_id, bank)
            except MAPPING_ERRORS as exc:
                yield RecordProblem(self.location(bank, path), problem_reason(exc))


class ContractsStream(RestStream):
    """``/contracts`` → engagements; also teaches the :class:`ContractIndex` who works each contract."""

    name = "contracts"
    path = "/contracts"
    paginator = BodyCursorPaginator(cursor_param="after_cursor", cursor_path=("page", "cursor"))

    def __init__(self, client: HttpClient, source: str, page_size: int, index: ContractIndex) -> None:
        super().__init__(client, source, page_size)
        self.index = index

    def params(self) -> dict[str, Any]:
        return {"order_direction": "asc"}

    def map_record(self, item: Mapping[str, Any]) -> Iterable[Record | RecordProblem]:
        record = mapping.engagement(self.source, item)
        self.index.remember(str(item["id"]), record.worker_remote_id if record else None)
        return [record] if record else []


class InvoicesStream(RestStream):
    """``/invoices`` → payments."""

    name = "invoices"
    path = "/invoices"
    paginator = OffsetPaginator(total_path=("page", "total_rows"))
    records_path = ("data", "rows")
    max_page_size = 99

    def __init__(self, client: HttpClient, source: str, page_size: int, index: ContractIndex) -> None:
        super().__init__(client, source, page_size)
        self.index = index

    def map_record(self, item: Mapping[str, Any]) -> Iterable[Record | RecordProblem]:
        contract_id = mapping.text(item.get("contract_id"))
        if contract_id is None:
            raise ValueError("invoice has no contract_id")
        worker_id = self.index.worker_for(contract_id)
        if worker_id is None:
            raise ValueError(f"contract {contract_id} is unknown to Deel or has no worker")
        return [mapping.payment(self.source, item, worker_id)]
