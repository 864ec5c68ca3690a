"""``deploy/vault/approle-example.sh`` and ``policy.hcl``, run as an operator would, against real OpenBao.

Real server: the session's ``bao server -dev`` (``conftest.py``); the script runs through ``/bin/sh``
with the ``bao`` CLI on PATH and the root token, then hiresentry logs in with what it printed.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import hvac
import pytest
from pydantic import SecretStr

from hiresentry.app.vault import VaultClient, VaultSettings
from hiresentry.core.errors import SecretResolutionError
from tests.app.vault.bao import ROOT_TOKEN, BaoServer, bao_binary

SCRIPT = Path(__file__).resolve().parents[3] / "deploy" / "vault" / "approle-example.sh"


def run_script(bao: BaoServer, **env: str) -> dict[str, str]:
    environ = {
        "PATH": f"{Path(bao_binary()).parent}{os.pathsep}{os.environ.get('PATH', '')}",
        "HOME": os.environ.get("HOME", "/tmp"),
        "BAO_ADDR": bao.url,
        "BAO_TOKEN": ROOT_TOKEN,
        **env,
    }
    sh = shutil.which("sh") or "/bin/sh"
    done = subprocess.run([sh, str(SCRIPT)], env=environ, capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    return dict(line.split("=", 1) for line in done.stdout.splitlines())


def test_the_example_creates_a_working_read_only_approle(bao: BaoServer) -> None:
    root = bao.root()
    root.secrets.kv.v2.create_or_update_secret(path="hiresentry/deel", secret={"token": "deel-x"}, mount_point="secret")
    root.secrets.kv.v2.create_or_update_secret(path="payroll/bank", secret={"key": "no"}, mount_point="secret")

    printed = run_script(bao)
    assert set(printed) == {"HIRESENTRY_VAULT_ROLE_ID", "HIRESENTRY_VAULT_SECRET_ID"}
    again = run_script(bao)  # idempotent: same role, a new secret id
    assert again["HIRESENTRY_VAULT_ROLE_ID"] == printed["HIRESENTRY_VAULT_ROLE_ID"]
    assert again["HIRESENTRY_VAULT_SECRET_ID"] != printed["HIRESENTRY_VAULT_SECRET_ID"]

    settings = VaultSettings(
        url=bao.url,
        auth_method="approle",
        role_id=SecretStr(printed["HIRESENTRY_VAULT_ROLE_ID"]),
        secret_id=SecretStr(printed["HIRESENTRY_VAULT_SECRET_ID"]),
    )
    client = VaultClient(settings)
    assert client.resolve("hiresentry/deel#token") == "deel-x"
    with pytest.raises(SecretResolutionError, match="Vault denied reading secret/payroll/bank"):
        client.resolve("payroll/bank#key")

    token = root.auth.token.lookup_accessor(client.accessor)["data"]
    assert token["policies"] == ["default", "hiresentry-read"]
    assert token["ttl"] > 3000  # token_ttl=1h from the script
    as_hiresentry = hvac.Client(url=bao.url, token=client._hvac.token)
    with pytest.raises(hvac.exceptions.Forbidden):
        as_hiresentry.secrets.kv.v2.create_or_update_secret(
            path="hiresentry/deel", secret={"token": "overwritten"}, mount_point="secret"
        )
    policy = root.sys.read_policy("hiresentry-read")["data"]["rules"]
    assert policy == (SCRIPT.parent / "policy.hcl").read_text()
