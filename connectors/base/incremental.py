"""Incremental streams: a watermark carried from one pass to the next, so a re-sync asks only for changes.

:mod:`~hiresentry.connectors.base.paginate` makes a *pass* resumable (checkpoint per page, finished
streams skipped). Where a vendor has a time filter (Upwork's ``transactionDateTime_bt``,
Freelancer.com's ``from_time``) or a stream can tell which items may still change, the next pass
should not start from nothing. A :class:`Watermark` is the stream's cursor value for that:

- ``since``: the lower bound this pass asks the vendor for (None on the first pass: everything);
- ``high``: the highest change marker seen so far in this pass; once the pass completes it becomes
  the next pass's ``since``. Markers are strings that sort in time order (ISO-8601 UTC, or dates);
- ``memo``: small JSON the stream keeps about this pass (for example the ids of items not yet in a
  final state), checkpointed with every page; ``carried`` is the memo of the last finished pass.

A watermark's JSON is a superset of :class:`~hiresentry.connectors.base.paginate.Checkpoint` 's, so
:func:`plan_pass` decides pass numbers and resumption exactly as for full-pass streams; an
interrupted pass resumes at its last committed page with the same ``since``. Markers come from the
vendor's own data (never our clock), so clock skew between us and the vendor cannot skip changes;
streams that want an overlap subtract it when they turn ``since`` into a filter.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from hiresentry.connectors.base.connector import Batch
from hiresentry.connectors.base.paginate import Page, Paginator, RestStream, plan_pass
from hiresentry.core.model import Record
from hiresentry.core.store import CursorUpdate

log = logging.getLogger(__name__)


def later(a: str | None, b: str | None) -> str | None:
    """The later of two markers (None is earlier than anything)."""
    if a is None:
        return b
    if b is None:
        return a
    return max(a, b)


@dataclass(frozen=True)
class Watermark:
    """Where an incremental stream stands: pass, next page, and what the next pass may skip."""

    pass_no: int = 1
    position: str | None = None
    done: bool = False
    since: str | None = None
    high: str | None = None
    memo: Mapping[str, Any] = field(default_factory=dict)
    carried: Mapping[str, Any] = field(default_factory=dict)

    def encode(self) -> str:
        """The cursor value committed with a page (readable by ``Checkpoint.decode`` too)."""
        data = {
            "pass": self.pass_no,
            "next": self.position,
            "done": self.done,
            "since": self.since,
            "high": self.high,
            "memo": dict(self.memo),
            "carried": dict(self.carried),
        }
        return json.dumps(data, sort_keys=True)

    @classmethod
    def decode(cls, value: str | None) -> Watermark | None:
        """Read a committed cursor value; None if absent or unreadable (the stream starts over)."""
        if not value:
            return None
        try:
            data = json.loads(value)
            position = data.get("next")
            memo, carried = data.get("memo") or {}, data.get("carried") or {}
            if not isinstance(memo, dict) or not isinstance(carried, dict):
                raise TypeError("memo is not an object")
            return cls(
                int(data["pass"]),
                None if position is None else str(position),
                bool(data["done"]),
                _text(data.get("since")),
                _text(data.get("high")),
                memo,
                carried,
            )
        except (ValueError, TypeError, KeyError, AttributeError):
            log.warning("ignoring an unreadable stream watermark; the stream starts over")
            return None


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def plan_incremental(state: Mapping[str, str], streams: Sequence[str]) -> dict[str, Watermark]:
    """Where each incremental stream starts in this read, from the committed ``state``.

    Pass numbers and resumption come from :func:`plan_pass`. A stream continuing its pass keeps its
    watermark as committed. A stream starting a new pass starts at the beginning with ``since`` set
    to the ``high`` of the pass it finished (or, if it never finished one, the ``since`` it had),
    and carries that pass's memo.
    """
    plan = plan_pass(state, streams)
    result: dict[str, Watermark] = {}
    for name, checkpoint in plan.items():
        old = Watermark.decode(state.get(name))
        if old is None:
            result[name] = Watermark(checkpoint.pass_no, checkpoint.position, checkpoint.done)
        elif old.pass_no == checkpoint.pass_no:
            result[name] = old
        elif old.done:
            result[name] = Watermark(checkpoint.pass_no, since=later(old.since, old.high), carried=old.memo)
        else:
            result[name] = Watermark(checkpoint.pass_no, since=old.since, carried=old.carried)
    return result


class IncrementalStream(RestStream):
    """A REST (or GraphQL) stream whose pages also advance a :class:`Watermark`.

    Subclasses implement :meth:`marker` (an item's change marker) and, as needed, :meth:`pager`
    (a paginator built for this pass, e.g. date windows starting at ``since``), :meth:`prepare_page`
    (sub-resource calls for a whole page before its items are mapped) and :meth:`memo_after`
    (bookkeeping the next pass reads as ``carried``). ``self.watermark`` is the
    watermark of the running pass, so requests can read ``since`` and ``carried``.
    """

    watermark: Watermark = Watermark()
    at: str | None = None
    """The position of the page being fetched and mapped."""

    def begin(self, watermark: Watermark) -> None:
        """Called once before the first page of a read; the default remembers the watermark."""
        self.watermark = watermark

    def pager(self) -> Paginator:
        """The paginator of this pass (default: the class's); override to build one from ``since``."""
        return self.paginator

    def marker(self, item: Mapping[str, Any]) -> str | None:
        """The change marker of one raw item (sortable text), or None if it has none."""
        return None

    def page_high(self, position: str | None, page: Page) -> str | None:
        """The highest marker a page proves was read; default: the latest item marker."""
        high: str | None = None
        for item in page.items:
            if isinstance(item, Mapping):
                high = later(high, self.marker(item))
        return high

    def prepare_page(self, page: Page) -> None:
        """Fetch what a whole page needs before its items are mapped (default: nothing)."""

    def memo_after(self, memo: dict[str, Any], page: Page, records: Sequence[Record]) -> dict[str, Any]:
        """The memo after this page (default: unchanged)."""
        return memo

    def batches_from(self, watermark: Watermark) -> Iterator[Batch]:
        """Pages from ``watermark`` on, each a batch carrying the watermark after it."""
        self.begin(watermark)
        position = watermark.position
        high, memo = watermark.high, dict(watermark.memo)
        pager = self.pager()
        while True:
            self.at = position
            response = self.fetch(pager.request(self.path, position, self.page_size, self.params()))
            items = self.items(response.body)
            page = Page(response.body, items, response.headers)
            self.prepare_page(page)
            records, problems = self.map_page(items)
            high = later(high, self.page_high(position, page))
            memo = self.memo_after(memo, page, records)
            following = pager.next_page(position, self.page_size, page)
            done = following is None
            after = replace(watermark, position=following, done=done, high=high, memo=memo)
            log.info(
                "%s: %s page at %s: %d records, %d refused",
                self.source,
                self.name,
                position,
                len(records),
                len(problems),
            )
            yield Batch(
                records=records, cursors=[CursorUpdate(self.source, self.name, after.encode())], problems=problems
            )
            if done:
                return
            position = following
