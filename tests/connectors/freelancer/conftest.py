"""Freelancer.com test fixtures: our REST fake of Freelancer.com and a connector factory.

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
from hiresentry.connectors.freelancer import FreelancerConnector
from hiresentry.core.store import Store, schema
from tests.connectors.freelancer.fake_freelancer import TOKEN, FakeFreelancer

NOW = dt.datetime(2025, 10, 15, 12, 0, tzinfo=dt.UTC)
SOURCE = "freelancer"


class Sleeps(list[float]):
    """Delays the connector asked for; rate-budget pacing (microseconds at 10⁶ rps) filtered out."""

    def retries(self) -> list[float]:
        return [s for s in self if s >= 0.05]


class Factory(Protocol):
    def __call__(self, *, sleeps: Sleeps | None = ..., **overrides: Any) -> FreelancerConnector: ...


def stored(store: Store, table: str, remote_id: str) -> dict[str, Any] | None:
    """The stored row of record ``remote_id`` of this source in ``table``, as a dict (None if absent)."""
    records = getattr(schema, table)
    query = select(records).where(records.c.source == SOURCE, records.c.remote_id == remote_id)
    with store.engine.connect() as conn:
        row = conn.execute(query).mappings().first()
    return dict(row) if row is not None else None


@pytest.fixture
def fake(httpserver: HTTPServer) -> FakeFreelancer:
    freelancer = FakeFreelancer()
    freelancer.install(httpserver)
    return freelancer


@pytest.fixture
def make(httpserver: HTTPServer) -> Factory:
    def build(*, sleeps: Sleeps | None = None, **overrides: Any) -> FreelancerConnector:
        raw = {
            "base_url": httpserver.url_for("/api"),
            "token": SecretStr(TOKEN),
            "page_size": 2,
            "rate_limit_per_second": 1_000_000,
            "lookback_hours": 1,
        } | overrides
        runtime = Runtime(
            sleep=(sleeps if sleeps is not None else Sleeps()).append, now=lambda: NOW, jitter=lambda: 0.5
        )
        return FreelancerConnector.from_config(SOURCE, raw, runtime)

    return build
