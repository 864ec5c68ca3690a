"""Payoneer test fixtures: the test clock, the local fake program and a connector factory.

The fake (``fake_payoneer.py``) is ours, built from the public documentation cited in
``connectors/payoneer/``; Payoneer publishes no OpenAPI spec to run a Prism mock of.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Protocol

import pytest
from pydantic import SecretStr
from pytest_httpserver import HTTPServer

from hiresentry.connectors.base import Runtime
from hiresentry.connectors.payoneer import PayoneerConnector
from tests.connectors.payoneer.fake_payoneer import PROGRAM, Clock, FakePayoneer

START = dt.datetime(2025, 3, 3, 9, 0, tzinfo=dt.UTC)


class Sleeps(list[float]):
    """The delays the connector asked to sleep; budget pacing (microseconds at 10⁶ rps) filtered out."""

    def retries(self) -> list[float]:
        return [s for s in self if s >= 0.05]


class Make(Protocol):
    def __call__(self, sleeps: Sleeps | None = ..., **overrides: Any) -> PayoneerConnector: ...


@pytest.fixture
def clock() -> Clock:
    return Clock(START)


@pytest.fixture
def fake(httpserver: HTTPServer, clock: Clock) -> FakePayoneer:
    return FakePayoneer(clock)


@pytest.fixture
def make(fake: FakePayoneer, httpserver: HTTPServer, clock: Clock) -> Make:
    """Build a connector for the fake; ``overrides`` replace config keys. No test sleeps for real."""
    base_url, token_url = fake.install(httpserver)

    def build(sleeps: Sleeps | None = None, **overrides: Any) -> PayoneerConnector:
        raw = {
            "program_id": PROGRAM,
            "client_id": fake.client_id,
            "client_secret": SecretStr(fake.client_secret),
            "base_url": base_url,
            "token_url": token_url,
            "page_size": 2,
            "history_start": "2024-01-01",
            "rate_limit_per_second": 1_000_000,
        } | overrides
        runtime = Runtime(sleep=(sleeps if sleeps is not None else Sleeps()).append, now=clock, jitter=lambda: 0.5)
        return PayoneerConnector.from_config("payoneer", raw, runtime)

    return build
