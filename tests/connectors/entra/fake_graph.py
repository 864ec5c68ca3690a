"""A stateful local fake of the Microsoft identity platform token endpoint and Microsoft Graph.

This is **our own fixture**: no OpenAPI spec of Microsoft Graph is in ``shared/specs``, so there
is no vendor contract to run a Prism mock of, and these shapes are ours, written from Microsoft's
documentation. It speaks: the v2.0 token endpoint (``POST /{tenant}/oauth2/v2.0/token``,
client-credentials form, ``invalid_client`` with 401); Graph's bearer check
(``InvalidAuthenticationToken``); ``GET /v1.0/auditLogs/signIns`` with ``$filter``
(``createdDateTime ge …``, ``status/errorCode eq 0``), ``$top`` and ``@odata.nextLink`` carrying a
``$skiptoken``, newest first as Graph returns them; ``GET /v1.0/users`` (``$select``, ``$top``,
next links); ``GET``/``PATCH /v1.0/users/{id}`` (``accountEnabled``); ``POST
/v1.0/users/{id}/revokeSignInSessions``; errors as ``{"error": {"code", "message"}}``; 429 with
``Retry-After``. Payload shapes follow the examples of Graph's ``signIn`` and ``user`` reference.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlencode

from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

TENANT = "contoso.onmicrosoft.com"
START = dt.datetime(2024, 8, 13, 15, 0, tzinfo=dt.UTC)


def graph_stamp(when: dt.datetime) -> str:
    """Graph's seven-digit fraction (``2020-03-13T19:15:41.6195833Z``)."""
    return when.strftime("%Y-%m-%dT%H:%M:%S.") + f"{when.microsecond:06d}1Z"


def parse(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))


@dataclass
class Fault:
    """Answer ``status`` instead of the real data to ``times`` requests of ``path`` matching ``when``."""

    path: str
    status: int
    times: int = 1
    headers: dict[str, str] = field(default_factory=dict)
    body: Any = None
    when: Callable[[Mapping[str, str]], bool] = lambda _params: True


def sign_in(
    i: int,
    user_id: str,
    *,
    at: dt.datetime | None = None,
    ip: str | None = None,
    country: str = "US",
    error_code: int = 0,
    device_id: str = "",
    risks: list[str] | None = None,
    beta: bool = False,
) -> dict[str, Any]:
    """A ``signIn`` like the one in Graph's "List signIns" example."""
    created = at or START + dt.timedelta(minutes=i)
    item: dict[str, Any] = {
        "id": f"66ea54eb-6301-4ee5-be62-{i:012d}",
        "createdDateTime": graph_stamp(created),
        "userDisplayName": f"User {user_id[:8]}",
        "userPrincipalName": f"user{i}@contoso.com",
        "userId": user_id,
        "appId": "de8bc8b5-d9f9-48b1-a8ad-b748da725064",
        "appDisplayName": "Graph Explorer",
        "ipAddress": ip or f"131.107.{i % 250}.37",
        "clientAppUsed": "Browser",
        "correlationId": f"d79f5bee-5860-4832-928f-{i:012d}",
        "conditionalAccessStatus": "notApplied",
        "isInteractive": True,
        "riskDetail": "none",
        "riskLevelAggregated": "none",
        "riskLevelDuringSignIn": "none",
        "riskState": "none",
        "riskEventTypes": [],
        "riskEventTypes_v2": risks or [],
        "resourceDisplayName": "Microsoft Graph",
        "resourceId": "00000003-0000-0000-c000-000000000000",
        "status": {
            "errorCode": error_code,
            "failureReason": "Other." if error_code else None,
            "additionalDetails": None,
        },
        "deviceDetail": {
            "deviceId": device_id,
            "displayName": None,
            "operatingSystem": "Windows 10",
            "browser": "Edge 120.0.0",
            "isCompliant": None,
            "isManaged": None,
            "trustType": None,
        },
        "location": {
            "city": "Redmond",
            "state": "Washington",
            "countryOrRegion": country,
            "geoCoordinates": {"altitude": None, "latitude": 47.68, "longitude": -122.12},
        },
        "appliedConditionalAccessPolicies": [],
    }
    if beta:
        item["userAgent"] = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Edg/120.0.0.0"
        item["autonomousSystemNumber"] = 3598
    return item


def user(i: int, *, enabled: bool = True) -> dict[str, Any]:
    """A Graph ``user`` with the fields the connector selects."""
    return {
        "id": f"26be570a-ae82-4189-b4e2-{i:012d}",
        "displayName": f"Given{i} Family{i}",
        "givenName": f"Given{i}",
        "surname": f"Family{i}",
        "mail": f"given{i}@contoso.com",
        "userPrincipalName": f"given{i}@contoso.com",
        "otherMails": [f"given{i}@example.net"],
        "accountEnabled": enabled,
        "userType": "Member",
        "createdDateTime": "2024-01-04T15:56:05Z",
        "usageLocation": "US",
    }


_GE = re.compile(r"createdDateTime ge (\S+)")


class FakeGraph:
    """One fake tenant: token endpoint, users, sign-ins, faults."""

    def __init__(self, *, client_id: str = "app-1", secret: str = "graph-secret-XYZ") -> None:
        self.client_id = client_id
        self.secret = secret
        self.tokens: list[str] = []
        self.token_requests: list[dict[str, list[str]]] = []
        self.sign_ins: list[dict[str, Any]] = []
        self.users: dict[str, dict[str, Any]] = {}
        self.faults: list[Fault] = []
        self.log: list[tuple[str, str, dict[str, str]]] = []
        self.bodies: list[Any] = []
        self.revoked: list[str] = []
        self.licensed = True
        self.base = ""

    # -- state ---------------------------------------------------------------------------------------

    def add_users(self, *users: dict[str, Any]) -> None:
        for u in users:
            self.users[u["id"]] = u

    def add_sign_ins(self, *events: dict[str, Any]) -> None:
        self.sign_ins.extend(events)

    def fail(self, path: str, status: int, **kwargs: Any) -> None:
        self.faults.append(Fault(path, status, **kwargs))

    def requests_to(self, path: str, method: str = "GET") -> list[dict[str, str]]:
        return [params for m, logged, params in self.log if logged == path and m == method]

    # -- HTTP ------------------------------------------------------------------------------------------

    def install(self, httpserver: HTTPServer) -> str:
        """Serve token endpoint and Graph on ``httpserver``; returns the URL for both base URLs."""
        httpserver.expect_request(re.compile(r"/.*")).respond_with_handler(self.handle)
        self.base = httpserver.url_for("/").rstrip("/")
        return self.base

    def handle(self, request: Request) -> Response:
        params = dict(request.args.items())
        self.log.append((request.method, request.path, params))
        if request.path == f"/{TENANT}/oauth2/v2.0/token" and request.method == "POST":
            return self._token(parse_qs(request.get_data(as_text=True)))
        if request.headers.get("Authorization", "").removeprefix("Bearer ") not in self.tokens:
            return self._error(401, "InvalidAuthenticationToken", "Access token validation failure.")
        for fault in self.faults:
            if fault.times > 0 and fault.path == request.path and fault.when(params):
                fault.times -= 1
                body = fault.body if fault.body is not None else {"error": {"code": "injected", "message": "injected"}}
                return self._json(body, fault.status, fault.headers)
        if request.data:
            self.bodies.append(json.loads(request.data))
        return self._route(request.method, request.path, params)

    def _token(self, form: dict[str, list[str]]) -> Response:
        self.token_requests.append(form)
        if form.get("client_id") != [self.client_id] or form.get("client_secret") != [self.secret]:
            body = {"error": "invalid_client", "error_description": "AADSTS7000215: Invalid client secret provided."}
            return self._json(body, 401)
        if form.get("grant_type") != ["client_credentials"] or not form.get("scope", [""])[0].endswith("/.default"):
            return self._json({"error": "invalid_request", "error_description": "AADSTS90014"}, 400)
        token = f"graph-token-{len(self.tokens)}"
        self.tokens.append(token)
        return self._json({"token_type": "Bearer", "expires_in": 3599, "ext_expires_in": 3599, "access_token": token})

    def _route(self, method: str, path: str, params: Mapping[str, str]) -> Response:
        version, _, rest = path.lstrip("/").partition("/")
        if version not in ("v1.0", "beta"):
            return self._error(404, "BadRequest", f"Invalid version: {version}")
        if (method, rest) == ("GET", "auditLogs/signIns"):
            if not self.licensed:
                return self._error(
                    403,
                    "Authentication_RequestFromNonPremiumTenantOrB2CTenant",
                    "Neither tenant is B2C or tenant doesn't have premium license",
                )
            return self._sign_ins(version, params)
        if (method, rest) == ("GET", "users"):
            rows = sorted(self.users.values(), key=lambda u: u["id"])
            return self._page(version, "users", rows, params)
        if m := re.fullmatch(r"users/([^/]+)", rest):
            found = self.users.get(m.group(1))
            if found is None:
                return self._error(404, "Request_ResourceNotFound", f"Resource '{m.group(1)}' does not exist.")
            if method == "GET":
                wanted = params.get("$select", "").split(",")
                return self._json({k: v for k, v in found.items() if k in wanted} if wanted != [""] else found)
            if method == "PATCH":
                found.update(self.bodies[-1])
                return Response(status=204)
        if (m := re.fullmatch(r"users/([^/]+)/revokeSignInSessions", rest)) and method == "POST":
            self.revoked.append(m.group(1))
            return self._json(
                {"@odata.context": "https://graph.microsoft.com/v1.0/$metadata#Edm.Boolean", "value": True}
            )
        return self._error(404, "BadRequest", f"Resource not found for the segment '{rest}'.")

    def _sign_ins(self, version: str, params: Mapping[str, str]) -> Response:
        flt = params.get("$filter", "")
        since = _GE.search(flt)
        rows = [
            e
            for e in self.sign_ins
            if (since is None or parse(e["createdDateTime"]) >= parse(since.group(1)))
            and ("status/errorCode eq 0" not in flt or e["status"]["errorCode"] == 0)
        ]
        rows.sort(key=lambda e: e["createdDateTime"], reverse=True)  # Graph: newest first
        return self._page(version, "auditLogs/signIns", rows, params)

    def _page(self, version: str, resource: str, rows: list[dict[str, Any]], params: Mapping[str, str]) -> Response:
        top = int(params.get("$top", 100))
        start = int(params.get("$skiptoken", "0"))
        body: dict[str, Any] = {
            "@odata.context": f"https://graph.microsoft.com/{version}/$metadata#{resource}",
            "value": rows[start : start + top],
        }
        if start + top < len(rows):
            query = {k: v for k, v in params.items() if k != "$skiptoken"} | {"$skiptoken": start + top}
            body["@odata.nextLink"] = f"{self.base}/{version}/{resource}?{urlencode(query)}"
        return self._json(body)

    @staticmethod
    def _error(status: int, code: str, message: str) -> Response:
        body = {"error": {"code": code, "message": message, "innerError": {"request-id": "fake", "date": "2024-08-13"}}}
        return FakeGraph._json(body, status)

    @staticmethod
    def _json(body: Any, status: int = 200, headers: Mapping[str, str] | None = None) -> Response:
        return Response(json.dumps(body), status=status, headers=dict(headers or {}), content_type="application/json")
