"""Building a Gusto connector for tests: fake clock, recorded sleeps, tokens in memory."""

from __future__ import annotations

import datetime as dt
from typing import Any

import requests
from pydantic import SecretStr

from hiresentry.connectors.base import Runtime
from hiresentry.connectors.base.token_store import MemoryTokenStore, TokenStore
from hiresentry.connectors.gusto import GustoConnector
from tests.connectors.gusto.fake_gusto import CLIENT_ID, CLIENT_SECRET, COMPANY, FIRST_REFRESH

NOW = dt.datetime(2026, 3, 2, 12, 0, tzinfo=dt.UTC)


class Sleeps(list[float]):
    """The delays the connector asked to sleep; budget pacing (microseconds at 10⁶ rps) filtered out."""

    def retries(self) -> list[float]:
        return [s for s in self if s >= 0.05]


class Clock:
    """A settable clock."""

    def __init__(self, now: dt.datetime = NOW) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now


def make(
    base_url: str,
    *,
    sleeps: list[float] | None = None,
    clock: Clock | None = None,
    tokens: TokenStore | None = None,
    session: requests.Session | None = None,
    instance: str = "gusto",
    **overrides: Any,
) -> GustoConnector:
    """A connector on ``base_url`` with test-friendly settings (no real waiting, fake clock)."""
    raw: dict[str, Any] = {
        "base_url": base_url,
        "company_uuid": COMPANY,
        "client_id": CLIENT_ID,
        "client_secret": SecretStr(CLIENT_SECRET),
        "refresh_token": SecretStr(FIRST_REFRESH),
        "rate_limit_per_second": 1_000_000,
        "page_size": 2,
        **overrides,
    }
    runtime = Runtime(
        session=session,
        sleep=(sleeps if sleeps is not None else Sleeps()).append,
        now=clock or Clock(),
        jitter=lambda: 1.0,
        token_store=tokens if tokens is not None else MemoryTokenStore(),
    )
    return GustoConnector.from_config(instance, raw, runtime)
