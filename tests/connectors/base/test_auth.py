"""Static auth adapters on the wire (pytest-httpserver): what each vendor style puts in which header.

The local server only answers when the expected header is present, so a wrong header name,
scheme word or encoding makes the request fail with 404/500 instead of passing silently.
"""

from __future__ import annotations

import base64
import logging

import pytest
from pydantic import SecretStr
from pytest_httpserver import HTTPServer

from hiresentry.connectors.base import (
    AuthChain,
    BasicAuth,
    BearerAuth,
    HeaderAuth,
    HttpClient,
    RetryPolicy,
    tenant_header,
    version_header,
)
from hiresentry.connectors.base.auth import secret_values
from hiresentry.core.errors import ConnectorAuthError

TOKEN = "tok-VERY-SECRET-123"


def client(server: HTTPServer, auth: object) -> HttpClient:
    return HttpClient("acme", server.url_for("/api"), auth=auth, retry=RetryPolicy(attempts=1), sleep=lambda _s: None)  # type: ignore[arg-type]


def test_bearer(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/api/x", headers={"Authorization": f"Bearer {TOKEN}"}).respond_with_json({"ok": 1})
    assert client(httpserver, BearerAuth(SecretStr(TOKEN))).get_json("/x") == {"ok": 1}


def test_basic_for_bamboohr_api_key_and_hibob_service_user(httpserver: HTTPServer) -> None:
    bamboo = "Basic " + base64.b64encode(f"{TOKEN}:x".encode()).decode()
    hibob = "Basic " + base64.b64encode(b"SERVICE-USER-ID:service-token-value").decode()
    httpserver.expect_request("/api/bamboo", headers={"Authorization": bamboo}).respond_with_json({"ok": 1})
    httpserver.expect_request("/api/hibob", headers={"Authorization": hibob}).respond_with_json({"ok": 2})
    assert client(httpserver, BasicAuth(SecretStr(TOKEN))).get_json("/bamboo") == {"ok": 1}
    service_user = BasicAuth("SERVICE-USER-ID", SecretStr("service-token-value"))
    assert client(httpserver, service_user).get_json("/hibob") == {"ok": 2}


@pytest.mark.parametrize(
    ("auth", "header", "value"),
    [
        (HeaderAuth("Freelancer-OAuth-V1", SecretStr(TOKEN)), "Freelancer-OAuth-V1", TOKEN),
        (HeaderAuth("Authorization", SecretStr(TOKEN), scheme="SSWS"), "Authorization", f"SSWS {TOKEN}"),
    ],
)
def test_custom_header_styles(httpserver: HTTPServer, auth: HeaderAuth, header: str, value: str) -> None:
    httpserver.expect_request("/api/x", headers={header: value}).respond_with_json({"ok": 1})
    assert client(httpserver, auth).get_json("/x") == {"ok": 1}


def test_credential_tenant_and_version_headers_together(httpserver: HTTPServer) -> None:
    expected = {
        "Authorization": f"Bearer {TOKEN}",
        "X-Account-Token": "acct-token-456789",
        "Finch-API-Version": "2020-09-17",
    }
    httpserver.expect_request("/api/x", headers=expected).respond_with_json({"ok": 1})
    auth = AuthChain(
        BearerAuth(SecretStr(TOKEN)),
        tenant_header("X-Account-Token", SecretStr("acct-token-456789")),
        version_header("Finch-API-Version", "2020-09-17"),
    )
    assert client(httpserver, auth).get_json("/x") == {"ok": 1}


def test_reprs_never_show_secrets() -> None:
    auths = [
        BearerAuth(SecretStr(TOKEN)),
        BasicAuth(SecretStr(TOKEN), SecretStr(TOKEN)),
        HeaderAuth("Authorization", SecretStr(TOKEN), scheme="SSWS"),
        AuthChain(tenant_header("X-Account-Token", SecretStr(TOKEN))),
    ]
    for auth in auths:
        assert TOKEN not in repr(auth)
    assert "2020-09-17" in repr(version_header("Finch-API-Version", "2020-09-17"))  # not a secret


def test_header_values_cannot_inject_lines() -> None:
    with pytest.raises(ValueError, match="line break"):
        HeaderAuth("X-Tenant", "a\r\nX-Evil: 1").value()
    with pytest.raises(ValueError, match="not a header name"):
        HeaderAuth("X Tenant", "a")


def test_adapter_secrets_are_masked_in_vendor_errors(httpserver: HTTPServer, caplog: pytest.LogCaptureFixture) -> None:
    # A vendor that echoes the credential back in its error text must not get it into our messages.
    httpserver.expect_request("/api/x").respond_with_json({"message": f"bad key {TOKEN}"}, status=401)
    caplog.set_level(logging.DEBUG)
    auth = AuthChain(HeaderAuth("Authorization", SecretStr(TOKEN), scheme="SSWS"), BasicAuth("u", "x"))
    assert [s.get_secret_value() for s in secret_values(auth)] == [TOKEN]  # "x"/"u" too short to mask
    with pytest.raises(ConnectorAuthError) as caught:
        client(httpserver, auth).get_json("/x")
    assert TOKEN not in str(caught.value)
    assert "[secret]" in str(caught.value)
    assert TOKEN not in caplog.text
