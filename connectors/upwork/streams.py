"""Upwork's streams: which operation, how it pages, what a re-sync skips, and how items map.

- ``contracts``: ``organization.clientOffers`` as a Relay connection (``pagination: {first,
  after}``, at most 50 per page) → engagements, and for each contract that changed, its freelancer's
  ``userDetails`` → a worker. Upwork documents no "changed since" filter on this connection, so
  every sync lists the contracts (cheap: 50 per call), but a contract whose ``lastUpdatedDateTime``
  is not newer than the watermark is not mapped again and costs no ``userDetails`` call.
- ``transactions``: ``transactionHistory`` by date window (``transactionDateTime_bt``; the answer is
  one list, not a connection) → payments. A re-sync starts ``lookback_days`` before the last day
  read, so only recent windows are asked for.
- ``work_diary``: ``workDiaryCompany`` day by day (``paging`` within a day) → activity windows.
  A re-sync starts ``lookback_days`` before the last day read.

Transaction rows name their contract only by term id (``relatedAssignment``); the read's
:class:`Directory` learns term → contract → freelancer from the contracts stream and asks
``contractByTerm`` for terms it has not seen (a resumed sync whose contracts stream already
finished, a contract unchanged since the last pass is still learned from its listing).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from hiresentry.connectors.base import PageRequest, Paginator, RecordProblem
from hiresentry.connectors.base.graphql import GraphQLRelayPaginator, GraphQLStream
from hiresentry.connectors.base.http import HttpClient
from hiresentry.connectors.base.incremental import IncrementalStream
from hiresentry.connectors.base.paginate import Page, dig
from hiresentry.connectors.upwork import mapping, queries
from hiresentry.connectors.upwork.graphql import ENDPOINT, UpworkGraphQL, data_at
from hiresentry.core.errors import VendorResponseError
from hiresentry.core.model import Record

log = logging.getLogger(__name__)


class Directory:
    """What several streams of one read look up once: organization, ACE, users, term → contract."""

    def __init__(self, gql: UpworkGraphQL, company_id: str | None = None, ace_id: str | None = None) -> None:
        self.gql = gql
        self._company_id = company_id
        self._ace_id = ace_id
        self._users: dict[str, Mapping[str, Any] | None] = {}
        self._terms: dict[str, tuple[str, str] | None] = {}
        self.emitted_workers: set[str] = set()

    def company_id(self) -> str:
        """The organization whose work diary is read (config, else the token's organization)."""
        if self._company_id is None:
            org = self.gql.run(queries.WHOAMI, {}, "organization")
            found = mapping.text(org.get("id")) if isinstance(org, Mapping) else None
            if found is None:
                raise VendorResponseError(self.gql.source, "organization: Upwork returned no id for this token")
            self._company_id = found
        return self._company_id

    def accounting_entity(self) -> str:
        """The ACE id that ``transactionHistory`` filters on (config, else ``accountingEntity``)."""
        if self._ace_id is None:
            ace = self.gql.run(queries.ACCOUNTING_ENTITY, {}, "accountingEntity")
            found = mapping.text(ace.get("id")) if isinstance(ace, Mapping) else None
            if found is None:
                raise VendorResponseError(self.gql.source, "accountingEntity: Upwork returned none for this token")
            self._ace_id = found
        return self._ace_id

    def user(self, user_id: str) -> Mapping[str, Any] | None:
        """``userDetails`` of one user, asked once per read."""
        if user_id not in self._users:
            found = self.gql.run(queries.USER_DETAILS, {"id": user_id}, "userDetails")
            self._users[user_id] = found if isinstance(found, Mapping) else None
        return self._users[user_id]

    def remember(self, contract: Mapping[str, Any]) -> None:
        """Learn the term ids of a contract seen on a contracts page."""
        contract_id, worker_id = mapping.text(contract.get("id")), mapping.freelancer_id(contract)
        if contract_id and worker_id:
            for term in mapping.term_ids(contract):
                self._terms[term] = (contract_id, worker_id)

    def contract_of_term(self, term_id: str) -> tuple[str, str] | None:
        """(contract id, freelancer id) of a term; ``contractByTerm`` for a term not seen yet."""
        if term_id not in self._terms:
            try:
                found = self.gql.run(queries.CONTRACT_BY_TERM, {"termId": term_id}, "contractByTerm")
            except VendorResponseError as exc:  # "not found" comes as a GraphQL error; auth/scope errors propagate
                log.warning("%s: contractByTerm(%s) failed: %s", self.gql.source, term_id, exc)
                found = None
            contract_id = mapping.text(found.get("id")) if isinstance(found, Mapping) else None
            worker_id = mapping.freelancer_id(found) if isinstance(found, Mapping) else None
            self._terms[term_id] = (contract_id, worker_id) if contract_id and worker_id else None
        return self._terms[term_id]


class ContractsStream(IncrementalStream, GraphQLStream):
    """``organization.clientOffers`` → engagements, and workers for the contracts that changed."""

    name = "contracts"
    paginator: ClassVar[GraphQLRelayPaginator] = GraphQLRelayPaginator(
        queries.CLIENT_CONTRACTS, queries.CONTRACTS_PATH, pagination_var="pagination"
    )
    max_page_size = 50

    def __init__(self, client: HttpClient, source: str, page_size: int, directory: Directory) -> None:
        super().__init__(client, source, page_size)
        self.directory = directory

    def items(self, body: Any) -> list[Any]:
        data_at(self.source, body, queries.CONTRACTS_PATH, "organization.clientOffers")
        return GraphQLStream.items(self, body)

    def marker(self, item: Mapping[str, Any]) -> str | None:
        contract = mapping.obj(item.get("contractDetails"))
        return mapping.marker(item.get("lastUpdatedDateTime")) or mapping.marker(contract.get("modifyDate"))

    def unchanged(self, item: Mapping[str, Any]) -> bool:
        """True if the contract did not change since the last completed pass.

        Every contract is listed on every pass, and ``since`` is the latest change time the last
        pass saw, so a contract stamped at or before it is exactly as it was then (short of two
        changes within the same second).
        """
        since, seen = self.watermark.since, self.marker(item)
        return since is not None and seen is not None and seen <= since

    def map_record(self, item: Mapping[str, Any]) -> Iterable[Record | RecordProblem]:
        contract = item.get("contractDetails")
        if isinstance(contract, Mapping):
            self.directory.remember(contract)
        if self.unchanged(item):
            return []
        record = mapping.engagement(self.source, item)
        if record is None:
            return []  # an offer nobody has accepted yet
        return [record, *self._worker(record.worker_remote_id)]

    def _worker(self, worker_id: str) -> list[Record | RecordProblem]:
        if worker_id in self.directory.emitted_workers:
            return []
        user = self.directory.user(worker_id)
        self.directory.emitted_workers.add(worker_id)
        if user is None:
            return [RecordProblem(f"{self.source}:userDetails id={worker_id}", "Upwork returned no user details")]
        return [mapping.worker(self.source, user)]


@dataclass(frozen=True)
class DateWindowPaginator(Paginator):
    """Consecutive date windows from ``first`` to ``last`` (inclusive); the position is a window's first day."""

    first: dt.date
    last: dt.date
    days: int
    document: str
    variables: Callable[[dt.date, dt.date], dict[str, Any]]

    def params(self, position: str | None, page_size: int) -> dict[str, Any]:
        return {}

    def window(self, position: str | None) -> tuple[dt.date, dt.date]:
        """The (start, end) of the window at ``position``."""
        start = dt.date.fromisoformat(position) if position else self.first
        return start, min(start + dt.timedelta(days=self.days - 1), self.last)

    def request(self, path: str, position: str | None, page_size: int, fixed: Mapping[str, Any]) -> PageRequest:
        start, end = self.window(position)
        return PageRequest("POST", path, {}, json={"query": self.document, "variables": self.variables(start, end)})

    def next_page(self, position: str | None, page_size: int, page: Page) -> str | None:
        _, end = self.window(position)
        return (end + dt.timedelta(days=1)).isoformat() if end < self.last else None


def first_day(since: str | None, today: dt.date, lookback_days: int, initial_days: int) -> dt.date:
    """Where a dated stream's pass starts: ``lookback_days`` before the last day read, or ``initial_days`` ago."""
    if since is None:
        return today - dt.timedelta(days=initial_days)
    return min(dt.date.fromisoformat(since[:10]) - dt.timedelta(days=lookback_days), today)


class TransactionsStream(IncrementalStream):
    """``transactionHistory`` by date window → payments to freelancers."""

    name = "transactions"
    path = ENDPOINT
    id_field = "recordId"

    def __init__(
        self,
        client: HttpClient,
        source: str,
        directory: Directory,
        *,
        today: dt.date,
        window_days: int,
        lookback_days: int,
        initial_days: int,
    ) -> None:
        super().__init__(client, source, window_days)
        self.directory = directory
        self.today = today
        self.window_days = window_days
        self.lookback_days = lookback_days
        self.initial_days = initial_days
        self._pager: DateWindowPaginator | None = None

    def pager(self) -> DateWindowPaginator:
        if self._pager is None:
            ace = self.directory.accounting_entity()
            self._pager = DateWindowPaginator(
                first_day(self.watermark.since, self.today, self.lookback_days, self.initial_days),
                self.today,
                self.window_days,
                queries.TRANSACTION_HISTORY,
                lambda start, end: {
                    "filter": {
                        "aceIds_any": [ace],
                        "transactionDateTime_bt": {"rangeStart": start.isoformat(), "rangeEnd": end.isoformat()},
                    }
                },
            )
        return self._pager

    def items(self, body: Any) -> list[Any]:
        rows = data_at(self.source, body, queries.TRANSACTIONS_PATH, "transactionHistory")
        return list(rows) if isinstance(rows, list) else []

    def page_high(self, position: str | None, page: Page) -> str | None:
        return self.pager().window(position)[1].isoformat()

    def map_record(self, item: Mapping[str, Any]) -> Iterable[Record | RecordProblem]:
        if not mapping.is_worker_payment(item):
            return []
        term = str(item["relatedAssignment"])
        found = self.directory.contract_of_term(term)
        if found is None:
            raise ValueError(f"term {term} is unknown to Upwork or has no freelancer")
        contract_id, worker_id = found
        return [mapping.payment(self.source, item, contract_id, worker_id)]


@dataclass(frozen=True)
class DiaryPaginator(Paginator):
    """Day by day from ``first`` to ``last``, ``paging`` "offset;count" within a day: ``yyyymmdd:offset``."""

    first: dt.date
    last: dt.date
    company_id: str

    def params(self, position: str | None, page_size: int) -> dict[str, Any]:
        return {}

    def where(self, position: str | None) -> tuple[dt.date, int]:
        """(day, offset) of ``position``."""
        if not position:
            return self.first, 0
        date, _, offset = position.partition(":")
        return dt.datetime.strptime(date, "%Y%m%d").date(), int(offset or 0)

    def request(self, path: str, position: str | None, page_size: int, fixed: Mapping[str, Any]) -> PageRequest:
        date, offset = self.where(position)
        payload = {"companyId": self.company_id, "date": f"{date:%Y%m%d}", "paging": f"{offset};{page_size}"}
        return PageRequest(
            "POST", path, {}, json={"query": queries.WORK_DIARY_COMPANY, "variables": {"input": payload}}
        )

    def next_page(self, position: str | None, page_size: int, page: Page) -> str | None:
        date, offset = self.where(position)
        total = dig(page.body, ("data", "workDiaryCompany", "total"))
        reached = offset + len(page.items)
        if page.items and isinstance(total, int) and reached < total:
            return f"{date:%Y%m%d}:{reached}"
        return f"{date + dt.timedelta(days=1):%Y%m%d}:0" if date < self.last else None


class WorkDiaryStream(IncrementalStream):
    """``workDiaryCompany`` day by day → one activity window per freelancer, contract and day."""

    name = "work_diary"
    path = ENDPOINT

    def __init__(
        self,
        client: HttpClient,
        source: str,
        page_size: int,
        directory: Directory,
        *,
        today: dt.date,
        lookback_days: int,
        initial_days: int,
    ) -> None:
        super().__init__(client, source, page_size)
        self.directory = directory
        self.today = today
        self.lookback_days = lookback_days
        self.initial_days = initial_days
        self._pager: DiaryPaginator | None = None

    def pager(self) -> DiaryPaginator:
        if self._pager is None:
            first = first_day(self.watermark.since, self.today, self.lookback_days, self.initial_days)
            self._pager = DiaryPaginator(first, self.today, self.directory.company_id())
        return self._pager

    def items(self, body: Any) -> list[Any]:
        snapshots = data_at(self.source, body, queries.WORK_DIARY_PATH, "workDiaryCompany")
        return list(snapshots) if isinstance(snapshots, list) else []

    def page_high(self, position: str | None, page: Page) -> str | None:
        return self.pager().where(position)[0].isoformat()

    def map_record(self, item: Mapping[str, Any]) -> Iterable[Record | RecordProblem]:
        date, _ = self.pager().where(self.at)
        return [mapping.activity_window(self.source, f"{date:%Y%m%d}", item)]
