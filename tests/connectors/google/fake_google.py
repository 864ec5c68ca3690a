"""A stateful local fake of Google's OAuth token endpoint, Reports API and Directory API.

This is **our own fixture**: ``shared/specs`` holds no Google Admin SDK spec (Google publishes
discovery documents, not OpenAPI), so there is no vendor contract to mock with Prism, and these
shapes are ours, written from Google's reference pages. It speaks: the JWT-bearer grant (verifies
the RS256 signature with the service account's public key, checks ``iss``/``sub``/``aud``/``exp``
and that every requested scope was delegated, else ``unauthorized_client``/``invalid_grant``);
bearer tokens that carry their scopes (``insufficientPermissions`` 403 otherwise); ``GET
…/activity/users/all/applications/login`` with ``startTime``, ``eventName``, ``maxResults``,
``pageToken``, newest first, no ``items`` key when empty; ``GET/PUT /admin/directory/v1/users…``
(``suspended``, ``suspensionReason``); errors as ``{"error": {"code", "message", "errors": [{reason}]}}``;
quota errors as 403 ``rateLimitExceeded``/``userRateLimitExceeded`` or 429.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any
from urllib.parse import parse_qs

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

START = dt.datetime(2024, 8, 13, 15, 0, tzinfo=dt.UTC)
ADMIN = "admin@example.com"
CLIENT_EMAIL = "hiresentry@hiresentry-test.iam.gserviceaccount.com"
REPORTS = "https://www.googleapis.com/auth/admin.reports.audit.readonly"
USERS_RO = "https://www.googleapis.com/auth/admin.directory.user.readonly"
USERS_RW = "https://www.googleapis.com/auth/admin.directory.user"
LOGIN_PATH = "/admin/reports/v1/activity/users/all/applications/login"
USERS_PATH = "/admin/directory/v1/users"


@lru_cache(maxsize=2)
def private_key(n: int = 0) -> rsa.RSAPrivateKey:
    """A test RSA key (generated once per session; ``n`` picks another one)."""
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def pem(key: rsa.RSAPrivateKey) -> str:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()


def key_file(token_uri: str, key: rsa.RSAPrivateKey | None = None) -> str:
    """A service account JSON key file as Google issues it."""
    return json.dumps(
        {
            "type": "service_account",
            "project_id": "hiresentry-test",
            "private_key_id": "4a1b2c3d4e5f",
            "private_key": pem(key or private_key()),
            "client_email": CLIENT_EMAIL,
            "client_id": "104937564839201847563",
            "auth_uri": "https://accounts.google.com/o/oauth2/auth",
            "token_uri": token_uri,
        }
    )


def stamp(when: dt.datetime) -> str:
    return when.strftime("%Y-%m-%dT%H:%M:%S.") + f"{when.microsecond // 1000:03d}Z"


def parse(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass
class Fault:
    """Answer ``status`` with ``body`` to ``times`` requests of ``path`` matching ``when``."""

    path: str
    status: int
    times: int = 1
    headers: dict[str, str] = field(default_factory=dict)
    body: Any = None
    when: Callable[[Mapping[str, str]], bool] = lambda _params: True


def quota_error(reason: str = "rateLimitExceeded") -> dict[str, Any]:
    """The 403 body of an exceeded Admin SDK quota."""
    message = {"rateLimitExceeded": "Rate Limit Exceeded", "userRateLimitExceeded": "User Rate Limit Exceeded"}
    return {
        "error": {
            "code": 403,
            "message": message.get(reason, "Quota exceeded"),
            "errors": [{"message": message.get(reason, "Quota exceeded"), "domain": "usageLimits", "reason": reason}],
        }
    }


def login(
    i: int,
    profile_id: str,
    *,
    at: dt.datetime | None = None,
    ip: str | None = None,
    region: str = "US",
    asn: int = 7018,
    suspicious: bool = False,
) -> dict[str, Any]:
    """A login ``Activity`` like the Reports API returns for ``eventName=login_success``."""
    when = at or START + dt.timedelta(minutes=i)
    return {
        "kind": "admin#reports#activity",
        "id": {
            "time": stamp(when),
            "uniqueQualifier": str(-3546412233463312345 + i),
            "applicationName": "login",
            "customerId": "C03az79cb",
        },
        "etag": f'"JDMC8884sebSctZ17CIssbQ/{i:08d}"',
        "actor": {"callerType": "USER", "email": f"user{i}@example.com", "profileId": profile_id},
        "ipAddress": ip or f"203.0.{i % 250}.5",
        "networkInfo": {"ipAsn": [asn], "regionCode": region, "subdivisionCode": f"{region}-CA"},
        "events": [
            {
                "type": "login",
                "name": "login_success",
                "parameters": [
                    {"name": "login_type", "value": "google_password"},
                    {"name": "login_challenge_method", "multiValue": ["password"]},
                    {"name": "is_suspicious", "boolValue": suspicious},
                ],
            }
        ],
    }


def user(i: int, *, suspended: bool = False, reason: str | None = None) -> dict[str, Any]:
    """A Directory ``User`` (``projection=basic``)."""
    found: dict[str, Any] = {
        "kind": "admin#directory#user",
        "id": f"10023068803907088{i:04d}",
        "etag": f'"etag-{i}"',
        "primaryEmail": f"given{i}@example.com",
        "name": {"givenName": f"Given{i}", "familyName": f"Family{i}", "fullName": f"Given{i} Family{i}"},
        "isAdmin": False,
        "suspended": suspended,
        "archived": False,
        "creationTime": "2024-01-04T15:56:05.000Z",
        "lastLoginTime": "2024-08-04T19:50:52.000Z",
        "emails": [{"address": f"given{i}@example.com", "primary": True}, {"address": f"g{i}@example.org"}],
        "aliases": [f"gf{i}@example.com"],
        "phones": [{"value": f"+1 415 555 {1000 + i}", "type": "mobile"}],
        "orgUnitPath": "/Contractors",
    }
    if suspended:
        found["suspensionReason"] = reason or "ADMIN"
    return found


class FakeGoogle:
    """One fake Workspace customer: token endpoint, login activity, Directory users, faults."""

    def __init__(self, *, delegated: tuple[str, ...] = (REPORTS, USERS_RO, USERS_RW), now: dt.datetime = START) -> None:
        self.delegated = set(delegated)
        self.now = now
        self.public_key = private_key().public_key()
        self.tokens: dict[str, set[str]] = {}
        self.grants: list[dict[str, Any]] = []
        self.activities: list[dict[str, Any]] = []
        self.users: dict[str, dict[str, Any]] = {}
        self.faults: list[Fault] = []
        self.log: list[tuple[str, str, dict[str, str]]] = []
        self.base = ""

    # -- state ----------------------------------------------------------------------------------------

    def add_users(self, *users: dict[str, Any]) -> None:
        for u in users:
            self.users[u["id"]] = u

    def add_activities(self, *activities: dict[str, Any]) -> None:
        self.activities.extend(activities)

    def fail(self, path: str, status: int, **kwargs: Any) -> None:
        self.faults.append(Fault(path, status, **kwargs))

    def requests_to(self, path: str, method: str = "GET") -> list[dict[str, str]]:
        return [params for m, logged, params in self.log if logged == path and m == method]

    # -- HTTP -------------------------------------------------------------------------------------------

    def install(self, httpserver: HTTPServer) -> str:
        httpserver.expect_request(re.compile(r"/.*")).respond_with_handler(self.handle)
        self.base = httpserver.url_for("/").rstrip("/")
        return self.base

    def handle(self, request: Request) -> Response:
        params = dict(request.args.items())
        self.log.append((request.method, request.path, params))
        if request.path == "/token" and request.method == "POST":
            return self._grant({k: v[0] for k, v in parse_qs(request.get_data(as_text=True)).items()})
        scopes = self.tokens.get(request.headers.get("Authorization", "").removeprefix("Bearer "))
        if scopes is None:
            return self._error(401, "Request had invalid authentication credentials.", "authError")
        for fault in self.faults:
            if fault.times > 0 and fault.path == request.path and fault.when(params):
                fault.times -= 1
                return self._json(fault.body if fault.body is not None else quota_error(), fault.status, fault.headers)
        return self._route(request, params, scopes)

    def _grant(self, form: Mapping[str, str]) -> Response:
        if form.get("grant_type") != "urn:ietf:params:oauth:grant-type:jwt-bearer" or "assertion" not in form:
            return self._json({"error": "unsupported_grant_type", "error_description": "Invalid grant_type"}, 400)
        head, body, signature = form["assertion"].split(".")
        try:
            self.public_key.verify(_unb64(signature), f"{head}.{body}".encode(), padding.PKCS1v15(), hashes.SHA256())
        except InvalidSignature:
            return self._json({"error": "invalid_grant", "error_description": "Invalid JWT Signature."}, 400)
        header, claims = json.loads(_unb64(head)), json.loads(_unb64(body))
        self.grants.append({"header": header, "claims": claims})
        if claims.get("iss") != CLIENT_EMAIL or claims.get("aud") != f"{self.base}/token":
            return self._json({"error": "invalid_grant", "error_description": "Invalid JWT: iss or aud"}, 400)
        if claims.get("exp", 0) - claims.get("iat", 0) > 3600:
            return self._json({"error": "invalid_grant", "error_description": "Invalid JWT: exp too far"}, 400)
        if claims.get("sub") != ADMIN:
            return self._json({"error": "invalid_grant", "error_description": "Invalid email or User ID"}, 400)
        scopes = set(str(claims.get("scope", "")).split())
        if not scopes or not scopes <= self.delegated:
            description = "Client is unauthorized to retrieve access tokens using this method, or client not authorized"
            return self._json({"error": "unauthorized_client", "error_description": description}, 401)
        token = f"ya29.fake-{len(self.tokens)}"
        self.tokens[token] = scopes
        return self._json({"access_token": token, "expires_in": 3599, "token_type": "Bearer"})

    def _route(self, request: Request, params: Mapping[str, str], scopes: set[str]) -> Response:
        path, method = request.path, request.method
        if path == LOGIN_PATH and method == "GET":
            if REPORTS not in scopes:
                return self._error(403, "Request had insufficient authentication scopes.", "insufficientPermissions")
            return self._logins(params)
        if not path.startswith(USERS_PATH):
            return self._error(404, "Not Found", "notFound")
        readable = scopes & {USERS_RO, USERS_RW}
        if not readable or (method != "GET" and USERS_RW not in scopes):
            return self._error(403, "Request had insufficient authentication scopes.", "insufficientPermissions")
        if path == USERS_PATH and method == "GET":
            if params.get("customer") != "my_customer":
                return self._error(400, "Bad Request", "badRequest")
            rows = sorted(self.users.values(), key=lambda u: u["primaryEmail"])
            return self._page("users", rows, params, 500)
        key = path.removeprefix(USERS_PATH + "/")
        found = self.users.get(key) or next((u for u in self.users.values() if u["primaryEmail"] == key), None)
        if found is None:
            return self._error(404, "Resource Not Found: userKey", "notFound")
        if method == "PUT":
            change = json.loads(request.data)
            if set(change) - {"suspended"}:
                return self._error(400, "the fake only takes suspended", "invalid")
            found["suspended"] = bool(change["suspended"])
            if found["suspended"]:
                found["suspensionReason"] = "ADMIN"
            else:
                found.pop("suspensionReason", None)
        return self._json(found)

    def _logins(self, params: Mapping[str, str]) -> Response:
        since = params.get("startTime")
        rows = [
            a
            for a in self.activities
            if (since is None or parse(a["id"]["time"]) >= parse(since))
            and ("eventName" not in params or any(e["name"] == params["eventName"] for e in a["events"]))
        ]
        rows.sort(key=lambda a: a["id"]["time"], reverse=True)  # newest first
        return self._page("items", rows, params, 1000, kind="admin#reports#activities")

    def _page(
        self,
        key: str,
        rows: list[dict[str, Any]],
        params: Mapping[str, str],
        most: int,
        kind: str = "admin#directory#users",
    ) -> Response:
        size = int(params.get("maxResults", 100))
        if size > most:
            return self._error(400, f"Invalid value for maxResults: {size}", "invalid")
        start = int(params.get("pageToken", "p0").removeprefix("p"))
        page = rows[start : start + size]
        body: dict[str, Any] = {"kind": kind, "etag": '"fake"'}
        if page:
            body[key] = page  # Google leaves the list out when it is empty
        if start + size < len(rows):
            body["nextPageToken"] = f"p{start + size}"
        return self._json(body)

    @staticmethod
    def _error(status: int, message: str, reason: str) -> Response:
        body = {
            "error": {
                "code": status,
                "message": message,
                "errors": [{"message": message, "domain": "global", "reason": reason}],
            }
        }
        return FakeGoogle._json(body, status)

    @staticmethod
    def _json(body: Any, status: int = 200, headers: Mapping[str, str] | None = None) -> Response:
        return Response(json.dumps(body), status=status, headers=dict(headers or {}), content_type="application/json")
