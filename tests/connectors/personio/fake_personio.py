"""A stateful local fake of Personio's API v1 and v2, for wire-behaviour tests.

This is **our own fixture**, not Personio's contract. It speaks the shapes of Personio's documents:
v1 ``/company/employees`` items as ``attributes.<key> = {label, value, type, universal_id}`` with
``metadata.total_elements`` (as in the v1 spec's example), ``POST /v1/auth`` → ``data.token``, and
v2 ``/v2/persons`` and ``/v2/persons/{id}/employments`` as ``{_data, _meta.links.next.href}`` with
``POST /v2/auth/token`` (client credentials). Unlike the stateless Prism mock it really pages,
filters by ``updated_since``/``updated_at.gt``, and enforces **single-use v1 tokens**: every
accepted request burns its token and answers with the next one in the ``authorization`` header, a
token sent twice gets 401 and is counted in ``reused``. The request contract of v1 is checked
against the (third-party) v1 spec in ``test_contract_prism.py``; v2 has no spec in shared/specs.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import re
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs

from pytest_httpserver import HTTPServer
from schwifty import IBAN
from werkzeug import Request, Response

CLIENT_ID = "papi-client-0001"
CLIENT_SECRET = "papi-secret-XYZ-0123456789"
BASE = dt.datetime(2025, 3, 1, 9, 0, tzinfo=dt.UTC)


def iban(i: int) -> str:
    return str(IBAN.generate("DE", bank_code="37040044", account_code=f"{532013000 + i:010d}").compact)


def stamp(moment: dt.datetime) -> str:
    """Personio v1's date-time text (``2025-03-01 10:00:00+01:00`` style, here in UTC)."""
    return moment.strftime("%Y-%m-%d %H:%M:%S+00:00")


def attr(label: str, value: Any, kind: str = "standard", universal_id: str | None = None) -> dict[str, Any]:
    return {"label": label, "value": value, "type": kind, "universal_id": universal_id}


@dataclass
class Fault:
    """Answer ``status`` to ``times`` requests of ``path`` (the token is not spent)."""

    path: str
    status: int
    times: int = 1
    headers: dict[str, str] = field(default_factory=dict)
    body: Any = field(default_factory=lambda: {"success": False, "error": {"code": 0, "message": "injected"}})


class FakePersonio:
    """One company: employees (v1) and the same people as persons with employments (v2)."""

    def __init__(self, *, people: int = 7) -> None:
        self.modified = {i: BASE + dt.timedelta(days=i) for i in range(people)}
        self.names = {i: (f"Given{i}", f"Family{i}") for i in range(people)}
        self.count = people
        self.faults: list[Fault] = []
        self.log: list[tuple[str, str, dict[str, str]]] = []
        self.logins = 0
        self.reused = 0
        self.refused = 0
        self.live: set[str] = set()
        self.spent: set[str] = set()
        self.v2_tokens: set[str] = set()
        self.base_url = ""
        self._serial = itertools.count(1)
        self._lock = threading.Lock()

    # -- data ----------------------------------------------------------------------------------------

    def touch(self, i: int, moment: dt.datetime, **names: str) -> None:
        """Change employee ``i`` at ``moment`` (new first/last name if given)."""
        first, last = self.names[i]
        self.names[i] = (names.get("first", first), names.get("last", last))
        self.modified[i] = moment

    def employee(self, i: int) -> dict[str, Any]:
        first, last = self.names[i]
        attributes = {
            "id": attr("ID", 1000 + i, "integer", "id"),
            "first_name": attr("First name", first, universal_id="first_name"),
            "last_name": attr("Last name", last, universal_id="last_name"),
            "preferred_name": attr("Name (preferred)", f"{first} {last}", universal_id="preferred_name"),
            "email": attr("Email", f"{first.lower()}.{last.lower()}@acme.example", universal_id="email"),
            "gender": attr("Gender", "diverse", universal_id="gender"),
            "status": attr("Status", "active", universal_id="status"),
            "employment_type": attr("Employment type", "external" if i % 2 else "internal"),
            "hire_date": attr("Hire date", "2024-01-31 23:00:00+00:00", "date", "hire_date"),
            "termination_date": attr("Termination date", None, "date", "termination_date"),
            "weekly_working_hours": attr("Weekly hours", "40", universal_id="weekly_working_hours"),
            "fix_salary": {**attr("Fix salary", 4200, "decimal", "fix_salary"), "currency": "EUR"},
            "hourly_salary": {**attr("Hourly salary", 0, "decimal", "hourly_salary"), "currency": "EUR"},
            "last_modified_at": attr("Last modified", stamp(self.modified[i]), "date", "last_modified_at"),
            "subcompany": attr("Subcompany", {"type": "Subcompany", "attributes": {"id": 7, "name": "Acme GmbH"}}),
            "dynamic_1001": attr("IBAN", iban(i), universal_id="iban"),
            "dynamic_1002": attr("Date of birth", f"1990-05-{i + 1:02d} 00:00:00+02:00", "date"),
            "dynamic_1003": attr("Steuer-ID", f"8609574{i:04d}"),
            "dynamic_1004": attr("Religion", "none"),
        }
        return {"type": "Employee", "attributes": attributes}

    def person(self, i: int) -> dict[str, Any]:
        first, last = self.names[i]
        return {
            "id": str(5000 + i),
            "email": f"{first.lower()}.{last.lower()}@acme.example",
            "first_name": first,
            "last_name": last,
            "preferred_name": first,
            "gender": "FEMALE",
            "status": "ACTIVE",
            "created_at": "2024-01-01T00:00:00Z",
            "updated_at": self.modified[i].strftime("%Y-%m-%dT%H:%M:%SZ"),
            "custom_attributes": [
                {"id": "dynamic_1001", "label": "IBAN", "type": "STRING", "value": iban(i), "global_id": "iban"},
                {"id": "dynamic_1003", "label": "Tax ID", "type": "STRING", "value": f"8609574{i:04d}"},
            ],
            "employments": [{"id": f"emp-{i}-a"}, {"id": f"emp-{i}-b"}],
        }

    def employment(self, i: int, which: str) -> dict[str, Any]:
        return {
            "id": f"emp-{i}-{which}",
            "person": {"id": str(5000 + i)},
            "status": "ACTIVE" if which == "a" else "INACTIVE",
            "type": "EXTERNAL" if i % 2 else "INTERNAL",
            "employment_start_date": "2024-02-01" if which == "a" else "2022-02-01",
            "employment_end_date": None if which == "a" else "2023-12-31",
            "weekly_working_hours": 40,
            "legal_entity": {"id": "le-1"},
            "position": {"title": "Engineer"},
            "updated_at": self.modified[i].strftime("%Y-%m-%dT%H:%M:%SZ"),
        }

    # -- HTTP ----------------------------------------------------------------------------------------

    def install(self, httpserver: HTTPServer) -> str:
        """Serve on ``httpserver``; returns the server's root URL (``…/v1`` and ``…/v2`` below it)."""
        httpserver.expect_request(re.compile(r"/v[12]/.*")).respond_with_handler(self.handle)
        self.base_url = httpserver.url_for("").rstrip("/")
        return self.base_url

    def fail(self, path: str, status: int, **kwargs: Any) -> None:
        """Add a :class:`Fault`."""
        self.faults.append(Fault(path, status, **kwargs))

    def requests_to(self, path: str) -> list[dict[str, str]]:
        """Query parameters of every logged request to ``path``."""
        return [params for _m, logged, params in self.log if logged == path]

    def handle(self, request: Request) -> Response:
        with self._lock:
            params = dict(request.args.items())
            self.log.append((request.method, request.path, params))
            for fault in self.faults:
                if fault.times > 0 and fault.path == request.path:
                    fault.times -= 1
                    return self._json(fault.body, fault.status, fault.headers)
            if request.path == "/v1/auth":
                return self._v1_login(request)
            if request.path == "/v2/auth/token":
                return self._v2_token(request)
            if request.path.startswith("/v1/"):
                return self._v1(request, params)
            return self._v2(request, params)

    # -- v1 --------------------------------------------------------------------------------------------

    def _issue(self) -> str:
        token = f"v1-token-{next(self._serial):05d}"
        self.live.add(token)
        return token

    def _v1_login(self, request: Request) -> Response:
        body = request.get_json(silent=True) or {}
        if body.get("client_id") != CLIENT_ID or body.get("client_secret") != CLIENT_SECRET:
            return self._json({"success": False, "error": {"code": 0, "message": "Wrong credentials"}}, 401)
        self.logins += 1
        return self._json({"success": True, "data": {"token": self._issue()}})

    def _v1(self, request: Request, params: Mapping[str, str]) -> Response:
        sent = (request.headers.get("Authorization") or "").removeprefix("Bearer ")
        if sent not in self.live:
            self.reused += sent in self.spent
            self.refused += 1
            return self._json({"success": False, "error": {"code": 401, "message": "Unauthorized"}}, 401)
        self.live.discard(sent)
        self.spent.add(sent)
        following = {"authorization": f"Bearer {self._issue()}"}
        if request.path != "/v1/company/employees":
            return self._json({"success": False, "error": {"message": "not found"}}, 404, following)
        since = params.get("updated_since")
        if since is not None:  # Personio ignores limit and offset with updated_since
            moment = dt.datetime.fromisoformat(since).replace(tzinfo=dt.UTC)
            rows = [self.employee(i) for i in range(self.count) if self.modified[i] > moment]
            offset, limit = 0, len(rows)
        else:
            offset, limit = int(params.get("offset", 0)), int(params.get("limit", 50))
            rows = [self.employee(i) for i in range(offset, min(offset + limit, self.count))]
        total = len(rows) if since is not None else self.count
        body = {
            "success": True,
            "metadata": {"total_elements": total, "current_page": offset // max(limit, 1), "total_pages": 0},
            "offset": offset,
            "limit": limit,
            "data": rows,
        }
        return self._json(body, 200, following)

    # -- v2 --------------------------------------------------------------------------------------------

    def _v2_token(self, request: Request) -> Response:
        form = parse_qs(request.get_data(as_text=True))
        if form.get("client_id") != [CLIENT_ID] or form.get("client_secret") != [CLIENT_SECRET]:
            return self._json({"error": "invalid_client", "error_description": "bad credentials"}, 400)
        if form.get("grant_type") != ["client_credentials"]:
            return self._json({"error": "unsupported_grant_type"}, 400)
        token = f"papi-v2-{next(self._serial):05d}"
        self.v2_tokens.add(token)
        return self._json({"access_token": token, "token_type": "Bearer", "expires_in": 86400, "scope": "x"})

    def _v2(self, request: Request, params: Mapping[str, str]) -> Response:
        if (request.headers.get("Authorization") or "").removeprefix("Bearer ") not in self.v2_tokens:
            return self._json({"errors": [{"title": "Unauthorized"}]}, 401)
        limit = int(params.get("limit", 10))
        if limit > 50:
            return self._json({"errors": [{"title": "limit must be at most 50"}]}, 400)
        start = int(params.get("cursor", "cur_0").removeprefix("cur_"))
        if request.path == "/v2/persons":
            since = params.get("updated_at.gt")
            moment = dt.datetime.fromisoformat(since.replace("Z", "+00:00")) if since else None
            chosen = [i for i in range(self.count) if moment is None or self.modified[i] > moment]
            rows = [self.person(i) for i in chosen[start : start + limit]]
            more = start + limit < len(chosen)
            query = f"limit={limit}&cursor=cur_{start + limit}" + (f"&updated_at.gt={since}" if since else "")
            return self._page(rows, f"/v2/persons?{query}" if more else None)
        if m := re.fullmatch(r"/v2/persons/(\d+)/employments", request.path):
            i = int(m.group(1)) - 5000
            if not 0 <= i < self.count:
                return self._json({"errors": [{"title": "Person not found"}]}, 404)
            every = [self.employment(i, w) for w in ("a", "b")]
            rows = every[start : start + limit]
            more = start + limit < len(every)
            return self._page(rows, f"{request.path}?limit={limit}&cursor=cur_{start + limit}" if more else None)
        return self._json({"errors": [{"title": f"no route {request.path}"}]}, 404)

    def _page(self, rows: list[dict[str, Any]], following: str | None) -> Response:
        links: dict[str, Any] = {"self": {"href": self.base_url}}
        if following:
            links["next"] = {"href": self.base_url + following}
        return self._json({"_data": rows, "_meta": {"links": links}})

    @staticmethod
    def _json(body: Any, status: int = 200, headers: Mapping[str, str] | None = None) -> Response:
        return Response(json.dumps(body), status=status, headers=dict(headers or {}), content_type="application/json")
