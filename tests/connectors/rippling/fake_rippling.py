"""A stateful local fake of Rippling's two APIs, for wire-behaviour tests.

This is **our own fixture**, not Rippling's contract. It speaks the JSON shapes of Rippling's two
specs: the legacy Platform API (``/platform/api/employees`` and ``/employees/include_terminated``,
a bare array paged by ``limit``/``offset``, camelCase fields) and the new REST API (``/workers``
with ``expand``, ``order_by`` and ``cursor``; ``{results, next_link}`` with an absolute next link).
Unlike the stateless Prism mocks it really pages and sorts, records every request, and can be told
to fail (429 with ``Retry-After`` or ``X-RateLimit-Reset``, 5xx) or to ignore ``order_by``. The
request contracts are checked against Rippling's specs in ``test_contract_prism.py``.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

LEGACY = "/platform/api"
TOKEN = "rippling-api-key-0123456789"


@dataclass
class Fault:
    """Answer ``status`` instead of the real data to ``times`` requests of ``path`` matching ``when``."""

    path: str
    status: int
    times: int = 1
    headers: dict[str, str] = field(default_factory=dict)
    when: Callable[[Mapping[str, str]], bool] = lambda _params: True


def employee(i: int, **changes: Any) -> dict[str, Any]:
    """A legacy ``/employees`` item (fields as the legacy spec's example)."""
    item: dict[str, Any] = {
        "id": f"5c8f7f06c592917aeee1e{i:03d}",
        "name": f"Given{i} Family{i}",
        "preferredFirstName": f"G{i}",
        "firstName": f"Given{i}",
        "lastName": f"Family{i}",
        "employmentType": "CONTRACTOR" if i % 2 else "SALARIED_FT",
        "phone": f"+1415555{i:04d}",
        "dob": f"1990-02-{i % 28 + 1:02d}",
        "ssn": None,
        "title": "Software Engineer",
        "compensation": {"currency": "USD", "salaryPerUnit": "75.00", "salaryUnit": "HOUR"},
        "department": "Engineering",
        "address": {"streetLine1": f"{i} Pine St", "city": "Portland", "state": "OR", "zip": "97205", "country": "US"},
        "personalEmail": f"given{i}@example.net",
        "workEmail": f"given{i}@acme.example",
        "roleState": "ACTIVE",
        "startDate": "2024-04-01",
        "endDate": None,
        "gender": "FEMALE",
        "updatedAt": "2026-02-01T10:00:00+0000",
    }
    item.update(changes)
    return item


def worker(i: int, updated_at: str, **changes: Any) -> dict[str, Any]:
    """A REST ``/workers`` item with ``user`` and ``employment_type`` expanded."""
    item: dict[str, Any] = {
        "id": f"wrk-{i:03d}",
        "created_at": "2025-01-01T00:00:00Z",
        "updated_at": updated_at,
        "user_id": f"usr-{i:03d}",
        "user": {
            "id": f"usr-{i:03d}",
            "created_at": "2025-01-01T00:00:00Z",
            "updated_at": updated_at,
            "name": {"given_name": f"Given{i}", "family_name": f"Family{i}", "preferred_given_name": f"G{i}"},
            "emails": [{"value": f"given{i}@example.net", "type": "HOME"}],
            "phone_numbers": [{"value": f"+4420794600{i:02d}", "type": "MOBILE"}],
            "addresses": [
                {
                    "type": "HOME",
                    "street_address": f"{i} Baker Street",
                    "locality": "London",
                    "postal_code": "NW1 6XE",
                    "country": "GB",
                }
            ],
            "timezone": "Europe/London",
        },
        "country": "GB",
        "start_date": "2025-02-03",
        "work_email": f"given{i}@acme.example",
        "status": "ACTIVE",
        "employment_type": {"id": "et-1", "label": "Contractor", "type": "CONTRACTOR"},
        "date_of_birth": "1991-07-14",
        "race": "NOT_INFORMED",
        "title": "Backend Engineer",
    }
    item.update(changes)
    return item


class FakeRippling:
    """One company's employees (legacy API) and workers (REST API)."""

    def __init__(self, *, employees: int = 4, workers: int = 5, page_size: int = 2) -> None:
        self.employees = [employee(i) for i in range(employees)]
        self.terminated = [employee(90, roleState="TERMINATED", endDate="2025-12-31")]
        base = dt.datetime(2026, 2, 1, 9, 0, tzinfo=dt.UTC)
        self.workers = [worker(i, (base + dt.timedelta(minutes=i)).isoformat()) for i in range(workers)]
        self.page_size = page_size
        self.honour_order = True
        self.faults: list[Fault] = []
        self.log: list[tuple[str, dict[str, str]]] = []
        self.base = ""

    def touch(self, index: int, when: dt.datetime, **changes: Any) -> None:
        """A worker changes in Rippling at ``when``."""
        self.workers[index].update(changes, updated_at=when.isoformat())

    def fail(self, path: str, status: int, **kwargs: Any) -> None:
        """Add a :class:`Fault`."""
        self.faults.append(Fault(path, status, **kwargs))

    def requests_to(self, path: str) -> list[dict[str, str]]:
        """Query parameters of every logged request to ``path``."""
        return [params for logged, params in self.log if logged == path]

    def install(self, httpserver: HTTPServer) -> tuple[str, str]:
        """Serve on ``httpserver``; returns the legacy and REST base URLs to configure."""
        httpserver.expect_request(re.compile(r"/.*")).respond_with_handler(self.handle)
        self.base = httpserver.url_for("").rstrip("/")
        return self.base + LEGACY, self.base

    def handle(self, request: Request) -> Response:
        params = dict(request.args.items())
        self.log.append((request.path, params))
        if request.headers.get("Authorization") != f"Bearer {TOKEN}":
            return self._json({"detail": "Invalid token."}, 401)
        for fault in self.faults:
            if fault.times > 0 and fault.path == request.path and fault.when(params):
                fault.times -= 1
                return self._json({"detail": "injected"}, fault.status, fault.headers)
        if request.path in (f"{LEGACY}/employees", f"{LEGACY}/employees/include_terminated"):
            rows = self.employees + (self.terminated if request.path.endswith("include_terminated") else [])
            offset, limit = int(params.get("offset", 0)), int(params.get("limit", 100))
            return self._json(rows[offset : offset + limit])
        if request.path == "/workers":
            return self._workers(params)
        return self._json({"detail": "Not found."}, 404)

    def _workers(self, params: Mapping[str, str]) -> Response:
        rows = list(self.workers)
        if self.honour_order and params.get("order_by") == "updated_at desc":
            rows.sort(key=lambda w: w["updated_at"], reverse=True)
        start = int(params.get("cursor", 0))
        page = rows[start : start + self.page_size]
        body: dict[str, Any] = {"__meta": {"redacted_fields": []}, "results": page}
        if start + self.page_size < len(rows):
            following = {k: v for k, v in params.items() if k != "cursor"} | {"cursor": str(start + self.page_size)}
            body["next_link"] = f"{self.base}/workers?{urlencode(following)}"
        return self._json(body)

    @staticmethod
    def _json(body: Any, status: int = 200, headers: Mapping[str, str] | None = None) -> Response:
        return Response(json.dumps(body), status=status, headers=dict(headers or {}), content_type="application/json")
