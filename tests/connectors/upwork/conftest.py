"""Upwork test fixtures: the OAuth fake, our GraphQL fake of Upwork, and a connector factory.

No clock is read and nothing sleeps: the connector gets ``NOW`` and a ``sleep`` that records delays.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Protocol

import pytest
from pydantic import SecretStr
from pytest_httpserver import HTTPServer
from sqlalchemy import select

from hiresentry.connectors.base import Runtime
from hiresentry.connectors.base.token_store import MemoryTokenStore, TokenSet
from hiresentry.connectors.upwork import UpworkConnector
from hiresentry.core.store import Store, schema
from tests.connectors.base.fake_oauth import CLIENT_ID, CLIENT_SECRET, FakeAuthServer
from tests.connectors.upwork.fake_upwork import TOKEN_PATH, FakeUpwork

NOW = dt.datetime(2025, 10, 15, 12, 0, tzinfo=dt.UTC)
SOURCE = "upwork"


class Sleeps(list[float]):
    """Delays the connector asked for; rate-budget pacing (microseconds at 10⁶ rps) filtered out."""

    def retries(self) -> list[float]:
        return [s for s in self if s >= 0.05]


def stored(store: Store, table: str, remote_id: str) -> dict[str, Any] | None:
    """The stored row of record ``remote_id`` of this source in ``table``, as a dict (None if absent)."""
    records = getattr(schema, table)
    query = select(records).where(records.c.source == SOURCE, records.c.remote_id == remote_id)
    with store.engine.connect() as conn:
        row = conn.execute(query).mappings().first()
    return dict(row) if row is not None else None


class Factory(Protocol):
    def __call__(self, *, sleeps: Sleeps | None = ..., authorized: bool = ..., **overrides: Any) -> UpworkConnector: ...


@pytest.fixture
def oauth() -> FakeAuthServer:
    return FakeAuthServer(rotate=True, expires_in=3600)


@pytest.fixture
def fake(httpserver: HTTPServer, oauth: FakeAuthServer) -> FakeUpwork:
    upwork = FakeUpwork(oauth)
    upwork.install(httpserver)
    return upwork


@pytest.fixture
def tokens() -> MemoryTokenStore:
    return MemoryTokenStore()


@pytest.fixture
def make(httpserver: HTTPServer, oauth: FakeAuthServer, tokens: MemoryTokenStore) -> Factory:
    """Build an UpworkConnector against the fakes; ``authorized`` stores a live token pair first."""

    def build(*, sleeps: Sleeps | None = None, authorized: bool = True, **overrides: Any) -> UpworkConnector:
        if authorized and tokens.load(SOURCE) is None:
            access, refresh = oauth.issue()
            pair = TokenSet(SecretStr(access), SecretStr(refresh or ""), NOW + dt.timedelta(hours=1))
            tokens.put(SOURCE, pair, NOW)
        raw = {
            "base_url": httpserver.url_for("/").rstrip("/"),
            "token_url": httpserver.url_for(TOKEN_PATH),
            "client_id": CLIENT_ID,
            "client_secret": SecretStr(CLIENT_SECRET),
            "rate_limit_per_second": 1_000_000,
            "rate_limit_scope": "upwork-tests",
            "page_size": 2,
            "work_diary_page_size": 2,
            "transaction_window_days": 10,
            "initial_days": 30,
            "lookback_days": 2,
            "backoff_base": 1.0,
        } | overrides
        runtime = Runtime(
            sleep=(sleeps if sleeps is not None else Sleeps()).append,
            now=lambda: NOW,
            jitter=lambda: 0.5,
            token_store=tokens,
        )
        return UpworkConnector.from_config(SOURCE, raw, runtime)

    return build
