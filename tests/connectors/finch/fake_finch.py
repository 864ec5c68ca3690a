"""A stateful local fake of Finch's API (one employer connection), for wire-behaviour tests.

This is **our own fixture**, not Finch's contract: it speaks the JSON shapes of Finch's employer and
management specs (directory pages with ``paging{count, offset}``; batch answers
``{responses: [{individual_id|payment_id, code, body}]}``; payments filtered by pay date; pay
statements paged inside the request body; ``/introspect``) and Finch's documented errors (``code``,
``name``, ``finch_code``, ``message``). Unlike the stateless Prism mocks it pages, filters, requires
the bearer token and ``Finch-API-Version``, records every request with its JSON body, and can be
told to fail (429 with a ``finch_code`` and ``Retry-After``, 401 ``reauthenticate_user``, 202, 5xx).
The request contract is checked against Finch's own specs in ``test_contract_prism.py``.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

TOKEN = "finch-access-token-0123456789"
VERSION = "2020-09-17"
FIRST_PAY_DATE = dt.date(2025, 2, 7)


def error(code: int, name: str, finch_code: str | None, message: str) -> dict[str, Any]:
    return {"code": code, "name": name, "finch_code": finch_code, "message": message}


@dataclass
class Fault:
    """Answer ``status`` with ``body`` to ``times`` requests of ``path``."""

    path: str
    status: int
    times: int = 1
    headers: dict[str, str] = field(default_factory=dict)
    body: Any = field(default_factory=lambda: error(500, "server_error", None, "injected"))


class FakeFinch:
    """An employer with individuals, employments, payroll payments and pay statements."""

    def __init__(self, *, people: int = 5, payments: int = 8) -> None:
        self.ids = [f"00000000-0000-4000-8000-{i:012d}" for i in range(people)]
        self.payments = [self.payment(n) for n in range(payments)]
        self.missing: set[str] = set()  # individuals whose batch answer is a 404
        self.introspect: dict[str, Any] = {
            "account_id": "d8ef1814-5913-492f-b5c0-a16e2d6432c9",
            "company_id": "87eb4bc3-f76b-35e7-78d2-8f7822021d73",
            "client_type": "production",
            "connection_type": "provider",
            "products": ["company", "directory", "individual", "employment", "payment", "pay_statement", "ssn"],
            "payroll_provider_id": "gusto",
            "authentication_methods": [{"type": "credential", "connection_status": {"status": "connected"}}],
        }
        self.faults: list[Fault] = []
        self.log: list[tuple[str, str, dict[str, str], Any]] = []

    # -- data --------------------------------------------------------------------------------------

    def directory_item(self, i: int) -> dict[str, Any]:
        return {
            "id": self.ids[i],
            "first_name": f"Given{i}",
            "middle_name": None,
            "last_name": f"Family{i}",
            "manager": {"id": self.ids[0]} if i else None,
            "department": {"name": "Engineering"},
            "is_active": i != 4,
        }

    def individual(self, i: int, ssn: bool) -> dict[str, Any]:
        body = {
            "id": self.ids[i],
            "first_name": f"Given{i}",
            "middle_name": "Q",
            "last_name": f"Family{i}",
            "preferred_name": f"G{i}",
            "emails": [
                {"data": f"given{i}@acme.example", "type": "work"},
                {"data": f"g{i}@mail.example", "type": "personal"},
            ],
            "phone_numbers": [{"data": f"+1505555{i:04d}", "type": "personal"}],
            "gender": "female",
            "ethnicity": "decline_to_specify",
            "dob": f"1990-0{i + 1}-11",
            "residence": {
                "line1": f"{i} Bird Dr",
                "line2": None,
                "city": "Palo Alto",
                "state": "CA",
                "postal_code": "94301",
                "country": "US",
            },
        }
        if ssn:
            body["ssn"] = f"123-45-{6780 + i}"
        return body

    def employment(self, i: int) -> dict[str, Any]:
        return {
            "id": self.ids[i],
            "first_name": f"Given{i}",
            "last_name": f"Family{i}",
            "title": "Engineer",
            "department": {"name": "Engineering"},
            "employment": {"type": "contractor" if i % 2 else "employee", "subtype": "full_time"},
            "start_date": "2024-01-15",
            "end_date": "2025-04-30" if i == 4 else None,
            "is_active": i != 4,
            "income": {"unit": "yearly", "amount": 12000000 + i, "currency": "usd", "effective_date": "2024-01-15"},
            "custom_fields": [{"name": "Passport", "value": "P1234567"}],
        }

    def payment(self, n: int) -> dict[str, Any]:
        pay_date = FIRST_PAY_DATE + dt.timedelta(days=14 * n)
        return {
            "id": f"10000000-0000-4000-8000-{n:012d}",
            "pay_period": {
                "start_date": (pay_date - dt.timedelta(days=20)).isoformat(),
                "end_date": (pay_date - dt.timedelta(days=7)).isoformat(),
            },
            "pay_date": pay_date.isoformat(),
            "debit_date": pay_date.isoformat(),
            "gross_pay": {"amount": 2500000, "currency": "usd"},
            "net_pay": {"amount": 1900000, "currency": "usd"},
            "individual_ids": list(self.ids),
        }

    def statement(self, i: int) -> dict[str, Any]:
        return {
            "individual_id": self.ids[i],
            "type": "regular_payroll",
            "payment_method": "direct_deposit",
            "total_hours": 80,
            "gross_pay": {"amount": 500000, "currency": "usd"},
            "net_pay": {"amount": 380012 + i, "currency": "usd"},
            "earnings": [{"type": "salary", "name": "Salary", "amount": 500000, "currency": "usd"}],
        }

    # -- HTTP --------------------------------------------------------------------------------------

    def install(self, httpserver: HTTPServer) -> str:
        httpserver.expect_request(re.compile(r"/.*")).respond_with_handler(self.handle)
        return httpserver.url_for("").rstrip("/")

    def fail(self, path: str, status: int, **kwargs: Any) -> None:
        self.faults.append(Fault(path, status, **kwargs))

    def requests_to(self, path: str) -> list[Any]:
        """Query parameters (GET) or JSON bodies (POST) of every logged request to ``path``."""
        return [body if method == "POST" else params for method, logged, params, body in self.log if logged == path]

    def handle(self, request: Request) -> Response:
        params = dict(request.args.items())
        body = request.get_json(silent=True)
        self.log.append((request.method, request.path, params, body))
        if request.headers.get("Authorization") != f"Bearer {TOKEN}":
            return self._json(error(401, "invalid_token_error", None, "The access_token is incorrect"), 401)
        if request.headers.get("Finch-API-Version") != VERSION:
            return self._json(error(400, "bad_request", "invalid_request", "Finch-API-Version is required"), 400)
        for fault in self.faults:
            if fault.times > 0 and fault.path == request.path:
                fault.times -= 1
                return self._json(fault.body, fault.status, fault.headers)
        route = {
            "/introspect": lambda: self.introspect,
            "/employer/directory": lambda: self._directory(params),
            "/employer/individual": lambda: self._individuals(body),
            "/employer/employment": lambda: self._employments(body),
            "/employer/payment": lambda: self._payments(params),
            "/employer/pay-statement": lambda: self._statements(body),
        }.get(request.path)
        if route is None:
            return self._json(error(404, "not_found", None, f"no route {request.path}"), 404)
        return self._json(route())

    def _directory(self, params: Mapping[str, str]) -> dict[str, Any]:
        offset, limit = int(params.get("offset", 0)), int(params.get("limit", len(self.ids)))
        rows = [self.directory_item(i) for i in range(offset, min(offset + limit, len(self.ids)))]
        return {"paging": {"count": len(self.ids), "offset": offset}, "individuals": rows}

    def _answers(self, body: Any, build: Any) -> dict[str, Any]:
        answers = []
        for wanted in body["requests"]:
            individual_id = wanted["individual_id"]
            if individual_id in self.missing or individual_id not in self.ids:
                answers.append(
                    {"individual_id": individual_id, "code": 404, "body": error(404, "not_found", None, "x")}
                )
            else:
                answers.append(
                    {"individual_id": individual_id, "code": 200, "body": build(self.ids.index(individual_id))}
                )
        return {"responses": answers}

    def _individuals(self, body: Any) -> dict[str, Any]:
        ssn = "ssn" in ((body.get("options") or {}).get("include") or [])
        return self._answers(body, lambda i: self.individual(i, ssn))

    def _employments(self, body: Any) -> dict[str, Any]:
        return self._answers(body, self.employment)

    def _payments(self, params: Mapping[str, str]) -> list[dict[str, Any]]:
        start, end = dt.date.fromisoformat(params["start_date"]), dt.date.fromisoformat(params["end_date"])
        return [p for p in self.payments if start <= dt.date.fromisoformat(p["pay_date"]) <= end]

    def _statements(self, body: Any) -> dict[str, Any]:
        answers = []
        for wanted in body["requests"]:
            offset, limit = int(wanted.get("offset", 0)), int(wanted.get("limit", len(self.ids)))
            rows = [self.statement(i) for i in range(offset, min(offset + limit, len(self.ids)))]
            page = {"paging": {"count": len(self.ids), "offset": offset}, "pay_statements": rows}
            answers.append({"payment_id": wanted["payment_id"], "code": 200, "body": page})
        return {"responses": answers}

    @staticmethod
    def _json(body: Any, status: int = 200, headers: Mapping[str, str] | None = None) -> Response:
        return Response(json.dumps(body), status=status, headers=dict(headers or {}), content_type="application/json")
