"""Personio test fixtures: the Prism mock of the (third-party) v1 spec, the local fake, helpers."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import requests
from pydantic import SecretStr
from pytest_httpserver import HTTPServer

from hiresentry.connectors.base import Runtime
from hiresentry.connectors.base.token_store import TokenStore
from hiresentry.connectors.personio import PersonioConfig, PersonioConnector
from tests.connectors.personio.fake_personio import CLIENT_ID, CLIENT_SECRET, FakePersonio
from tests.contract.prism import PrismPool, PrismServer, prism, request_violations  # noqa: F401 - re-exported fixture

PERSONIO_SPEC = "personio/personio_personnel_v1.yaml"
NOW = dt.datetime(2025, 6, 1, 12, 0, tzinfo=dt.UTC)


class Sleeps(list[float]):
    """The delays the connector asked to sleep; rate-budget pacing (microseconds) filtered out."""

    def retries(self) -> list[float]:
        return [s for s in self if s >= 0.05]


def make(
    url: str,
    *,
    version: str = "v1",
    sleeps: list[float] | None = None,
    store: TokenStore | None = None,
    instance: str = "personio",
    sleep: Any = None,
    **overrides: Any,
) -> PersonioConnector:
    """A connector on the fake (``url`` is the server root; the version path is added here)."""
    raw = {
        "api_version": version,
        "base_url": f"{url}/{version}",
        "client_id": CLIENT_ID,
        "client_secret": SecretStr(CLIENT_SECRET),
        "rate_limit_per_second": 1_000_000,
        "page_size": 3,
        **overrides,
    }
    recorded = sleeps if sleeps is not None else Sleeps()
    runtime = Runtime(sleep=sleep or recorded.append, now=lambda: NOW, token_store=store, jitter=lambda: 1.0)
    return PersonioConnector.from_config(instance, raw, runtime)


@pytest.fixture(scope="session")
def personio_prism(prism: PrismPool) -> PrismServer:  # noqa: F811 - the imported fixture
    """Prism mock generated from the Personio v1 "Personnel Data" spec, started once per session."""
    return prism.start(PERSONIO_SPEC)


@pytest.fixture
def fake_personio(httpserver: HTTPServer) -> tuple[FakePersonio, str]:
    """A fresh fake company on the local HTTP server, and the server's root URL."""
    fake = FakePersonio()
    return fake, fake.install(httpserver)


def config(**overrides: Any) -> PersonioConfig:
    """A valid config for pure tests."""
    raw = {"client_id": CLIENT_ID, "client_secret": SecretStr(CLIENT_SECRET), **overrides}
    return PersonioConfig.model_validate(raw)


class RecordingSession(requests.Session):
    """A session that keeps every response, so a contract test can read Prism's verdict headers."""

    def __init__(self) -> None:
        super().__init__()
        self.responses: list[requests.Response] = []
        self.hooks["response"].append(self._keep)

    def _keep(self, response: requests.Response, *args: Any, **kwargs: Any) -> None:
        self.responses.append(response)


def request_problems(response: requests.Response) -> list[Any]:
    """Prism's verdict on our request: ``sl-violations`` of the request, or a 4xx problem's ``validation``."""
    found: list[Any] = request_violations(response)
    if response.status_code in (400, 422) and "json" in response.headers.get("content-type", ""):
        body = response.json()
        found += body.get("validation", []) if isinstance(body, dict) else []
    return found
