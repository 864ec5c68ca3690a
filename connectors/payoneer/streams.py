"""Payoneer's one stream: the payees-status report over a date window, with details per payee.

``GET /reports/payees_status?start_date=&end_date=`` (v2 program API; github.com/Drengel1990/
payoneer_api_client ``reports.rb`` and its README) lists
the payees with activity in the window and their payouts. It is the only change feed public
material shows, so the sync is **incremental by date window**: each pass reads from where the last
finished pass ended (minus ``window_overlap_days``, the report being day-granular) to today, and
asks ``GET /payees/{payee_id}/details`` only for the payees the report names.

The report's paging is not documented. Our conservative choice: send ``page``/``page_size`` and go
on only while the answer itself says more pages exist (``total_pages`` > ``page``). An API that
ignores the parameters and answers everything at once therefore ends after one page instead of
reading the same rows forever.

The window travels in the stream's checkpoint (``{"pass", "next", "done", "from", "to"}``): a
resumed pass keeps its window, so its pages stay the same pages.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any
from urllib.parse import quote

from hiresentry.connectors.base import Batch, Checkpoint, Paginator, RecordProblem, RestStream
from hiresentry.connectors.base.http import HttpClient
from hiresentry.connectors.base.paginate import MAPPING_ERRORS, dig, problem_reason
from hiresentry.connectors.payoneer import mapping
from hiresentry.core.errors import VendorResponseError
from hiresentry.core.model import Record
from hiresentry.core.store import CursorUpdate


def segment(value: Any) -> str:
    """A vendor id as one path segment: ids come from vendor data and must not add path parts."""
    return quote(str(value), safe="")


@dataclass(frozen=True)
class ReportPaginator(Paginator):
    """``page``/``page_size``, continued only while the body's ``total_pages`` says there is more."""

    def params(self, position: str | None, page_size: int) -> dict[str, Any]:
        return {"page": int(position or 1), "page_size": page_size}

    def next_position(self, position: str | None, page_size: int, body: Any, items: Sequence[Any]) -> str | None:
        page = int(position or 1)
        payload = mapping.result(body)
        total = dig(payload, ("total_pages",)) if isinstance(payload, Mapping) else None
        try:
            pages = int(total) if total is not None else None
        except (TypeError, ValueError):
            pages = None
        if not items or pages is None or page >= pages:
            return None
        return str(page + 1)


@dataclass(frozen=True)
class ReportWindow:
    """The ``start_date``..``end_date`` one pass reads (both inclusive, Payoneer dates)."""

    start: dt.date
    end: dt.date

    @classmethod
    def for_pass(
        cls, checkpoint: Checkpoint, stored: str | None, today: dt.date, history_start: dt.date, overlap_days: int
    ) -> ReportWindow:
        """This pass's window: a resumed pass keeps its own; a new one starts where the last one ended."""
        saved = _decode(stored)
        if saved.get("pass") == checkpoint.pass_no and "from" in saved and "to" in saved:
            return cls(dt.date.fromisoformat(saved["from"]), dt.date.fromisoformat(saved["to"]))
        if saved.get("done") and "to" in saved:
            start = dt.date.fromisoformat(saved["to"]) - dt.timedelta(days=overlap_days)
        elif "from" in saved:
            start = dt.date.fromisoformat(saved["from"])  # an unfinished older pass: read its window again
        else:
            start = history_start
        return cls(min(start, today), today)

    def stamp(self, cursor: CursorUpdate) -> CursorUpdate:
        """The checkpoint ``cursor`` with this window added."""
        value = {**json.loads(cursor.value), "from": self.start.isoformat(), "to": self.end.isoformat()}
        return CursorUpdate(cursor.connector, cursor.stream, json.dumps(value, sort_keys=True))


def _decode(stored: str | None) -> dict[str, Any]:
    try:
        value = json.loads(stored) if stored else {}
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


class PayeesStream(RestStream):
    """``/reports/payees_status`` → workers, their payout accounts and their payouts."""

    name = "payees"
    path = "/reports/payees_status"
    paginator = ReportPaginator()
    id_field = "payee_id"

    def __init__(self, client: HttpClient, source: str, page_size: int, window: ReportWindow) -> None:
        super().__init__(client, source, page_size)
        self.window = window

    def params(self) -> dict[str, Any]:
        return {"start_date": self.window.start.isoformat(), "end_date": self.window.end.isoformat()}

    def items(self, body: Any) -> list[Any]:
        found = dig(mapping.result(body), ("payees",))
        if not isinstance(found, list):
            raise VendorResponseError(self.source, f"GET {self.path}: response has no list at 'payees'")
        return found

    def details(self, payee_id: str) -> Mapping[str, Any] | None:
        """``/payees/{id}/details``; None when Payoneer does not know the payee (404)."""
        body = self.client.get_json(f"/payees/{segment(payee_id)}/details", allow=(404,))
        found = mapping.result(body)
        return found if isinstance(found, Mapping) else None

    def map_record(self, item: Mapping[str, Any]) -> Iterable[Record | RecordProblem]:
        payee_id = mapping.text(item.get("payee_id"))
        if payee_id is None:
            raise ValueError("payee has no payee_id")
        details = self.details(payee_id)
        yield mapping.worker(self.source, item, details)
        if details is not None:
            yield from self._guarded(partial(mapping.payout_account, self.source, payee_id, details), item)
        for payout in mapping.payouts(item):
            yield from self._guarded(partial(mapping.payment, self.source, payee_id, payout), payout)

    def _guarded(self, build: Callable[[], Record | None], item: Mapping[str, Any]) -> Iterator[Record | RecordProblem]:
        """The record ``build()`` makes (if any); a malformed sub-item becomes a problem, the payee still loads."""
        try:
            record = build()
        except MAPPING_ERRORS as exc:
            where = mapping.text(item.get("client_reference_id")) or mapping.text(item.get("payee_id")) or "?"
            yield RecordProblem(f"{self.source}:{self.path} item id={where}", problem_reason(exc))
            return
        if record is not None:
            yield record

    def batches(self, checkpoint: Checkpoint) -> Iterator[Batch]:
        """Pages from ``checkpoint`` on; each committed checkpoint also records this pass's window."""
        for batch in super().batches(checkpoint):
            batch.cursors = [self.window.stamp(c) for c in batch.cursors]
            yield batch
