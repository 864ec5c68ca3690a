"""Kubernetes auth against a real OpenBao, whose token reviewer is a local fake of the Kubernetes API.

OpenBao's kubernetes auth method checks a pod's service-account JWT by POSTing it to the cluster's
``/apis/authentication.k8s.io/v1/tokenreviews``. There is no cluster here, so that one endpoint is a
stateful local fake (pytest-httpserver) speaking the TokenReview wire format; everything else is the
real OpenBao dev server (``conftest.py``) with the real kubernetes auth method configured to use the
fake as ``kubernetes_host``. The JWT is unsigned-in-effect (OpenBao verifies it through the
TokenReview, not a public key, when none is configured), so the test can mint one.
"""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import hvac
import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from hiresentry.app.vault import KUBERNETES_JWT_PATH, VaultClient, VaultSettings
from hiresentry.core.errors import SecretResolutionError
from tests.app.vault.bao import BaoServer

NAMESPACE, ACCOUNT, UID = "hr", "hiresentry", "6b1c0f9e-uid"
# Any parseable PEM satisfies OpenBao's config check; with an http:// host it is never used.
FAKE_CA = """-----BEGIN CERTIFICATE-----
MIIBkjCCATegAwIBAgIUS3vmvgUX3bK6Hb3xi4101aJUFnMwCgYIKoZIzj0EAwIw
HTEbMBkGA1UEAwwSZmFrZS1rdWJlcm5ldGVzLWNhMCAXDTI2MTEyNTE5MTIxN1oY
DzIxMjYxMTAxMTkxMjE3WjAdMRswGQYDVQQDDBJmYWtlLWt1YmVybmV0ZXMtY2Ew
WTATBgcqhkjOPQIBBggqhkjOPQMBBwNCAATo0kM/E3B4V0EfMj9PUEe8RhbOPWrK
YJMu0HB0EQyHZTe5AeHPoxs8WXjimrkAmZednpecRqxR5U8MWXAyRpEVo1MwUTAd
BgNVHQ4EFgQU6+PIf6hjBkhStwQos6t2amXcHNIwHwYDVR0jBBgwFoAU6+PIf6hj
BkhStwQos6t2amXcHNIwDwYDVR0TAQH/BAUwAwEB/zAKBggqhkjOPQQDAgNJADBG
AiEA2wq2TPMaiATNSC/gtRHdzP5ooVdxH/qjvHbtCaIk9hoCIQC8700WwGeWGsYI
w5i16aseki31d8qG4hW/YV2fr2Mk4Q==
-----END CERTIFICATE-----
"""


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def service_account_jwt(serial: int) -> str:
    """A JWT shaped like a legacy service-account token (RS256 header; the signature is not checked)."""
    claims = {
        "iss": "kubernetes/serviceaccount",
        "sub": f"system:serviceaccount:{NAMESPACE}:{ACCOUNT}",
        "kubernetes.io/serviceaccount/namespace": NAMESPACE,
        "kubernetes.io/serviceaccount/service-account.name": ACCOUNT,
        "kubernetes.io/serviceaccount/service-account.uid": UID,
        "kubernetes.io/serviceaccount/secret.name": f"{ACCOUNT}-token-{serial}",
    }
    header = {"alg": "RS256", "typ": "JWT", "kid": "fake"}
    return ".".join([_b64(json.dumps(header).encode()), _b64(json.dumps(claims).encode()), _b64(b"s" * 64)])


class FakeTokenReviewer:
    """The Kubernetes TokenReview API: tokens it issued are authenticated; revoked ones are not."""

    def __init__(self) -> None:
        self.valid: set[str] = set()
        self.reviewed: list[str] = []

    def issue(self, serial: int) -> str:
        token = service_account_jwt(serial)
        self.valid.add(token)
        return token

    def handle(self, request: Request) -> Response:
        body: dict[str, Any] = request.get_json()
        token = body["spec"]["token"]
        self.reviewed.append(token)
        status: dict[str, Any] = {"authenticated": False, "error": "token is invalid"}
        if token in self.valid:
            status = {
                "authenticated": True,
                "user": {
                    "username": f"system:serviceaccount:{NAMESPACE}:{ACCOUNT}",
                    "uid": UID,
                    "groups": ["system:serviceaccounts", f"system:serviceaccounts:{NAMESPACE}"],
                },
            }
        review = {"kind": "TokenReview", "apiVersion": "authentication.k8s.io/v1", "spec": {}, "status": status}
        return Response(json.dumps(review), status=201, content_type="application/json")


@pytest.fixture
def kubernetes(bao: BaoServer, httpserver: HTTPServer) -> FakeTokenReviewer:
    reviewer = FakeTokenReviewer()
    httpserver.expect_request("/apis/authentication.k8s.io/v1/tokenreviews", method="POST").respond_with_handler(
        reviewer.handle
    )
    root = bao.root()
    if "kubernetes/" not in root.sys.list_auth_methods()["data"]:
        root.sys.enable_auth_method(method_type="kubernetes")
    root.auth.kubernetes.configure(
        kubernetes_host=httpserver.url_for("").rstrip("/"), kubernetes_ca_cert=FAKE_CA, disable_local_ca_jwt=True
    )
    root.sys.create_or_update_policy(name="k8s-read", policy='path "secret/data/k8s/*" { capabilities = ["read"] }')
    root.auth.kubernetes.create_role(
        name="hiresentry",
        bound_service_account_names=[ACCOUNT],
        bound_service_account_namespaces=[NAMESPACE],
        policies=["k8s-read"],
        ttl="1h",
    )
    root.secrets.kv.v2.create_or_update_secret(path="k8s/slack", secret={"token": "xoxb-k8s"}, mount_point="secret")
    return reviewer


def test_default_jwt_path_is_the_pods_service_account_token() -> None:
    settings = VaultSettings(url="https://vault.example", auth_method="kubernetes", kubernetes_role="hiresentry")
    assert settings.kubernetes_jwt_path == KUBERNETES_JWT_PATH
    assert str(KUBERNETES_JWT_PATH) == "/var/run/secrets/kubernetes.io/serviceaccount/token"
    assert settings.login_mount == "kubernetes"


def test_kubernetes_login_with_the_role_and_the_jwt_from_the_file(
    bao: BaoServer, kubernetes: FakeTokenReviewer, tmp_path: Path
) -> None:
    jwt_file = tmp_path / "token"
    jwt_file.write_text(kubernetes.issue(1) + "\n")
    settings = VaultSettings(
        url=bao.url, auth_method="kubernetes", kubernetes_role="hiresentry", kubernetes_jwt_path=jwt_file
    )
    client = VaultClient(settings)
    assert client.resolve("k8s/slack#token") == "xoxb-k8s"
    assert kubernetes.reviewed == [jwt_file.read_text().strip()]  # OpenBao asked the cluster about our JWT
    assert client.accessor is not None
    policies = bao.root().auth.token.lookup_accessor(client.accessor)["data"]["policies"]
    assert policies == ["default", "k8s-read"]


def test_a_rotated_service_account_token_is_read_again_at_relogin(
    bao: BaoServer, kubernetes: FakeTokenReviewer, tmp_path: Path
) -> None:
    jwt_file = tmp_path / "token"
    jwt_file.write_text(kubernetes.issue(1))
    client = VaultClient(
        VaultSettings(url=bao.url, auth_method="kubernetes", kubernetes_role="hiresentry", kubernetes_jwt_path=jwt_file)
    )
    client.login()
    # The kubelet rotates the projected token and the old one stops being valid; Vault revokes ours.
    kubernetes.valid.clear()
    jwt_file.write_text(kubernetes.issue(2))
    bao.root().auth.token.revoke_accessor(client.accessor)
    assert client.resolve("k8s/slack#token") == "xoxb-k8s"
    assert client.logins == 2
    assert kubernetes.reviewed[-1] == service_account_jwt(2)


def test_a_role_the_account_is_not_bound_to_is_refused(
    bao: BaoServer, kubernetes: FakeTokenReviewer, tmp_path: Path
) -> None:
    root = bao.root()
    root.auth.kubernetes.create_role(
        name="other", bound_service_account_names=["someone-else"], bound_service_account_namespaces=["x"]
    )
    jwt_file = tmp_path / "token"
    jwt_file.write_text(kubernetes.issue(3))
    client = VaultClient(
        VaultSettings(url=bao.url, auth_method="kubernetes", kubernetes_role="other", kubernetes_jwt_path=jwt_file)
    )
    with pytest.raises(
        SecretResolutionError, match=r"Vault kubernetes login at auth/kubernetes on .* failed"
    ) as raised:
        client.resolve("k8s/slack#token")
    assert service_account_jwt(3) not in str(raised.value)
    with pytest.raises(hvac.exceptions.VaultError):  # the same refusal, straight from hvac
        hvac.Client(url=bao.url).auth.kubernetes.login(role="other", jwt=service_account_jwt(3))


def test_missing_jwt_file_names_it(tmp_path: Path) -> None:
    settings = VaultSettings(
        url="https://vault.example",
        auth_method="kubernetes",
        kubernetes_role="hiresentry",
        kubernetes_jwt_path=tmp_path / "nope",
    )
    with pytest.raises(SecretResolutionError, match=r"cannot read the Kubernetes service-account JWT file .*nope"):
        VaultClient(settings).resolve("k8s/slack#token")
