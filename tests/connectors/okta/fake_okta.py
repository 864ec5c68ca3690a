"""A stateful local fake of Okta's System Log and Users APIs, for wire-behaviour tests.

This is **our own fixture**, not Okta's contract (that is checked against Okta's spec in
``test_contract_prism.py``). It speaks Okta's wire format as documented and as the spec's examples
show it: ``Authorization: SSWS <token>``; ``GET /api/v1/logs`` with ``since``, ``filter``,
``sortOrder``, ``limit`` and opaque ``after`` cursors, answering a *polling* query with a
``Link: <…>; rel="next"`` header on every page (an empty page means "caught up"); ``GET
/api/v1/users`` with ``search=lastUpdated gt "…"`` and ``Link`` pages; the user lifecycle
(``suspend`` only from ``ACTIVE``, ``unsuspend`` only from ``SUSPENDED``, else 400 ``E0000001``);
``DELETE /api/v1/users/{id}/sessions``; errors as ``{"errorCode", "errorSummary"}`` and 429 with
``X-Rate-Limit-Reset`` (epoch seconds). Unlike the stateless Prism mock it really filters, pages,
keeps user state and can be told to fail on chosen requests.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

START = dt.datetime(2024, 8, 13, 15, 0, tzinfo=dt.UTC)


def stamp(when: dt.datetime) -> str:
    return when.strftime("%Y-%m-%dT%H:%M:%S.") + f"{when.microsecond // 1000:03d}Z"


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
    user: str,
    *,
    at: dt.datetime | None = None,
    ip: str | None = None,
    country: str = "United States",
    asn: int = 7922,
    as_org: str = "comcast cable communications llc",
    proxy: bool = False,
    categories: list[dict[str, Any]] | None = None,
    device_id: str | None = "guofdhyjex1feOgbN1d9",
    event_type: str = "user.session.start",
    result: str = "SUCCESS",
) -> dict[str, Any]:
    """A System Log event shaped like the spec's ``ListLogsWithAdditionalSecurityContext`` example."""
    published = at or START + dt.timedelta(minutes=i)
    address = ip or f"73.{i % 250}.12.{(i * 7) % 250 + 1}"
    return {
        "actor": {
            "id": user,
            "type": "User",
            "alternateId": f"{user}@example.com",
            "displayName": f"User {user}",
            "detailEntry": None,
        },
        "client": {
            "userAgent": {
                "rawUserAgent": "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 "
                "(KHTML, like Gecko) Chrome/127.0.0.0 Safari/537.36",
                "os": "Mac OS X",
                "browser": "CHROME",
            },
            "zone": None,
            "device": "Computer",
            "id": None,
            "ipAddress": address,
            "geographicalContext": {
                "city": "Springfield",
                "state": "Illinois",
                "country": country,
                "postalCode": "62701",
                "geolocation": {"lat": 39.78, "lon": -89.65},
            },
        },
        "device": {"id": device_id, "name": "Mac15,6", "os_platform": "OSX", "managed": False, "registered": True}
        if device_id
        else None,
        "authenticationContext": {"rootSessionId": f"idx{i:08d}", "externalSessionId": f"idx{i:08d}"},
        "displayMessage": "User login to Okta",
        "eventType": event_type,
        "outcome": {"result": result, "reason": None},
        "published": stamp(published),
        "securityContext": {
            "asNumber": asn,
            "asOrg": as_org,
            "isp": as_org,
            "domain": None,
            "isProxy": proxy,
            "ipDetails": {
                "asNumber": asn,
                "asOrg": as_org,
                "isp": as_org,
                "ipServiceCategories": categories or [],
            },
        },
        "severity": "INFO",
        "legacyEventType": "core.user_auth.login_success",
        "transaction": {"type": "WEB", "id": f"tx{i:06d}", "detail": None},
        "uuid": f"dc9fd3c0-598c-11ef-8478-{i:012d}",
        "version": "0",
        "request": {"ipChain": [{"ip": address, "version": "V4", "source": None}]},
        "target": [],
    }


def user(i: int, *, status: str = "ACTIVE", updated: dt.datetime | None = None) -> dict[str, Any]:
    """An Okta ``User`` like the spec's ``getUser`` example."""
    return {
        "id": f"00u{i:017d}",
        "status": status,
        "created": "2024-01-04T15:56:05.000Z",
        "activated": "2024-01-04T15:56:06.000Z",
        "statusChanged": None,
        "lastLogin": "2024-08-04T19:50:52.000Z",
        "lastUpdated": stamp(updated or START - dt.timedelta(days=30 - i)),
        "passwordChanged": "2024-01-04T16:00:22.000Z",
        "type": {"id": "oty1162QAr8hJjTaq0g4"},
        "profile": {
            "firstName": f"Given{i}",
            "lastName": f"Family{i}",
            "login": f"given{i}.family{i}@example.com",
            "email": f"given{i}.family{i}@example.com",
            "secondEmail": f"given{i}@example.org" if i % 2 else None,
            "mobilePhone": f"+1-555-415-{1000 + i}",
            "countryCode": "US",
            "timezone": "America/Chicago",
        },
        "credentials": {"password": {}, "provider": {"type": "OKTA", "name": "OKTA"}},
        "_links": {"self": {"href": f"https://acme.okta.com/api/v1/users/00u{i:017d}"}},
    }


_TYPE = re.compile(r'eventType eq "([^"]+)"')
_SEARCH = re.compile(r'^lastUpdated gt "([^"]+)"$')


class FakeOkta:
    """One fake Okta org: users, System Log events, lifecycle state, injected faults."""

    def __init__(self, *, token: str = "okta-token-XYZ", now: dt.datetime = START + dt.timedelta(days=2)) -> None:
        self.token = token
        self.now = now
        self.events: list[dict[str, Any]] = []
        self.users: dict[str, dict[str, Any]] = {}
        self.faults: list[Fault] = []
        self.log: list[tuple[str, str, dict[str, str]]] = []
        self.success_headers: dict[str, dict[str, str]] = {}
        """Headers added to successful answers of a path (``X-Rate-Limit-Remaining: 0`` …)."""
        self.base = ""

    # -- state -------------------------------------------------------------------------------------

    def add_users(self, *users: dict[str, Any]) -> None:
        for u in users:
            self.users[u["id"]] = u

    def add_events(self, *events: dict[str, Any]) -> None:
        self.events.extend(events)
        self.events.sort(key=lambda e: e["published"])

    def fail(self, path: str, status: int, **kwargs: Any) -> None:
        """Add a :class:`Fault`."""
        self.faults.append(Fault(path, status, **kwargs))

    def throttle(self, path: str, wait: int, times: int = 1, **kwargs: Any) -> None:
        """429 with Okta's rate-limit headers, resetting ``wait`` seconds after the fake's now."""
        reset = int(self.now.timestamp()) + wait
        headers = {"X-Rate-Limit-Limit": "60", "X-Rate-Limit-Remaining": "0", "X-Rate-Limit-Reset": str(reset)}
        body = {"errorCode": "E0000047", "errorSummary": "API call exceeded rate limit due to too many requests."}
        self.fail(path, 429, times=times, headers=headers, body=body, **kwargs)

    def requests_to(self, path: str, method: str = "GET") -> list[dict[str, str]]:
        """Query parameters of every logged request to ``path``."""
        return [params for m, logged, params in self.log if logged == path and m == method]

    # -- HTTP ----------------------------------------------------------------------------------------

    def install(self, httpserver: HTTPServer) -> str:
        """Serve this fake on ``httpserver``; returns the org URL to configure."""
        httpserver.expect_request(re.compile(r"/api/v1/.*")).respond_with_handler(self.handle)
        self.base = httpserver.url_for("/").rstrip("/")
        return self.base

    def handle(self, request: Request) -> Response:
        params = dict(request.args.items())
        self.log.append((request.method, request.path, params))
        if request.headers.get("Authorization") != f"SSWS {self.token}":
            return self._error(401, "E0000011", "Invalid token provided")
        for fault in self.faults:
            if fault.times > 0 and fault.path == request.path and fault.when(params):
                fault.times -= 1
                body = fault.body if fault.body is not None else {"errorCode": "E0000009", "errorSummary": "injected"}
                return self._json(body, fault.status, fault.headers)
        response = self._route(request.method, request.path, params)
        if response.status_code < 400:
            response.headers.update(self.success_headers.get(request.path, {}))
        return response

    def _route(self, method: str, path: str, params: Mapping[str, str]) -> Response:
        if (method, path) == ("GET", "/api/v1/logs"):
            return self._logs(params)
        if (method, path) == ("GET", "/api/v1/users"):
            return self._users(params)
        if m := re.fullmatch(r"/api/v1/users/([^/]+)", path):
            found = self.users.get(m.group(1))
            if method != "GET" or found is None:
                return self._error(404, "E0000007", f"Not found: Resource not found: {m.group(1)} (User)")
            return self._json(found)
        if m := re.fullmatch(r"/api/v1/users/([^/]+)/lifecycle/(suspend|unsuspend)", path):
            return self._lifecycle(m.group(1), m.group(2)) if method == "POST" else self._error(405, "E0000022", "")
        if (m := re.fullmatch(r"/api/v1/users/([^/]+)/sessions", path)) and method == "DELETE":
            if m.group(1) not in self.users:
                return self._error(404, "E0000007", "Not found")
            return Response(status=204)
        return self._error(404, "E0000022", f"no route {method} {path}")

    def _logs(self, params: Mapping[str, str]) -> Response:
        since = params.get("since", stamp(self.now - dt.timedelta(days=7)))  # Okta's default
        flt = params.get("filter", "")
        if params.get("sortOrder", "ASCENDING") != "ASCENDING" or "until" in params:
            return self._error(400, "E0000001", "the fake only answers ascending polling queries")
        types = set(_TYPE.findall(flt))
        success_only = 'outcome.result eq "SUCCESS"' in flt
        rows = [
            e
            for e in self.events
            if parse(e["published"]) >= parse(since)
            and (not types or e["eventType"] in types)
            and (not success_only or e["outcome"]["result"] == "SUCCESS")
        ]
        limit = int(params.get("limit", 100))
        start = int(params.get("after", "0"))
        page = rows[start : start + limit]
        query = {"since": since, "filter": flt, "sortOrder": "ASCENDING", "limit": limit, "after": start + len(page)}
        link = f'<{self.base}/api/v1/logs?{urlencode(query)}>; rel="next"'  # polling: always a next link
        return self._json(page, headers={"Link": link})

    def _users(self, params: Mapping[str, str]) -> Response:
        search = params.get("search")
        rows = sorted(self.users.values(), key=lambda u: u["id"])
        if search is None:
            rows = [u for u in rows if u["status"] != "DEPROVISIONED"]
        else:
            match = _SEARCH.match(search)
            if not match:
                return self._error(400, "E0000031", "Invalid search")
            rows = [u for u in rows if parse(u["lastUpdated"]) > parse(match.group(1))]
        limit = min(int(params.get("limit", 200)), 200)
        start = int(params.get("after", "0"))
        page = rows[start : start + limit]
        headers = {}
        if start + limit < len(rows):
            query = {k: v for k, v in params.items() if k != "after"} | {"after": start + limit}
            headers["Link"] = f'<{self.base}/api/v1/users?{urlencode(query)}>; rel="next"'
        return self._json(page, headers=headers)

    def _lifecycle(self, user_id: str, action: str) -> Response:
        found = self.users.get(user_id)
        if found is None:
            return self._error(404, "E0000007", f"Not found: Resource not found: {user_id} (User)")
        wanted, after = ("ACTIVE", "SUSPENDED") if action == "suspend" else ("SUSPENDED", "ACTIVE")
        if found["status"] != wanted:
            cause = f"Cannot {action} a user that is not {wanted.lower()}"
            return self._error(400, "E0000001", "Api validation failed: status", [{"errorSummary": cause}])
        found["status"] = after
        found["lastUpdated"] = stamp(self.now)
        return Response(status=200)

    @staticmethod
    def _error(status: int, code: str, summary: str, causes: list[dict[str, str]] | None = None) -> Response:
        body = {
            "errorCode": code,
            "errorSummary": summary,
            "errorLink": code,
            "errorId": "oae-fake",
            "errorCauses": causes or [],
        }
        return FakeOkta._json(body, status)

    @staticmethod
    def _json(body: Any, status: int = 200, headers: Mapping[str, str] | None = None) -> Response:
        return Response(json.dumps(body), status=status, headers=dict(headers or {}), content_type="application/json")
