"""Deel test fixtures: the session's Prism mock of Deel's own spec, and the local fake."""

from __future__ import annotations

import pytest
from pytest_httpserver import HTTPServer

from tests.connectors.deel.fake_deel import FakeDeel
from tests.contract.prism import PrismPool, PrismServer, prism  # noqa: F401 - re-exported fixture

DEEL_SPEC = "deel/deel_openapi.yaml"


@pytest.fixture(scope="session")
def deel_prism(prism: PrismPool) -> PrismServer:  # noqa: F811 - the imported fixture
    """Prism mock generated from Deel's own OpenAPI spec, started once per session."""
    return prism.start(DEEL_SPEC)


@pytest.fixture
def fake_deel(httpserver: HTTPServer) -> tuple[FakeDeel, str]:
    """A fresh fake organization on the local HTTP server, and its base URL."""
    fake = FakeDeel()
    return fake, fake.install(httpserver)
