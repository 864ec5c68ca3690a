"""Entra's streams on Microsoft Graph: sign-in logs polled by time, and the directory's users.

- ``sign_ins``: ``GET /auditLogs/signIns?$filter=createdDateTime ge … and status/errorCode eq 0``
  with ``$top``; pages follow ``@odata.nextLink``. Graph returns newest first, which does not
  matter here: the next pass's lower bound moves only once a pass has completed.
- ``users``: ``GET /users?$select=…`` with ``@odata.nextLink``, read in full on every pass (Graph
  has no "changed since" filter on users short of delta queries; a directory is a few pages).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from hiresentry.connectors.base import RecordProblem
from hiresentry.connectors.base.next_link import NextUrlPaginator
from hiresentry.connectors.base.time_window import TimeWindowStream
from hiresentry.connectors.entra import mapping
from hiresentry.core.model import Record


def graph_time(when: dt.datetime) -> str:
    """A ``DateTimeOffset`` literal for ``$filter``, floored to the second (``2024-08-13T15:58:20Z``)."""
    return when.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class SignInsStream(TimeWindowStream):
    """``/auditLogs/signIns`` → access events."""

    name = "sign_ins"
    path = "/auditLogs/signIns"
    paginator = NextUrlPaginator()
    records_path = ("value",)
    max_page_size = 1000
    time_path = ("createdDateTime",)

    def __init__(self, *args: Any, successful_only: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.successful_only = successful_only

    def params(self) -> dict[str, Any]:
        clauses = [f"createdDateTime ge {graph_time(self.start)}"] if self.start is not None else []
        if self.successful_only:
            clauses.append("status/errorCode eq 0")
        return {"$filter": " and ".join(clauses)} if clauses else {}

    def map_record(self, item: Mapping[str, Any]) -> Iterable[Record | RecordProblem]:
        return [mapping.access_event(self.source, item)]


class UsersStream(TimeWindowStream):
    """``/users`` → workers (the identities sign-ins link to people through)."""

    name = "users"
    path = "/users"
    paginator = NextUrlPaginator()
    records_path = ("value",)
    max_page_size = 999

    def params(self) -> dict[str, Any]:
        return {"$select": ",".join(mapping.USER_FIELDS)}

    def map_record(self, item: Mapping[str, Any]) -> Iterable[Record | RecordProblem]:
        return [mapping.worker(self.source, item)]
