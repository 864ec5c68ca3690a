"""A stateful local fake of Merge's HRIS API (one linked account), for wire-behaviour tests.

This is **our own fixture**, not Merge's contract: it speaks the JSON shapes of Merge's HRIS v1
spec (``{next, previous, results}`` pages with an opaque ``next`` cursor; ``Employee``, ``Location``,
``Employment``, ``BankInfo``, ``PayrollRun``, ``EmployeePayrollRun`` objects with ``modified_at``
and ``remote_was_deleted``) and, unlike the stateless Prism mock, really pages, filters by
``modified_after``, hides deleted objects unless ``include_deleted_data=true``, masks SSNs unless
``include_sensitive_fields=true``, checks both the API key and ``X-Account-Token``, records every
request, and can be told to fail (429 with ``Retry-After``, 5xx, 4xx) on chosen requests. The
request contract itself is checked against Merge's spec in ``test_contract_prism.py``.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

API_KEY = "merge-prod-key-0123456789"
ACCOUNT_TOKEN = "merge-account-token-abcdef"
PREFIX = "/api/hris/v1"
BASE = dt.datetime(2025, 2, 1, 8, 0, tzinfo=dt.UTC)


def stamp(moment: dt.datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.000000Z")


@dataclass
class Fault:
    """Answer ``status`` instead of the real data to ``times`` requests of ``path``."""

    path: str
    status: int
    times: int = 1
    headers: dict[str, str] = field(default_factory=dict)
    body: Any = field(default_factory=lambda: {"detail": "injected"})


class FakeMerge:
    """One linked account: employees with home locations, employments, bank info and payroll."""

    def __init__(self, *, people: int = 5) -> None:
        self.models: dict[str, list[dict[str, Any]]] = {
            "/employees": [self.employee(i) for i in range(people)],
            "/locations": [self.location(i) for i in range(people)],
            "/employments": [self.employment(i) for i in range(people)],
            "/bank-info": [self.bank(i) for i in range(people)],
            "/employee-payroll-runs": [self.pay(i, r) for i in range(people) for r in range(2)],
        }
        self.runs = {f"run-{r}": self.run(r) for r in range(2)}
        self.account = {
            "id": "la-0001",
            "integration": "BambooHR",
            "integration_slug": "bamboohr",
            "category": "hris",
            "end_user_organization_name": "Acme",
            "end_user_email_address": "it@acme.example",
            "status": "COMPLETE",
        }
        self.faults: list[Fault] = []
        self.log: list[tuple[str, dict[str, str]]] = []

    # -- data in Merge's shapes -----------------------------------------------------------------

    @staticmethod
    def employee(i: int) -> dict[str, Any]:
        return {
            "id": f"emp-{i}",
            "remote_id": f"{1000 + i}",
            "first_name": f"Given{i}",
            "last_name": f"Family{i}",
            "display_full_name": f"Given{i} Family{i}",
            "work_email": f"given{i}@acme.example",
            "personal_email": f"given{i}@mail.example",
            "mobile_phone_number": f"+1415555{i:04d}",
            "home_location": f"loc-{i}",
            "ssn": f"123-45-{6780 + i}",
            "gender": "FEMALE",
            "ethnicity": "PREFER_NOT_TO_DISCLOSE",
            "marital_status": "SINGLE",
            "date_of_birth": f"1991-0{i % 9 + 1}-15T00:00:00Z",
            "employment_status": "ACTIVE",
            "remote_was_deleted": False,
            "modified_at": stamp(BASE + dt.timedelta(hours=i)),
            "remote_data": [{"path": "/employees", "data": {"raw": "vendor payload"}}],
            "custom_fields": {"Passport": f"X{i}23456"},
        }

    @staticmethod
    def location(i: int) -> dict[str, Any]:
        return {
            "id": f"loc-{i}",
            "street_1": f"{i} Market St",
            "city": "San Francisco",
            "state": "CA",
            "zip_code": "94105",
            "country": "US",
            "location_type": "HOME",
            "modified_at": stamp(BASE),
            "remote_was_deleted": False,
        }

    @staticmethod
    def employment(i: int) -> dict[str, Any]:
        return {
            "id": f"job-{i}",
            "employee": f"emp-{i}",
            "job_title": "Engineer",
            "pay_rate": 90000.0 + i,
            "pay_period": "YEAR",
            "pay_currency": "USD" if i % 2 == 0 else None,
            "employment_type": "CONTRACTOR" if i % 2 else "FULL_TIME",
            "effective_date": "2024-03-01T00:00:00Z",
            "remote_was_deleted": False,
            "modified_at": stamp(BASE + dt.timedelta(hours=i)),
        }

    @staticmethod
    def bank(i: int) -> dict[str, Any]:
        return {
            "id": f"bank-{i}",
            "employee": f"emp-{i}",
            "account_number": f"00012345{i}",
            "routing_number": "121000358",
            "bank_name": "Chase",
            "account_type": "CHECKING",
            "remote_created_at": "2024-03-01T00:00:00Z",
            "remote_was_deleted": False,
            "modified_at": stamp(BASE + dt.timedelta(hours=i)),
        }

    @staticmethod
    def run(r: int) -> dict[str, Any]:
        return {"id": f"run-{r}", "run_state": "PAID" if r == 0 else "APPROVED", "run_type": "REGULAR"}

    @staticmethod
    def pay(i: int, r: int) -> dict[str, Any]:
        return {
            "id": f"epr-{i}-{r}",
            "employee": f"emp-{i}",
            "payroll_run": f"run-{r}",
            "gross_pay": 4000.0,
            "net_pay": 3100.5,
            "check_date": f"2025-0{r + 3}-01T00:00:00Z",
            "earnings": [{"amount": 4000.0, "type": "SALARY"}],
            "remote_was_deleted": False,
            "modified_at": stamp(BASE + dt.timedelta(hours=i, minutes=r)),
        }

    def touch(self, path: str, item_id: str, when: dt.datetime, **changes: Any) -> None:
        """Change one object at ``when``."""
        item = next(m for m in self.models[path] if m["id"] == item_id)
        item.update(changes, modified_at=stamp(when))

    # -- HTTP ------------------------------------------------------------------------------------

    def install(self, httpserver: HTTPServer) -> str:
        httpserver.expect_request(re.compile(rf"{PREFIX}/.*")).respond_with_handler(self.handle)
        return httpserver.url_for(PREFIX)

    def fail(self, path: str, status: int, **kwargs: Any) -> None:
        self.faults.append(Fault(path, status, **kwargs))

    def requests_to(self, path: str) -> list[dict[str, str]]:
        return [params for logged, params in self.log if logged == path]

    def handle(self, request: Request) -> Response:
        path = request.path.removeprefix(PREFIX)
        params = dict(request.args.items())
        self.log.append((path, params))
        if request.headers.get("Authorization") != f"Bearer {API_KEY}":
            return self._json({"detail": "Invalid API key."}, 401)
        if request.headers.get("X-Account-Token") != ACCOUNT_TOKEN:
            return self._json({"detail": "Invalid account token."}, 401)
        for fault in self.faults:
            if fault.times > 0 and fault.path == path:
                fault.times -= 1
                return self._json(fault.body, fault.status, fault.headers)
        if path == "/account-details":
            return self._json(self.account)
        if m := re.fullmatch(r"/payroll-runs/([^/]+)", path):
            found = self.runs.get(m.group(1))
            return self._json(found) if found else self._json({"detail": "Not found."}, 404)
        if path in self.models:
            return self._list(path, params)
        return self._json({"detail": f"no route {path}"}, 404)

    def _list(self, path: str, params: Mapping[str, str]) -> Response:
        items = self.models[path]
        if params.get("include_deleted_data") != "true":
            items = [m for m in items if not m.get("remote_was_deleted")]
        if "modified_after" in params:
            after = dt.datetime.fromisoformat(params["modified_after"].replace("Z", "+00:00"))
            items = [m for m in items if dt.datetime.fromisoformat(m["modified_at"].replace("Z", "+00:00")) > after]
        if "employee_id" in params:
            items = [m for m in items if m.get("employee") == params["employee_id"]]
        start = int(base64.b64decode(params["cursor"]).decode()) if "cursor" in params else 0
        size = min(int(params.get("page_size", 100)), 100)
        rows = [dict(m) for m in items[start : start + size]]
        if path == "/employees" and params.get("include_sensitive_fields") != "true":
            for row in rows:
                row["ssn"] = None
        more = start + size < len(items)
        following = base64.b64encode(str(start + size).encode()).decode() if more else None
        return self._json({"next": following, "previous": None, "results": rows})

    @staticmethod
    def _json(body: Any, status: int = 200, headers: Mapping[str, str] | None = None) -> Response:
        return Response(json.dumps(body), status=status, headers=dict(headers or {}), content_type="application/json")
