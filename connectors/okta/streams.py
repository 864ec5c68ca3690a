"""Okta's streams: the System Log polled by time, and the users the sign-ins belong to.

- ``system_log``: ``GET /api/v1/logs`` as a *polling* query (``since`` without ``until``,
  ``sortOrder=ASCENDING``), filtered to the configured sign-in event types and, by default,
  successful outcomes. Pages follow ``Link: <…>; rel="next"``; Okta hands out a next link even on
  the last page of a poll, so the pass ends on the first empty page.
- ``users``: ``GET /api/v1/users``, ``Link`` pages of at most 200. The first pass lists every user
  (Okta leaves deprovisioned ones out); later passes ask only for users changed since, with
  ``search=lastUpdated gt "…"`` (which includes every status, so a deactivation is seen).

Both are :class:`~hiresentry.connectors.base.time_window.TimeWindowStream` s: the next pass starts
at the latest ``published``/``lastUpdated`` seen minus the configured overlap.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from hiresentry.connectors.base import RecordProblem
from hiresentry.connectors.base.next_link import LinkHeaderPaginator
from hiresentry.connectors.base.time_window import TimeWindowStream
from hiresentry.connectors.okta import mapping
from hiresentry.core.model import Record


def okta_time(when: dt.datetime) -> str:
    """A time as Okta writes it: ``2024-08-13T15:58:20.353Z`` (UTC, milliseconds)."""
    return when.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{when.microsecond // 1000:03d}Z"


def sign_in_filter(event_types: Iterable[str], successful_only: bool) -> str:
    """The System Log ``filter`` expression for sign-ins (SCIM-like; types are validated in config)."""
    types = " or ".join(f'eventType eq "{t}"' for t in event_types)
    return f'({types}) and outcome.result eq "SUCCESS"' if successful_only else types


class SystemLogStream(TimeWindowStream):
    """``/api/v1/logs`` sign-in events → access events."""

    name = "system_log"
    path = "/api/v1/logs"
    paginator = LinkHeaderPaginator(limit_param="limit")
    records_path = ()
    id_field = "uuid"
    max_page_size = 1000
    time_path = ("published",)

    def __init__(self, *args: Any, event_types: Iterable[str], successful_only: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.filter = sign_in_filter(event_types, successful_only)

    def params(self) -> dict[str, Any]:
        params: dict[str, Any] = {"filter": self.filter, "sortOrder": "ASCENDING"}
        if self.start is not None:
            params["since"] = okta_time(self.start)
        return params

    def map_record(self, item: Mapping[str, Any]) -> Iterable[Record | RecordProblem]:
        return [mapping.access_event(self.source, item)]


class UsersStream(TimeWindowStream):
    """``/api/v1/users`` → workers (the identities sign-ins link to people through)."""

    name = "users"
    path = "/api/v1/users"
    paginator = LinkHeaderPaginator(limit_param="limit")
    records_path = ()
    max_page_size = 200
    time_path = ("lastUpdated",)

    def params(self) -> dict[str, Any]:
        if self.start is None:
            return {}
        return {"search": f'lastUpdated gt "{okta_time(self.start)}"'}

    def map_record(self, item: Mapping[str, Any]) -> Iterable[Record | RecordProblem]:
        return [mapping.worker(self.source, item)]
