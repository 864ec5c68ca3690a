"""A stateful local fake of Payoneer's Mass Payouts API (v4 program endpoints + OAuth2 token URL).

**The fake is ours, built from the public documentation cited** in ``connectors/payoneer/``:
Payoneer's reference is partner-only, so the shapes come from public third-party clients (the
``{"result": ...}`` wrapper, payee details ``contact``/``address``/``payout_method``, the payees
report with nested ``payouts``, payout status ``Pending``/``Transferred``/``Cancelled``, the
asynchronous cancel answer, error bodies ``{"error", "error_description", "error_details"}``).
Where nothing public says, the fake does what the connector documents as its conservative choice:
the report filters payees by the day their data last changed and pages with ``page``/``page_size``
and ``total_pages``; bank numbers sit in ``payout_method.details``.

It is stateful on purpose: tokens expire on the test's clock, cancelling a pending payout changes
its status (and adds the ``Refund`` row Payoneer reports), every request is logged with its query,
and faults (429 with ``Retry-After``, 5xx) can be injected on chosen paths.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs

from pytest_httpserver import HTTPServer
from schwifty import IBAN
from werkzeug import Request, Response

PROGRAM = "100177440"
PREFIX = f"/v4/programs/{PROGRAM}"
TOKEN_PATH = "/api/v2/oauth2/token"
CANCEL_ACCEPTED = "The request was received successfully. The cancel action has not yet been performed."


def iban(i: int) -> str:
    return str(IBAN.generate("DE", bank_code="37040044", account_code=f"{532013000 + i:010d}").compact)


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
    """Answer ``status`` instead of the real data to ``times`` requests of ``path``."""

    path: str
    status: int
    times: int = 1
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Payee:
    """One payee of the program: what the details endpoint and the report show, and when it changed."""

    details: dict[str, Any]
    payouts: list[dict[str, Any]]
    status: str = "Active"
    changed: dt.date = dt.date(2025, 3, 1)

    @property
    def payee_id(self) -> str:
        return str(self.details["payee_id"])

    def report_row(self) -> dict[str, Any]:
        method = self.details.get("payout_method") or {}
        return {
            "payee_id": self.payee_id,
            "status": self.status,
            "registration_date": self.details.get("registration_date"),
            "payout_method": method.get("type"),
            "total_amount": sum(p["amount"] for p in self.payouts if p["status"] != "Refund"),
            "payouts": [dict(p) for p in self.payouts],
        }


class FakePayoneer:
    """Payees, payouts and app tokens of one fake Payoneer program."""

    def __init__(
        self,
        clock: Clock,
        *,
        payees: int = 7,
        client_id: str = "hs-payoneer-app",
        client_secret: str = "payoneer-secret-0123456789",
        token_ttl: int = 3600,
    ) -> None:
        self.clock = clock
        self.client_id = client_id
        self.client_secret = client_secret
        self.token_ttl = token_ttl
        self.payees: dict[str, Payee] = {p.payee_id: p for p in (self.payee(i) for i in range(payees))}
        self.tokens: dict[str, dt.datetime] = {}
        self.grants = 0
        self.faults: list[Fault] = []
        self.log: list[tuple[str, str, dict[str, list[str]]]] = []
        self.cancels: list[str] = []
        self.before_cancel: Callable[[str], None] | None = None
        """Called with the reference before a cancel is handled (to make a payout move on meanwhile)."""

    # -- data in Payoneer's shapes --------------------------------------------------------------

    @staticmethod
    def payee(i: int) -> Payee:
        payee_id = f"PYE-{1000 + i}"
        kind = ["iban", "payoneer", "ach"][i % 3]
        method: dict[str, Any]
        if kind == "iban":
            method = {
                "type": "BANK",
                "currency": "EUR",
                "details": {
                    "account_name": f"Given{i} Family{i}",
                    "iban": iban(i),
                    "swift": "COBADEFFXXX",
                    "bank_name": "Commerzbank",
                    "country": "DE",
                },
            }
        elif kind == "ach":
            method = {
                "type": "iACH",
                "currency": "USD",
                "details": {
                    "account_name": "Kestrel Dev GmbH" if i == 5 else f"Given{i} Family{i}",
                    "account_number": f"00012345{i:04d}",
                    "routing_number": "121042882",
                    "bank_name": "Wells Fargo",
                    "account_type": "CHECKING",
                    "country": "US",
                },
            }
        else:
            method = {"type": "PAYONEER", "currency": "USD"}
        details = {
            "payee_id": payee_id,
            "type": "COMPANY" if i == 5 else "INDIVIDUAL",
            "status": {"type": 1, "description": "Active"},
            "registration_date": f"2025-01-{10 + i:02d}",
            "account_id": f"{3743500 + i}",
            "contact": {
                "first_name": None if i == 5 else f"Given{i}",
                "last_name": None if i == 5 else f"Family{i}",
                "email": f"payee{i}@example.org",
                "mobile": f"+4915112345{i:03d}",
                "phone": "",
                "date_of_birth": None if i == 5 else f"1991-02-{i + 1:02d}",
            },
            "address": {
                "address_line_1": f"{i + 1} Lindenstrasse",
                "address_line_2": "",
                "city": "Berlin",
                "state": "",
                "zip_code": "10115",
                "country": "DE",
            },
            "company": {"name": "Kestrel Dev GmbH", "legal_type": "GMBH"} if i == 5 else None,
            "payout_method": method,
        }
        payouts = [
            {
                "client_reference_id": f"HS-{1000 + i}-01",
                "payout_id": f"{9023000 + i}",
                "date": "2025-02-28T09:21:28",
                "amount": 1250.5,
                "currency": "USD",
                "description": "February invoice",
                "status": "Transferred",
            }
        ]
        if i in (1, 4):
            payouts.append(
                {
                    "client_reference_id": f"HS-{1000 + i}-02",
                    "payout_id": f"{9024000 + i}",
                    "date": "2025-03-01T08:00:00",
                    "amount": 1300,
                    "currency": "USD",
                    "description": "March invoice",
                    "status": "Pending",
                }
            )
        return Payee(details=details, payouts=payouts)

    def payout(self, reference: str) -> tuple[Payee, dict[str, Any]] | None:
        for payee in self.payees.values():
            for payout in payee.payouts:
                if payout["client_reference_id"] == reference and payout["status"] != "Refund":
                    return payee, payout
        return None

    # -- HTTP ---------------------------------------------------------------------------------

    def install(self, httpserver: HTTPServer) -> tuple[str, str]:
        """Serve this fake on ``httpserver``; returns (base_url, token_url) to configure."""
        httpserver.expect_request(re.compile(r"/.*")).respond_with_handler(self.handle)
        root = httpserver.url_for("/").rstrip("/")
        return root, root + TOKEN_PATH

    def fail(self, path: str, status: int, **kwargs: Any) -> None:
        """Add a :class:`Fault` on ``path`` (a program path like ``/reports/payees_status``, or the token path)."""
        self.faults.append(Fault(path, status, **kwargs))

    def requests_to(self, path: str, method: str = "GET") -> list[dict[str, str]]:
        """Query parameters (first value each) of every logged request to program path ``path``."""
        return [{k: v[0] for k, v in q.items()} for m, p, q in self.log if p == path and m == method]

    def handle(self, request: Request) -> Response:
        path = request.path
        query = {k: request.args.getlist(k) for k in request.args}
        short = path.removeprefix(PREFIX) if path.startswith(PREFIX) else path
        self.log.append((request.method, short, query))
        for fault in self.faults:
            if fault.times > 0 and fault.path == short:
                fault.times -= 1
                return self._json(
                    {"error": "injected", "error_description": "injected fault"}, fault.status, fault.headers
                )
        if path == TOKEN_PATH:
            return self._token(request)
        if not path.startswith(PREFIX + "/"):
            return self._json({"error": "Not Found", "error_description": "unknown program"}, 404)
        token = (request.headers.get("Authorization") or "").removeprefix("Bearer ")
        expires = self.tokens.get(token)
        if expires is None or expires <= self.clock():
            return self._json({"error": "Unauthorized", "error_description": "invalid or expired token"}, 401)
        return self._route(request.method, short, {k: v[0] for k, v in query.items()})

    def _token(self, request: Request) -> Response:
        expected = base64.b64encode(f"{self.client_id}:{self.client_secret}".encode()).decode()
        form = parse_qs(request.get_data(as_text=True))
        if request.headers.get("Authorization") != f"Basic {expected}":
            return self._json({"error": "invalid_client", "error_description": "client authentication failed"}, 401)
        if form.get("grant_type") != ["client_credentials"]:
            return self._json({"error": "unsupported_grant_type"}, 400)
        self.grants += 1
        token = f"payoneer-app-token-{self.grants:04d}"
        self.tokens[token] = self.clock() + dt.timedelta(seconds=self.token_ttl)
        body = {"access_token": token, "token_type": "Bearer", "expires_in": self.token_ttl, "scope": "read write"}
        return self._json(body)

    def _route(self, method: str, path: str, params: Mapping[str, str]) -> Response:
        if method == "GET" and path == "/reports/payees_status":
            return self._report(params)
        if method == "GET" and path == "/reports/payee_details":
            payee = self.payees.get(params.get("payee_id", ""))
            if payee is None:
                return self._not_found("Payee not found")
            return self._json({"result": payee.report_row()})
        if method == "GET" and (m := re.fullmatch(r"/payees/([^/]+)/details", path)):
            payee = self.payees.get(m.group(1))
            return self._json({"result": payee.details}) if payee else self._not_found("Payee not found")
        if method == "GET" and (m := re.fullmatch(r"/payouts/([^/]+)/status", path)):
            found = self.payout(m.group(1))
            if found is None:
                return self._not_found("Payout not found", sub_code=2306)
            payee, payout = found
            status = {k: payout[k] for k in ("amount", "currency", "status", "payout_id")}
            return self._json({"result": {**status, "payee_id": payee.payee_id, "payout_date": payout["date"]}})
        if method == "POST" and (m := re.fullmatch(r"/payouts/([^/]+)/cancel", path)):
            return self._cancel(m.group(1))
        return self._not_found("no such endpoint")

    def _report(self, params: Mapping[str, str]) -> Response:
        try:
            start = dt.date.fromisoformat(params["start_date"])
            end = dt.date.fromisoformat(params["end_date"])
        except (KeyError, ValueError):
            return self._json(
                {"error": "Bad Request", "error_description": "start_date and end_date are required"}, 400
            )
        page, size = int(params.get("page", 1)), int(params.get("page_size", 100))
        rows = [p.report_row() for _, p in sorted(self.payees.items()) if start <= p.changed <= end]
        chunk = rows[(page - 1) * size : page * size]
        pages = math.ceil(len(rows) / size) if rows else 0
        return self._json({"result": {"payees": chunk, "page": page, "page_size": size, "total_pages": pages}})

    def _cancel(self, reference: str) -> Response:
        if self.before_cancel is not None:
            self.before_cancel(reference)
        found = self.payout(reference)
        if found is None:
            return self._not_found("Payout not found", sub_code=2306)
        payee, payout = found
        if payout["status"] != "Pending":
            body = {
                "error": "Bad Request",
                "error_description": f"Payout cannot be cancelled in status {payout['status']}",
                "error_details": {"code": 400, "sub_code": 2310},
            }
            return self._json(body, 400)
        self.cancels.append(reference)
        payout["status"] = "Cancelled"
        payee.payouts.append(
            {
                **payout,
                "status": "Refund",
                "description": f"Payment {reference} refunded",
                "date": self.clock().strftime("%Y-%m-%dT%H:%M:%S"),
            }
        )
        payee.changed = self.clock().date()
        return self._json({"result": {"description": CANCEL_ACCEPTED}})

    def _not_found(self, what: str, sub_code: int = 1000) -> Response:
        body = {"error": "Not Found", "error_description": what, "error_details": {"code": 404, "sub_code": sub_code}}
        return self._json(body, 404)

    @staticmethod
    def _json(body: Any, status: int = 200, headers: Mapping[str, str] | None = None) -> Response:
        return Response(json.dumps(body), status=status, headers=dict(headers or {}), content_type="application/json")
