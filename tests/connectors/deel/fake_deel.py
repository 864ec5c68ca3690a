"""A stateful local fake of Deel's REST API, for wire-behaviour tests.

This is **our own fixture**, not Deel's contract: it speaks the JSON shapes of Deel's OpenAPI spec
(``/people`` with ``page.total_rows``, ``/contracts`` with ``page.cursor``, ``/invoices`` with
``data.rows``...) and, unlike the stateless Prism mock, really paginates, checks the bearer token,
and can be told to fail (429 with ``Retry-After``, 500s) on chosen requests. The request contract
itself is checked against Deel's spec in ``test_contract_prism.py``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from pytest_httpserver import HTTPServer
from schwifty import IBAN
from werkzeug import Request, Response

PREFIX = "/rest/v2"


def iban(i: int) -> str:
    return str(IBAN.generate("DE", bank_code="37040044", account_code=f"{5320130000 + i:010d}").compact)


@dataclass
class Fault:
    """Answer ``status`` instead of the real data to ``times`` requests of ``path`` matching ``when``."""

    path: str
    status: int
    times: int = 1
    headers: dict[str, str] = field(default_factory=dict)
    when: Callable[[Mapping[str, str]], bool] = lambda _params: True


class FakeDeel:
    """People, personal details, GP banks, contracts and invoices of one fake organization."""

    def __init__(self, *, people: int = 5, invoices: int = 3, token: str = "fake-token-XYZ") -> None:
        self.token = token
        self.people = [self.person(i) for i in range(people)]
        self.personal = {p["id"]: self.personal_of(i) for i, p in enumerate(self.people)}
        self.banks = {p["id"]: [self.bank(i)] for i, p in enumerate(self.people)}
        self.contracts = [self.contract(i) for i in range(people)]
        self.invoices = [self.invoice(i) for i in range(invoices)]
        self.faults: list[Fault] = []
        self.log: list[tuple[str, dict[str, str]]] = []

    # -- data in Deel's shapes ----------------------------------------------------------------

    @staticmethod
    def person(i: int) -> dict[str, Any]:
        return {
            "id": f"p{i}",
            "worker_id": 1000 + i,
            "first_name": f"Given{i}",
            "last_name": f"Family{i}",
            "full_name": f"Given{i} Family{i}",
            "emails": [{"type": "work", "value": f"worker{i}@example.com"}],
            "country": "PL",
            "timezone": "Europe/Warsaw",
            "hiring_type": "contractor",
            "updated_at": "2025-01-02T03:04:05.000Z",
            "addresses": [
                {
                    "streetAddress": f"{i} Main St",
                    "locality": "Krakow",
                    "postalCode": "30-001",
                    "country": "PL",
                }
            ],
            "nationalities": ["Polish"],
        }

    @staticmethod
    def personal_of(i: int) -> dict[str, Any]:
        return {
            "id": f"00000000-0000-0000-0000-00000000000{i}",
            "worker_id": 1000 + i,
            "legal_first_name": f"Given{i}",
            "legal_last_name": f"Family{i}",
            "preferred_name": f"G{i}",
            "date_of_birth": f"1990-01-0{i + 1}",
            "personal_email": f"private{i}@example.net",
            "work_email": f"worker{i}@example.com",
            "phone_numbers": [{"type": "PERSONAL", "dial_code": "+48", "phone_number": f"60000000{i}"}],
            "addresses": [
                {
                    "id": "a",
                    "type": "HOME",
                    "street": f"{i} Home St",
                    "city": "Krakow",
                    "state": None,
                    "zip": "30-002",
                    "country": "PL",
                }
            ],
            "nationalities": [{"code": "PL", "name": "Poland"}],
            "demographics": {"gender": None, "ethnicity": None},
            "emergency_contacts": [],
        }

    @staticmethod
    def bank(i: int) -> dict[str, Any]:
        return {
            "id": f"b{i}",
            "full_name": f"Given{i} Family{i}",
            "iban": iban(i),
            "swift_bic": "COBADEFFXXX",
            "bank_country_code": "DE",
            "created_at": "2024-01-01T00:00:00.000Z",
            "updated_at": "2024-06-01T00:00:00.000Z",
            "status": "active",
        }

    @staticmethod
    def contract(i: int) -> dict[str, Any]:
        return {
            "id": f"c{i}",
            "title": f"Contract {i}",
            "type": "pay_as_you_go_time_based",
            "status": "in_progress",
            "client": {"team": {"id": "t1", "name": "Platform"}},
            "worker": {"id": f"p{i}", "full_name": f"Given{i} Family{i}", "email": f"worker{i}@example.com"},
            "created_at": "2024-01-01T00:00:00.000Z",
            "termination_date": None,
            "is_archived": False,
        }

    @staticmethod
    def invoice(i: int) -> dict[str, Any]:
        return {
            "id": f"inv{i}",
            "contract_id": f"c{i}",
            "amount": "1000.00",
            "total": "1210.00",
            "currency": "USD",
            "status": "paid",
            "due_date": "2025-02-01T00:00:00.000Z",
            "paid_at": "2025-02-03T10:00:00.000Z",
        }

    # -- HTTP --------------------------------------------------------------------------------

    def install(self, httpserver: HTTPServer) -> str:
        """Serve this fake on ``httpserver``; returns the base URL to configure."""
        httpserver.expect_request(re.compile(rf"{PREFIX}/.*")).respond_with_handler(self.handle)
        return httpserver.url_for(PREFIX)

    def fail(self, path: str, status: int, **kwargs: Any) -> None:
        """Add a :class:`Fault`."""
        self.faults.append(Fault(path, status, **kwargs))

    def requests_to(self, path: str) -> list[dict[str, str]]:
        """Query parameters of every logged request to ``path``."""
        return [params for logged, params in self.log if logged == path]

    def handle(self, request: Request) -> Response:
        path = request.path.removeprefix(PREFIX)
        params = dict(request.args.items())
        self.log.append((path, params))
        if request.headers.get("Authorization") != f"Bearer {self.token}":
            return self._json({"errors": [{"message": "Unauthorized"}]}, 401)
        for fault in self.faults:
            if fault.times > 0 and fault.path == path and fault.when(params):
                fault.times -= 1
                return self._json({"error": "injected"}, fault.status, fault.headers)
        return self._route(path, params)

    def _route(self, path: str, params: Mapping[str, str]) -> Response:
        if path == "/people":
            offset, limit = int(params.get("offset", 0)), int(params.get("limit", 50))
            rows = self.people[offset : offset + limit]
            return self._json(
                {
                    "data": rows,
                    "page": {"offset": offset, "items_per_page": limit, "total_rows": len(self.people)},
                }
            )
        if path == "/contracts":
            start = int(params.get("after_cursor", "cur0").removeprefix("cur"))
            limit = int(params.get("limit", 50))
            rows = self.contracts[start : start + limit]
            return self._json(
                {
                    "data": rows,
                    "page": {"cursor": f"cur{start + len(rows)}", "total_rows": len(self.contracts)},
                }
            )
        if path == "/invoices":
            offset, limit = int(params.get("offset", 0)), int(params.get("limit", 10))
            rows = self.invoices[offset : offset + limit]
            page = {"offset": offset, "items_per_page": limit, "total_rows": len(self.invoices)}
            return self._json({"data": {"rows": rows}, "page": page})
        if m := re.fullmatch(r"/people/([^/]+)/personal", path):
            found = self.personal.get(m.group(1))
            return self._json({"data": found}) if found else self._json({"errors": [{"message": "not found"}]}, 404)
        if m := re.fullmatch(r"/gp/workers/([^/]+)/banks", path):
            banks = self.banks.get(m.group(1))
            return self._json({"data": banks}) if banks is not None else self._json({}, 404)
        if m := re.fullmatch(r"/contracts/([^/]+)", path):
            contract = next((c for c in self.contracts if c["id"] == m.group(1)), None)
            return (
                self._json({"data": contract}) if contract else self._json({"errors": [{"message": "not found"}]}, 404)
            )
        return self._json({"errors": [{"message": f"no route {path}"}]}, 404)

    @staticmethod
    def _json(body: Any, status: int = 200, headers: Mapping[str, str] | None = None) -> Response:
        return Response(json.dumps(body), status=status, headers=dict(headers or {}), content_type="application/json")
