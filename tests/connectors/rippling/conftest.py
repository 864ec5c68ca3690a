"""Rippling test fixtures: Prism mocks of Rippling's two specs (one each per session), and the fake."""

from __future__ import annotations

from typing import Any

import pytest
from pytest_httpserver import HTTPServer

from tests.connectors.rippling.fake_rippling import FakeRippling
from tests.contract.prism import PrismPool, PrismServer, prism  # noqa: F401 - re-exported fixture

LEGACY_SPEC = "rippling/rippling_platform_v1_legacy.yaml"
REST_SPEC = "rippling/rippling_rest_api.yaml"

REST_WORKERS_EXAMPLE: dict[str, Any] = {
    "__meta": {"redacted_fields": [{"name": "date_of_birth", "reason": "Insufficient entitlements"}]},
    "results": [
        {
            "id": "64d2a1c0f1e9a40011223344",
            "created_at": "2024-08-08T17:02:08.000Z",
            "updated_at": "2026-02-11T09:30:00.000Z",
            "user_id": "64d2a1c0f1e9a40011229988",
            "user": {
                "id": "64d2a1c0f1e9a40011229988",
                "created_at": "2024-08-08T17:02:08.000Z",
                "updated_at": "2026-02-11T09:30:00.000Z",
                "active": True,
                "name": {"given_name": "Mina", "family_name": "Sato", "preferred_given_name": "Mina"},
                "display_name": "Mina Sato",
                "emails": [{"value": "mina.sato@example.com", "type": "HOME"}],
                "phone_numbers": [{"value": "+14155550176", "type": "MOBILE"}],
                "addresses": [
                    {
                        "type": "HOME",
                        "street_address": "500 Howard St",
                        "locality": "San Francisco",
                        "region": "CA",
                        "postal_code": "94105",
                        "country": "US",
                    }
                ],
                "timezone": "America/Los_Angeles",
            },
            "country": "US",
            "start_date": "2024-09-01",
            "work_email": "mina@acme.example",
            "status": "ACTIVE",
            "employment_type_id": "64d2a1c0f1e9a4001122aaaa",
            "employment_type": {
                "id": "64d2a1c0f1e9a4001122aaaa",
                "created_at": "2024-01-01T00:00:00.000Z",
                "updated_at": "2024-01-01T00:00:00.000Z",
                "label": "Contractor",
                "type": "CONTRACTOR",
            },
            "title": "Data Engineer",
        }
    ],
}
"""Our own realistic ``/workers`` answer (the REST spec has no examples; see ``add_workers_example``)."""


def add_workers_example(document: Any) -> None:
    """Spec fix (temporary copy only): give ``GET /workers`` a realistic example answer.

    The REST spec carries no examples, so Prism invents placeholders (``"string"`` for dates and
    emails) and a ``next_link`` of ``http://example.com``, another origin our client refuses to send
    credentials to. The example added here is **ours** (a one-page answer shaped by the spec's
    ``Worker`` and ``User`` schemas); request validation is untouched.
    """
    content = document["paths"]["/workers"]["get"]["responses"]["200"]["content"]["application/json"]
    content["example"] = REST_WORKERS_EXAMPLE


@pytest.fixture(scope="session")
def legacy_prism(prism: PrismPool) -> PrismServer:  # noqa: F811 - the imported fixture
    """Prism mock of Rippling's official legacy Platform API spec (loads as is), once per session."""
    return prism.start(LEGACY_SPEC)


@pytest.fixture(scope="session")
def rest_prism(prism: PrismPool) -> PrismServer:  # noqa: F811 - the imported fixture
    """Prism mock of the REST API spec (with our example answer for /workers), once per session."""
    return prism.start(REST_SPEC, add_workers_example)


@pytest.fixture
def fake_rippling(httpserver: HTTPServer) -> tuple[FakeRippling, str, str]:
    """A fresh fake company on the local HTTP server, with its legacy and REST base URLs."""
    fake = FakeRippling()
    legacy, rest = fake.install(httpserver)
    return fake, legacy, rest
