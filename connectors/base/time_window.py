"""Event logs polled by time: each pass asks only for what happened since the last one, plus an overlap.

Identity providers keep sign-ins as an append-only log with a lower time bound on the query (Okta's
``since``, Graph's ``$filter=createdDateTime ge …``, Google Reports' ``startTime``). A
:class:`TimeWindowStream` is an :class:`~hiresentry.connectors.base.incremental.IncrementalStream`
whose pass starts at

- the first pass: ``lookback`` before now (vendors keep 30 to 180 days), or everything when
  ``lookback`` is None (a user directory);
- later passes: the latest item time the previous *completed* pass saw (the watermark's ``since``),
  minus ``overlap``: logs are eventually consistent, and an event published a minute ago may only
  become readable in ten. Re-read events carry the same id, so the store's upsert deduplicates them.

The start of a pass is computed once and kept in the watermark's memo, so a pass interrupted after
some pages resumes with the very query (and next link or page token) it began with. Markers are
the vendor's own item times normalised to ``YYYY-MM-DDTHH:MM:SS.ffffffZ`` so that they sort as text
(``…:56Z`` and ``…:56.5Z`` would not); our clock is only read for the first pass's lookback.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from typing import Any, ClassVar

from hiresentry.connectors.base.http import HttpClient
from hiresentry.connectors.base.incremental import IncrementalStream, Watermark
from hiresentry.connectors.base.paginate import Page, Path, dig
from hiresentry.core.model import Record

_MARKER_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"


def parse_time(value: Any) -> dt.datetime | None:
    """An ISO-8601 time (``Z`` or offset, any number of fraction digits) as aware UTC; None if absent.

    Raises ``ValueError`` for text that is not a time; a naive time is taken as UTC.
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if not isinstance(value, str):
        raise ValueError(f"not a timestamp: {value!r}")
    parsed = dt.datetime.fromisoformat(value.strip().replace("Z", "+00:00").replace("z", "+00:00"))
    return parsed.astimezone(dt.UTC) if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)


def utc_marker(value: dt.datetime | str | None) -> str | None:
    """A time as a marker that sorts as text; None for a missing or unreadable time."""
    try:
        when = value if isinstance(value, dt.datetime) else parse_time(value)
    except ValueError:
        return None
    if when is None:
        return None
    when = when.astimezone(dt.UTC) if when.tzinfo else when.replace(tzinfo=dt.UTC)
    return when.strftime(_MARKER_FORMAT)


class TimeWindowStream(IncrementalStream):
    """A stream read from a start time on; subclasses put :attr:`start` into their query.

    ``time_path`` says where an item's time is (``("published",)``, ``("id", "time")``); None for
    a stream without item times, which is read in full on every pass.
    """

    time_path: ClassVar[Path | None] = None

    def __init__(
        self,
        client: HttpClient,
        source: str,
        page_size: int,
        *,
        overlap: dt.timedelta,
        lookback: dt.timedelta | None,
        now: Callable[[], dt.datetime],
    ) -> None:
        super().__init__(client, source, page_size)
        self.overlap = overlap
        self.lookback = lookback
        self.now = now
        self.start: dt.datetime | None = None

    def begin(self, watermark: Watermark) -> None:
        """Fix this pass's start: the one committed with its first page, else from ``since``/lookback."""
        super().begin(watermark)
        kept = watermark.memo.get("start")
        if isinstance(kept, str) and kept:
            self.start = parse_time(kept)
        elif watermark.since is not None:
            since = parse_time(watermark.since)
            self.start = since - self.overlap if since is not None else None
        elif self.lookback is not None:
            self.start = self.now() - self.lookback
        else:
            self.start = None

    def marker(self, item: Mapping[str, Any]) -> str | None:
        """The item's time as a sortable marker."""
        if self.time_path is None:
            return None
        return utc_marker(dig(item, self.time_path))

    def memo_after(self, memo: dict[str, Any], page: Page, records: Sequence[Record]) -> dict[str, Any]:
        """Keep the pass's start with every page, so a resumed pass sends the same query."""
        if self.start is None:
            return memo
        return {**memo, "start": utc_marker(self.start)}
