"""A stateful local fake of Gusto Embedded, for wire-behaviour tests.

This is **our own fixture**, not Gusto's contract: it speaks the JSON shapes of Gusto's spec
(contractors as a bare array paged by ``page``/``per``, payment details, contractor payments
grouped by contractor, events with ``starting_after_uuid``, ``/oauth/token`` with a JSON body) and,
unlike the stateless Prism mock, really pages, rotates refresh tokens, tells company tokens from
system tokens, deletes cancelled payments, records every request and can be told to fail (429 with
``Retry-After`` / ``X-RateLimit-Reset``, 5xx) on chosen requests. The request contract itself is
checked against Gusto's spec in ``test_contract_prism.py``.
"""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

COMPANY = "c1a2b3c4-0000-4000-8000-00000000c0de"
CLIENT_ID = "gusto-client-id"
CLIENT_SECRET = "gusto-client-secret-0123"
FIRST_REFRESH = "gusto-refresh-0"


@dataclass
class Fault:
    """Answer ``status`` instead of the real data to ``times`` requests of ``path`` matching ``when``."""

    path: str
    status: int
    times: int = 1
    headers: dict[str, str] = field(default_factory=dict)
    when: Callable[[Mapping[str, str]], bool] = lambda _params: True
    method: str | None = None


def contractor(i: int, **changes: Any) -> dict[str, Any]:
    """An individual contractor in Gusto's shape (as ``GET /v1/companies/{id}/contractors`` lists it)."""
    item: dict[str, Any] = {
        "uuid": f"00000000-0000-4000-8000-{i:012d}",
        "company_uuid": COMPANY,
        "wage_type": "Hourly",
        "is_active": True,
        "version": f"v{i}",
        "type": "Individual",
        "first_name": f"Given{i}",
        "last_name": f"Family{i}",
        "middle_initial": None,
        "business_name": None,
        "ein": None,
        "has_ein": False,
        "email": f"contractor{i}@example.com",
        "start_date": "2025-01-06",
        "address": {
            "street_1": f"{100 + i} Market St",
            "street_2": None,
            "city": "San Francisco",
            "state": "CA",
            "zip": "94105",
            "country": "USA",
        },
        "hourly_rate": "60.00",
        "onboarded": True,
        "onboarding_status": "onboarding_completed",
        "payment_method": "Direct Deposit",
        "has_ssn": True,
        "department": None,
        "dismissal_date": None,
        "company_name": "Acme Robots Inc",
    }
    item.update(changes)
    return item


def details(i: int, uuid: str) -> dict[str, Any]:
    """Payment details of contractor ``uuid`` (masked, as Gusto returns them)."""
    return {
        "contractor_uuid": uuid,
        "first_name": f"Given{i}",
        "last_name": f"Family{i}",
        "payment_method": "Direct Deposit",
        "split_by": "Percentage",
        "splits": [
            {
                "bank_account_uuid": f"bbbbbbbb-0000-4000-8000-{i:012d}",
                "name": "Checking",
                "hidden_account_number": f"XXXX{1000 + i}",
                "encrypted_account_number": None,
                "routing_number": "121000358",
                "priority": 1,
                "split_amount": 100,
                "account_type": "Checking",
            }
        ],
    }


def payment(n: int, contractor_uuid: str, date: str, *, may_cancel: bool, status: str = "Unfunded") -> dict[str, Any]:
    """A contractor payment in Gusto's shape."""
    return {
        "uuid": f"pppppppp-0000-4000-8000-{n:012d}",
        "contractor_uuid": contractor_uuid,
        "bonus": "0.0",
        "date": date,
        "hours": "10.0",
        "payment_method": "Direct Deposit",
        "reimbursement": "25.0",
        "hourly_rate": "60.0",
        "may_cancel": may_cancel,
        "status": status,
        "wage": "0.0",
        "wage_type": "Hourly",
        "wage_total": "600.00",
    }


class FakeGusto:
    """One company's contractors, bank accounts, payments and events, behind rotating OAuth tokens."""

    def __init__(self, *, contractors: int = 5) -> None:
        self.contractors = [contractor(i) for i in range(contractors)]
        self.details = {c["uuid"]: details(i, c["uuid"]) for i, c in enumerate(self.contractors)}
        self.payments: list[dict[str, Any]] = []
        self.events: list[dict[str, Any]] = []
        self.faults: list[Fault] = []
        self.log: list[tuple[str, str, dict[str, str]]] = []
        self.token_requests: list[dict[str, Any]] = []
        self._serial = itertools.count(1)
        self.refresh_token = FIRST_REFRESH
        self.company_tokens: set[str] = set()
        self.system_tokens: set[str] = set()
        self.versions: set[str | None] = set()

    # -- changes the tests make ----------------------------------------------------------------------

    def event(self, event_type: str, entity_type: str, entity_uuid: str, timestamp: int = 1_767_000_000) -> str:
        """Record a Gusto event about an entity of the company; returns its uuid."""
        uuid = f"eeeeeeee-0000-4000-8000-{next(self._serial):012d}"
        self.events.append(
            {
                "uuid": uuid,
                "event_type": event_type,
                "resource_type": "Company",
                "resource_uuid": COMPANY,
                "entity_type": entity_type,
                "entity_uuid": entity_uuid,
                "timestamp": timestamp,
            }
        )
        return uuid

    def fail(self, path: str, status: int, **kwargs: Any) -> None:
        """Add a :class:`Fault`."""
        self.faults.append(Fault(path, status, **kwargs))

    def requests_to(self, path: str, method: str = "GET") -> list[dict[str, str]]:
        """Query parameters of every logged request to ``path``."""
        return [params for m, logged, params in self.log if logged == path and m == method]

    def paths(self) -> list[str]:
        """Every logged ``METHOD path``, in order."""
        return [f"{m} {p}" for m, p, _ in self.log]

    # -- HTTP ----------------------------------------------------------------------------------------

    def install(self, httpserver: HTTPServer) -> str:
        """Serve this fake on ``httpserver``; returns the base URL to configure."""
        httpserver.expect_request(re.compile(r"/.*")).respond_with_handler(self.handle)
        return httpserver.url_for("").rstrip("/")

    def handle(self, request: Request) -> Response:
        params = dict(request.args.items())
        self.log.append((request.method, request.path, params))
        if request.path == "/oauth/token":
            return self._token(request)
        self.versions.add(request.headers.get("X-Gusto-API-Version"))
        bearer = (request.headers.get("Authorization") or "").removeprefix("Bearer ")
        wanted = self.system_tokens if request.path == "/v1/events" else self.company_tokens
        if bearer not in wanted:
            return self._json({"errors": [{"category": "invalid_token", "message": "Unauthorized"}]}, 401)
        for fault in self.faults:
            if fault.method not in (None, request.method):
                continue
            if fault.times > 0 and fault.path == request.path and fault.when(params):
                fault.times -= 1
                return self._json({"errors": [{"message": "injected"}]}, fault.status, fault.headers)
        return self._route(request.method, request.path, params)

    def _token(self, request: Request) -> Response:
        body = request.get_json(silent=True)
        if not isinstance(body, dict):
            return self._json({"error": "invalid_request", "error_description": "JSON body expected"}, 400)
        self.token_requests.append(dict(body))
        if (body.get("client_id"), body.get("client_secret")) != (CLIENT_ID, CLIENT_SECRET):
            return self._json({"error": "invalid_client"}, 401)
        n = next(self._serial)
        if body.get("grant_type") == "system_access":
            token = f"system-{n}"
            self.system_tokens.add(token)
            return self._json({"access_token": token, "token_type": "Bearer", "expires_in": 7200})
        if body.get("grant_type") == "refresh_token":
            if body.get("refresh_token") != self.refresh_token:
                return self._json({"error": "invalid_grant"}, 400)
            token, self.refresh_token = f"company-{n}", f"gusto-refresh-{n}"
            self.company_tokens.add(token)
            return self._json(
                {"access_token": token, "refresh_token": self.refresh_token, "token_type": "Bearer", "expires_in": 7200}
            )
        return self._json({"error": "unsupported_grant_type"}, 400)

    def _route(self, method: str, path: str, params: Mapping[str, str]) -> Response:
        company = f"/v1/companies/{COMPANY}"
        if method == "GET" and path == f"{company}/contractors":
            page, per = int(params.get("page", 1)), int(params.get("per", 25))
            return self._json(self.contractors[(page - 1) * per : page * per])
        if method == "GET" and path == f"{company}/contractors/payment_details":
            wanted = params.get("contractor_uuid")
            return self._json([d for uuid, d in self.details.items() if wanted in (None, uuid)])
        if method == "GET" and path == f"{company}/contractor_payments":
            return self._payments(params)
        if m := re.fullmatch(rf"{company}/contractor_payments/([^/]+)", path):
            found = next((p for p in self.payments if p["uuid"] == m.group(1)), None)
            if found is None:
                return self._json({"errors": [{"message": "not found"}]}, 404)
            if method == "GET":
                return self._json(found)
            if method == "DELETE":
                if not found["may_cancel"]:
                    return self._json({"errors": [{"category": "invalid_operation", "message": "processing"}]}, 422)
                self.payments.remove(found)
                return Response(status=204)
        if method == "GET" and (m := re.fullmatch(r"/v1/contractors/([^/]+)", path)):
            found = next((c for c in self.contractors if c["uuid"] == m.group(1)), None)
            return self._json(found) if found else self._json({"errors": [{"message": "not found"}]}, 404)
        if method == "GET" and path == "/v1/events":
            return self._events(params)
        return self._json({"errors": [{"message": f"no route {method} {path}"}]}, 404)

    def _payments(self, params: Mapping[str, str]) -> Response:
        start, end = params.get("start_date"), params.get("end_date")
        if not start or not end:
            return self._json({"errors": [{"message": "start_date and end_date are required"}]}, 422)
        wanted = params.get("contractor_uuid")
        rows = [p for p in self.payments if start <= p["date"] <= end and wanted in (None, p["contractor_uuid"])]
        groups: dict[str, list[dict[str, Any]]] = {}
        for row in rows:
            groups.setdefault(row["contractor_uuid"], []).append(row)
        page, per = int(params.get("page", 1)), int(params.get("per", 25))
        chosen = list(groups.items())[(page - 1) * per : page * per]
        body = {
            "total": {"reimbursements": "0.0", "wages": "0.0"},
            "contractor_payments": [
                {"contractor_uuid": uuid, "reimbursement_total": "0.0", "wage_total": "0.0", "payments": payments}
                for uuid, payments in chosen
            ],
        }
        return self._json(body)

    def _events(self, params: Mapping[str, str]) -> Response:
        rows = [e for e in self.events if params.get("resource_uuid") in (None, e["resource_uuid"])]
        if params.get("sort_order") == "desc":
            rows = rows[::-1]
        after = params.get("starting_after_uuid")
        if after:
            index = next((n for n, e in enumerate(rows) if e["uuid"] == after), None)
            if index is None:
                return self._json({"errors": [{"message": "unknown starting_after_uuid"}]}, 422)
            rows = rows[index + 1 :]
        return self._json(rows[: int(params.get("limit", 25))])

    @staticmethod
    def _json(body: Any, status: int = 200, headers: Mapping[str, str] | None = None) -> Response:
        return Response(json.dumps(body), status=status, headers=dict(headers or {}), content_type="application/json")
