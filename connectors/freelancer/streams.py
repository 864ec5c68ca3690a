"""Freelancer.com's one stream: our projects, with their milestones and freelancers, page by page.

``GET /projects/0.1/projects/?owners[]=<employer>&selected_bids=true`` (``limit``/``offset``,
``total_count``) lists the employer's projects. For each page the stream then asks, in one call
each, ``GET /projects/0.1/milestones/?projects[]=…`` (paged the same way) and
``GET /users/0.1/users/?users[]=…`` with the detail projections for the freelancers of the page's
awarded bids and milestones, so a project, its milestones and its freelancers commit together with
the page's checkpoint.

**Incremental re-sync.** The only time filter Freelancer.com documents on projects is
``from_time`` (submission time; the SDK's ``create_get_projects_object``); neither projects nor
milestones have a "changed since" filter. What can still change is known, though: a project that is
not complete or closed, or that has a milestone not yet released. So a pass reads

1. ``new:<offset>``: projects submitted since the last pass's newest one (``from_time`` =
   watermark minus ``lookback_hours``; everything on the first pass), then
2. ``open:<batch>``: the projects the last pass left *live*, by id (``projects[]=…``),

and records the projects it leaves live in its watermark's memo for the next pass. Projects that are
final and have no unreleased money are never asked for again.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from hiresentry.connectors.base import PageRequest, Paginator, RecordProblem
from hiresentry.connectors.base.http import HttpClient
from hiresentry.connectors.base.incremental import IncrementalStream
from hiresentry.connectors.base.paginate import MAPPING_ERRORS, Page, dig, problem_reason
from hiresentry.connectors.freelancer import mapping
from hiresentry.core.model import Record

SELF = "/users/0.1/self/"
USERS = "/users/0.1/users/"
PROJECTS = "/projects/0.1/projects/"
MILESTONES = "/projects/0.1/milestones/"
USER_PROJECTIONS = {
    "details": "true",
    "country_details": "true",
    "location_details": "true",
    "display_info": "true",
    "status": "true",
}
"""Detail blocks of ``/users/0.1/users`` (the SDK's ``create_get_users_details_object``)."""
PROJECT_PROJECTIONS = {"selected_bids": "true", "full_description": "false"}


@dataclass(frozen=True)
class ProjectsPaginator(Paginator):
    """``new:<offset>`` pages of the employer's projects since ``from_time``, then ``open:<batch>`` by id."""

    employer_id: int
    from_time: int | None = None
    open_ids: Sequence[str] = field(default_factory=tuple)

    def params(self, position: str | None, page_size: int) -> dict[str, Any]:
        return {}

    @staticmethod
    def where(position: str | None) -> tuple[str, int]:
        """(kind, number) of a position; None is the first ``new`` page."""
        kind, _, number = (position or "new:0").partition(":")
        if kind not in ("new", "open"):
            raise ValueError(f"not a projects position: {position!r}")
        return kind, int(number or 0)

    def batch(self, number: int, page_size: int) -> list[str]:
        return list(self.open_ids[number * page_size : (number + 1) * page_size])

    def request(self, path: str, position: str | None, page_size: int, fixed: Mapping[str, Any]) -> PageRequest:
        kind, number = self.where(position)
        if kind == "open":
            ids = self.batch(number, page_size)
            return PageRequest("GET", path, {"projects[]": ids, "limit": len(ids), "offset": 0, **fixed})
        params: dict[str, Any] = {"owners[]": [self.employer_id], "limit": page_size, "offset": number, **fixed}
        if self.from_time is not None:
            params["from_time"] = self.from_time
        return PageRequest("GET", path, params)

    def next_page(self, position: str | None, page_size: int, page: Page) -> str | None:
        kind, number = self.where(position)
        if kind == "open":
            return f"open:{number + 1}" if self.batch(number + 1, page_size) else None
        reached = number + len(page.items)
        total = dig(page.body, ("result", "total_count"))
        more = len(page.items) == page_size and not (isinstance(total, int) and reached >= total)
        if more:
            return f"new:{reached}"
        return "open:0" if self.open_ids else None


class ProjectsStream(IncrementalStream):
    """The employer's projects → engagements (awarded bids), payments (milestones) and workers."""

    name = "projects"
    path = PROJECTS
    records_path = ("result", "projects")
    max_page_size = 100

    def __init__(self, client: HttpClient, source: str, page_size: int, employer_id: int, lookback_hours: int) -> None:
        super().__init__(client, source, page_size)
        self.employer_id = employer_id
        self.lookback = lookback_hours * 3600
        self.emitted_workers: set[str] = set()
        self._bids: dict[str, list[Mapping[str, Any]]] = {}
        self._milestones: dict[str, list[Mapping[str, Any]]] = {}
        self._users: list[Mapping[str, Any]] = []
        self._missing_users: list[str] = []
        self._pager: ProjectsPaginator | None = None

    def params(self) -> dict[str, Any]:
        return dict(PROJECT_PROJECTIONS)

    def pager(self) -> ProjectsPaginator:
        if self._pager is None:
            since = self.watermark.since
            live = self.watermark.carried.get("open")
            self._pager = ProjectsPaginator(
                self.employer_id,
                mapping.seconds(since) - self.lookback if since else None,
                tuple(str(i) for i in live) if isinstance(live, list) else (),
            )
        return self._pager

    def marker(self, item: Mapping[str, Any]) -> str | None:
        return mapping.marker(item.get("time_submitted"))

    # -- a page and what it needs -------------------------------------------------------------------

    def prepare_page(self, page: Page) -> None:
        projects = [p for p in page.items if isinstance(p, Mapping) and p.get("id") is not None]
        ids = [str(p["id"]) for p in projects]
        result = mapping.obj(dig(page.body, ("result",)))
        self._bids = mapping.selected_bids(result, projects)
        self._milestones = {}
        for milestone in milestones_for(self.client, ids, self.page_size):
            self._milestones.setdefault(str(milestone.get("project_id")), []).append(milestone)
        bidders = {str(b["bidder_id"]) for bids in self._bids.values() for b in bids if b.get("bidder_id")}
        bidders |= {str(m["bidder_id"]) for ms in self._milestones.values() for m in ms if m.get("bidder_id")}
        wanted = sorted(bidders - self.emitted_workers)
        self._users = users_by_id(self.client, wanted) if wanted else []
        missing = set(wanted) - {str(u.get("id")) for u in self._users}
        self._missing_users = sorted(missing)

    def map_record(self, item: Mapping[str, Any]) -> Iterable[Record | RecordProblem]:
        project_id = str(item["id"])
        records: list[Record | RecordProblem] = []
        for bid in self._bids.get(project_id, []):
            if mapping.awarded(bid):
                records.append(mapping.engagement(self.source, item, bid))
        for milestone in self._milestones.get(project_id, []):
            try:
                records.append(mapping.payment(self.source, milestone, item))
            except MAPPING_ERRORS as exc:
                where = f"{self.source}:{MILESTONES} item transaction_id={milestone.get('transaction_id', '?')}"
                records.append(RecordProblem(where, problem_reason(exc)))
        return records

    def map_page(self, items: Sequence[Any]) -> tuple[list[Record], list[RecordProblem]]:
        records, problems = super().map_page(items)
        for user in self._users:
            try:
                records.append(mapping.worker(self.source, user))
            except MAPPING_ERRORS as exc:
                problems.append(
                    RecordProblem(f"{self.source}:{USERS} item id={user.get('id', '?')}", problem_reason(exc))
                )
            self.emitted_workers.add(str(user.get("id")))
        for user_id in self._missing_users:
            problems.append(
                RecordProblem(f"{self.source}:{USERS} item id={user_id}", "Freelancer.com returned no user")
            )
        return records, problems

    def memo_after(self, memo: dict[str, Any], page: Page, records: Sequence[Record]) -> dict[str, Any]:
        live = set(memo.get("open") or [])
        for project in page.items:
            if not isinstance(project, Mapping) or project.get("id") is None:
                continue
            project_id = str(project["id"])
            unreleased = any(
                (mapping.text(m.get("status")) or "").lower() in mapping.UNRELEASED
                for m in self._milestones.get(project_id, [])
            )
            if unreleased or not mapping.is_final(project):
                live.add(project_id)
            else:
                live.discard(project_id)
        return {**memo, "open": sorted(live, key=lambda i: (len(i), i))}


def milestones_for(client: HttpClient, project_ids: Sequence[str], page_size: int) -> list[Mapping[str, Any]]:
    """Every milestone of ``project_ids`` (``limit``/``offset`` pages until a short one)."""
    found: list[Mapping[str, Any]] = []
    for start in range(0, len(project_ids), page_size):
        ids, offset = list(project_ids[start : start + page_size]), 0
        while True:
            params = {"projects[]": ids, "limit": page_size, "offset": offset}
            page = mapping.milestones_of(mapping.obj(dig(client.get_json(MILESTONES, params=params), ("result",))))
            found.extend(page)
            offset += len(page)
            if len(page) < page_size:
                break
    return found


def users_by_id(client: HttpClient, user_ids: Sequence[str]) -> list[Mapping[str, Any]]:
    """``/users/0.1/users`` with the detail projections; the result is a map keyed by user id."""
    body = client.get_json(USERS, params={"users[]": list(user_ids), **USER_PROJECTIONS})
    users = dig(body, ("result", "users"))
    values = users.values() if isinstance(users, Mapping) else users if isinstance(users, list) else []
    return [u for u in values if isinstance(u, Mapping)]
