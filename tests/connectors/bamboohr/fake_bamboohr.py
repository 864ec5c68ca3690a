"""A stateful local fake of BambooHR's public API, for wire-behaviour tests.

This is **our own fixture**, not BambooHR's contract: it speaks the JSON shapes of BambooHR's
OpenAPI spec (``/api/v1/employees`` with ``meta.page.nextCursor``, the directory's ``fields`` +
``employees``, ``/employees/changed``'s ``latest`` + id map, Get Employee's flat field object) and,
unlike the stateless Prism mock, really paginates, keeps a change log with its own clock (which the
server sends as its ``Date`` header), checks credentials (API key as the Basic user, or OAuth bearer tokens it
issued at ``/token.php`` with rotating refresh tokens), and can be told to fail (503 + Retry-After,
500, 401, 403) on chosen requests. The request contract itself is checked against BambooHR's spec
in ``test_contract_prism.py``.
"""

from __future__ import annotations

import base64
import datetime as dt
import email.utils
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs

from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

API_KEY = "bamboo-api-key-0123456789"
START = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


@dataclass
class Fault:
    """Answer ``status`` instead of the real data to ``times`` requests of ``path`` matching ``when``."""

    path: str
    status: int
    times: int = 1
    headers: dict[str, str] = field(default_factory=dict)
    when: Callable[[Mapping[str, str]], bool] = lambda _params: True


def employee(i: int) -> dict[str, Any]:
    """A realistic employee record, as Get Employee returns its fields."""
    return {
        "id": str(100 + i),
        "employeeNumber": f"E-{1000 + i}",
        "firstName": f"Given{i}",
        "middleName": "Q" if i % 2 else "",
        "lastName": f"Family{i}",
        "preferredName": f"G{i}" if i % 3 == 0 else None,
        "dateOfBirth": f"1990-0{1 + i % 9}-1{i % 10}",
        "homeEmail": f"given{i}.family@example.net",
        "workEmail": f"gfamily{i}@acme.example",
        "mobilePhone": f"+1 801-555-01{i:02d}",
        "homePhone": "",
        "workPhone": "801-724-6600",
        "address1": f"{100 + i} N Main St",
        "address2": "Apt 4" if i % 2 else "",
        "city": "Lindon",
        "state": "UT",
        "zipcode": "84042",
        "country": "United States",
        "linkedIn": f"https://www.linkedin.com/in/given{i}",
        "status": "Active",
        "employmentHistoryStatus": "Contractor" if i % 4 == 3 else "Full-Time",
        "hireDate": "2024-02-01",
        "originalHireDate": "2024-02-01",
        "terminationDate": "0000-00-00",
        "jobTitle": "Software Engineer",
        "department": "Engineering",
        "division": "R&D",
        "location": "Remote",
        "payRate": "95000.00 USD",
        "payType": "Salary",
        "ssn": f"123-45-{6700 + i}",
        "gender": "Female",
    }


class FakeBambooHR:
    """Employees of one fake company, with a change log and a clock."""

    def __init__(self, *, employees: int = 5, api_key: str = API_KEY) -> None:
        self.api_key = api_key
        self.now = START
        self.employees: dict[str, dict[str, Any]] = {}
        self.changes: dict[str, tuple[str, dt.datetime]] = {}  # id → (action, when)
        for i in range(employees):
            self.add(employee(i))
        self.tick(3600)  # the first sync runs an hour after these hires
        self.faults: list[Fault] = []
        self.log: list[tuple[str, dict[str, str]]] = []
        self.tokens: dict[str, str] = {}  # access token → refresh token it came with
        self.refresh_tokens = {"seed-refresh-token"}
        self.issued = 0

    # -- changes --------------------------------------------------------------------------------

    def tick(self, seconds: int = 60) -> None:
        """Advance the fake's clock."""
        self.now += dt.timedelta(seconds=seconds)

    def add(self, record: dict[str, Any]) -> None:
        """Hire an employee now."""
        self.employees[record["id"]] = record
        self.changes[record["id"]] = ("Inserted", self.now)

    def update(self, employee_id: str, **fields: Any) -> None:
        """Change fields of an employee now."""
        self.employees[employee_id].update(fields)
        self.changes[employee_id] = ("Updated", self.now)

    def delete(self, employee_id: str) -> None:
        """Delete an employee now."""
        del self.employees[employee_id]
        self.changes[employee_id] = ("Deleted", self.now)

    # -- HTTP -----------------------------------------------------------------------------------

    def install(self, httpserver: HTTPServer) -> str:
        """Serve this fake on ``httpserver``; returns the base URL to configure."""
        httpserver.expect_request(re.compile(r"/.*")).respond_with_handler(self.handle)
        return httpserver.url_for("").rstrip("/")

    def fail(self, path: str, status: int, **kwargs: Any) -> None:
        """Add a :class:`Fault`."""
        self.faults.append(Fault(path, status, **kwargs))

    def requests_to(self, path: str) -> list[dict[str, str]]:
        """Query parameters of every logged request to ``path``."""
        return [params for logged, params in self.log if logged == path]

    def paths(self) -> list[str]:
        """Every logged path, in order."""
        return [logged for logged, _ in self.log]

    def handle(self, request: Request) -> Response:
        path = request.path
        params = dict(request.args.items())
        if path == "/token.php":
            return self._token(request)
        self.log.append((path, params))
        if not self._authorized(request.headers.get("Authorization", "")):
            return self._json({}, 401)
        for fault in self.faults:
            if fault.times > 0 and fault.path == path and fault.when(params):
                fault.times -= 1
                return self._json({"error": {"message": "injected"}}, fault.status, fault.headers)
        return self._route(path, params)

    def _authorized(self, header: str) -> bool:
        if header.startswith("Basic "):
            user, _, _password = base64.b64decode(header[6:]).decode().partition(":")
            return user == self.api_key
        return header.startswith("Bearer ") and header[7:] in self.tokens

    def _token(self, request: Request) -> Response:
        form = parse_qs(request.get_data(as_text=True))
        refresh = (form.get("refresh_token") or [""])[0]
        if form.get("grant_type") != ["refresh_token"] or refresh not in self.refresh_tokens:
            return self._json({"error": "invalid_grant"}, 400)
        self.refresh_tokens.discard(refresh)  # rotating: each refresh token works once
        self.issued += 1
        access, new_refresh = f"access-{self.issued}", f"refresh-{self.issued}"
        self.tokens[access] = new_refresh
        self.refresh_tokens.add(new_refresh)
        return self._json({"access_token": access, "refresh_token": new_refresh, "expires_in": 3600})

    def _route(self, path: str, params: Mapping[str, str]) -> Response:
        ordered = sorted(self.employees.values(), key=lambda e: int(e["id"]))
        if path == "/api/v1/employees":
            limit = int(params.get("page[limit]", 250))
            after = int(params.get("page[after]", 0))
            rows = [e for e in ordered if int(e["id"]) > after][:limit]
            more = bool(rows) and any(int(e["id"]) > int(rows[-1]["id"]) for e in ordered)
            data = [
                {
                    "employeeId": e["id"],
                    "firstName": e["firstName"],
                    "lastName": e["lastName"],
                    "preferredName": e["preferredName"],
                    "photoUrl": None,
                    "jobTitleName": e["jobTitle"],
                    "status": e["status"],
                    "_restrictedFields": [],
                }
                for e in rows
            ]
            page = {"limit": limit, "nextCursor": int(rows[-1]["id"]) if more else None, "prevCursor": None}
            return self._json({"data": data, "meta": {"total": len(ordered), "page": page}, "_links": {}})
        if path == "/api/v1/employees/directory":
            active = [e for e in ordered if e["status"] == "Active"]
            if not active:
                return self._json({}, 404)
            fields = [{"id": "displayName", "type": "text", "name": "Display name"}]
            rows = [{"id": e["id"], "displayName": f"{e['firstName']} {e['lastName']}"} for e in active]
            return self._json({"fields": fields, "employees": rows})
        if path == "/api/v1/employees/changed":
            since = dt.datetime.fromisoformat(params["since"].replace("Z", "+00:00"))
            changed = {k: v for k, v in self.changes.items() if v[1] >= since}
            entries = {k: {"id": k, "action": a, "lastChanged": w.isoformat()} for k, (a, w) in changed.items()}
            latest = max((w for _a, w in changed.values()), default=since)
            return self._json({"latest": latest.isoformat(), "employees": entries})
        if m := re.fullmatch(r"/api/v1/employees/(\d+)", path):
            found = self.employees.get(m.group(1))
            if found is None:
                return self._json({}, 404)
            wanted = params.get("fields", "firstName,lastName").split(",")
            body = {"id": found["id"], **{k: found[k] for k in wanted if k in found}}
            if "lastChanged" in wanted:
                body["lastChanged"] = self.changes[found["id"]][1].isoformat()
            return self._json(body)
        return self._json({"error": {"message": f"no route {path}"}}, 404)

    def date_header(self) -> str:
        """The ``Date`` header the server sends: the fake's clock (``conftest`` wires it into the server)."""
        return email.utils.format_datetime(self.now, usegmt=True)

    @staticmethod
    def _json(body: Any, status: int = 200, headers: Mapping[str, str] | None = None) -> Response:
        return Response(json.dumps(body), status=status, headers=dict(headers or {}), content_type="application/json")
