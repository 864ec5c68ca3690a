"""Okta test fixtures: the Prism mock of Okta's own spec (with its broken examples removed), the fake."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from pytest_httpserver import HTTPServer

from tests.connectors.okta.fake_okta import FakeOkta
from tests.contract.prism import PrismPool, PrismServer, prism  # noqa: F401 - re-exported fixture

OKTA_SPEC = "okta/okta_management-minimal.yaml"


def _has_ref(value: Any) -> bool:
    if isinstance(value, dict):
        return "$ref" in value or any(_has_ref(v) for v in value.values())
    if isinstance(value, list):
        return any(_has_ref(v) for v in value)
    return False


def strip_broken_examples(document: Any) -> None:
    """Okta's spec as Prism can load it: only the examples Prism chokes on are removed.

    Prism 5.14 refuses the published file because some example *values* contain ``$ref`` s
    (``#/definitions/base`` inside user-schema examples). Removed from the temporary copy: the
    ``components.examples`` whose value holds a ``$ref`` (5 user/group/app-user schema examples),
    the references to them that would dangle, and the 3 inline ``example`` values holding a ``$ref``.
    Every other example is kept, so the mock answers ``/api/v1/logs`` and ``/api/v1/users`` with
    Okta's own realistic payloads. (Stripping *every* example, as first researched, also works but
    leaves only schema-generated ``"string"`` values.)
    """
    examples: dict[str, Any] = document["components"]["examples"]
    for name in [n for n, v in examples.items() if _has_ref(v.get("value"))]:
        del examples[name]

    def walk(node: Any, parent: str | None = None) -> None:
        if isinstance(node, dict):
            if parent != "properties":
                if "example" in node and _has_ref(node["example"]):
                    del node["example"]
                named = node.get("examples")
                if isinstance(named, dict):
                    for key, value in list(named.items()):
                        target = value.get("$ref") if isinstance(value, dict) else None
                        if isinstance(target, str) and target.rsplit("/", 1)[-1] not in examples:
                            del named[key]
            for key, value in node.items():
                walk(value, key)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(document)


@pytest.fixture(scope="session")
def okta_prism(prism: PrismPool) -> PrismServer:  # noqa: F811 - the imported fixture
    """Prism mock generated from Okta's own Management API spec, started once per session."""
    return prism.start(OKTA_SPEC, strip_broken_examples)


@pytest.fixture
def fake_okta(httpserver: HTTPServer) -> tuple[FakeOkta, str]:
    """A fresh fake org on the local HTTP server, and its org URL."""
    fake = FakeOkta()
    return fake, fake.install(httpserver)


class Clock:
    """A settable clock for the connector and the fake (no test reads the wall clock)."""

    def __init__(self, now: dt.datetime) -> None:
        self.value = now

    def __call__(self) -> dt.datetime:
        return self.value
