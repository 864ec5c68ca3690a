"""HiBob's streams: people (with bank accounts), read in depth only when changed; payroll history.

**people.** ``POST /people/search`` with the configured field paths returns every employee in one
answer (HiBob's API has no "changed since" filter: its search filters only ``root.id`` and
``root.email``). The answer is cut into batches of ``page_size`` employees, ordered by id, each
committed with the id it reached, so an interrupted pass resumes there (the search is asked once
per read). Each employee's answer is fingerprinted; a pass reads bank accounts
(``GET /people/{id}/bank-accounts``) and writes records only for employees that are new or whose
fingerprint changed since the last finished pass, except every ``full_refresh_days`` when it reads
everyone (bank-account entries can change without any searched field changing; webhooks announce
those sooner, see :mod:`hiresentry.connectors.hibob.webhook`). The fingerprints are the watermark's
memo, committed with each batch.

**payroll_history.** ``GET /payroll/history?showInactive=true``: one answer for all employees, whose
employment entries become dated engagements. Small, so a full pass every sync.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from hiresentry.connectors.base import JsonResponse, Page, PageRequest, Paginator, RecordProblem, RestStream
from hiresentry.connectors.base.http import HttpClient
from hiresentry.connectors.base.incremental import IncrementalStream, Watermark
from hiresentry.connectors.base.paginate import MAPPING_ERRORS, problem_reason
from hiresentry.connectors.hibob import mapping
from hiresentry.core.errors import VendorResponseError
from hiresentry.core.model import Record

SEARCH_PATH = "/people/search"
PAYROLL_PATH = "/payroll/history"


@dataclass(frozen=True)
class OneAnswer(Paginator):
    """An endpoint that answers everything at once: a single request, no next page."""

    method: str = "GET"
    fixed: tuple[tuple[str, str], ...] = ()
    body: Any = None

    def params(self, position: str | None, page_size: int) -> dict[str, Any]:
        return dict(self.fixed)

    def request(self, path: str, position: str | None, page_size: int, fixed: Mapping[str, Any]) -> PageRequest:
        return PageRequest(self.method, path, self.params(position, page_size), json=self.body)

    def next_page(self, position: str | None, page_size: int, page: Page) -> str | None:
        return None


@dataclass(frozen=True)
class Slices(OneAnswer):
    """One search answer cut into slices by employee id: a position is the last id already read.

    The answer's ``employees`` must be ordered by a text ``id`` (:meth:`PeopleStream.fetch` does that).
    """

    def next_page(self, position: str | None, page_size: int, page: Page) -> str | None:
        ids = [str(e.get("id") or "") for e in page.items if isinstance(e, Mapping)]
        if not ids:
            return None
        last = max(ids)
        everyone = page.body.get("employees") if isinstance(page.body, Mapping) else None
        more = any(isinstance(e, Mapping) and str(e.get("id") or "") > last for e in everyone or [])
        return last if more else None


def bank_accounts(client: HttpClient, source: str, worker_id: str) -> Iterator[Record | RecordProblem]:
    """The payout accounts of one employee (a problem, not a failure, if the user may not see them)."""
    path = f"/people/{quote(worker_id, safe='')}/bank-accounts"
    response = client.request_json("GET", path, allow=(403, 404))
    where = f"{source}:{path}"
    if response.status == 403:
        yield RecordProblem(where, "the service user may not read bank accounts (Financial permission)")
        return
    entries = response.body.get("values") if isinstance(response.body, Mapping) else None
    for entry in entries if isinstance(entries, list) else []:
        try:
            yield mapping.payout_account(source, worker_id, entry)
        except MAPPING_ERRORS as exc:
            yield RecordProblem(
                f"{where} entry id={entry.get('id') if isinstance(entry, Mapping) else '?'}", problem_reason(exc)
            )


class PeopleStream(IncrementalStream):
    """People search → workers and their bank accounts, for new and changed employees."""

    name = "people"
    path = SEARCH_PATH
    records_path = ("employees",)
    paginator = Slices()

    def __init__(
        self,
        client: HttpClient,
        source: str,
        page_size: int,
        *,
        paths: Mapping[str, str | None],
        search_fields: list[str],
        show_inactive: bool,
        read_banks: bool,
        full_refresh: dt.timedelta,
        now: dt.datetime,
    ) -> None:
        super().__init__(client, source, page_size)
        self.paths = paths
        self.body = {"fields": search_fields, "showInactive": show_inactive, "humanReadable": "APPEND"}
        self.read_banks = read_banks
        self.full_refresh = full_refresh
        self.now = now
        self.full = True
        self.before: Mapping[str, Any] = {}
        self._answer: JsonResponse | None = None

    def begin(self, watermark: Watermark) -> None:
        """Decide whether this pass reads everyone, from when the last full pass started."""
        super().begin(watermark)
        self.before = watermark.carried.get("digests") or {}
        if "full" in watermark.memo:  # resuming a pass: keep the decision it started with
            self.full = bool(watermark.memo["full"])
            return
        refreshed = watermark.carried.get("refreshed_at")
        self.full = (
            not self.before
            or refreshed is None
            or self.now - dt.datetime.fromisoformat(str(refreshed)) >= self.full_refresh
        )

    def pager(self) -> Paginator:
        return Slices("POST", body=self.body)

    def fetch(self, request: PageRequest) -> JsonResponse:
        """The search, asked once per read and ordered by employee id; later slices reuse the answer."""
        if self._answer is None:
            answer = super().fetch(request)
            found = answer.body.get("employees") if isinstance(answer.body, Mapping) else None
            if not isinstance(found, list):
                raise VendorResponseError(self.source, f"POST {SEARCH_PATH}: response has no list at 'employees'")
            keyed = [{**e, "id": self._id(e)} if isinstance(e, Mapping) else e for e in found]
            ordered = sorted(keyed, key=lambda e: str(e.get("id") or "") if isinstance(e, Mapping) else "")
            self._answer = JsonResponse({"employees": ordered}, answer.headers, answer.status)
        return self._answer

    def _id(self, employee: Mapping[str, Any]) -> str | None:
        try:
            return mapping.employee_id(employee, self.paths)
        except ValueError:
            return None  # sorts first; refused with the cause when mapped (each on its own)

    def items(self, body: Any) -> list[Any]:
        """The slice after the current position: ``page_size`` employees, ordered by id."""
        ordered = super().items(body)
        after = self.at
        rest = [e for e in ordered if after is None or (isinstance(e, Mapping) and str(e.get("id") or "") > after)]
        return rest[: self.page_size]

    def changed(self, employee: Mapping[str, Any]) -> bool:
        """True if this pass must read the employee in depth."""
        return self.full or self.before.get(str(employee.get("id"))) != mapping.digest(employee)

    def map_record(self, item: Mapping[str, Any]) -> Iterable[Record | RecordProblem]:
        if not self.changed(item):
            return []
        worker = mapping.worker(self.source, item, self.paths)
        found: list[Record | RecordProblem] = [worker]
        if self.read_banks:
            found.extend(bank_accounts(self.client, self.source, worker.remote_id))
        return found

    def memo_after(self, memo: dict[str, Any], page: Page, records: Sequence[Record]) -> dict[str, Any]:
        digests = dict(memo.get("digests") or {})
        for employee in page.items:
            if isinstance(employee, Mapping) and employee.get("id"):
                digests[str(employee["id"])] = mapping.digest(employee)
        refreshed = memo.get("refreshed_at") or (
            self.now.isoformat() if self.full else self.watermark.carried.get("refreshed_at")
        )
        return {**memo, "digests": digests, "full": self.full, "refreshed_at": refreshed}


class PayrollHistoryStream(RestStream):
    """``/payroll/history`` → one engagement per employment entry."""

    name = "payroll_history"
    path = PAYROLL_PATH
    records_path = ("employees",)
    paginator = OneAnswer(fixed=(("showInactive", "true"),))

    def __init__(self, client: HttpClient, source: str, organization: str | None) -> None:
        super().__init__(client, source, 1)
        self.organization = organization

    def map_record(self, item: Mapping[str, Any]) -> Iterable[Record | RecordProblem]:
        return mapping.engagements(self.source, item, self.organization)
