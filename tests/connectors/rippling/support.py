"""Building a Rippling connector for tests: fake clock and recorded sleeps."""

from __future__ import annotations

import datetime as dt
from typing import Any

import requests
from pydantic import SecretStr

from hiresentry.connectors.base import Runtime
from hiresentry.connectors.rippling import RipplingConnector
from tests.connectors.rippling.fake_rippling import TOKEN

NOW = dt.datetime(2026, 2, 2, 12, 0, tzinfo=dt.UTC)


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
    legacy: str,
    rest: str,
    *,
    sleeps: list[float] | None = None,
    clock: Clock | None = None,
    session: requests.Session | None = None,
    **overrides: Any,
) -> RipplingConnector:
    """A connector on the given base URLs with test-friendly settings (no real waiting, fake clock)."""
    raw: dict[str, Any] = {
        "legacy_base_url": legacy,
        "rest_base_url": rest,
        "token": SecretStr(TOKEN),
        "rate_limit_per_second": 1_000_000,
        "page_size": 2,
        **overrides,
    }
    runtime = Runtime(
        session=session,
        sleep=(sleeps if sleeps is not None else Sleeps()).append,
        now=clock or Clock(),
        jitter=lambda: 1.0,
    )
    return RipplingConnector.from_config("rippling", raw, runtime)
