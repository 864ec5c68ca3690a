"""Remote test fixtures: the session's Prism mock of Remote's spec (JSON copy, fixed), and the fake."""

from __future__ import annotations

from typing import Any

import pytest
from pytest_httpserver import HTTPServer

from tests.connectors.remote.fake_remote import FakeRemote
from tests.contract.prism import PrismPool, PrismServer, prism  # noqa: F401 - re-exported fixture

REMOTE_SPEC = "remote/remote_openapi.yaml"


def fix_remote_spec(document: Any) -> None:
    """Spec fixes (temporary copy only; the JSON conversion for ``!!binary`` is the helper's own).

    1. ``ListEmploymentsResponse``'s example lacks the ``data`` wrapper its own schema (and every
       other list of the spec) has; Prism would serve ``{current_page, employments, …}`` at the top
       level. The example is wrapped in ``{"data": …}``; its content is unchanged.
    2. ``POST /auth/oauth2/token`` is declared as protected by the OAuth2 scheme itself, i.e. it
       would need a bearer token to obtain one; the copy's security requirement is removed there.
       Its request body (JSON) is still validated.
    3. That endpoint's answer, ``OAuth2Tokens``, lost its content in Konfig's copy (``{}``), so Prism
       answers ``{}``; it is pointed at the spec's own ``RefreshTokenResponse`` (access token,
       expiry, new refresh token).
    """
    schema = document["components"]["schemas"]["ListEmploymentsResponse"]
    example = schema.get("example")
    if isinstance(example, dict) and "data" not in example:
        schema["example"] = {"data": example}
    document["paths"]["/auth/oauth2/token"]["post"]["security"] = []
    if not document["components"]["schemas"].get("OAuth2Tokens"):
        document["components"]["schemas"]["OAuth2Tokens"] = {"$ref": "#/components/schemas/RefreshTokenResponse"}


@pytest.fixture(scope="session")
def remote_prism(prism: PrismPool) -> PrismServer:  # noqa: F811 - the imported fixture
    """Prism mock generated from Remote's OpenAPI spec (Konfig's copy, fixed), started once per session."""
    return prism.start(REMOTE_SPEC, fix_remote_spec)


@pytest.fixture
def fake_remote(httpserver: HTTPServer) -> tuple[FakeRemote, str]:
    """A fresh fake company on the local HTTP server, and its base URL."""
    fake = FakeRemote()
    return fake, fake.install(httpserver)
