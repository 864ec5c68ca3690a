"""Paginators, resumable stream checkpoints, and the REST stream base a vendor folder builds on.

A vendor stream should be a few declarations (path, paginator, where the items are, how one item
becomes canonical records), as in Singer's ``RESTStream``; everything about walking pages, turning
bad items into :class:`RecordProblem` s and committing positions lives here, once.

**Positions are strings** (what the store keeps per stream): an offset, a page number, the
vendor's opaque cursor or a next-page URL. A paginator turns a position into a request (usually
query parameters on the stream's path; a next URL; a GraphQL body) and a page (body, items and
headers) into the next position, or None when the stream is exhausted. The paginators here read
the body; :mod:`~hiresentry.connectors.base.next_link` follows next URLs (``Link`` header,
``@odata.nextLink``) and :mod:`~hiresentry.connectors.base.graphql` walks Relay connections.

**Checkpoints make a full pass resumable.** Most HR/payroll APIs have no "changed since" filter, so
each sync is a full pass over every stream. Each page is committed with a :class:`Checkpoint`
(pass number, next position, done) for its stream. If a sync dies mid-pass, the next ``read``
continues *that* pass: finished streams are skipped and the interrupted one resumes at its last
committed page, so nothing committed is fetched again. Once every stream of a pass is done, the
next ``read`` starts pass N+1 from the beginning (upserts make re-reading idempotent).
"""

from __future__ import annotations

import json
import logging
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar
from urllib.parse import urljoin, urlsplit

from pydantic import ValidationError

from hiresentry.connectors.base.connector import Batch, RecordProblem
from hiresentry.connectors.base.http import HttpClient, JsonResponse
from hiresentry.core.errors import VendorResponseError
from hiresentry.core.model import Record
from hiresentry.core.store import CursorUpdate

log = logging.getLogger(__name__)

Path = tuple[str, ...]


def dig(body: Any, path: Sequence[str]) -> Any:
    """``body[path[0]][path[1]]…``, or None as soon as a level is missing or not an object."""
    current = body
    for key in path:
        if not isinstance(current, Mapping):
            return None
        current = current.get(key)
    return current


def _as_int(value: Any) -> int | None:
    """A count from a vendor body; tolerant of numbers sent as strings or floats ("6.0E2")."""
    if isinstance(value, bool) or value is None:
        return None
    try:
        return int(float(value))
    except (TypeError, ValueError, OverflowError):
        return None


# -- paginators ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class PageRequest:
    """How to fetch one page: method, a path under the base URL (or a same-origin URL), query, body."""

    method: str
    target: str
    params: dict[str, Any] = field(default_factory=dict)
    json: Any = None
    link: bool = False
    """The target is a vendor-given link: absolute, or an absolute path on the API's origin."""


@dataclass(frozen=True)
class Page:
    """One fetched page as a paginator sees it: the decoded body, its items and the headers."""

    body: Any
    items: Sequence[Any]
    headers: Mapping[str, str] = field(default_factory=dict)


class Paginator(ABC):
    """Maps a stored position to a request, and a fetched page to the next position.

    Most paginators only need :meth:`params` and :meth:`next_position` (query parameters in, body
    out); those that send bodies or read headers override :meth:`request` or :meth:`next_page`.
    """

    @abstractmethod
    def params(self, position: str | None, page_size: int) -> dict[str, Any]:
        """Query parameters that fetch the page at ``position`` (None: the first page)."""

    def next_position(self, position: str | None, page_size: int, body: Any, items: Sequence[Any]) -> str | None:
        """Position of the page after this one, or None if this was the last page."""
        raise NotImplementedError(f"{type(self).__name__} reads more than the body: use next_page()")

    def request(self, path: str, position: str | None, page_size: int, fixed: Mapping[str, Any]) -> PageRequest:
        """The request for the page at ``position``: a GET of ``path`` with the fixed and paging parameters."""
        return PageRequest("GET", path, {**fixed, **self.params(position, page_size)})

    def next_page(self, position: str | None, page_size: int, page: Page) -> str | None:
        """Position of the page after ``page``, or None if it was the last one."""
        return self.next_position(position, page_size, page.body, page.items)


@dataclass(frozen=True)
class OffsetPaginator(Paginator):
    """``offset``/``limit``: stops on a short page or once ``total_path`` rows have been read.

    The next offset is computed from what *we* sent plus the items received, never read back from
    the body (vendors send it as a string, a float, or not at all).
    """

    offset_param: str = "offset"
    limit_param: str = "limit"
    total_path: Path | None = ("page", "total_rows")

    def params(self, position: str | None, page_size: int) -> dict[str, Any]:
        return {self.limit_param: page_size, self.offset_param: int(position or 0)}

    def next_position(self, position: str | None, page_size: int, body: Any, items: Sequence[Any]) -> str | None:
        reached = int(position or 0) + len(items)
        if len(items) < page_size:
            return None
        total = _as_int(dig(body, self.total_path)) if self.total_path else None
        if total is not None and reached >= total:
            return None
        return str(reached)


@dataclass(frozen=True)
class PageNumberPaginator(Paginator):
    """``page``/``per_page`` numbering: stops on a short page."""

    page_param: str = "page"
    size_param: str = "per_page"
    first_page: int = 1

    def params(self, position: str | None, page_size: int) -> dict[str, Any]:
        return {self.size_param: page_size, self.page_param: int(position or self.first_page)}

    def next_position(self, position: str | None, page_size: int, body: Any, items: Sequence[Any]) -> str | None:
        if len(items) < page_size:
            return None
        return str(int(position or self.first_page) + 1)


@dataclass(frozen=True)
class BodyCursorPaginator(Paginator):
    """An opaque cursor in the body (Deel ``page.cursor``, ``next_cursor``), sent back as a parameter.

    Stops when the cursor is missing or empty, when ``has_more_path`` says false, when a page is
    empty, when the vendor hands back the cursor we just sent (a loop), and, unless
    ``stop_on_short_page`` is off, on a short page: some APIs keep returning a cursor on the last
    page, and a stateless mock always does.
    """

    cursor_param: str = "cursor"
    cursor_path: Path = ("next_cursor",)
    has_more_path: Path | None = None
    limit_param: str | None = "limit"
    stop_on_short_page: bool = True

    def params(self, position: str | None, page_size: int) -> dict[str, Any]:
        params: dict[str, Any] = {self.limit_param: page_size} if self.limit_param else {}
        if position:
            params[self.cursor_param] = position
        return params

    def next_position(self, position: str | None, page_size: int, body: Any, items: Sequence[Any]) -> str | None:
        cursor = dig(body, self.cursor_path)
        if not items or cursor in (None, ""):
            return None
        if self.has_more_path is not None and dig(body, self.has_more_path) is False:
            return None
        if self.stop_on_short_page and len(items) < page_size:
            return None
        if str(cursor) == position:
            log.warning("vendor returned the cursor it was given; stopping to avoid a loop")
            return None
        return str(cursor)


@dataclass(frozen=True)
class PageTokenPaginator(BodyCursorPaginator):
    """Google-style ``pageToken`` in, ``nextPageToken`` out (Admin SDK Reports, ``maxResults`` ≤ 1000).

    A short page does not end the stream: Google may return fewer items than asked and still a token.
    """

    cursor_param: str = "pageToken"
    cursor_path: Path = ("nextPageToken",)
    limit_param: str | None = "maxResults"
    stop_on_short_page: bool = False


# -- checkpoints ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Checkpoint:
    """Where a stream stands within a full pass; stored as the stream's cursor value (JSON)."""

    pass_no: int = 1
    position: str | None = None
    done: bool = False

    def encode(self) -> str:
        """The cursor value committed with a page."""
        return json.dumps({"pass": self.pass_no, "next": self.position, "done": self.done}, sort_keys=True)

    @classmethod
    def decode(cls, value: str | None) -> Checkpoint | None:
        """Read a committed cursor value; None if absent or unreadable (the stream restarts)."""
        if not value:
            return None
        try:
            data = json.loads(value)
            position = data.get("next")
            return cls(int(data["pass"]), None if position is None else str(position), bool(data["done"]))
        except (ValueError, TypeError, KeyError, AttributeError):
            log.warning("ignoring an unreadable stream checkpoint; the stream starts over")
            return None


def plan_pass(state: Mapping[str, str], streams: Sequence[str]) -> dict[str, Checkpoint]:
    """Where each of ``streams`` starts in this read, from the committed ``state``.

    The current pass is the highest one committed. If every stream finished it, a new pass starts
    with every stream at the beginning; otherwise the current pass continues: its finished streams
    are skipped (``done``), its interrupted ones resume, and streams without a checkpoint of this
    pass (new, or never reached) start at the beginning.
    """
    found = {name: Checkpoint.decode(state.get(name)) for name in streams}
    current = max((cp.pass_no for cp in found.values() if cp is not None), default=0)
    if current == 0 or all(cp is not None and cp.pass_no == current and cp.done for cp in found.values()):
        return {name: Checkpoint(current + 1) for name in streams}
    return {name: cp if cp is not None and cp.pass_no == current else Checkpoint(current) for name, cp in found.items()}


# -- the stream base ---------------------------------------------------------------------------


def problem_reason(exc: Exception) -> str:
    """Why an item was refused, without echoing its values (pydantic appends ``input_value=...``)."""
    if isinstance(exc, ValidationError):
        return "; ".join(f"{'.'.join(str(p) for p in err['loc']) or '(record)'}: {err['msg']}" for err in exc.errors())
    if isinstance(exc, KeyError):
        return f"missing field {exc.args[0]!r}"
    return f"{type(exc).__name__}: {exc}"


def _shown(position: str | None) -> str:
    """A position for log lines: next URLs lose their query string (it may carry tokens)."""
    if position is None:
        return "start"
    return position.split("?", 1)[0] + "?…" if "://" in position and "?" in position else position


MAPPING_ERRORS = (ValueError, TypeError, KeyError, ArithmeticError)
"""What a malformed vendor item raises while being mapped; anything else is a real failure."""


class RestStream(ABC):
    """One paginated collection of a vendor API, mapped to canonical records page by page.

    Subclasses declare ``name`` (the cursor's stream name), ``path``, ``paginator`` and
    ``records_path`` and implement :meth:`map_record`; override :meth:`params` for fixed filters.
    Each page becomes one :class:`Batch`: its records, the problems of the items that could not be
    mapped, and the checkpoint that commits with them.
    """

    name: ClassVar[str]
    path: ClassVar[str]
    paginator: ClassVar[Paginator]
    records_path: ClassVar[Path] = ("data",)
    id_field: ClassVar[str] = "id"
    max_page_size: ClassVar[int | None] = None

    def __init__(self, client: HttpClient, source: str, page_size: int = 100) -> None:
        self.client = client
        self.source = source
        self.page_size = min(page_size, self.max_page_size or page_size)

    def params(self) -> dict[str, Any]:
        """Fixed query parameters of every page (filters, sort order)."""
        return {}

    @abstractmethod
    def map_record(self, item: Mapping[str, Any]) -> Iterable[Record | RecordProblem]:
        """Canonical records (or problems of sub-resources) for one vendor item.

        Raise ``ValueError``/``KeyError``/``TypeError`` (pydantic's ``ValidationError`` is one) for
        a malformed item: it becomes a :class:`RecordProblem` and the rest of the page still loads.
        Connector errors (auth, outage) propagate and stop the stream before the page commits.
        """

    def location(self, item: Any, path: str | None = None) -> str:
        """Where an item came from, for problem reports: ``deel:/people item id=…``."""
        item_id = item.get(self.id_field) if isinstance(item, Mapping) else None
        return f"{self.source}:{path or self.path} item id={item_id if item_id is not None else '?'}"

    def items(self, body: Any) -> list[Any]:
        """The items of one page; a body without a list there is a broken contract, not an empty page."""
        found = dig(body, self.records_path)
        if not isinstance(found, list):
            where = ".".join(self.records_path)
            raise VendorResponseError(self.source, f"GET {self.path}: response has no list at {where!r}")
        return found

    def map_page(self, items: Sequence[Any]) -> tuple[list[Record], list[RecordProblem]]:
        """Map every item; malformed ones become problems. Duplicates keep the last copy.

        Duplicates happen (offset pages shift while being read; mocks repeat examples) and two
        copies of one record in a batch would violate the store's uniqueness.
        """
        records: dict[tuple[str, str], Record] = {}
        problems: list[RecordProblem] = []
        # Map each id once (its last copy): mapping may cost sub-resource calls.
        unique: dict[str, Any] = {}
        for n, item in enumerate(items):
            item_id = item.get(self.id_field) if isinstance(item, Mapping) else None
            unique[f"id:{item_id}" if item_id is not None else f"#{n}"] = item
        for item in unique.values():
            if not isinstance(item, Mapping):
                problems.append(RecordProblem(self.location(item), "item is not a JSON object"))
                continue
            try:
                mapped = list(self.map_record(item))
            except MAPPING_ERRORS as exc:
                problems.append(RecordProblem(self.location(item), problem_reason(exc)))
                continue
            for result in mapped:
                if isinstance(result, RecordProblem):
                    problems.append(result)
                else:
                    records[(result.kind, result.remote_id)] = result
        return list(records.values()), problems

    def fetch(self, request: PageRequest) -> JsonResponse:
        """Send one page request; a next URL on another origin is refused (it would get our credentials)."""
        target = request.target
        if request.link:
            base = urlsplit(self.client.base_url)
            target = urljoin(f"{base.scheme}://{base.netloc}/", target)
            if not self.client.is_own_url(target):
                raise VendorResponseError(
                    self.source, f"{self.name}: the vendor's next-page link leaves the API origin"
                )
        return self.client.request_json(request.method, target, params=request.params, json=request.json)

    def batches(self, checkpoint: Checkpoint) -> Iterator[Batch]:
        """Pages from ``checkpoint`` on, each as a batch carrying the checkpoint after it."""
        position = checkpoint.position
        while True:
            response = self.fetch(self.paginator.request(self.path, position, self.page_size, self.params()))
            items = self.items(response.body)
            records, problems = self.map_page(items)
            following = self.paginator.next_page(position, self.page_size, Page(response.body, items, response.headers))
            done = following is None
            update = CursorUpdate(self.source, self.name, Checkpoint(checkpoint.pass_no, following, done).encode())
            log.info(
                "%s: %s page at %s: %d records, %d refused",
                self.source,
                self.name,
                _shown(position),
                len(records),
                len(problems),
            )
            yield Batch(records=records, cursors=[update], problems=problems)
            if done:
                return
            position = following
