"""OAuth2 for connectors: the token endpoint, refresh with rotating refresh tokens, client credentials.

- :class:`TokenEndpoint` speaks RFC 6749 to a vendor's token URL (authorization-code exchange,
  refresh, client credentials), with the client authenticated by HTTP Basic or in the form body,
  and maps its errors: ``invalid_grant``/``invalid_client`` → ``ConnectorAuthError`` (a human must
  re-authorize), anything else → the HTTP client's usual classification.
- :class:`OAuth2RefreshAuth` (authorization code + refresh) keeps tokens in a
  :class:`~hiresentry.connectors.base.token_store.TokenStore`. When the access token is about to
  expire it *claims* the stored row, refreshes, and stores the new pair in the same compare-and-swap
  that ends the claim; a process that loses the claim waits for the winner's tokens instead of
  spending the old refresh token a second time (rotating refresh tokens die on first use).
- :class:`ClientCredentialsAuth` fetches an app token (Entra, Remote, Personio v2, Payoneer v4) and
  keeps it in memory until shortly before it expires; nothing to persist, a new one is one call away.

Both implement :class:`~hiresentry.connectors.base.auth.Refreshable`: a 401 on a token we believed
valid (revoked, rotated by another app) makes the HTTP client invalidate it and retry once.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal
from urllib.parse import urlencode, urlsplit

import requests
from pydantic import SecretStr

from hiresentry.connectors.base.auth import BasicAuth
from hiresentry.connectors.base.http import HttpClient, RetryPolicy
from hiresentry.connectors.base.token_store import StoredTokens, TokenSet, TokenStore
from hiresentry.core.errors import ConnectorAuthError, ConnectorUnavailableError, VendorResponseError

log = logging.getLogger(__name__)

Clock = Callable[[], dt.datetime]


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@dataclass(frozen=True)
class OAuth2Client:
    """A registered OAuth2 client and its vendor's endpoints."""

    token_url: str
    client_id: str
    client_secret: SecretStr
    authorize_url: str | None = None
    scope: str | None = None
    client_auth: Literal["basic", "body"] = "body"
    """``basic``: client id and secret in HTTP Basic (RFC 6749 §2.3.1 preferred); ``body``: in the form."""
    extra: Mapping[str, str] = field(default_factory=dict)
    """Further form fields some vendors want (``audience``, ``resource``)."""
    body_format: Literal["form", "json"] = "form"
    """``form``: RFC 6749's urlencoded body; ``json``: the same fields as JSON (Gusto's and Remote's specs)."""
    client_credentials_grant: str = "client_credentials"
    """``grant_type`` of the app-token grant (Gusto names its system access token grant ``system_access``)."""

    def authorization_url(self, redirect_uri: str, state: str, code_challenge: str | None = None) -> str:
        """Where to send a user to grant access (the start of the authorization-code flow)."""
        if not self.authorize_url:
            raise ValueError("this client has no authorize_url")
        query = {"response_type": "code", "client_id": self.client_id, "redirect_uri": redirect_uri, "state": state}
        if self.scope:
            query["scope"] = self.scope
        if code_challenge:
            query |= {"code_challenge": code_challenge, "code_challenge_method": "S256"}
        return f"{self.authorize_url}?{urlencode(query)}"


class TokenEndpoint:
    """Calls a vendor's token URL; one instance per connector instance."""

    def __init__(
        self,
        connector: str,
        client: OAuth2Client,
        *,
        session: requests.Session | None = None,
        sleep: Callable[[float], None] = time.sleep,
        now: Clock = _utcnow,
        retry: RetryPolicy | None = None,
    ) -> None:
        parts = urlsplit(client.token_url)
        self.connector = connector
        self.client = client
        self._path = parts.path or "/"
        self._now = now
        self._http = HttpClient(
            connector,
            f"{parts.scheme}://{parts.netloc}",
            auth=BasicAuth(client.client_id, client.client_secret) if client.client_auth == "basic" else None,
            session=session,
            sleep=sleep,
            now=now,
            retry=retry or RetryPolicy(attempts=3),
            secrets=[client.client_secret],
        )

    def exchange_code(self, code: str, redirect_uri: str, code_verifier: str | None = None) -> TokenSet:
        """Authorization code → tokens (the end of the authorization-code flow)."""
        form = {"grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri}
        if code_verifier:
            form["code_verifier"] = code_verifier
        return self._grant(form, previous_refresh=None)

    def refresh(self, refresh_token: SecretStr) -> TokenSet:
        """A new access token (and, for rotating vendors, a new refresh token) for ``refresh_token``."""
        form = {"grant_type": "refresh_token", "refresh_token": refresh_token.get_secret_value()}
        return self._grant(form, previous_refresh=refresh_token)

    def client_credentials(self) -> TokenSet:
        """An app token for the client itself (client-credentials grant)."""
        form = {"grant_type": self.client.client_credentials_grant}
        if self.client.scope:
            form["scope"] = self.client.scope
        return self._grant(form, previous_refresh=None)

    def _grant(self, form: dict[str, str], previous_refresh: SecretStr | None) -> TokenSet:
        form = {**form, **self.client.extra}
        if self.client.client_auth == "body":
            form |= {"client_id": self.client.client_id, "client_secret": self.client.client_secret.get_secret_value()}
        grant = form["grant_type"]
        as_json = self.client.body_format == "json"
        response = self._http.request(
            "POST", self._path, data=None if as_json else form, json=form if as_json else None, allow=(400, 401)
        )
        body = self._json(response)
        if response.status_code in (400, 401):
            error = str(body.get("error", "")) if isinstance(body, Mapping) else ""
            if error in ("invalid_grant", "invalid_client", "unauthorized_client") or response.status_code == 401:
                app_grant = grant == self.client.client_credentials_grant
                hint = "check the client credentials" if app_grant else "re-authorize the connection"
                raise ConnectorAuthError(
                    self.connector,
                    f"token endpoint refused the {grant} grant ({error or response.status_code}): {hint}",
                )
            raise VendorResponseError(self.connector, f"token endpoint refused the {grant} grant ({error or 400})")
        if not isinstance(body, Mapping) or not isinstance(body.get("access_token"), str):
            raise VendorResponseError(self.connector, f"token endpoint answered the {grant} grant without access_token")
        token_type = str(body.get("token_type", "bearer")).lower()
        if token_type != "bearer":  # noqa: S105 - a token type, not a secret
            raise VendorResponseError(
                self.connector, f"token endpoint issued a {token_type!r} token; only bearer works"
            )
        expires_in = body.get("expires_in")
        try:
            expires_at = self._now() + dt.timedelta(seconds=float(expires_in)) if expires_in is not None else None
        except (TypeError, ValueError):
            expires_at = None
        new_refresh = body.get("refresh_token")
        refresh = SecretStr(new_refresh) if isinstance(new_refresh, str) and new_refresh else previous_refresh
        rotated = " (refresh token rotated)" if new_refresh and previous_refresh else ""
        log.info("%s: %s grant issued a token%s", self.connector, grant, rotated)
        return TokenSet(SecretStr(body["access_token"]), refresh, expires_at)

    def _json(self, response: requests.Response) -> Any:
        try:
            return response.json()
        except ValueError:
            raise VendorResponseError(
                self.connector, f"token endpoint answered {response.status_code} without JSON"
            ) from None


class OAuth2RefreshAuth(requests.auth.AuthBase):
    """Bearer tokens from a token store, refreshed (and rotated) safely across threads and processes.

    ``skew``: refresh this long before the announced expiry. ``lease``: how long a refresher may
    hold the row; longer than the token call can take. ``poll``: how often a waiting process
    reloads the row while another refreshes.
    """

    def __init__(
        self,
        connector: str,
        endpoint: TokenEndpoint,
        store: TokenStore,
        *,
        now: Clock = _utcnow,
        sleep: Callable[[float], None] = time.sleep,
        skew: dt.timedelta = dt.timedelta(seconds=60),
        lease: dt.timedelta = dt.timedelta(seconds=90),
        poll: float = 0.25,
        owner: str | None = None,
    ) -> None:
        self.connector = connector
        self.endpoint = endpoint
        self.store = store
        self._now = now
        self._sleep = sleep
        self._skew = skew
        self._lease = lease
        self._poll = poll
        self.owner = owner or uuid.uuid4().hex
        self._lock = threading.Lock()
        self._rejected: str | None = None
        self._current: TokenSet | None = None

    def authorize(self, tokens: TokenSet) -> None:
        """Store tokens from an authorization-code exchange (first grant or re-authorization)."""
        self.store.put(self.connector, tokens, self._now())
        self._rejected = None
        self._current = None

    def access_token(self) -> SecretStr:
        """A currently valid access token, refreshing it first if needed (the store is read only then)."""
        with self._lock:
            current = self._current
            if current is not None and not current.expired(self._now(), self._skew):
                return current.access_token
            self._current = None
            return self._ensure()

    def invalidate(self) -> bool:
        """The vendor refused the current access token: refresh before the next request."""
        with self._lock:
            self._current = None
            row = self.store.load(self.connector)
            if row is None or row.tokens.refresh_token is None:
                return False
            self._rejected = row.tokens.access_token.get_secret_value()
            return True

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        request.headers["Authorization"] = f"Bearer {self.access_token().get_secret_value()}"
        return request

    def __repr__(self) -> str:
        return f"OAuth2RefreshAuth(connector={self.connector!r}, tokens=**********)"

    def _usable(self, row: StoredTokens, now: dt.datetime) -> bool:
        tokens = row.tokens
        return not tokens.expired(now, self._skew) and tokens.access_token.get_secret_value() != self._rejected

    def _ensure(self) -> SecretStr:
        deadline = self._now() + self._lease * 2
        while True:
            now = self._now()
            row = self.store.load(self.connector)
            if row is None:
                raise ConnectorAuthError(self.connector, "not authorized yet: complete the OAuth authorization first")
            if self._usable(row, now):
                self._current = row.tokens
                return row.tokens.access_token
            if row.leased(now):
                if now > deadline:
                    raise ConnectorUnavailableError(
                        self.connector, "another process has been refreshing the token for too long"
                    )
                self._sleep(self._poll)  # someone else is refreshing: wait for their tokens
                continue
            refresh = row.tokens.refresh_token
            if refresh is None:
                raise ConnectorAuthError(
                    self.connector, "the access token expired and there is no refresh token: re-authorize"
                )
            claimed = self.store.claim(self.connector, row.version, self.owner, now, now + self._lease)
            if claimed is None:
                continue  # lost the race: reload and use (or wait for) the winner's tokens
            return self._refresh(claimed, refresh)

    def _refresh(self, version: int, refresh: SecretStr) -> SecretStr:
        try:
            tokens = self.endpoint.refresh(refresh)
        except BaseException:
            self.store.release(self.connector, version, self.owner, self._now())
            raise
        if not self.store.complete(self.connector, version, self.owner, tokens, self._now()):
            # Our lease ran out and someone else took the row: the tokens we hold are the newest the
            # vendor issued, but storing them now could overwrite a newer pair. Use them for this run.
            log.error(
                "%s: refreshed tokens could not be stored (lease lost); re-authorize if refreshes fail", self.connector
            )
        self._rejected = None
        self._current = tokens
        log.info("%s: access token refreshed", self.connector)
        return tokens.access_token


class ClientCredentialsAuth(requests.auth.AuthBase):
    """Bearer app tokens from the client-credentials grant, cached until ``skew`` before expiry."""

    def __init__(
        self, endpoint: TokenEndpoint, *, now: Clock = _utcnow, skew: dt.timedelta = dt.timedelta(seconds=60)
    ) -> None:
        self.endpoint = endpoint
        self._now = now
        self._skew = skew
        self._tokens: TokenSet | None = None
        self._lock = threading.Lock()

    def access_token(self) -> SecretStr:
        """The cached app token, or a new one."""
        with self._lock:
            if self._tokens is None or self._tokens.expired(self._now(), self._skew):
                self._tokens = self.endpoint.client_credentials()
            return self._tokens.access_token

    def invalidate(self) -> bool:
        """Drop the cached token; a new one is always obtainable."""
        with self._lock:
            self._tokens = None
        return True

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        request.headers["Authorization"] = f"Bearer {self.access_token().get_secret_value()}"
        return request

    def __repr__(self) -> str:
        return "ClientCredentialsAuth(token=**********)"
