"""Papaya test fixtures: the test clock, the local fake organization and a connector factory.

The fake (``fake_papaya.py``) is ours, built from the public documentation cited in
``connectors/papaya/``; Papaya publishes no OpenAPI spec of its own to run a Prism mock of.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Protocol

import pytest
from pydantic import SecretStr
from pytest_httpserver import HTTPServer

from hiresentry.connectors.base import Runtime
from hiresentry.connectors.papaya import PapayaConnector
from tests.connectors.papaya.fake_papaya import Clock, FakePapaya

START = dt.datetime(2025, 3, 3, 9, 0, tzinfo=dt.UTC)


class Sleeps(list[float]):
    """The delays the connector asked to sleep; budget pacing (microseconds at 10⁶ rps) filtered out."""

    def retries(self) -> list[float]:
        return [s for s in self if s >= 0.05]


class Make(Protocol):
    def __call__(self, sleeps: Sleeps | None = ..., **overrides: Any) -> PapayaConnector: ...


@pytest.fixture
def clock() -> Clock:
    return Clock(START)


@pytest.fixture
def fake(clock: Clock) -> FakePapaya:
    return FakePapaya(clock)


@pytest.fixture
def make(fake: FakePapaya, httpserver: HTTPServer, clock: Clock) -> Make:
    """Build a connector for the fake; ``overrides`` replace config keys. No test sleeps for real."""
    base_url = fake.install(httpserver)

    def build(sleeps: Sleeps | None = None, **overrides: Any) -> PapayaConnector:
        raw = {
            "api_key": SecretStr(fake.api_key),
            "client_secret": SecretStr(fake.client_secret),
            "base_url": base_url,
            "page_size": 3,
            "rate_limit_per_second": 1_000_000,
        } | overrides
        runtime = Runtime(sleep=(sleeps if sleeps is not None else Sleeps()).append, now=clock, jitter=lambda: 0.5)
        return PapayaConnector.from_config("papaya", raw, runtime)

    return build
