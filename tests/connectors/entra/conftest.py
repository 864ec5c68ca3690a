"""Entra test fixtures: the local fake of the token endpoint and Microsoft Graph (ours: no spec exists)."""

from __future__ import annotations

import pytest
from pytest_httpserver import HTTPServer

from tests.connectors.entra.fake_graph import FakeGraph


@pytest.fixture
def fake_graph(httpserver: HTTPServer) -> tuple[FakeGraph, str]:
    """A fresh fake tenant on the local HTTP server, and the URL of its token endpoint and Graph."""
    fake = FakeGraph()
    return fake, fake.install(httpserver)
