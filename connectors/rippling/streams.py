"""Rippling's streams: legacy employees (offset pages) and REST workers (``next_link`` cursor).

- ``employees`` (legacy Platform API): ``GET /employees`` or ``/employees/include_terminated``,
  ``limit``/``offset``, a bare array. The API has no change filter and its ``/company_activity``
  feed records app access and sign-ins, not profile changes, so every sync is a full pass
  (resumable page by page through the usual checkpoints).
- ``workers`` (new REST API): ``GET /workers?expand=user,employment_type&order_by=updated_at desc``,
  followed through ``next_link``. Filters exist only for ``status`` and ``work_email``, but the list
  sorts by ``updated_at``, so :class:`WorkersWalk` reads newest first and stops after the first page
  that ends with a worker not changed since the last sync's watermark: a re-sync fetches only what
  changed. It stops early only while the pages really come back newest first; otherwise it reads
  every page. Changes to a worker's *user* (address, phone) may not move the worker's ``updated_at``,
  so a full walk still runs every ``full_sync_days``.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import logging
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from typing import Any

from hiresentry.connectors.base import Batch, OffsetPaginator, Page, RecordProblem, RestStream
from hiresentry.connectors.base.http import HttpClient
from hiresentry.connectors.base.next_link import NextUrlPaginator
from hiresentry.connectors.rippling import mapping
from hiresentry.core.model import Record
from hiresentry.core.store import CursorUpdate

log = logging.getLogger(__name__)


class LegacyEmployeesStream(RestStream):
    """Legacy ``/employees`` (optionally with terminated ones) → workers and engagements."""

    name = "employees"
    path = "/employees"
    paginator = OffsetPaginator(total_path=None)
    records_path = ()
    max_page_size = 100

    def __init__(self, client: HttpClient, source: str, page_size: int, *, include_terminated: bool) -> None:
        super().__init__(client, source, page_size)
        if include_terminated:
            self.path = "/employees/include_terminated"  # type: ignore[misc]

    def map_record(self, item: Mapping[str, Any]) -> Iterable[Record | RecordProblem]:
        return [mapping.legacy_worker(self.source, item), mapping.legacy_engagement(self.source, item)]


class WorkersStream(RestStream):
    """REST ``/workers`` → workers and engagements (used page by page by :class:`WorkersWalk`)."""

    name = "workers"
    path = "/workers"
    paginator = NextUrlPaginator(url_path=("next_link",), limit_param=None)
    records_path = ("results",)

    def __init__(self, client: HttpClient, source: str, *, expand: str, order_by: str) -> None:
        super().__init__(client, source, 100)
        self.expand = expand
        self.order_by = order_by

    def params(self) -> dict[str, Any]:
        params = {"expand": self.expand} if self.expand else {}
        return {**params, "order_by": self.order_by} if self.order_by else params

    def map_record(self, item: Mapping[str, Any]) -> Iterable[Record | RecordProblem]:
        return [mapping.rest_worker(self.source, item), mapping.rest_engagement(self.source, item)]


def _iso(value: dt.datetime | None) -> str | None:
    return value.isoformat() if value else None


def _stamp(value: Any) -> dt.datetime | None:
    try:
        return mapping.timestamp(value) if value else None
    except ValueError:
        return None


@dataclass(frozen=True)
class WorkersCursor:
    """Where the REST walk stands: the watermark a re-sync stops at, and the walk in progress, if any."""

    watermark: dt.datetime | None = None
    full_pass_at: dt.datetime | None = None
    next_link: str | None = None
    walking: bool = False
    full: bool = True
    newest: dt.datetime | None = None
    ordered: bool = True
    last: dt.datetime | None = None
    started: dt.datetime | None = None

    def encode(self) -> str:
        return json.dumps(
            {
                "watermark": _iso(self.watermark),
                "full_pass_at": _iso(self.full_pass_at),
                "walk": None
                if not self.walking
                else {
                    "next": self.next_link,
                    "full": self.full,
                    "newest": _iso(self.newest),
                    "ordered": self.ordered,
                    "last": _iso(self.last),
                    "started": _iso(self.started),
                },
            },
            sort_keys=True,
        )

    @classmethod
    def decode(cls, value: str | None) -> WorkersCursor:
        if not value:
            return cls()
        try:
            data = json.loads(value)
            walk = data.get("walk")
            base = cls(_stamp(data.get("watermark")), _stamp(data.get("full_pass_at")))
            if not walk:
                return base
            return replace(
                base,
                next_link=walk.get("next"),
                walking=True,
                full=bool(walk.get("full", True)),
                newest=_stamp(walk.get("newest")),
                ordered=bool(walk.get("ordered", True)),
                last=_stamp(walk.get("last")),
                started=_stamp(walk.get("started")),
            )
        except (ValueError, TypeError, AttributeError):
            log.warning("ignoring an unreadable Rippling workers cursor; the next read is a full pass")
            return cls()


class WorkersWalk:
    """Reads REST workers newest first, fully or down to the watermark, resumable page by page."""

    def __init__(self, stream: WorkersStream, *, incremental: bool, full_sync: dt.timedelta) -> None:
        self.stream = stream
        self.incremental = incremental
        self.full_sync = full_sync

    def start(self, cursor: WorkersCursor, now: dt.datetime) -> WorkersCursor:
        """The walk to do now: the interrupted one, else a full or an incremental one."""
        if cursor.walking:
            return cursor
        full = (
            not self.incremental
            or cursor.watermark is None
            or cursor.full_pass_at is None
            or now - cursor.full_pass_at >= self.full_sync
        )
        return replace(
            cursor, walking=True, full=full, next_link=None, newest=None, ordered=True, last=None, started=now
        )

    def batches(self, cursor: WorkersCursor) -> Iterator[Batch]:
        """Pages from ``cursor`` (as returned by :meth:`start`), each with the cursor after it."""
        stream = self.stream
        while True:
            request = stream.paginator.request(stream.path, cursor.next_link, stream.page_size, stream.params())
            response = stream.fetch(request)
            items = stream.items(response.body)
            records, problems = stream.map_page(items)
            stamps = [_stamp(i.get("updated_at")) if isinstance(i, Mapping) else None for i in items]
            known = [s for s in stamps if s is not None]
            sequence = [cursor.last, *known] if cursor.last else known
            ordered = cursor.ordered and all(a >= b for a, b in itertools.pairwise(sequence))
            newest = max([s for s in (cursor.newest, *known) if s is not None], default=None)
            following = stream.paginator.next_page(
                cursor.next_link, stream.page_size, Page(response.body, items, response.headers)
            )
            reached = (
                not cursor.full
                and ordered
                and cursor.watermark is not None
                and bool(known)
                and known[-1] <= cursor.watermark
            )
            if following is None or reached:
                watermark = max([s for s in (cursor.watermark, newest) if s is not None], default=None)
                after = WorkersCursor(watermark, cursor.started if cursor.full else cursor.full_pass_at)
            else:
                after = replace(
                    cursor,
                    next_link=following,
                    newest=newest,
                    ordered=ordered,
                    last=known[-1] if known else cursor.last,
                )
            log.info(
                "%s: workers page: %d records, %d refused%s",
                stream.source,
                len(records),
                len(problems),
                " (reached the last sync's watermark)" if reached else "",
            )
            yield Batch(
                records=records, cursors=[CursorUpdate(stream.source, stream.name, after.encode())], problems=problems
            )
            if not after.walking:
                return
            cursor = after
