"""Google test fixtures: the local fake of the token endpoint, Reports and Directory (ours: no spec exists)."""

from __future__ import annotations

import pytest
from pytest_httpserver import HTTPServer

from tests.connectors.google.fake_google import FakeGoogle


@pytest.fixture
def fake_google(httpserver: HTTPServer) -> tuple[FakeGoogle, str]:
    """A fresh fake Workspace customer on the local HTTP server, and its base URL."""
    fake = FakeGoogle()
    return fake, fake.install(httpserver)
