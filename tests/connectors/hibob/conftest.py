"""HiBob test fixtures: the session's Prism mock of HiBob's own spec, and the local fake company."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest
from pytest_httpserver import HTTPServer

from tests.connectors.hibob.fake_hibob import FakeHiBob
from tests.contract.prism import PrismPool, PrismServer, prism  # noqa: F401 - re-exported fixture

HIBOB_SPEC = "hibob/hibob_public_api.yml"


def merge_fragmented_examples(spec: Any) -> None:
    """Spec fix (temporary copy only): HiBob's employee examples list ONE employee as single-key objects.

    ``/people/search`` and ``/people/{identifier}`` give ``{"employees": [{"fullName": …},
    {"displayName": …}, …, {"id": …}, {"firstName": …}]}``: thirteen fragments of one employee, which
    break the spec's own schema. The fix merges each example's fragments into the one employee they
    describe; no value is changed or added.
    """
    for operations in spec.get("paths", {}).values():
        for operation in operations.values() if isinstance(operations, Mapping) else []:
            for response in (operation.get("responses") or {}).values() if isinstance(operation, Mapping) else []:
                for media in (response.get("content") or {}).values() if isinstance(response, Mapping) else []:
                    for example in (media.get("examples") or {}).values() if isinstance(media, Mapping) else []:
                        value = example.get("value") if isinstance(example, Mapping) else None
                        employees = value.get("employees") if isinstance(value, Mapping) else None
                        if (
                            isinstance(employees, list)
                            and len(employees) > 1
                            and all(isinstance(e, Mapping) and len(e) == 1 for e in employees)
                        ):
                            merged: dict[str, Any] = {}
                            for fragment in employees:
                                merged.update(fragment)
                            value["employees"] = [merged]


@pytest.fixture(scope="session")
def hibob_prism(prism: PrismPool) -> PrismServer:  # noqa: F811 - the imported fixture
    """Prism mock generated from HiBob's own OpenAPI spec (JSON copy, fragmented examples merged), once per session."""
    return prism.start(HIBOB_SPEC, fix=merge_fragmented_examples)


@pytest.fixture
def fake_hibob(httpserver: HTTPServer) -> tuple[FakeHiBob, str]:
    """A fresh fake company on the local HTTP server, and its base URL."""
    fake = FakeHiBob()
    return fake, fake.install(httpserver)
