"""``connectors list`` and ``check NAME`` through Typer's CliRunner, against real config files and a
local HTTP server standing in for Deel's ``/people`` (pytest-httpserver)."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest
import yaml
from pytest_httpserver import HTTPServer
from typer.testing import CliRunner

from hiresentry.app.connectors_cli import connectors_app

TOKEN = "deel-cli-token-0123456"


@pytest.fixture(autouse=True)
def environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("HIRESENTRY_CONFIG",):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HIRESENTRY_HMAC_KEY", "cli-test-key-0123456789abcdef")
    monkeypatch.setenv("DEEL_TOKEN", TOKEN)


def config_file(tmp_path: Path, base_url: str, **extra: object) -> Path:
    source = {
        "name": "acme-deel",
        "connector": "deel",
        "config": {"base_url": base_url, "token": "env:DEEL_TOKEN", "max_attempts": 1, **extra},
    }
    path = tmp_path / "hiresentry.yaml"
    path.write_text(yaml.safe_dump({"sources": [source]}), encoding="utf-8")
    return path


def test_list_shows_the_built_in_connectors() -> None:
    result = CliRunner().invoke(connectors_app, ["list", "--json"])
    assert result.exit_code == 0, result.output
    rows = {row["name"]: row for row in json.loads(result.output)}
    deel = rows["deel"]
    assert deel["record_kinds"] == ["workers", "engagements", "payout_accounts", "payments"]
    assert (deel["auth"], deel["webhook"], deel["capabilities"], deel["manual_hold"]) == ("bearer", "deel", [], True)
    assert deel["webhook_scheme"].startswith("x-deel-signature")
    assert rows["export"]["auth"] == "none" and rows["export"]["webhook"] is None

    table = CliRunner().invoke(connectors_app, ["list"], env={"COLUMNS": "200"})
    assert table.exit_code == 0
    assert "deel" in table.output and "manual hold task" in table.output


def test_check_ok(tmp_path: Path, httpserver: HTTPServer) -> None:
    httpserver.expect_request("/rest/v2/people", headers={"Authorization": f"Bearer {TOKEN}"}).respond_with_json(
        {"data": [], "page": {"total_rows": 0}}
    )
    path = config_file(tmp_path, httpserver.url_for("/rest/v2"))
    result = CliRunner().invoke(connectors_app, ["check", "acme-deel", "--config", str(path)])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("ok acme-deel (deel)")


def test_check_failure_prints_the_stable_code(tmp_path: Path, httpserver: HTTPServer) -> None:
    httpserver.expect_request("/rest/v2/people").respond_with_json({"message": "Invalid token"}, status=401)
    path = config_file(tmp_path, httpserver.url_for("/rest/v2"))
    result = CliRunner().invoke(connectors_app, ["check", "acme-deel", "--config", str(path), "--json"])
    assert result.exit_code == 1
    document = json.loads(result.output)
    assert (document["source"], document["ok"], document["code"]) == ("acme-deel", False, "invalid_auth")
    assert TOKEN not in result.output


def test_check_cannot_connect(tmp_path: Path) -> None:
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    path = config_file(tmp_path, f"http://127.0.0.1:{port}/rest/v2")
    result = CliRunner().invoke(connectors_app, ["check", "acme-deel", "-c", str(path)])
    assert result.exit_code == 1
    assert result.output.startswith("cannot_connect acme-deel (deel)")


@pytest.mark.parametrize(
    ("name", "extra", "message"),
    [
        ("nope", {}, "no source named 'nope' in the config (sources: acme-deel)"),
        ("acme-deel", {"page_size": 0}, "page_size"),
        ("acme-deel", {"token": "env:MISSING_TOKEN"}, "MISSING_TOKEN is not set"),
    ],
)
def test_configuration_problems_exit_2(tmp_path: Path, name: str, extra: dict[str, object], message: str) -> None:
    path = config_file(tmp_path, "https://api.letsdeel.com/rest/v2", **extra)
    result = CliRunner().invoke(connectors_app, ["check", name, "--config", str(path)])
    assert result.exit_code == 2
    assert message in " ".join(result.output.split())  # rich may wrap the line
