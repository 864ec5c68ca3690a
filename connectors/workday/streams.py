"""Workday's streams: REST staffing ``/workers`` (jobs, and identity without a report) and RaaS reports.

- ``workers``: ``GET /workers?limit&offset&includeTerminatedWorkers`` (``{total, data[]}``, at most
  100 per page), plus ``GET /workers/{id}/serviceDates`` for the hire date. Staffing v6 has no
  "changed since" filter, so every sync is a full pass (resumable page by page).
- one stream per configured report: ``GET <raas>/<owner>/<report>?format=json&<prompts>``, one
  unpaginated ``{"Report_Entry": [...]}``. A report with a ``changed_since_prompt`` is incremental:
  the first pass omits the prompt (every row), later passes pass the highest ``modified_at`` the
  previous pass read, minus an overlap, so only changed rows come back. The mark is Workday's own
  data, never our clock.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, cast
from urllib.parse import quote

from hiresentry.connectors.base import OffsetPaginator, Page, PageRequest, Paginator, RecordProblem, RestStream
from hiresentry.connectors.base.http import HttpClient
from hiresentry.connectors.base.incremental import IncrementalStream
from hiresentry.connectors.base.paginate import MAPPING_ERRORS, dig, problem_reason
from hiresentry.connectors.workday import mapping
from hiresentry.connectors.workday.config import ReportConfig
from hiresentry.core.model import Record


def mark(value: dt.datetime) -> str:
    """A watermark marker: UTC, whole seconds, ``Z`` (markers compare as text)."""
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def prompt_time(value: dt.datetime) -> str:
    """A DateTime report prompt as Workday writes date-times (milliseconds and an offset)."""
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.000+00:00")


@dataclass(frozen=True)
class OnePage(Paginator):
    """A report: one request with its prompts, no next page."""

    fixed: tuple[tuple[str, str], ...] = ()

    def params(self, position: str | None, page_size: int) -> dict[str, Any]:
        return dict(self.fixed)

    def request(self, path: str, position: str | None, page_size: int, fixed: Mapping[str, Any]) -> PageRequest:
        return PageRequest("GET", path, self.params(position, page_size))

    def next_page(self, position: str | None, page_size: int, page: Page) -> str | None:
        return None


def _segment(value: Any) -> str:
    """A vendor id as one path segment: ids come from vendor data and must not add path parts."""
    return quote(str(value), safe="")


class WorkersStream(RestStream):
    """REST ``/workers`` → engagements (one per job) and, without a workers report, workers."""

    name = "workers"
    path = "/workers"
    paginator = OffsetPaginator(total_path=("total",))
    max_page_size = 100

    def __init__(
        self,
        client: HttpClient,
        source: str,
        page_size: int,
        *,
        include_terminated: bool,
        emit_workers: bool,
        service_dates: bool,
        organization: str | None,
    ) -> None:
        super().__init__(client, source, page_size)
        self.include_terminated = include_terminated
        self.emit_workers = emit_workers
        self.service_dates = service_dates
        self.organization = organization

    def params(self) -> dict[str, Any]:
        return {"includeTerminatedWorkers": "true" if self.include_terminated else "false"}

    def map_record(self, item: Mapping[str, Any]) -> Iterable[Record | RecordProblem]:
        mapping.rest_worker_id(item)  # an item without workerId is refused before any call
        problems: list[RecordProblem] = []
        hire_date = self._hire_date(item, problems)
        if self.emit_workers:
            yield mapping.rest_worker(self.source, item)
        yield from mapping.rest_engagements(self.source, item, self.organization, hire_date)
        yield from problems

    def _hire_date(self, item: Mapping[str, Any], problems: list[RecordProblem]) -> dt.date | None:
        wid = mapping.text(item.get("id"))
        if not self.service_dates or wid is None:
            return None
        path = f"/workers/{_segment(wid)}/serviceDates"
        body = self.client.get_json(path, allow=(404,))
        dates = dig(body, ("data",))
        entry = dates[0] if isinstance(dates, list) and dates and isinstance(dates[0], Mapping) else {}
        try:
            return mapping.day(entry.get("hireDate"))
        except MAPPING_ERRORS as exc:  # a bad hire date costs the date, not the worker
            problems.append(RecordProblem(self.location(item, path), problem_reason(exc)))
            return None


class ReportStream(IncrementalStream):
    """One RaaS report → workers or payout accounts; incremental through its changed-since prompt."""

    records_path = ("Report_Entry",)
    paginator = OnePage()

    def __init__(self, client: HttpClient, source: str, report: ReportConfig, overlap: dt.timedelta) -> None:
        super().__init__(client, source, 1)
        self.report = report
        self.columns = report.columns
        self.overlap = overlap

    def pager(self) -> Paginator:
        params = {"format": "json", **self.report.prompts}
        prompt, since = self.report.changed_since_prompt, self.watermark.since
        if prompt and since:
            start = mapping.timestamp(since)
            if start is not None:
                params[prompt] = prompt_time(start - self.overlap)
        return OnePage(tuple(params.items()))

    def marker(self, item: Mapping[str, Any]) -> str | None:
        if not self.report.changed_since_prompt:
            return None  # without the prompt, every pass reads everything: no mark to keep
        try:
            changed = mapping.timestamp(mapping.first(item, self.columns.get("modified_at")))
        except ValueError:
            return None
        return mark(changed) if changed else None

    def location(self, item: Any, path: str | None = None) -> str:
        row_id = mapping.first(item, self.columns.get("id")) if isinstance(item, Mapping) else None
        return f"{self.source}:report {self.report.name} row id={row_id or '?'}"

    def map_record(self, item: Mapping[str, Any]) -> Iterator[Record]:
        if self.report.kind == "workers":
            yield mapping.report_worker(self.source, item, self.columns)
        else:
            yield mapping.report_payout_account(self.source, item, self.columns)


def report_stream(client: HttpClient, source: str, report: ReportConfig, overlap: dt.timedelta) -> ReportStream:
    """The stream of ``report``: its name is the report's, its path ``/<owner>/<report>``."""
    owner, name = report.path.split("/")
    attributes = {"name": report.name, "path": f"/{_segment(owner)}/{_segment(name)}"}
    cls = type(f"ReportStream_{report.name}", (ReportStream,), attributes)
    return cast(ReportStream, cls(client, source, report, overlap))
