"""Gusto test fixtures: the session's Prism mock of Gusto's own spec, and the local stateful fake."""

from __future__ import annotations

from typing import Any

import pytest
from pytest_httpserver import HTTPServer

from tests.connectors.gusto.fake_gusto import FakeGusto
from tests.contract.prism import PrismPool, PrismServer, prism  # noqa: F401 - re-exported fixture

GUSTO_SPEC = "gusto/gusto_embedded_v2025-06-15.openapi.yaml"


def promote_x_examples(document: Any) -> None:
    """Spec fix (temporary copy only): serve Gusto's own schema examples.

    Gusto keeps its example payloads in ``x-examples`` on the component schemas, which Prism does
    not read; without this fix Prism answers with placeholders (``"string"`` for dates and emails)
    that no real Gusto response contains. Each schema's first ``x-examples`` entry becomes its
    ``example``; nothing else changes, and request validation is untouched.
    """
    for schema in document.get("components", {}).get("schemas", {}).values():
        examples = schema.get("x-examples") if isinstance(schema, dict) else None
        if isinstance(examples, dict) and examples and "example" not in schema:
            first = next(iter(examples.values()))
            if isinstance(first, dict) and "value" in first and set(first) <= {"value", "summary", "description"}:
                first = first["value"]
            schema["example"] = first


@pytest.fixture(scope="session")
def gusto_prism(prism: PrismPool) -> PrismServer:  # noqa: F811 - the imported fixture
    """Prism mock generated from Gusto's own OpenAPI spec (with its x-examples served), once per session."""
    return prism.start(GUSTO_SPEC, promote_x_examples)


@pytest.fixture
def fake_gusto(httpserver: HTTPServer) -> tuple[FakeGusto, str]:
    """A fresh fake company on the local HTTP server, and its base URL."""
    fake = FakeGusto()
    return fake, fake.install(httpserver)
