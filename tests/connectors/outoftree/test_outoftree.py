"""A third-party connector package, built and installed the ordinary way, is found like a built-in one.

``pkg/`` is a complete pyproject package (``hiresentry-acme-hr``) whose only link to hiresentry is
an entry point in the ``hiresentry.connectors`` group. The test builds it with pip (``--no-deps``,
build isolation as for any sdist) into a temporary ``--target`` folder and puts that folder on
``sys.path`` for the test only, so the shared virtualenv is never modified. Then ``connectors list``
must show it, and the connector must check, sync into the real SQLite store and verify webhooks
against a local fake of its API (pytest-httpserver).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from pydantic import SecretStr
from pytest_httpserver import HTTPServer
from typer.testing import CliRunner
from werkzeug import Request, Response

from hiresentry.app.connectors_cli import connectors_app
from hiresentry.connectors.base import Runtime, WebhookRequest, sync
from hiresentry.connectors.base.registry import available, connector_class
from hiresentry.core.store import Store

PACKAGE = Path(__file__).with_name("pkg")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The package installed into a private folder (built from a copy: setuptools writes into the tree)."""
    work = tmp_path_factory.mktemp("outoftree")
    source = work / "src"
    shutil.copytree(PACKAGE, source, ignore=shutil.ignore_patterns("build", "*.egg-info", "__pycache__"))
    target = work / "site"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--no-deps",
            "-q",
            "--disable-pip-version-check",
            "--target",
            str(target),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    return target


@pytest.fixture
def installed(site: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.syspath_prepend(str(site))
    return site


def test_the_package_is_not_visible_without_its_path() -> None:
    assert "acme-hr" not in available()


def test_connectors_list_shows_the_installed_package(installed: Path) -> None:
    result = CliRunner().invoke(connectors_app, ["list", "--json"])
    assert result.exit_code == 0, result.output
    rows = {row["name"]: row for row in json.loads(result.output)}
    assert {"deel", "export", "acme-hr"} <= set(rows)
    acme = rows["acme-hr"]
    assert acme["target"] == "hiresentry_acme_hr:AcmeHrConnector"
    assert acme["record_kinds"] == ["workers"] and acme["auth"] == "bearer"
    assert acme["webhook"] == "acme-hmac" and acme["webhook_scheme"] == "X-Acme-Signature: hex HMAC-SHA256(body)"

    table = CliRunner().invoke(connectors_app, ["list"])
    assert table.exit_code == 0 and "acme-hr" in table.output


def test_the_third_party_connector_checks_syncs_and_verifies(
    installed: Path, httpserver: HTTPServer, store: Store
) -> None:
    people = [{"id": n, "name": f"Employee {n}", "email": f"e{n}@acme.example"} for n in range(1, 6)]

    def employees(request: Request) -> Response:
        page, per = int(request.args["page"]), int(request.args["per_page"])
        body = {"employees": people[(page - 1) * per : page * per]}
        return Response(json.dumps(body), content_type="application/json")

    headers = {"Authorization": "Bearer acme-token-123456", "Acme-Version": "2026-01-01"}
    httpserver.expect_request("/v2/me", headers=headers).respond_with_json({"id": "me"})
    httpserver.expect_request("/v2/employees", headers=headers).respond_with_handler(employees)

    cls = connector_class("acme-hr")
    raw = {
        "base_url": httpserver.url_for("/v2"),
        "token": SecretStr("acme-token-123456"),
        "webhook_secret": SecretStr("acme-webhook-secret"),
        "page_size": 2,
        "rate_limit_per_second": 1_000_000,
    }
    connector = cls.from_config("acme", raw, Runtime(sleep=lambda _s: None))
    assert connector.check().ok
    report = sync(connector, store)
    assert report.written == {"workers": 5} and report.batches == 3

    verifier = connector.webhook_verifier()
    assert verifier is not None
    body = b'{"changed":"employee"}'
    signature = hmac.new(b"acme-webhook-secret", body, hashlib.sha256).hexdigest()
    request = WebhookRequest(body, {"X-Acme-Signature": signature, "X-Acme-Event": "evt-9"})
    assert verifier.verify(request, connector.runtime.now()).event_id == "evt-9"
