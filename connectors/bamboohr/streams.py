"""BambooHR's one stream, ``employees``: a full pass first, then only what ``/employees/changed`` names.

- **Full pass** (no mark yet): list every employee from the cursor-paginated ``GET /api/v1/employees``
  (``page[limit]``/``page[after]`` ↔ ``meta.page.nextCursor``; all statuses) or from
  ``GET /api/v1/employees/directory`` (one page, active employees only), whichever the config names.
- **Re-sync** (a mark from the last finished pass): ``GET /api/v1/employees/changed?since=<mark>``
  names every employee inserted, updated or deleted since then; only those are fetched.

Every listed employee is then read with ``GET /api/v1/employees/{id}?fields=…`` (names, birth date,
address, phones, emails, employment) and becomes a worker and an engagement; a ``Deleted`` change
becomes the engagement's tombstone.

The mark is BambooHR's own clock, never ours: a full pass takes the ``Date`` header of its first
response (any later change carries a later ``lastChanged``); a re-sync takes the ``Date`` of the
``/employees/changed`` answer (without one, the ``latest`` change it lists). The next pass asks from
``delta_overlap_seconds`` before the mark, so a change committed around the mark is read twice
rather than never (upserts make that harmless).
"""

from __future__ import annotations

import datetime as dt
import email.utils
import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from hiresentry.connectors.bamboohr import mapping
from hiresentry.connectors.base import BodyCursorPaginator, Page, PageRequest, Paginator, RecordProblem
from hiresentry.connectors.base.http import HttpClient
from hiresentry.connectors.base.incremental import IncrementalStream, Watermark, later
from hiresentry.core.errors import VendorResponseError
from hiresentry.core.model import Record

log = logging.getLogger(__name__)

LIST_PATH = "/api/v1/employees"
DIRECTORY_PATH = "/api/v1/employees/directory"
CHANGED_PATH = "/api/v1/employees/changed"


def mark(value: dt.datetime) -> str:
    """A watermark marker: UTC, whole seconds, ``Z`` (markers compare as text)."""
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def mark_of(value: Any) -> str | None:
    """The marker of a BambooHR timestamp (any ISO form), or None if absent or unreadable."""
    try:
        parsed = mapping.timestamp(value)
    except ValueError:
        return None
    return mark(parsed) if parsed else None


def date_header(headers: Mapping[str, str]) -> str | None:
    """The marker of an HTTP ``Date`` header: the vendor's clock at the time of the answer."""
    raw = headers.get("Date")
    if not raw:
        return None
    try:
        return mark(email.utils.parsedate_to_datetime(raw))
    except (TypeError, ValueError, IndexError):
        return None


@dataclass(frozen=True)
class OnePage(Paginator):
    """A collection BambooHR returns whole (directory, changed ids): one request, no next page."""

    target: str
    fixed: tuple[tuple[str, str], ...] = ()

    def params(self, position: str | None, page_size: int) -> dict[str, Any]:
        return dict(self.fixed)

    def request(self, path: str, position: str | None, page_size: int, fixed: Mapping[str, Any]) -> PageRequest:
        return PageRequest("GET", self.target, self.params(position, page_size))

    def next_page(self, position: str | None, page_size: int, page: Page) -> str | None:
        return None


CURSOR_PAGES = BodyCursorPaginator(
    cursor_param="page[after]", cursor_path=("meta", "page", "nextCursor"), limit_param="page[limit]"
)


class EmployeesStream(IncrementalStream):
    """Employees → workers and engagements; full pass, then ``/employees/changed`` deltas."""

    name = "employees"
    path = LIST_PATH
    paginator = CURSOR_PAGES
    records_path = ("data",)
    max_page_size = 2500

    def __init__(
        self,
        client: HttpClient,
        source: str,
        page_size: int,
        *,
        listing: str,
        reader: EmployeeReader,
        overlap: dt.timedelta,
    ) -> None:
        super().__init__(client, source, page_size)
        self.listing = listing
        self.reader = reader
        self.overlap = overlap
        self.delta = False

    def begin(self, watermark: Watermark) -> None:
        super().begin(watermark)
        self.delta = watermark.since is not None

    def since(self) -> str:
        """The ``since`` of this re-sync: the last pass's mark minus the overlap."""
        assert self.watermark.since is not None
        start = mapping.timestamp(self.watermark.since)
        assert start is not None
        return mark(start - self.overlap)

    def pager(self) -> Paginator:
        if self.delta:
            return OnePage(CHANGED_PATH, (("since", self.since()),))
        if self.listing == "directory":
            return OnePage(DIRECTORY_PATH, (("onlyCurrent", "false"),))
        return CURSOR_PAGES

    def items(self, body: Any) -> list[Any]:
        """List items, directory entries or changed-id entries, each with its ``id``."""
        if self.delta:
            found = body.get("employees") if isinstance(body, Mapping) else None
            if isinstance(found, list) and not found:
                return []  # "nothing changed" may come as an empty list instead of an empty map
            if not isinstance(found, Mapping):
                raise VendorResponseError(self.source, f"GET {CHANGED_PATH}: response has no 'employees' map")
            entries = [{**v, "id": v.get("id") or k} if isinstance(v, Mapping) else v for k, v in found.items()]
            return sorted(entries, key=lambda e: str(e.get("lastChanged") or "") if isinstance(e, Mapping) else "")
        target, where = (DIRECTORY_PATH, "employees") if self.listing == "directory" else (LIST_PATH, "data")
        found = body.get(where) if isinstance(body, Mapping) else None
        if not isinstance(found, list):
            raise VendorResponseError(self.source, f"GET {target}: response has no list at {where!r}")
        return [{**e, "id": e.get("id") or e.get("employeeId")} if isinstance(e, Mapping) else e for e in found]

    def page_high(self, position: str | None, page: Page) -> str | None:
        if self.delta:
            # BambooHR's clock when it answered; without a Date header, the latest change it listed.
            latest = mark_of(page.body.get("latest")) if isinstance(page.body, Mapping) else None
            items = (mark_of(i.get("lastChanged")) for i in page.items if isinstance(i, Mapping))
            return later(date_header(page.headers), later(latest, max((m for m in items if m), default=None)))
        # A full pass is marked once, at its start: whatever changes while it runs is newer.
        return date_header(page.headers) if position is None else None

    def map_record(self, item: Mapping[str, Any]) -> Iterable[Record | RecordProblem]:
        worker_id = mapping.employee_id(item)
        changed_at = mapping.timestamp(item.get("lastChanged")) if self.delta else None
        if self.delta and str(item.get("action", "")).lower() == "deleted":
            return [mapping.deleted_engagement(self.source, worker_id, changed_at)]
        return self.reader.read(worker_id, changed_at, where=self.location(item))


@dataclass(frozen=True)
class EmployeeReader:
    """Reads one employee with Get Employee and maps them (the stream's and the webhooks' way in)."""

    client: HttpClient
    source: str
    fields: list[str]
    tax_id_field: str | None
    organization: str | None

    def read(
        self, worker_id: str, changed_at: dt.datetime | None = None, *, where: str | None = None
    ) -> list[Record | RecordProblem]:
        """The employee's worker and engagement; nothing if BambooHR no longer has them (404)."""
        path = f"{LIST_PATH}/{quote(worker_id, safe='')}"
        response = self.client.request_json(
            "GET", path, params={"fields": ",".join(self.fields), "onlyCurrent": "true"}, allow=(403, 404)
        )
        if response.status == 404:
            log.info("%s: employee %s vanished before it was read; the next re-sync reports it", self.source, worker_id)
            return []
        if response.status == 403 or not isinstance(response.body, Mapping):
            location = where or f"{self.source}:{LIST_PATH} item id={worker_id}"
            return [RecordProblem(location, "the credentials may not read this employee")]
        employee = {**response.body, "id": worker_id}  # the one we asked for
        return [
            mapping.worker(self.source, employee, tax_id_field=self.tax_id_field, changed_at=changed_at),
            mapping.engagement(self.source, employee, self.organization, changed_at=changed_at),
        ]
