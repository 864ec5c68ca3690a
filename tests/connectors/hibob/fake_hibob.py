"""A stateful local fake of HiBob's public API, for wire-behaviour tests.

This is **our own fixture**, not HiBob's contract: it speaks the JSON shapes of HiBob's OpenAPI spec
(``POST /people/search`` answering ``{"employees": [...]}`` with only the requested field paths,
nested by category, plus a ``humanReadable`` copy; ``/people/{id}/bank-accounts`` answering
``{"values": [...]}``; ``/payroll/history`` with each employee's ``payroll.employmentType`` entry)
and, unlike the stateless Prism mock, holds people that change, honours ``showInactive`` and the
``root.id`` filter, checks the service user's Basic credentials and can be told to fail (429 with or
without Retry-After, 403, 500) on chosen requests. The request contract itself is checked against
HiBob's spec in ``test_contract_prism.py``.
"""

from __future__ import annotations

import base64
import copy
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from pytest_httpserver import HTTPServer
from schwifty import IBAN
from werkzeug import Request, Response

PREFIX = "/v1"
SERVICE_USER = ("SERVICE-7788", "bob-service-token-0123456789")
COUNTRY_IDS = {"United Kingdom": "1644513820829", "Spain": "1644513820830", "United States": "1644513820831"}


@dataclass
class Fault:
    """Answer ``status`` instead of the real data to ``times`` requests of ``path`` matching ``when``."""

    path: str
    status: int
    times: int = 1
    headers: dict[str, str] = field(default_factory=dict)
    when: Callable[[Mapping[str, str]], bool] = lambda _params: True


def iban(i: int) -> str:
    return str(IBAN.generate("GB", bank_code="NWBK601613", account_code=f"{31926800 + i:08d}").compact)


def person(i: int) -> dict[str, Any]:
    """One employee with every field the connector asks for, in Bob's nested machine format."""
    country = ["United Kingdom", "Spain", "United States"][i % 3]
    return {
        "id": str(3332883884017713900 + i),
        "firstName": f"Given{i}",
        "surname": f"Family{i}",
        "fullName": f"Given{i} Family{i}",
        "displayName": f"G{i} Family{i}" if i % 2 else f"Given{i} Family{i}",
        "email": f"given{i}.family@acme.example",
        "personal": {"birthDate": f"1991-0{1 + i % 9}-2{i % 10}"},
        "home": {"privateEmail": f"given{i}@example.org", "mobilePhone": f"+44 7700 9001{i:02d}", "privatePhone": None},
        "work": {"workPhone": "+44 20 7946 0000", "workMobile": None},
        "address": {
            "line1": f"{10 + i} Downing St",
            "line2": None,
            "city": "London",
            "postCode": "SW1A 2AA",
            "country": COUNTRY_IDS[country],
            "usaState": None,
        },
        "about": {"socialData": {"linkedin": f"https://www.linkedin.com/in/given{i}", "twitter": None}},
        "_readable": {"address": {"country": country}},
        "_active": True,
    }


def bank_entry(i: int, n: int = 0) -> dict[str, Any]:
    return {
        "id": 1000 + n,
        "bankAccountType": "Checking",
        "accountNickname": "Salary",
        "bankName": "NatWest",
        "iban": iban(i * 10 + n),
        "bicOrSwift": "NWBKGB2L",
        "routingNumber": None,
        "accountNumber": None,
        "allocation": "remaining",
        "amount": None,
        "useForBonus": True,
        "changedBy": "3332883909410030364",
    }


def employment(i: int) -> dict[str, Any]:
    return {
        "id": 500 + i,
        "effectiveDate": "2023-04-01",
        "endEffectiveDate": None,
        "contract": "Contractor" if i % 4 == 3 else "Permanent",
        "type": "Full-time",
        "weeklyHours": 40,
        "fte": 100,
        "isCurrent": True,
        "change": {"reason": "Hired", "changedBy": "Zoe Clark", "changedById": "3332883909410030364"},
    }


class FakeHiBob:
    """People, bank accounts and payroll history of one fake Bob company."""

    def __init__(self, *, people: int = 7) -> None:
        self.people = {p["id"]: p for p in (person(i) for i in range(people))}
        self.banks = {p["id"]: [bank_entry(i)] for i, p in enumerate(self.people.values())}
        self.faults: list[Fault] = []
        self.log: list[tuple[str, dict[str, str], Any]] = []

    def ids(self) -> list[str]:
        return sorted(self.people)

    # -- HTTP -----------------------------------------------------------------------------------

    def install(self, httpserver: HTTPServer) -> str:
        """Serve this fake on ``httpserver``; returns the base URL to configure."""
        httpserver.expect_request(re.compile(rf"{PREFIX}/.*")).respond_with_handler(self.handle)
        return httpserver.url_for(PREFIX)

    def fail(self, path: str, status: int, **kwargs: Any) -> None:
        """Add a :class:`Fault`."""
        self.faults.append(Fault(path, status, **kwargs))

    def requests_to(self, path: str) -> list[Any]:
        """The JSON body (POST) or query parameters (GET) of every logged request to ``path``."""
        return [body if body is not None else params for logged, params, body in self.log if logged == path]

    def bank_reads(self) -> list[str]:
        """Employee ids whose bank accounts were read, in order."""
        found = (re.fullmatch(r"/people/(\d+)/bank-accounts", logged) for logged, _, _ in self.log)
        return [m.group(1) for m in found if m]

    def handle(self, request: Request) -> Response:
        path = request.path.removeprefix(PREFIX)
        params = dict(request.args.items())
        body = request.get_json(silent=True) if request.method == "POST" else None
        self.log.append((path, params, body))
        auth = request.headers.get("Authorization", "")
        if not auth.startswith("Basic ") or tuple(base64.b64decode(auth[6:]).decode().split(":", 1)) != SERVICE_USER:
            return self._json({"error": "Unauthorized"}, 401)
        for fault in self.faults:
            if fault.times > 0 and fault.path == path and fault.when(params):
                fault.times -= 1
                return self._json({"error": "injected"}, fault.status, fault.headers)
        return self._route(path, params, body)

    def _route(self, path: str, params: Mapping[str, str], body: Any) -> Response:
        if path == "/people/search":
            return self._search(body or {})
        if m := re.fullmatch(r"/people/(\d+)/bank-accounts", path):
            if m.group(1) not in self.people:
                return self._json({"error": "not found"}, 404)
            return self._json({"values": self.banks.get(m.group(1), [])})
        if path == "/payroll/history":
            everyone = [p for p in self.people.values() if p["_active"] or params.get("showInactive") == "true"]
            rows = [
                {"id": p["id"], "fullName": p["fullName"], "payroll": {"employmentType": employment(i)}}
                for i, p in enumerate(everyone)
            ]
            return self._json({"employees": rows})
        return self._json({"error": f"no route {path}"}, 404)

    def _search(self, body: Mapping[str, Any]) -> Response:
        wanted = body.get("fields") or ["root.id", "root.firstName"]
        people = [p for p in self.people.values() if p["_active"] or body.get("showInactive") is True]
        for rule in body.get("filters") or []:
            if rule.get("fieldPath") != "root.id" or rule.get("operator") != "equals" or not rule.get("values"):
                return self._json({"error": "Only root.id / root.email with equals are supported"}, 400)
            people = [p for p in people if p["id"] in rule["values"]]
        return self._json(
            {"employees": [self._select(p, wanted, body.get("humanReadable") == "APPEND") for p in people]}
        )

    @staticmethod
    def _select(record: Mapping[str, Any], paths: list[str], readable: bool) -> dict[str, Any]:
        out: dict[str, Any] = {}
        human: dict[str, Any] = {}
        for path in paths:
            parts = path.split(".")
            parts = parts[1:] if parts[0] == "root" else parts
            value: Any = record
            for part in parts:
                value = value.get(part) if isinstance(value, Mapping) else None
            target = out
            for part in parts[:-1]:
                target = target.setdefault(part, {})
            target[parts[-1]] = copy.deepcopy(value)
            shown: Any = record["_readable"]
            for part in parts:
                shown = shown.get(part) if isinstance(shown, Mapping) else None
            if readable and shown is not None:
                place = human
                for part in parts[:-1]:
                    place = place.setdefault(part, {})
                place[parts[-1]] = shown
        if readable:
            out["humanReadable"] = human
        return out

    @staticmethod
    def _json(body: Any, status: int = 200, headers: Mapping[str, str] | None = None) -> Response:
        return Response(json.dumps(body), status=status, headers=dict(headers or {}), content_type="application/json")
