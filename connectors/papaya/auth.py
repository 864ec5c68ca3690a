"""Papaya Global's login: API key + client secret → a JWT valid for 24 hours, re-obtained when it lapses.

From docs.papayaglobal.com/api-reference/authentication-api: ``POST /token`` with ``api_key`` and
``client_secret`` (optional ``expiration`` in seconds, default 86400, and ``token_name``) answers
``{"token", "valid_until", "token_name"}``; every other call sends ``Authorization: Bearer <token>``;
"rely on the expiration time provided (valid_until)". Sandbox and production have separate keys.
The page says to send the key and secret "in the HTTP request header" but lists them as body
parameters; they go in the JSON body here, as in the ``TokenRequest`` schema of the
api-evangelist/papaya-global spec derived from those docs.

This is neither OAuth2 nor a static bearer, hence an adapter of its own: it logs in on first use,
keeps the JWT in memory until ``skew`` before ``valid_until`` (24 h after issue when the answer
omits it), and, as a :class:`~hiresentry.connectors.base.auth.Refreshable`, forgets it when the API
answers 401 so the HTTP client logs in again and retries once. Nothing is persisted: a new token is
one call away, and a stored JWT would be one more secret at rest. A refused key is
``ConnectorAuthError`` (``invalid_auth``) naming the cause, never the key.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import urlsplit

import requests
from pydantic import SecretStr

from hiresentry.connectors.base.http import HttpClient, RetryPolicy
from hiresentry.core.errors import ConnectorAuthError, VendorResponseError

log = logging.getLogger(__name__)

TOKEN_LIFETIME = dt.timedelta(hours=24)
"""Papaya's documented default lifetime, used when an answer carries no ``valid_until``."""


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class PapayaTokenAuth(requests.auth.AuthBase):
    """``Authorization: Bearer <JWT>`` from ``POST /token``, cached until shortly before it expires."""

    def __init__(
        self,
        connector: str,
        token_url: str,
        api_key: SecretStr,
        client_secret: SecretStr,
        *,
        token_name: str | None = None,
        session: requests.Session | None = None,
        sleep: Callable[[float], None] = time.sleep,
        now: Callable[[], dt.datetime] = _utcnow,
        retry: RetryPolicy | None = None,
        skew: dt.timedelta = dt.timedelta(minutes=5),
    ) -> None:
        parts = urlsplit(token_url)
        self.connector = connector
        self._path = parts.path or "/"
        self._api_key = api_key
        self._client_secret = client_secret
        self._token_name = token_name
        self._now = now
        self._skew = skew
        self._http = HttpClient(
            connector,
            f"{parts.scheme}://{parts.netloc}",
            session=session,
            sleep=sleep,
            now=now,
            retry=retry or RetryPolicy(attempts=3),
            secrets=[api_key, client_secret],
        )
        self._token: SecretStr | None = None
        self._expires: dt.datetime | None = None
        self._lock = threading.Lock()
        self.logins = 0

    def access_token(self) -> SecretStr:
        """The cached JWT, or a fresh one when there is none or it expires within ``skew``."""
        with self._lock:
            if self._token is None or self._expires is None or self._expires - self._skew <= self._now():
                self._token, self._expires = self._login()
            return self._token

    def invalidate(self) -> bool:
        """The API refused the JWT: log in again before the next request."""
        with self._lock:
            self._token = self._expires = None
        return True

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        request.headers["Authorization"] = f"Bearer {self.access_token().get_secret_value()}"
        return request

    def __repr__(self) -> str:
        return "PapayaTokenAuth(api_key=**********, token=**********)"

    def _login(self) -> tuple[SecretStr, dt.datetime]:
        form: dict[str, Any] = {
            "api_key": self._api_key.get_secret_value(),
            "client_secret": self._client_secret.get_secret_value(),
        }
        if self._token_name:
            form["token_name"] = self._token_name
        response = self._http.request("POST", self._path, json=form, allow=(400, 401, 403))
        if response.status_code in (400, 401, 403):
            raise ConnectorAuthError(
                self.connector,
                f"POST {self._path} refused the API key ({response.status_code}): check api_key and client_secret "
                "(sandbox and production keys differ)",
            )
        try:
            body = response.json()
        except ValueError:
            body = None
        token = body.get("token") if isinstance(body, Mapping) else None
        if not isinstance(token, str) or not token:
            raise VendorResponseError(self.connector, f"POST {self._path} answered without a token")
        issued = self._now()
        expires = _valid_until(body.get("valid_until")) if isinstance(body, Mapping) else None
        self.logins += 1
        log.info("%s: logged in to Papaya; token valid until %s", self.connector, (expires or issued + TOKEN_LIFETIME))
        return SecretStr(token), expires or issued + TOKEN_LIFETIME


def _valid_until(value: Any) -> dt.datetime | None:
    """``valid_until`` (ISO 8601, ``Z`` or offset, up to nanoseconds) as an aware datetime, if readable."""
    if not isinstance(value, str) or not value.strip():
        return None
    raw = value.strip().replace("Z", "+00:00")
    if "." in raw:  # Papaya writes nanoseconds (2024-03-02T09:09:51.508859936Z); Python reads 6 digits
        head, _, rest = raw.partition(".")
        digits = "".join(c for c in rest if c.isdigit())
        raw = f"{head}.{digits[:6]}{rest[len(digits) :]}"
    try:
        parsed = dt.datetime.fromisoformat(raw)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)
