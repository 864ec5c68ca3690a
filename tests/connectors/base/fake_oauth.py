"""A stateful OAuth2 authorization server and API for the OAuth tests (pytest-httpserver handlers).

It speaks RFC 6749's wire format (form-encoded token requests, JSON token responses, ``error``
codes) and behaves like the vendors that rotate refresh tokens (Oyster, Upwork): every refresh
issues a new refresh token and kills the old one, so spending an old refresh token twice fails with
``invalid_grant`` and is counted in ``reused``. The API at ``/api/me`` answers 401 for any access
token the server did not issue or has revoked.
"""

from __future__ import annotations

import base64
import itertools
import json
import threading
from collections.abc import Callable
from urllib.parse import parse_qs

from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

CLIENT_ID = "client-123"
CLIENT_SECRET = "client-secret-XYZ-987"
GOOD_CODE = "auth-code-1"


class FakeAuthServer:
    """Issues and checks tokens; counts every grant, and every reuse of a dead refresh token."""

    def __init__(self, *, rotate: bool = True, expires_in: int = 3600, client_auth: str = "body") -> None:
        self.rotate = rotate
        self.expires_in = expires_in
        self.client_auth = client_auth
        self.live_refresh: set[str] = set()
        self.dead_refresh: set[str] = set()
        self.live_access: set[str] = set()
        self.grants: list[str] = []
        self.reused: list[str] = []
        self.on_refresh: Callable[[], None] | None = None
        self._ids = itertools.count(1)
        self._lock = threading.Lock()

    def install(self, server: HTTPServer) -> str:
        """Register the token and API endpoints; returns the token URL."""
        server.expect_request("/oauth/token", method="POST").respond_with_handler(self.token)
        server.expect_request("/api/me").respond_with_handler(self.api)
        return server.url_for("/oauth/token")

    # -- helpers for tests ---------------------------------------------------------------------

    def issue(self, refresh: bool = True) -> tuple[str, str | None]:
        """A fresh access (and refresh) token, as if from an earlier grant."""
        n = next(self._ids)
        access, refresh_token = f"access-{n}", f"refresh-{n}" if refresh else None
        self.live_access.add(access)
        if refresh_token:
            self.live_refresh.add(refresh_token)
        return access, refresh_token

    def revoke_access(self, token: str) -> None:
        self.live_access.discard(token)

    # -- endpoints -------------------------------------------------------------------------------

    def _client_ok(self, request: Request, form: dict[str, str]) -> bool:
        if self.client_auth == "basic":
            expected = "Basic " + base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
            return request.headers.get("Authorization") == expected and "client_secret" not in form
        return form.get("client_id") == CLIENT_ID and form.get("client_secret") == CLIENT_SECRET

    @staticmethod
    def _error(code: str, status: int = 400) -> Response:
        return Response(f'{{"error": "{code}"}}', status=status, content_type="application/json")

    def token(self, request: Request) -> Response:
        if request.content_type != "application/x-www-form-urlencoded":
            return self._error("invalid_request")
        form = {k: v[0] for k, v in parse_qs(request.get_data(as_text=True)).items()}
        if not self._client_ok(request, form):
            return self._error("invalid_client", 401)
        grant = form.get("grant_type", "")
        if grant == "refresh_token" and self.on_refresh is not None:
            self.on_refresh()
        with self._lock:
            self.grants.append(grant)
            if grant == "authorization_code":
                if form.get("code") != GOOD_CODE:
                    return self._error("invalid_grant")
                access, refresh = self.issue()
            elif grant == "refresh_token":
                old = form.get("refresh_token", "")
                if old not in self.live_refresh:
                    if old in self.dead_refresh:
                        self.reused.append(old)
                    return self._error("invalid_grant")
                if self.rotate:
                    self.live_refresh.discard(old)
                    self.dead_refresh.add(old)
                access, new_refresh = self.issue(refresh=self.rotate)
                refresh = new_refresh if self.rotate else None
            elif grant == "client_credentials":
                access, refresh = self.issue(refresh=False)
            else:
                return self._error("unsupported_grant_type")
        body = {"access_token": access, "token_type": "Bearer", "expires_in": self.expires_in}
        if refresh:
            body["refresh_token"] = refresh
        return Response(json.dumps(body), content_type="application/json")

    def api(self, request: Request) -> Response:
        token = request.headers.get("Authorization", "").removeprefix("Bearer ")
        if token not in self.live_access:
            return Response('{"message": "invalid token"}', status=401, content_type="application/json")
        return Response(f'{{"token": "{token}"}}', content_type="application/json")
