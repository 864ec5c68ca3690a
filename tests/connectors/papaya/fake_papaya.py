"""A stateful local fake of Papaya Global's Workforce Payments API (``/api/v1``).

**The fake is ours, built from the public documentation cited** in ``connectors/papaya/``
(docs.papayaglobal.com/api-reference, and the api-evangelist/papaya-global spec derived from it):
``POST /token`` with ``api_key``/``client_secret`` answering ``{token, valid_until, token_name}`` for
24 hours; beneficiaries and payment instructions in the documented shapes; ``skip``/``take`` paging
with ``paging{skip, take}`` and no total; the documented filters (``id[]``, ``request_from``,
``request_until``, ``filters.status[]``); approve (``PATCH``) and un-approve (``DELETE``) on
``/payments/payments/approve?id=``; ``POST /payments/payments/cancel``; errors as ``{error,
description, error_code, sub_code, error_info}``. What the docs leave open is decided as the
connector documents it: lists are ordered by request time (payments) or id (beneficiaries), and only
``PENDING`` payments can be approved, un-approved or cancelled.

It is stateful on purpose: tokens expire on the test's clock, approval and status changes stick,
every request is logged with its full query (repeated keys kept), and faults can be injected.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from pytest_httpserver import HTTPServer
from schwifty import IBAN
from werkzeug import Request, Response

PREFIX = "/api/v1"
GROUP = "1573c466-53ba-46e7-a7f2-b6d49c79716b"


def iban(i: int) -> str:
    return str(IBAN.generate("DE", bank_code="50010517", account_code=f"{540000000 + i:010d}").compact)


class Clock:
    """The test's wall clock, shared by the fake (token expiry) and the connector (``Runtime.now``)."""

    def __init__(self, start: dt.datetime) -> None:
        self.now = start

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += dt.timedelta(**delta)


@dataclass
class Fault:
    """Answer ``status`` instead of the real data to ``times`` requests of ``path`` (and ``method``)."""

    path: str
    status: int
    times: int = 1
    method: str | None = None
    headers: dict[str, str] = field(default_factory=dict)


def nanos(value: dt.datetime) -> str:
    """Papaya's time stamp style: ``2024-03-02T09:09:51.508859936Z``."""
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%f") + "936Z"


class FakePapaya:
    """Beneficiaries, payment instructions and JWTs of one fake Papaya organization."""

    def __init__(
        self,
        clock: Clock,
        *,
        beneficiaries: int = 7,
        api_key: str = "82725488-22bf-40d1-ace6-9ea6ee42f870",
        client_secret: str = "papaya-client-secret-0123",
    ) -> None:
        self.clock = clock
        self.api_key = api_key
        self.client_secret = client_secret
        self.beneficiaries: dict[str, dict[str, Any]] = {}
        self.payments: list[dict[str, Any]] = []
        self.requested: dict[str, dt.datetime] = {}
        for i in range(beneficiaries):
            self.add_beneficiary(self.beneficiary(i))
            self.add_payment(i, "COMPLETED", approved=True, requested=dt.datetime(2025, 2, 25, 12, tzinfo=dt.UTC))
        for i in (1, 4):
            self.add_payment(i, "PENDING", approved=True, requested=dt.datetime(2025, 3, 1, 8, tzinfo=dt.UTC))
        self.add_payment(2, "PENDING", approved=False, requested=dt.datetime(2025, 3, 1, 9, tzinfo=dt.UTC))
        self.add_payment(3, "PROCESSING", approved=True, requested=dt.datetime(2025, 3, 1, 10, tzinfo=dt.UTC))
        self.tokens: dict[str, dt.datetime] = {}
        self.logins = 0
        self.faults: list[Fault] = []
        self.log: list[tuple[str, str, dict[str, list[str]]]] = []
        self.actions: list[tuple[str, str]] = []
        self.before_action: Callable[[str, str], None] | None = None
        """Called with (action, payment id) before an approve/un-approve/cancel is handled."""

    # -- data in Papaya's shapes ------------------------------------------------------------------

    @staticmethod
    def beneficiary_id(i: int) -> str:
        return f"GHXY5Qu{i:02d}RxSIrfkfcaBzUg"

    @classmethod
    def beneficiary(cls, i: int) -> dict[str, Any]:
        business = i == 5
        entity: dict[str, Any] = {
            "address_line_1": f"{944 + i} Fairfield Street",
            "address_city": "Los Angeles",
            "address_country": "US",
            "address_country_subdivision": "CA",
            "address_postal_code": "90210",
            "email": f"beneficiary{i}@example.com",
        }
        if business:
            entity["business_name"] = "Northwind Labs LLC"
        else:
            entity |= {
                "individual_first_name": f"Given{i}",
                "individual_last_name": f"Family{i}",
                "date_of_birth": f"1988-04-{i + 1:02d}",
            }
        holder = "Northwind Labs LLC" if business else f"Given{i} Family{i}"
        if i % 2 == 0:
            bank = {
                "account_country": "DE",
                "account_name": holder,
                "iban": iban(i),
                "bank_identifier_code": "DEUTDEFFXXX",
            }
        else:
            bank = {
                "account_country": "US",
                "account_name": holder,
                "account_number": f"4400{i:04d}17",
                "bank_code": "026009593",
                "bank_name": "Bank of America",
                "bank_identifier_code": "BOFAUS3NXXX",
            }
        return {
            "type": "contact",
            "id": cls.beneficiary_id(i),
            "entity_type": "BUSINESS" if business else "INDIVIDUAL",
            "name": holder,
            "active": True,
            "status": "ACTIVE",
            "country": bank["account_country"],
            "currency": "EUR" if i % 2 == 0 else "USD",
            "entity": entity,
            "bank_details": bank,
            "user_tags": {"department": "engineering", "cost_center": "US"},
        }

    def add_beneficiary(self, beneficiary: dict[str, Any]) -> None:
        self.beneficiaries[beneficiary["id"]] = beneficiary

    def add_payment(self, i: int, status: str, *, approved: bool, requested: dt.datetime) -> dict[str, Any]:
        """A payment instruction to beneficiary ``i``, requested at ``requested``."""
        number = len(self.payments)
        currency = "EUR" if i % 2 == 0 else "USD"
        payment = {
            "id": f"pbM_VHmEQy{number:02d}-ez_SrZiaDA",
            "type": "payment",
            "correlation_id": f"payroll-2025-{number:03d}",
            "description": "Monthly contractor fee",
            "purpose": "SALA",
            "source": {"id": GROUP, "type": "group"},
            "target": {"type": "contact", "id": self.beneficiary_id(i)},
            "info": {
                "debit": {"currency": "USD", "amount": 5432.1},
                "status": status,
                "credit": {"currency": currency, "amount": 5000 + i},
                "rate": 0.92,
                "fees": 0,
            },
            "amount": {"type": "LAND", "amount": 5000 + i},
            "execution": {"date": "2025-03-10T09:00:00Z"},
            "final": {"is_final": status in ("COMPLETED", "FAILED", "CANCELLED"), "expected": "2025-03-12T05:00:00Z"},
            "attachments": [],
            "approved": approved,
            "user_tags": {"cycle": "2025-03"},
        }
        self.payments.append(payment)
        self.requested[payment["id"]] = requested
        return payment

    def payment(self, payment_id: str) -> dict[str, Any] | None:
        return next((p for p in self.payments if p["id"] == payment_id), None)

    def payments_to(self, i: int, status: str | None = None) -> list[dict[str, Any]]:
        target = self.beneficiary_id(i)
        return [p for p in self.payments if p["target"]["id"] == target and status in (None, p["info"]["status"])]

    # -- HTTP ---------------------------------------------------------------------------------------

    def install(self, httpserver: HTTPServer) -> str:
        """Serve this fake on ``httpserver``; returns the base URL to configure."""
        httpserver.expect_request(re.compile(rf"{PREFIX}/.*")).respond_with_handler(self.handle)
        return httpserver.url_for(PREFIX)

    def fail(self, path: str, status: int, **kwargs: Any) -> None:
        """Add a :class:`Fault` on ``path`` (relative to ``/api/v1``)."""
        self.faults.append(Fault(path, status, **kwargs))

    def requests_to(self, path: str, method: str = "GET") -> list[dict[str, list[str]]]:
        """Full queries (every value of repeated keys) of the logged requests to ``path``."""
        return [q for m, p, q in self.log if p == path and m == method]

    def handle(self, request: Request) -> Response:
        path = request.path.removeprefix(PREFIX)
        query = {k: request.args.getlist(k) for k in request.args}
        self.log.append((request.method, path, query))
        for fault in self.faults:
            if fault.times > 0 and fault.path == path and fault.method in (None, request.method):
                fault.times -= 1
                return self._error(fault.status, "injected fault", fault.headers)
        if path == "/token" and request.method == "POST":
            return self._login(request)
        token = (request.headers.get("Authorization") or "").removeprefix("Bearer ")
        expires = self.tokens.get(token)
        if expires is None or expires <= self.clock():
            return self._error(401, "Unauthorized: token missing, invalid or expired")
        return self._route(request, path, query)

    def _login(self, request: Request) -> Response:
        body = request.get_json(silent=True) or {}
        if body.get("api_key") != self.api_key or body.get("client_secret") != self.client_secret:
            return self._error(401, "Invalid api key or client secret")
        self.logins += 1
        token = f"eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJoaXJlc2VudHJ5In0.sig{self.logins:04d}"
        valid_until = self.clock() + dt.timedelta(seconds=int(body.get("expiration", 86400)))
        self.tokens[token] = valid_until
        name = body.get("token_name") or "0b5c7a9e-0d1f-4c55-9d7e-3a1c2b4d5e6f"
        return self._json({"token": token, "valid_until": nanos(valid_until), "token_name": name}, 201)

    def _route(self, request: Request, path: str, query: Mapping[str, list[str]]) -> Response:
        method = request.method
        if method == "GET" and path == "/payments/beneficiaries":
            rows = [self.beneficiaries[k] for k in sorted(self.beneficiaries)]
            if "id" in query:
                rows = [r for r in rows if r["id"] in query["id"]]
            return self._page(rows, query, facets={"countries": {}, "currencies": {}, "user_tags": {}})
        if method == "GET" and path == "/payments/payments":
            return self._page(self._filtered(query), query)
        if method == "GET" and (m := re.fullmatch(r"/payments/payments/([^/]+)", path)):
            found = self.payment(m.group(1))
            return self._json(found) if found else self._error(404, "payment not found")
        if path == "/payments/payments/approve" and method in ("PATCH", "DELETE"):
            return self._approve(query.get("id", []), approve=method == "PATCH")
        if method == "POST" and path == "/payments/payments/cancel":
            body = request.get_json(silent=True) or {}
            return self._cancel(str(body.get("id", "")), body.get("cancel_reason"))
        return self._error(404, "no such endpoint")

    def _filtered(self, query: Mapping[str, list[str]]) -> list[dict[str, Any]]:
        rows = sorted(self.payments, key=lambda p: (self.requested[p["id"]], p["id"]))
        if "id" in query:
            rows = [r for r in rows if r["id"] in query["id"]]
        if "request_from" in query:
            start = dt.datetime.fromisoformat(query["request_from"][0].replace("Z", "+00:00"))
            rows = [r for r in rows if self.requested[r["id"]] >= start]
        if "request_until" in query:
            end = dt.datetime.fromisoformat(query["request_until"][0].replace("Z", "+00:00"))
            rows = [r for r in rows if self.requested[r["id"]] <= end]
        if "filters.status" in query:
            rows = [r for r in rows if r["info"]["status"] in query["filters.status"]]
        return rows

    def _page(self, rows: list[dict[str, Any]], query: Mapping[str, list[str]], **extra: Any) -> Response:
        skip, take = int(query.get("skip", ["0"])[0]), int(query.get("take", ["50"])[0])
        return self._json({**extra, "items": rows[skip : skip + take], "paging": {"skip": skip, "take": take}})

    def _approve(self, ids: list[str], *, approve: bool) -> Response:
        items = []
        for payment_id in ids:
            if self.before_action is not None:
                self.before_action("approve" if approve else "unapprove", payment_id)
            payment = self.payment(payment_id)
            if payment is None:
                return self._error(404, f"payment {payment_id} not found")
            if payment["info"]["status"] != "PENDING":
                return self._error(400, f"payment {payment_id} is {payment['info']['status']}, not PENDING")
            payment["approved"] = approve
            self.actions.append(("approve" if approve else "unapprove", payment_id))
            result = "Approved Successfully" if approve else "Unapproved Successfully"
            items.append({"result": result, "id": payment_id, "type": "payment"})
        return self._json({"items": items})

    def _cancel(self, payment_id: str, reason: Any) -> Response:
        if self.before_action is not None:
            self.before_action("cancel", payment_id)
        payment = self.payment(payment_id)
        if payment is None:
            return self._error(404, f"payment {payment_id} not found")
        if payment["info"]["status"] != "PENDING":
            return self._error(400, f"payment {payment_id} is {payment['info']['status']}, not PENDING")
        payment["info"]["status"] = "CANCELLED"
        payment["cancel_reason"] = reason
        self.actions.append(("cancel", payment_id))
        return self._json(payment)

    def _error(self, status: int, description: str, headers: Mapping[str, str] | None = None) -> Response:
        body = {
            "error": {400: "Bad Request", 401: "Unauthorized", 404: "Not Found"}.get(status, "Error"),
            "description": description,
            "error_code": str(status),
            "sub_code": "0",
            "error_info": {"timestamp": nanos(self.clock()), "path": "/api/v1"},
        }
        return self._json(body, status, headers)

    @staticmethod
    def _json(body: Any, status: int = 200, headers: Mapping[str, str] | None = None) -> Response:
        return Response(json.dumps(body), status=status, headers=dict(headers or {}), content_type="application/json")
