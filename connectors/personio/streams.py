"""Personio's streams: v1 employees, v2 persons (with their employments), full or incremental.

- **v1** ``employees``: ``GET /company/employees`` with ``offset``/``limit`` (≤ 100) over a full
  pass; ``metadata.total_elements`` says when the list ends. An incremental pass sends
  ``updated_since`` instead, which Personio answers with *every* changed employee on one page
  (it ignores ``limit`` and ``offset`` then), so that pass is exactly one request.
- **v2** ``persons``: ``GET /v2/persons?limit=…`` (≤ 50) and then the ``_meta.links.next.href``
  URL Personio hands out; an incremental pass adds ``updated_at.gt``. Each person's employments
  come from ``GET /v2/persons/{id}/employments`` (followed through its own next links), so a
  person and their engagements commit together with the page's watermark.

The watermark's marker is the newest change time seen (v1 ``last_modified_at``, v2 ``updated_at``);
the next pass asks for changes since that marker minus ``overlap`` (re-reading a little is harmless:
records are upserted).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, urljoin, urlsplit

from hiresentry.connectors.base import OffsetPaginator, Paginator, RecordProblem
from hiresentry.connectors.base.http import HttpClient
from hiresentry.connectors.base.incremental import IncrementalStream
from hiresentry.connectors.base.next_link import NextUrlPaginator
from hiresentry.connectors.base.paginate import MAPPING_ERRORS, PageRequest, dig, problem_reason
from hiresentry.connectors.personio import mapping
from hiresentry.core.errors import VendorResponseError
from hiresentry.core.model import Record

V2_NEXT = ("_meta", "links", "next", "href")


@dataclass(frozen=True)
class OnePagePaginator(Paginator):
    """One request with fixed parameters and no paging (Personio v1 with ``updated_since``)."""

    extra: Mapping[str, Any] = field(default_factory=dict)

    def params(self, position: str | None, page_size: int) -> dict[str, Any]:
        return dict(self.extra)

    def next_position(self, position: str | None, page_size: int, body: Any, items: Sequence[Any]) -> str | None:
        return None


def since_text(since: str | None, overlap: dt.timedelta, *, offset: bool) -> str | None:
    """A watermark marker minus ``overlap`` as a filter value (v1 wants no offset, v2 an ISO 8601 with ``Z``)."""
    if since is None:
        return None
    moment = mapping.timestamp(since)
    if moment is None:
        return None
    moment = moment.astimezone(dt.UTC) - overlap
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ" if offset else "%Y-%m-%dT%H:%M:%S")


class V1EmployeesStream(IncrementalStream):
    """``/company/employees`` → workers, engagements and salary accounts."""

    name = "employees"
    path = "/company/employees"
    paginator = OffsetPaginator(total_path=("metadata", "total_elements"))
    records_path = ("data",)
    max_page_size = 100

    def __init__(
        self, client: HttpClient, source: str, page_size: int, *, incremental: bool, overlap: dt.timedelta, zone: str
    ) -> None:
        super().__init__(client, source, page_size)
        self.incremental = incremental
        self.overlap = overlap
        self.zone = zone

    def pager(self) -> Paginator:
        since = since_text(self.watermark.since, self.overlap, offset=False) if self.incremental else None
        return OnePagePaginator({"updated_since": since}) if since else self.paginator

    def marker(self, item: Mapping[str, Any]) -> str | None:
        return mapping.v1_marker(item)

    def location(self, item: Any, path: str | None = None) -> str:
        found = mapping.v1_value(item, "id") if isinstance(item, Mapping) else None
        return f"{self.source}:{path or self.path} item id={found if found is not None else '?'}"

    def map_record(self, item: Mapping[str, Any]) -> Iterable[Record | RecordProblem]:
        yield mapping.v1_worker(self.source, item, self.zone)
        yield mapping.v1_engagement(self.source, item, self.zone)
        try:
            account = mapping.v1_payout_account(self.source, item)
        except MAPPING_ERRORS as exc:
            yield RecordProblem(f"{self.location(item)} (salary account)", problem_reason(exc))
        else:
            if account is not None:
                yield account


class V2PersonsStream(IncrementalStream):
    """``/persons`` → workers and salary accounts; ``/persons/{id}/employments`` → engagements."""

    name = "persons"
    path = "/persons"
    paginator = NextUrlPaginator(url_path=V2_NEXT, limit_param="limit")
    records_path = ("_data",)
    max_page_size = 50

    def __init__(
        self,
        client: HttpClient,
        source: str,
        page_size: int,
        *,
        incremental: bool,
        overlap: dt.timedelta,
        employments: bool,
    ) -> None:
        super().__init__(client, source, page_size)
        self.incremental = incremental
        self.overlap = overlap
        self.employments = employments

    def params(self) -> dict[str, Any]:
        since = since_text(self.watermark.since, self.overlap, offset=True) if self.incremental else None
        return {"updated_at.gt": since} if since else {}

    def marker(self, item: Mapping[str, Any]) -> str | None:
        return mapping.marker(item.get("updated_at"))

    def map_record(self, item: Mapping[str, Any]) -> Iterable[Record | RecordProblem]:
        worker = mapping.v2_worker(self.source, item)
        yield worker
        try:
            account = mapping.v2_payout_account(self.source, item)
        except MAPPING_ERRORS as exc:
            yield RecordProblem(f"{self.location(item)} (salary account)", problem_reason(exc))
        else:
            if account is not None:
                yield account
        if self.employments:
            yield from self._employments(worker.remote_id)

    def _employments(self, person_id: str) -> Iterator[Record | RecordProblem]:
        path = f"/persons/{quote(person_id, safe='')}/employments"
        for employment in employments_of(self.client, path, self.page_size):
            try:
                yield mapping.v2_engagement(self.source, person_id, employment)
            except MAPPING_ERRORS as exc:
                yield RecordProblem(self.location(employment, path), problem_reason(exc))


def employments_of(client: HttpClient, path: str, page_size: int) -> list[Mapping[str, Any]]:
    """Every employment of one person, following ``_meta.links.next.href`` on the API's origin."""
    found: list[Mapping[str, Any]] = []
    request: PageRequest | None = PageRequest("GET", path, {"limit": page_size})
    seen: set[str] = set()
    while request is not None:
        answer = client.request_json(request.method, request.target, params=request.params)
        items = dig(answer.body, ("_data",))
        if not isinstance(items, list):
            raise VendorResponseError(client.connector, f"GET {path}: response has no list at '_data'")
        found += [e for e in items if isinstance(e, Mapping)]
        following = dig(answer.body, V2_NEXT)
        if not items or not isinstance(following, str) or not following or following in seen:
            break
        base = urlsplit(client.base_url)
        following = urljoin(f"{base.scheme}://{base.netloc}/", following)
        if not client.is_own_url(following):
            raise VendorResponseError(client.connector, f"GET {path}: the next-page link leaves the API origin")
        seen.add(following)
        request = PageRequest("GET", following, {})
    return found
