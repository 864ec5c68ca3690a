"""BambooHR test fixtures: the session's Prism mock of BambooHR's own spec, and the local fake."""

from __future__ import annotations

import pytest
from pytest_httpserver import HTTPServer
from werkzeug.serving import WSGIRequestHandler

from tests.connectors.bamboohr.fake_bamboohr import FakeBambooHR
from tests.contract.prism import PrismPool, PrismServer, prism  # noqa: F401 - re-exported fixture

BAMBOOHR_SPEC = "bamboohr/bamboohr_public.yaml"


@pytest.fixture(scope="session")
def bamboohr_prism(prism: PrismPool) -> PrismServer:  # noqa: F811 - the imported fixture
    """Prism mock generated from BambooHR's own OpenAPI spec (converted to JSON), started once per session."""
    return prism.start(BAMBOOHR_SPEC)


@pytest.fixture
def fake_bamboohr(httpserver: HTTPServer, monkeypatch: pytest.MonkeyPatch) -> tuple[FakeBambooHR, str]:
    """A fresh fake company on the local HTTP server, and its base URL.

    The server's ``Date`` header (written by ``http.server``, not by the handler) follows the fake's
    clock, so a test can tell which mark a sync took from BambooHR's clock.
    """
    fake = FakeBambooHR()
    monkeypatch.setattr(WSGIRequestHandler, "date_time_string", lambda _self, timestamp=None: fake.date_header())
    return fake, fake.install(httpserver)
