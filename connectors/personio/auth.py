"""Personio v1's per-response token, kept in the token store so concurrent syncs never burn each other's.

Personio v1 issues a bearer token at ``POST /v1/auth`` (client id + secret) and answers every API
call with the token for the *next* call in its ``authorization`` response header. Historically each
token was **single-use**: sending it twice gets a 401. (Since 2023 Personio issues stable 24-hour
``papi-`` tokens and repeats the same token in the header; the scheme below works for both.)

A single-use token is the same problem as a rotating OAuth refresh token, only on every request:
two syncs of one source (two workers, a CLI run beside the scheduler) that both read the stored
token would both send it, and the second one burns it. So the token lives in the
:class:`~hiresentry.connectors.base.token_store.TokenStore` row of the source, and a request may
only be sent by whoever holds the row's **lease**:

1. *claim* the row (compare-and-swap on its version, only if no live lease): we now own the token
   (the very first login is made by whoever *creates* the row, already leased: ``claim_new``);
2. send the request with it;
3. on the answer, *complete* the row with the token the answer carried (or the one we sent, if it
   carried none): the next token is stored and the lease ends in one compare-and-swap.

Everyone else waits for the lease to end and then uses the token the holder stored. The store row is
sealed at rest (``SqlTokenStore``), so tokens never sit in plain text. An attempt whose answer never
came (connection reset) keeps our lease; our retry reuses the token, and if Personio did burn it, the
401 makes us log in again while still holding the lease. A token Personio refuses (401: expired,
burnt elsewhere) is replaced by a fresh login, done by the lease holder only.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
import uuid
from collections.abc import Callable, Mapping
from typing import Any

import requests
from pydantic import SecretStr

from hiresentry.connectors.base import HttpClient
from hiresentry.connectors.base.token_store import TokenSet, TokenStore
from hiresentry.core.errors import ConnectorAuthError, ConnectorUnavailableError, VendorResponseError

log = logging.getLogger(__name__)

Clock = Callable[[], dt.datetime]


def bearer_value(header: str | None) -> str | None:
    """The token of an ``authorization: Bearer <token>`` response header (None if absent or odd)."""
    if not header:
        return None
    scheme, _, token = header.strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


class PersonioLogin:
    """``POST /auth`` with the client credentials → a new token (Personio allows 60 logins a minute)."""

    def __init__(self, client: HttpClient, client_id: str, client_secret: SecretStr) -> None:
        self.client = client
        self.client_id = client_id
        self.client_secret = client_secret

    def __call__(self) -> SecretStr:
        body = {"client_id": self.client_id, "client_secret": self.client_secret.get_secret_value()}
        answer = self.client.request_json("POST", "/auth", json=body, allow=(400, 401, 403))
        if answer.status in (400, 401, 403):
            raise ConnectorAuthError(
                self.client.connector, f"POST /auth → {answer.status}: Personio refused the client id and secret"
            )
        token = _dig(answer.body, ("data", "token"))
        if not isinstance(token, str) or not token:
            raise VendorResponseError(self.client.connector, "POST /auth answered without data.token")
        log.info("%s: logged in to Personio (new v1 token)", self.client.connector)
        return SecretStr(token)


def _dig(body: Any, path: tuple[str, ...]) -> Any:
    for key in path:
        body = body.get(key) if isinstance(body, Mapping) else None
    return body


class RotatingTokenAuth(requests.auth.AuthBase):
    """Bearer auth whose token comes from, and goes back to, the token store under a lease.

    ``lease``: how long one request may hold the token (longer than a request can take).
    ``poll``: how often a waiting sync looks at the row again.
    """

    def __init__(
        self,
        instance: str,
        login: Callable[[], SecretStr],
        store: TokenStore,
        *,
        now: Clock = lambda: dt.datetime.now(dt.UTC),
        sleep: Callable[[float], None] = time.sleep,
        lease: dt.timedelta = dt.timedelta(seconds=90),
        poll: float = 0.05,
        owner: str | None = None,
    ) -> None:
        self.instance = instance
        self.login = login
        self.store = store
        self._now = now
        self._sleep = sleep
        self._lease = lease
        self._poll = poll
        self.owner = owner or uuid.uuid4().hex
        self._lock = threading.RLock()
        self._held: int | None = None
        self._current: SecretStr | None = None
        self._rejected: str | None = None

    # -- requests auth ---------------------------------------------------------------------------

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        token = self._acquire()
        request.headers["Authorization"] = f"Bearer {token.get_secret_value()}"
        request.hooks["response"].append(self._answered)
        return request

    def invalidate(self) -> bool:
        """Personio refused the token we sent: the next request logs in again (under the lease)."""
        with self._lock:
            if self._current is not None:
                self._rejected = self._current.get_secret_value()
        return True

    def release(self) -> None:
        """Give up a lease still held (a request that failed without an answer); the token stays stored."""
        with self._lock:
            version, self._held = self._held, None
            if version is not None:
                self.store.release(self.instance, version, self.owner, self._now())

    def __repr__(self) -> str:
        return f"RotatingTokenAuth(instance={self.instance!r}, token=**********)"

    # -- the lease -------------------------------------------------------------------------------

    def _acquire(self) -> SecretStr:
        with self._lock:
            deadline = self._now() + self._lease * 2
            while True:
                now = self._now()
                row = self.store.load(self.instance)
                if row is None:  # first login: only the sync that creates the row makes it
                    claimed = self.store.claim_new(self.instance, self.owner, now, now + self._lease)
                    if claimed is None:
                        continue
                    self._held = claimed
                    self._current = token = self._fresh_login()
                    return token
                if row.lease_owner == self.owner and row.version == self._held and row.leased(now):
                    token = row.tokens.access_token  # ours: an attempt whose answer never came
                elif row.leased(now):
                    if now > deadline:
                        raise ConnectorUnavailableError(
                            self.instance, "another sync of this source has held the Personio token for too long"
                        )
                    self._sleep(self._poll)  # another sync is using the token: wait for the next one
                    continue
                else:
                    claimed = self.store.claim(self.instance, row.version, self.owner, now, now + self._lease)
                    if claimed is None:
                        continue  # lost the race: look again
                    self._held, token = claimed, row.tokens.access_token
                if not token.get_secret_value() or token.get_secret_value() == self._rejected:
                    token = self._fresh_login()  # none yet (a failed first login) or refused
                self._current = token
                return token

    def _fresh_login(self) -> SecretStr:
        """A new token while we hold the lease (nobody else can send the refused one meanwhile)."""
        try:
            token = self.login()
        except BaseException:
            self.release()
            raise
        self._rejected = None
        return token

    def _answered(self, response: requests.Response, *args: Any, **kwargs: Any) -> requests.Response:
        """Store the token the answer hands out (or keep ours) and end the lease, in one swap."""
        with self._lock:
            version, self._held = self._held, None
            if version is None:
                return response
            now = self._now()
            if response.status_code == 401:
                self._rejected = self._current.get_secret_value() if self._current else None
                self.store.release(self.instance, version, self.owner, now)
                return response
            following = bearer_value(response.headers.get("authorization"))
            token = SecretStr(following) if following else self._current
            if token is None or not self.store.complete(self.instance, version, self.owner, TokenSet(token), now):
                log.error(
                    "%s: the next Personio token could not be stored (lease lost); logging in again", self.instance
                )
            self._current = token
            return response
