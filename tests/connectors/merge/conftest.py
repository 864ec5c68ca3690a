"""Merge test fixtures: the Prism mock of Merge's HRIS v1 spec, the local fake, helpers."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import requests
from pydantic import SecretStr
from pytest_httpserver import HTTPServer

from hiresentry.connectors.base import Runtime
from hiresentry.connectors.merge import MergeConnector
from tests.connectors.merge.fake_merge import ACCOUNT_TOKEN, API_KEY, FakeMerge
from tests.contract.prism import PrismPool, PrismServer, prism, request_violations  # noqa: F401 - re-exported fixture

MERGE_SPEC = "merge/merge_hris_v1.yaml"
NOW = dt.datetime(2025, 6, 1, 12, 0, tzinfo=dt.UTC)


class Sleeps(list[float]):
    """The delays the connector asked to sleep; rate-budget pacing (microseconds) filtered out."""

    def retries(self) -> list[float]:
        return [s for s in self if s >= 0.05]


def make(url: str, *, sleeps: list[float] | None = None, session: Any = None, **overrides: Any) -> MergeConnector:
    raw = {
        "base_url": url,
        "api_key": SecretStr(API_KEY),
        "account_token": SecretStr(ACCOUNT_TOKEN),
        "rate_limit_per_minute": 60_000_000,
        "page_size": 2,
        **overrides,
    }
    recorded = sleeps if sleeps is not None else Sleeps()
    runtime = Runtime(session=session, sleep=recorded.append, now=lambda: NOW, jitter=lambda: 1.0)
    return MergeConnector.from_config("merge", raw, runtime)


@pytest.fixture(scope="session")
def merge_prism(prism: PrismPool) -> PrismServer:  # noqa: F811 - the imported fixture
    """Prism mock generated from Merge's own HRIS v1 spec, started once per session."""
    return prism.start(MERGE_SPEC)


@pytest.fixture
def fake_merge(httpserver: HTTPServer) -> tuple[FakeMerge, str]:
    """A fresh fake linked account on the local HTTP server, and its base URL."""
    fake = FakeMerge()
    return fake, fake.install(httpserver)


class RecordingSession(requests.Session):
    """A session that keeps every response, so a contract test can read Prism's verdict headers."""

    def __init__(self, drop: tuple[str, ...] = ()) -> None:
        super().__init__()
        self.responses: list[requests.Response] = []
        self.hooks["response"].append(self._keep)
        self.drop = drop

    def _keep(self, response: requests.Response, *args: Any, **kwargs: Any) -> None:
        self.responses.append(response)

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        for header in self.drop:
            request.headers.pop(header, None)
        return super().send(request, **kwargs)


def request_problems(response: requests.Response) -> list[Any]:
    """Prism's verdict on our request: ``sl-violations`` of the request, or a 4xx problem's ``validation``."""
    found: list[Any] = request_violations(response)
    if response.status_code in (400, 422) and "json" in response.headers.get("content-type", ""):
        body = response.json()
        found += body.get("validation", []) if isinstance(body, dict) else []
    return found
