"""Workday test fixtures: the session's Prism mock of the staffing v6 spec, and the local fake tenant."""

from __future__ import annotations

import pytest
from pytest_httpserver import HTTPServer

from tests.connectors.workday.fake_workday import FakeWorkday
from tests.contract.prism import PrismPool, PrismServer, prism  # noqa: F401 - re-exported fixture

WORKDAY_SPEC = "workday/workday_staffing_v6.yaml"


@pytest.fixture(scope="session")
def workday_prism(prism: PrismPool) -> PrismServer:  # noqa: F811 - the imported fixture
    """Prism mock generated from Workday's staffing v6 OpenAPI spec (Konfig's public copy), once per session."""
    return prism.start(WORKDAY_SPEC)


@pytest.fixture
def fake_workday(httpserver: HTTPServer) -> tuple[FakeWorkday, str]:
    """A fresh fake tenant on the local HTTP server, and the server's origin."""
    fake = FakeWorkday()
    return fake, fake.install(httpserver)
