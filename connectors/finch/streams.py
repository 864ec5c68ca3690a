"""Finch's streams: the directory (with individuals and employments) and payments (with pay statements).

- ``directory``: ``GET /employer/directory`` with ``limit``/``offset`` (``paging.count`` is the
  total). For each page, one ``POST /employer/individual`` and one ``POST /employer/employment``
  carry every id of the page (Finch's batch endpoints answer one ``{individual_id, code, body}`` per
  id), so a page costs three requests, one per product. Finch has no "changed since" filter on these
  products: every sync is a full pass, resumable page by page, and records are upserted (a re-read
  changes only what changed).
- ``payments``: ``GET /employer/payment?start_date&end_date`` over windows of pay dates (a window is
  a page; the position is the window's first day), then ``POST /employer/pay-statement`` for the
  window's payments (each paged by ``limit``/``offset`` inside the request body). Payments are
  incremental: the first pass reads ``payments_lookback_days`` back; later passes start at the
  newest pay date seen minus ``payments_overlap_days`` (late corrections land inside the overlap).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from hiresentry.connectors.base import JsonResponse, OffsetPaginator, Page, PageRequest, Paginator, RecordProblem
from hiresentry.connectors.base.incremental import IncrementalStream
from hiresentry.connectors.base.paginate import MAPPING_ERRORS, dig, problem_reason
from hiresentry.connectors.finch import mapping
from hiresentry.connectors.finch.api import FinchApi
from hiresentry.connectors.finch.config import Product
from hiresentry.core.errors import VendorResponseError
from hiresentry.core.model import Record

Answer = tuple[int, Any]
"""One item of a Finch batch answer: its ``code`` and ``body``."""


class FinchStream(IncrementalStream):
    """A Finch list fetched through the client of its product."""

    product: ClassVar[Product]

    def __init__(self, api: FinchApi, source: str, page_size: int) -> None:
        super().__init__(api.clients[self.product], source, page_size)
        self.api = api

    def fetch(self, request: PageRequest) -> JsonResponse:
        body = self.api.call(self.product, request.method, request.target, params=request.params, json=request.json)
        return JsonResponse(body, {}, 200)

    def batch(
        self, product: Product, path: str, key: str, requests: Sequence[Mapping[str, Any]], **extra: Any
    ) -> dict[str, Answer]:
        """One Finch batch call → ``{id: (code, body)}`` (``key`` names the id field of each answer)."""
        if not requests:
            return {}
        body = self.api.call(product, "POST", path, json={"requests": list(requests), **extra})
        answers = body.get("responses") if isinstance(body, Mapping) else None
        if not isinstance(answers, list):
            raise VendorResponseError(self.source, f"POST {path}: response has no list at 'responses'")
        found: dict[str, Answer] = {}
        for answer in answers:
            if isinstance(answer, Mapping) and answer.get(key) is not None:
                code = answer.get("code")
                found[str(answer[key])] = (int(code) if isinstance(code, int) else 200, answer.get("body"))
        return found

    def answer_problem(self, what: str, item_id: str, answer: Answer | None) -> RecordProblem | None:
        """A problem when Finch's answer for one id is missing or not a 200 with a body."""
        if answer is None or answer == (0, None):
            return RecordProblem(f"{self.source}:{what} item id={item_id}", "Finch returned no answer for this id")
        code, body = answer
        if code != 200 or not isinstance(body, Mapping):
            return RecordProblem(f"{self.source}:{what} item id={item_id}", f"Finch answered code {code}")
        return None


class DirectoryStream(FinchStream):
    """``/employer/directory`` pages → workers (individual) and engagements (employment)."""

    name = "directory"
    path = "/employer/directory"
    product = "directory"
    paginator = OffsetPaginator(total_path=("paging", "count"))
    records_path = ("individuals",)
    max_page_size = 100

    def __init__(self, api: FinchApi, source: str, page_size: int, *, employment: bool, ssn: bool) -> None:
        super().__init__(api, source, page_size)
        self.employment = employment
        self.ssn = ssn
        self._individuals: dict[str, Answer] = {}
        self._employments: dict[str, Answer] = {}

    def prepare_page(self, page: Page) -> None:
        ids = [str(i["id"]) for i in page.items if isinstance(i, Mapping) and mapping.text(i.get("id"))]
        requests = [{"individual_id": i} for i in ids]
        options = {"options": {"include": ["ssn"]}} if self.ssn else {}
        self._individuals = self.batch("individual", "/employer/individual", "individual_id", requests, **options)
        if self.employment:
            self._employments = self.batch("employment", "/employer/employment", "individual_id", requests)

    def map_record(self, item: Mapping[str, Any]) -> Iterable[Record | RecordProblem]:
        individual_id = mapping.text(item.get("id"))
        if individual_id is None:
            raise ValueError("directory entry has no id")
        answer = self._individuals.get(individual_id)
        problem = self.answer_problem("/employer/individual", individual_id, answer)
        if problem is not None or answer is None:
            yield problem or RecordProblem(self.location(item), "no individual")
        else:
            yield mapping.worker(self.source, answer[1], item)
        if self.employment:
            yield from self._engagement(individual_id)

    def _engagement(self, individual_id: str) -> Iterable[Record | RecordProblem]:
        answer = self._employments.get(individual_id)
        problem = self.answer_problem("/employer/employment", individual_id, answer)
        if problem is not None or answer is None:
            return [problem] if problem else []
        try:
            return [mapping.engagement(self.source, answer[1])]
        except MAPPING_ERRORS as exc:
            return [RecordProblem(f"{self.source}:/employer/employment item id={individual_id}", problem_reason(exc))]


@dataclass(frozen=True)
class PayDateWindows(Paginator):
    """Windows of ``days`` pay dates from ``first`` to ``last``; a position is a window's first day."""

    first: dt.date
    last: dt.date
    days: int

    def params(self, position: str | None, page_size: int) -> dict[str, Any]:
        start = dt.date.fromisoformat(position) if position else self.first
        end = min(start + dt.timedelta(days=self.days - 1), self.last)
        return {"start_date": start.isoformat(), "end_date": end.isoformat()}

    def next_page(self, position: str | None, page_size: int, page: Page) -> str | None:
        end = dt.date.fromisoformat(self.params(position, page_size)["end_date"])
        return (end + dt.timedelta(days=1)).isoformat() if end < self.last else None


class PaymentsStream(FinchStream):
    """``/employer/payment`` windows → payments, one per pay statement."""

    name = "payments"
    path = "/employer/payment"
    product = "payment"
    records_path = ()
    max_page_size = 100

    def __init__(
        self, api: FinchApi, source: str, page_size: int, *, today: dt.date, lookback: int, window: int, overlap: int
    ) -> None:
        super().__init__(api, source, page_size)
        self.today = today
        self.lookback = lookback
        self.window = window
        self.overlap = overlap
        self._statements: dict[str, list[Mapping[str, Any]]] = {}
        self._answers: dict[str, Answer] = {}

    def pager(self) -> Paginator:
        """Windows from the pass's first pay date: ``since`` minus the overlap, else the lookback."""
        since = mapping.day(self.watermark.since)
        first = since - dt.timedelta(days=self.overlap) if since else self.today - dt.timedelta(days=self.lookback)
        return PayDateWindows(min(first, self.today), self.today, self.window)

    def marker(self, item: Mapping[str, Any]) -> str | None:
        found = mapping.day(item.get("pay_date"))
        return found.isoformat() if found else None

    def prepare_page(self, page: Page) -> None:
        ids = [str(p["id"]) for p in page.items if isinstance(p, Mapping) and mapping.text(p.get("id"))]
        self._statements = {i: [] for i in ids}
        self._answers = {}
        offsets = dict.fromkeys(ids, 0)
        while offsets:
            requests = [{"payment_id": i, "limit": self.page_size, "offset": o} for i, o in offsets.items()]
            answers = self.batch("pay_statement", "/employer/pay-statement", "payment_id", requests)
            following: dict[str, int] = {}
            for payment_id, offset in offsets.items():
                answer = answers.get(payment_id)
                if answer is None or answer[0] != 200 or not isinstance(answer[1], Mapping):
                    self._answers[payment_id] = answer or (0, None)  # a later page failed: the payment is refused
                    continue
                self._answers.setdefault(payment_id, answer)
                got = [s for s in answer[1].get("pay_statements") or [] if isinstance(s, Mapping)]
                self._statements[payment_id] += got
                total = dig(answer[1], ("paging", "count"))
                if got and isinstance(total, int) and offset + len(got) < total:
                    following[payment_id] = offset + len(got)
            offsets = following

    def map_record(self, item: Mapping[str, Any]) -> Iterable[Record | RecordProblem]:
        payment_id = mapping.text(item.get("id"))
        if payment_id is None:
            raise ValueError("payment has no id")
        problem = self.answer_problem("/employer/pay-statement", payment_id, self._answers.get(payment_id))
        if problem is not None:
            return [problem]
        return list(mapping.payments(self.source, item, self._statements.get(payment_id, [])))
