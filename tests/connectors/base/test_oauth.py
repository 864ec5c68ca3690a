"""OAuth2 adapters against a stateful local authorization server (``fake_oauth.py``, RFC 6749 wire
format, rotating refresh tokens) and the real SQLite store (``connector_tokens``).

Clocks are fake (``Clock``); no test asserts on wall-clock time. The concurrency test uses real
threads and a barrier so that both refreshers read the same expired row before either claims it.
"""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from pydantic import SecretStr
from pytest_httpserver import HTTPServer
from sqlalchemy import select

from hiresentry.connectors.base import HttpClient, RetryPolicy
from hiresentry.connectors.base.oauth import ClientCredentialsAuth, OAuth2Client, OAuth2RefreshAuth, TokenEndpoint
from hiresentry.connectors.base.token_store import MemoryTokenStore, SqlTokenStore, StoredTokens, TokenCipher, TokenSet
from hiresentry.core.errors import ConnectorAuthError
from hiresentry.core.store import Store, schema
from tests.connectors.base.fake_oauth import CLIENT_ID, CLIENT_SECRET, GOOD_CODE, FakeAuthServer

T0 = dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.UTC)
KEY = SecretStr("test-link-key-0123456789abcdef")


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += dt.timedelta(seconds=seconds)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def fake(httpserver: HTTPServer) -> FakeAuthServer:
    return FakeAuthServer()


@pytest.fixture
def tokens(store: Store) -> SqlTokenStore:
    return SqlTokenStore(store.engine, TokenCipher(KEY))


def endpoint(server: HTTPServer, fake: FakeAuthServer, clock: Clock, **client: object) -> TokenEndpoint:
    token_url = fake.install(server)
    oauth = OAuth2Client(token_url, CLIENT_ID, SecretStr(CLIENT_SECRET), **client)  # type: ignore[arg-type]
    return TokenEndpoint("acme", oauth, now=clock, sleep=lambda _s: None, retry=RetryPolicy(attempts=1))


def refresh_auth(ep: TokenEndpoint, store: object, clock: Clock, **kw: object) -> OAuth2RefreshAuth:
    return OAuth2RefreshAuth("acme", ep, store, now=clock, sleep=lambda _s: None, **kw)  # type: ignore[arg-type]


def api(server: HTTPServer, auth: object) -> HttpClient:
    return HttpClient("acme", server.url_for(""), auth=auth, retry=RetryPolicy(attempts=1), sleep=lambda _s: None)  # type: ignore[arg-type]


def seed(
    fake: FakeAuthServer, store: SqlTokenStore | MemoryTokenStore, clock: Clock, expires_in: float
) -> tuple[str, str]:
    access, refresh = fake.issue()
    assert refresh is not None
    store.put(
        "acme", TokenSet(SecretStr(access), SecretStr(refresh), clock() + dt.timedelta(seconds=expires_in)), clock()
    )
    return access, refresh


# -- authorization code and refresh with rotation ------------------------------------------------


def test_code_exchange_stores_tokens_and_calls_use_them(
    httpserver: HTTPServer, fake: FakeAuthServer, clock: Clock, tokens: SqlTokenStore
) -> None:
    ep = endpoint(httpserver, fake, clock, authorize_url="https://vendor.example/authorize", scope="people:read")
    assert ep.client.authorization_url("https://me.example/cb", "st4te").startswith(
        "https://vendor.example/authorize?response_type=code&client_id=client-123&redirect_uri="
    )
    auth = refresh_auth(ep, tokens, clock)
    auth.authorize(ep.exchange_code(GOOD_CODE, "https://me.example/cb"))
    assert api(httpserver, auth).get_json("/api/me") == {"token": "access-1"}
    assert fake.grants == ["authorization_code"]


def test_a_bad_code_is_an_auth_error(httpserver: HTTPServer, fake: FakeAuthServer, clock: Clock) -> None:
    with pytest.raises(ConnectorAuthError, match="authorization_code grant"):
        endpoint(httpserver, fake, clock).exchange_code("stolen", "https://me.example/cb")


def test_expiry_refreshes_and_persists_the_rotated_refresh_token(
    httpserver: HTTPServer, fake: FakeAuthServer, clock: Clock, tokens: SqlTokenStore
) -> None:
    ep = endpoint(httpserver, fake, clock)
    _, first_refresh = seed(fake, tokens, clock, expires_in=3600)
    auth = refresh_auth(ep, tokens, clock)
    assert api(httpserver, auth).get_json("/api/me") == {"token": "access-1"}
    assert fake.grants == []  # still valid: no refresh

    clock.advance(3600 - 30)  # inside the 60 s skew: refresh before the vendor refuses it
    assert api(httpserver, auth).get_json("/api/me") == {"token": "access-2"}
    row = tokens.load("acme")
    assert row is not None
    assert row.tokens.access_token.get_secret_value() == "access-2"
    assert row.tokens.refresh_token is not None and row.tokens.refresh_token.get_secret_value() == "refresh-2"
    assert first_refresh in fake.dead_refresh
    assert (row.version, row.lease_owner, row.lease_until) == (3, None, None)  # put, claim, complete

    # A new process (new auth object, same store) picks up the rotated pair without a grant.
    again = refresh_auth(endpoint(httpserver, fake, clock), tokens, clock)
    assert api(httpserver, again).get_json("/api/me") == {"token": "access-2"}
    assert fake.grants == ["refresh_token"]
    assert fake.reused == []


def test_a_vendor_that_does_not_rotate_keeps_the_old_refresh_token(
    httpserver: HTTPServer, clock: Clock, tokens: SqlTokenStore
) -> None:
    fake = FakeAuthServer(rotate=False)
    ep = endpoint(httpserver, fake, clock)
    _, refresh = seed(fake, tokens, clock, expires_in=10)
    auth = refresh_auth(ep, tokens, clock)
    assert auth.access_token().get_secret_value() == "access-2"
    row = tokens.load("acme")
    assert row is not None and row.tokens.refresh_token is not None
    assert row.tokens.refresh_token.get_secret_value() == refresh


def test_a_revoked_access_token_is_refreshed_once_on_401(
    httpserver: HTTPServer, fake: FakeAuthServer, clock: Clock, tokens: SqlTokenStore
) -> None:
    ep = endpoint(httpserver, fake, clock)
    access, _ = seed(fake, tokens, clock, expires_in=3600)
    auth = refresh_auth(ep, tokens, clock)
    client = api(httpserver, auth)
    assert client.get_json("/api/me") == {"token": access}
    fake.revoke_access(access)  # revoked long before its announced expiry
    assert client.get_json("/api/me") == {"token": "access-2"}
    assert fake.grants == ["refresh_token"]


def test_a_dead_refresh_token_asks_for_reauthorization_and_frees_the_row(
    httpserver: HTTPServer, fake: FakeAuthServer, clock: Clock, tokens: SqlTokenStore
) -> None:
    ep = endpoint(httpserver, fake, clock)
    _, refresh = seed(fake, tokens, clock, expires_in=10)
    fake.live_refresh.discard(refresh)  # revoked at the vendor (user removed the app)
    with pytest.raises(ConnectorAuthError, match="re-authorize"):
        refresh_auth(ep, tokens, clock).access_token()
    row = tokens.load("acme")
    assert row is not None and row.lease_owner is None and row.version == 3  # claimed, then released


def test_no_tokens_yet_is_an_auth_error(httpserver: HTTPServer, fake: FakeAuthServer, clock: Clock) -> None:
    auth = refresh_auth(endpoint(httpserver, fake, clock), MemoryTokenStore(), clock)
    with pytest.raises(ConnectorAuthError, match="not authorized yet"):
        auth.access_token()


# -- two refreshers at once -------------------------------------------------------------------------


class BarrierStore:
    """Passes through to a token store; each thread's first ``load`` waits until both have loaded."""

    def __init__(self, inner: SqlTokenStore, parties: int) -> None:
        self.inner = inner
        self.barrier = threading.Barrier(parties, timeout=10)
        self.local = threading.local()
        self.claims: list[bool] = []

    def load(self, connector: str) -> StoredTokens | None:
        row = self.inner.load(connector)
        if not getattr(self.local, "waited", False):
            self.local.waited = True
            self.barrier.wait()
        return row

    def put(self, *args: object) -> StoredTokens:
        return self.inner.put(*args)  # type: ignore[arg-type]

    def claim(self, *args: object) -> int | None:
        won = self.inner.claim(*args)  # type: ignore[arg-type]
        self.claims.append(won is not None)
        return won

    def complete(self, *args: object) -> bool:
        return self.inner.complete(*args)  # type: ignore[arg-type]

    def release(self, *args: object) -> bool:
        return self.inner.release(*args)  # type: ignore[arg-type]


def test_concurrent_refreshes_spend_the_old_refresh_token_once(
    httpserver: HTTPServer, fake: FakeAuthServer, clock: Clock, tokens: SqlTokenStore
) -> None:
    seed(fake, tokens, clock, expires_in=10)  # expired for both (60 s skew)
    shared = BarrierStore(tokens, parties=2)
    results: dict[str, str] = {}
    errors: list[BaseException] = []

    def yield_to_the_winner(_seconds: float) -> None:
        threading.Event().wait(0.01)  # a real pause, so the other thread runs; nothing is timed

    def refresher(name: str) -> None:
        ep = endpoint(httpserver, fake, clock)
        auth = OAuth2RefreshAuth("acme", ep, shared, now=clock, sleep=yield_to_the_winner)  # type: ignore[arg-type]
        try:
            results[name] = auth.access_token().get_secret_value()
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=refresher, args=(n,)) for n in ("a", "b")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=20)
    assert errors == []
    assert sorted(shared.claims) == [False, True]  # both tried to claim the same version; one won
    assert fake.grants == ["refresh_token"]  # the old refresh token was spent exactly once
    assert fake.reused == []
    assert results == {"a": "access-2", "b": "access-2"}


# -- the store contract, for both implementations ----------------------------------------------------


@pytest.fixture(params=["memory", "sql"])
def any_store(request: pytest.FixtureRequest, store: Store) -> MemoryTokenStore | SqlTokenStore:
    return MemoryTokenStore() if request.param == "memory" else SqlTokenStore(store.engine, TokenCipher(KEY))


def test_compare_and_swap_rules(any_store: MemoryTokenStore | SqlTokenStore) -> None:
    pair = TokenSet(SecretStr("a1"), SecretStr("r1"), T0)
    row = any_store.put("acme", pair, T0)
    lease = T0 + dt.timedelta(seconds=90)
    assert any_store.claim("acme", row.version + 5, "me", T0, lease) is None  # stale version
    claimed = any_store.claim("acme", row.version, "me", T0, lease)
    assert claimed == row.version + 1
    assert any_store.claim("acme", claimed, "other", T0, lease) is None  # live lease
    newer = TokenSet(SecretStr("a2"), SecretStr("r2"), T0)
    assert not any_store.complete("acme", claimed, "other", newer, T0)  # not the lease owner
    assert any_store.complete("acme", claimed, "me", newer, T0)
    assert not any_store.complete("acme", claimed, "me", newer, T0)  # version moved on
    loaded = any_store.load("acme")
    assert loaded is not None and loaded.tokens.refresh_token is not None
    assert loaded.tokens.refresh_token.get_secret_value() == "r2" and loaded.lease_owner is None


def test_an_expired_lease_can_be_taken_over(any_store: MemoryTokenStore | SqlTokenStore) -> None:
    row = any_store.put("acme", TokenSet(SecretStr("a1"), SecretStr("r1")), T0)
    claimed = any_store.claim("acme", row.version, "crashed", T0, T0 + dt.timedelta(seconds=90))
    assert claimed is not None
    later = T0 + dt.timedelta(seconds=91)
    assert any_store.claim("acme", claimed, "me", later, later + dt.timedelta(seconds=90)) == claimed + 1


# -- encryption at rest -----------------------------------------------------------------------------------


def test_tokens_are_sealed_at_rest_and_bound_to_their_row(store: Store, tokens: SqlTokenStore) -> None:
    tokens.put("acme", TokenSet(SecretStr("access-PLAIN-1"), SecretStr("refresh-PLAIN-1")), T0)
    tokens.put("other", TokenSet(SecretStr("access-PLAIN-2"), SecretStr("refresh-PLAIN-2")), T0)
    table = schema.connector_tokens
    with store.engine.connect() as conn:
        rows = conn.execute(select(table.c.connector, table.c.access_token, table.c.refresh_token)).all()
    dumped = repr(rows)
    assert "PLAIN" not in dumped and all(r.access_token.startswith("v1.") for r in rows)

    # A sealed value copied into another row (or column) does not open there.
    acme = next(r for r in rows if r.connector == "acme")
    with store.engine.begin() as conn:
        conn.execute(table.update().where(table.c.connector == "other").values(access_token=acme.access_token))
    with pytest.raises(Exception, match="cannot be decrypted"):
        tokens.load("other")


def test_another_secret_cannot_read_the_tokens(store: Store, tokens: SqlTokenStore) -> None:
    tokens.put("acme", TokenSet(SecretStr("a"), SecretStr("r")), T0)
    other = SqlTokenStore(store.engine, TokenCipher(SecretStr("another-secret-0123456789")))
    with pytest.raises(Exception, match="re-authorize"):
        other.load("acme")


# -- client credentials ---------------------------------------------------------------------------


@pytest.mark.parametrize("client_auth", ["body", "basic"])
def test_client_credentials_are_cached_until_expiry(httpserver: HTTPServer, clock: Clock, client_auth: str) -> None:
    fake = FakeAuthServer(client_auth=client_auth, expires_in=600)
    ep = endpoint(httpserver, fake, clock, client_auth=client_auth, scope="AuditLog.Read.All")
    auth = ClientCredentialsAuth(ep, now=clock)
    client = api(httpserver, auth)
    assert client.get_json("/api/me") == {"token": "access-1"}
    assert client.get_json("/api/me") == {"token": "access-1"}
    assert fake.grants == ["client_credentials"]
    clock.advance(600 - 59)  # within the skew of expiry
    assert client.get_json("/api/me") == {"token": "access-2"}
    fake.revoke_access("access-2")
    assert client.get_json("/api/me") == {"token": "access-3"}  # 401 → a new app token, once
    assert fake.grants == ["client_credentials"] * 3


def test_wrong_client_secret_is_an_auth_error(httpserver: HTTPServer, fake: FakeAuthServer, clock: Clock) -> None:
    token_url = fake.install(httpserver)
    bad = OAuth2Client(token_url, CLIENT_ID, SecretStr("wrong-secret-000"))
    ep = TokenEndpoint("acme", bad, now=clock, sleep=lambda _s: None)
    with pytest.raises(ConnectorAuthError, match="check the client credentials") as caught:
        ClientCredentialsAuth(ep, now=clock).access_token()
    assert "wrong-secret-000" not in str(caught.value)
