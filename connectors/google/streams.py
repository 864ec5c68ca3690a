"""Google Workspace streams: login activity from the Reports API, users from the Directory API.

- ``login_activity``: ``GET /admin/reports/v1/activity/users/all/applications/login`` with
  ``eventName=login_success``, ``startTime`` (RFC 3339) and ``maxResults`` ≤ 1000; pages follow
  ``pageToken`` ↔ ``nextPageToken``. Google returns newest first and lists no ``items`` at all
  when nothing matched.
- ``users``: ``GET /admin/directory/v1/users?customer=…&projection=basic`` (``maxResults`` ≤ 500),
  read in full on every pass: the Directory has no "changed since" filter.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from hiresentry.connectors.base import PageTokenPaginator, RecordProblem
from hiresentry.connectors.base.paginate import dig
from hiresentry.connectors.base.time_window import TimeWindowStream
from hiresentry.connectors.google import mapping
from hiresentry.core.errors import VendorResponseError
from hiresentry.core.model import Record

LOGIN_ACTIVITY = "/admin/reports/v1/activity/users/all/applications/login"
USERS = "/admin/directory/v1/users"


def rfc3339(when: dt.datetime) -> str:
    """``2024-08-13T15:58:20.353Z`` (UTC, milliseconds), as the Reports API takes ``startTime``."""
    return when.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{when.microsecond // 1000:03d}Z"


class _GoogleList(TimeWindowStream):
    """A Google list: the items key is simply absent when there are none."""

    def items(self, body: Any) -> list[Any]:
        if isinstance(body, Mapping) and self.records_path[0] not in body:
            return []
        found = dig(body, self.records_path)
        if not isinstance(found, list):
            raise VendorResponseError(self.source, f"GET {self.path}: {self.records_path[0]!r} is not a list")
        return found


class LoginActivityStream(_GoogleList):
    """Successful logins → access events."""

    name = "login_activity"
    path = LOGIN_ACTIVITY
    paginator = PageTokenPaginator()
    records_path = ("items",)
    id_field = "etag"
    max_page_size = 1000
    time_path = ("id", "time")

    def __init__(self, *args: Any, customer_id: str = "my_customer", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.customer_id = customer_id

    def params(self) -> dict[str, Any]:
        params: dict[str, Any] = {"eventName": mapping.LOGIN_SUCCESS}
        if self.start is not None:
            params["startTime"] = rfc3339(self.start)
        if self.customer_id != "my_customer":
            params["customerId"] = self.customer_id
        return params

    def location(self, item: Any, path: str | None = None) -> str:
        qualifier = dig(item, ("id", "uniqueQualifier")) if isinstance(item, Mapping) else None
        return f"{self.source}:{path or self.path} item uniqueQualifier={qualifier if qualifier is not None else '?'}"

    def map_record(self, item: Mapping[str, Any]) -> Iterable[Record | RecordProblem]:
        return [mapping.access_event(self.source, item)] if mapping.is_login_success(item) else []


class UsersStream(_GoogleList):
    """Directory users → workers (the identities logins link to people through)."""

    name = "users"
    path = USERS
    paginator = PageTokenPaginator()
    records_path = ("users",)
    max_page_size = 500

    def __init__(self, *args: Any, customer_id: str = "my_customer", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.customer_id = customer_id

    def params(self) -> dict[str, Any]:
        return {"customer": self.customer_id, "projection": "basic", "orderBy": "email"}

    def map_record(self, item: Mapping[str, Any]) -> Iterable[Record | RecordProblem]:
        return [mapping.worker(self.source, item)]
