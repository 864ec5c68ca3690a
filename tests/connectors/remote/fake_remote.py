"""A stateful local fake of Remote's API, for wire-behaviour tests.

This is **our own fixture**, not Remote's contract. Employments follow the shapes of Remote's spec
(``data.employments`` with ``current_page``/``total_pages``; ``data.employment`` with the
country-specific ``personal_details``, ``address_details``, ``administrative_details`` forms and
the ``bank_account_details`` list). Contractor invoices and bank-account content are **not in the
spec copy we have**: their shape here follows Remote's own SDK as summarised in
``shared/reference/connectors.md`` §2.2 (``data.contractor_invoices``; ``id, employment_id, amount``
in cents, ``currency, status, date, due_date, approved_at, paid_out_at``).

Unlike the stateless Prism mock, the fake pages for real, filters invoices by ``date_from``,
rotates OAuth refresh tokens (JSON or form body, client in HTTP Basic), sends ``x-ratelimit-*``
headers (the reset in milliseconds) on every authenticated answer, records every request and can
be told to fail on chosen requests.
"""

from __future__ import annotations

import base64
import itertools
import json
import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from pytest_httpserver import HTTPServer
from schwifty import IBAN
from werkzeug import Request, Response

TOKEN = "ra_test_customer_token_0123"
CLIENT_ID = "remote-client-id"
CLIENT_SECRET = "remote-client-secret-0123"
FIRST_REFRESH = "remote-refresh-0"
COMPANY = "e31adae1-company-id-af5fba7dd803"


@dataclass
class Fault:
    """Answer ``status`` instead of the real data to ``times`` requests of ``path`` matching ``when``."""

    path: str
    status: int
    times: int = 1
    headers: dict[str, str] = field(default_factory=dict)
    when: Callable[[Mapping[str, str]], bool] = lambda _params: True


def iban(i: int) -> str:
    return str(IBAN.generate("DE", bank_code="10020030", account_code=f"{740000000 + i:010d}").compact)


def employment(i: int, **changes: Any) -> dict[str, Any]:
    """A full employment (``GET /v1/employments/{id}``) of a contractor in Germany."""
    item: dict[str, Any] = {
        "id": f"20a72f86-employment-id-{i:012d}",
        "company_id": COMPANY,
        "full_name": f"Given{i} Family{i}",
        "personal_email": f"given{i}@example.net",
        "work_email": f"given{i}@acme.example",
        "job_title": "Backend Engineer",
        "country": {"code": "DEU", "name": "Germany", "alpha_2_code": "DE"},
        "status": "active",
        "type": "contractor",
        "employment_lifecycle_stage": "employment_active",
        "provisional_start_date": "2025-03-01",
        "created_at": "2025-02-01T10:00:00",
        "updated_at": "2026-01-15T08:30:00",
        "user_status": "active",
        "personal_details": {
            "first_name": f"Given{i}",
            "last_name": f"Family{i}",
            "date_of_birth": f"1992-04-{i % 28 + 1:02d}",
            "phone_number": f"+4915112345{i:03d}",
            "nationality": "German",
            "sex": "female",
        },
        "address_details": {
            "address": f"Torstraße {i + 1}",
            "city": "Berlin",
            "postal_code": "10119",
            "country": "DEU",
        },
        "administrative_details": {"tax_id": f"1234567890{i}"},
        "bank_account_details": [
            {
                "account_holder": f"Given{i} Family{i}",
                "iban": iban(i),
                "swift_bic": "DEUTDEBBXXX",
                "bank_name": "Deutsche Bank",
                "country": "DEU",
            }
        ],
        "emergency_contact_details": {"name": "Someone Else", "phone_number": "+491700000000"},
        "contract_details": {"annual_gross_salary": 9000000},
    }
    item.update(changes)
    return item


def summary(full: Mapping[str, Any]) -> dict[str, Any]:
    """The list entry (``MinimalEmployment``) of a full employment."""
    keys = ("id", "full_name", "personal_email", "job_title", "country", "status", "type", "department")
    return {k: full.get(k) for k in keys}


def invoice(n: int, employment_id: str, date: str, **changes: Any) -> dict[str, Any]:
    """A contractor invoice (amounts in cents)."""
    item: dict[str, Any] = {
        "id": f"inv-{n:04d}",
        "employment_id": employment_id,
        "number": f"2026-{n:04d}",
        "amount": 450000,
        "currency": "EUR",
        "status": "issued",
        "date": date,
        "due_date": date,
        "approved_at": None,
        "paid_out_at": None,
        "pay_out_method": "local",
    }
    item.update(changes)
    return item


class FakeRemote:
    """One company's employments and contractor invoices behind a token (or rotating OAuth tokens)."""

    def __init__(self, *, employments: int = 5) -> None:
        self.employments = [employment(i) for i in range(employments)]
        self.invoices: list[dict[str, Any]] = []
        self.faults: list[Fault] = []
        self.log: list[tuple[str, str, dict[str, str]]] = []
        self.token_requests: list[tuple[str, dict[str, Any]]] = []
        self.tokens = {TOKEN}
        self.refresh_token = FIRST_REFRESH
        self.remaining = 1000
        self._serial = itertools.count(1)

    def fail(self, path: str, status: int, **kwargs: Any) -> None:
        """Add a :class:`Fault`."""
        self.faults.append(Fault(path, status, **kwargs))

    def requests_to(self, path: str) -> list[dict[str, str]]:
        """Query parameters of every logged GET of ``path``."""
        return [params for method, logged, params in self.log if logged == path and method == "GET"]

    def detail_reads(self) -> list[str]:
        """Employment ids whose details were read, in order."""
        return [p.rsplit("/", 1)[1] for m, p, _ in self.log if m == "GET" and p.startswith("/v1/employments/")]

    def install(self, httpserver: HTTPServer) -> str:
        """Serve this fake on ``httpserver``; returns the base URL to configure."""
        httpserver.expect_request(re.compile(r"/.*")).respond_with_handler(self.handle)
        return httpserver.url_for("").rstrip("/")

    def handle(self, request: Request) -> Response:
        params = dict(request.args.items())
        self.log.append((request.method, request.path, params))
        if request.path == "/auth/oauth2/token":
            return self._token(request)
        if (request.headers.get("Authorization") or "").removeprefix("Bearer ") not in self.tokens:
            return self._json({"message": "Unauthorized"}, 401)
        # A window said empty was waited out by the client: it starts full again.
        self.remaining = 1000 if self.remaining == 0 else self.remaining - 1
        limits = {"x-ratelimit-count": "20", "x-ratelimit-remaining": str(self.remaining), "x-ratelimit-reset": "60000"}
        for fault in self.faults:
            if fault.times > 0 and fault.path == request.path and fault.when(params):
                fault.times -= 1
                return self._json({"message": "injected"}, fault.status, limits | fault.headers)
        return self._route(request.path, params, limits)

    def _token(self, request: Request) -> Response:
        body = request.get_json(silent=True) if request.is_json else dict(request.form.items())
        basic = base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
        self.token_requests.append(("json" if request.is_json else "form", dict(body or {})))
        if request.headers.get("Authorization") != f"Basic {basic}":
            return self._json({"error": "invalid_client"}, 401)
        if not isinstance(body, dict) or body.get("grant_type") != "refresh_token":
            return self._json({"error": "unsupported_grant_type"}, 400)
        if body.get("refresh_token") != self.refresh_token:
            return self._json({"error": "invalid_grant"}, 400)
        n = next(self._serial)
        access, self.refresh_token = f"remote-access-{n}", f"remote-refresh-{n}"
        self.tokens.add(access)
        return self._json(
            {"access_token": access, "refresh_token": self.refresh_token, "token_type": "Bearer", "expires_in": 7200}
        )

    def _route(self, path: str, params: Mapping[str, str], headers: Mapping[str, str]) -> Response:
        if path == "/v1/employments":
            rows = [summary(e) for e in self.employments if params.get("company_id") in (None, e["company_id"])]
            return self._page("employments", rows, params, headers)
        if m := re.fullmatch(r"/v1/employments/([^/]+)", path):
            found = next((e for e in self.employments if e["id"] == m.group(1)), None)
            if found is None:
                return self._json({"message": "Employment not found"}, 404, headers)
            return self._json({"data": {"employment": found}}, 200, headers)
        if path == "/v1/contractor-invoices":
            since = params.get("date_from", "")
            rows = sorted((i for i in self.invoices if i["date"] >= since), key=lambda i: (i["date"], i["id"]))
            return self._page("contractor_invoices", rows, params, headers)
        if m := re.fullmatch(r"/v1/contractor-invoices/([^/]+)", path):
            found = next((i for i in self.invoices if i["id"] == m.group(1)), None)
            if found is None:
                return self._json({"message": "not found"}, 404, headers)
            return self._json({"data": {"contractor_invoice": found}}, 200, headers)
        return self._json({"message": f"no route {path}"}, 404, headers)

    def _page(self, key: str, rows: list[Any], params: Mapping[str, str], headers: Mapping[str, str]) -> Response:
        page, size = int(params.get("page", 1)), int(params.get("page_size", 20))
        body = {
            "data": {
                key: rows[(page - 1) * size : page * size],
                "current_page": page,
                "total_count": len(rows),
                "total_pages": max(1, math.ceil(len(rows) / size)),
            }
        }
        return self._json(body, 200, headers)

    @staticmethod
    def _json(body: Any, status: int = 200, headers: Mapping[str, str] | None = None) -> Response:
        return Response(json.dumps(body), status=status, headers=dict(headers or {}), content_type="application/json")
