"""Prism mocks built from vendors' own OpenAPI specs, for contract tests.

A contract test runs a real connector (real ``requests``) against ``prism mock`` of the vendor's
published spec: Prism answers with the spec's examples and validates every *request* against the
spec, reporting violations in the ``sl-violations`` response header. So the tests check the
vendor's contract, not our guesses about it.

- Specs are read from the shared spec folder (``HIRESENTRY_SPECS_DIR``, else a ``shared/specs``
  found walking up from this repository, else ``/work/shared/specs``) and are never modified:
  fixes Prism needs are applied to copies in a temporary folder.
- Fix applied: YAML specs are converted to JSON (Prism's YAML loader fails on openapi-generator's
  ``!!binary`` examples). Timestamps are kept as the strings the spec wrote, not re-rendered.
- One Prism process per spec per test session, on 127.0.0.1 and a free port, started without a
  shell (so the PID we hold is Prism's), and terminated by that PID at session end.

Use the session fixture :func:`prism` (import it into a ``conftest.py``) and call
``prism.start("deel/deel_openapi.yaml")``.
"""

from __future__ import annotations

import atexit
import base64
import json
import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.shared import shared_dir

HERE = Path(__file__).resolve().parent
PRISM_BIN = HERE / "node_modules" / ".bin" / "prism"
READY_MARK = "Prism is listening"


def specs_dir() -> Path:
    """The shared spec folder; fails (not skips) with a clear message if it cannot be found.

    A contract test that silently skips is a contract nobody checks.
    """
    env = os.environ.get("HIRESENTRY_SPECS_DIR")
    if env:
        path = Path(env).expanduser()
        if not path.is_dir():
            pytest.fail(f"HIRESENTRY_SPECS_DIR={env} is not a directory", pytrace=False)
        return path
    return shared_dir() / "specs"


_BaseLoader: Any = yaml.CSafeLoader if yaml.__with_libyaml__ else yaml.SafeLoader


class _SpecLoader(_BaseLoader):
    """YAML loader that keeps timestamps as written and turns ``!!binary`` into text."""


_SpecLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _binary_as_text(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> str:
    raw = base64.b64decode(str(loader.construct_scalar(node)))
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return base64.b64encode(raw).decode("ascii")


_SpecLoader.add_constructor("tag:yaml.org,2002:binary", _binary_as_text)


SpecFix = Callable[[Any], None]
"""Edits a loaded spec document in place (a vendor test's named fix, applied to the temporary copy only)."""


def spec_as_json(source: Path, out_dir: Path, fix: SpecFix | None = None) -> Path:
    """A JSON copy of ``source`` in ``out_dir`` that Prism can load, after ``fix`` if one is given.

    JSON specs without a fix are copied as-is.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / (source.stem + ".json")
    if source.suffix == ".json" and fix is None:
        target.write_bytes(source.read_bytes())
        return target
    with source.open("rb") as fh:
        document: Any = json.load(fh) if source.suffix == ".json" else yaml.load(fh, Loader=_SpecLoader)
    if fix is not None:
        fix(document)
    target.write_text(json.dumps(document), encoding="utf-8")
    return target


def free_port() -> int:
    """A TCP port on 127.0.0.1 that was free a moment ago."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _tail(path: Path, lines: int = 25) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


@dataclass
class PrismServer:
    """A running ``prism mock``: its base URL, process and log file."""

    spec: Path
    url: str
    process: subprocess.Popen[bytes]
    log_path: Path

    def log_tail(self, lines: int = 25) -> str:
        """The end of Prism's output, for failure messages."""
        return _tail(self.log_path, lines)

    def stop(self) -> None:
        """Terminate Prism by its PID (it needs a second or two), killing it if it lingers."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)


def start_prism(spec_json: Path, log_dir: Path, *, timeout: float = 60.0) -> PrismServer:
    """Start ``prism mock`` on ``spec_json`` and wait until it listens (or fail with its log tail)."""
    if not PRISM_BIN.exists():
        pytest.fail(f"Prism is not installed at {PRISM_BIN}: run `make prism`", pytrace=False)
    port = free_port()
    log_path = log_dir / f"prism-{spec_json.stem}-{port}.log"
    with log_path.open("wb") as log_file:
        process = subprocess.Popen(
            [str(PRISM_BIN), "mock", "-h", "127.0.0.1", "-p", str(port), str(spec_json)],
            stdout=log_file,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
    server = PrismServer(spec_json, f"http://127.0.0.1:{port}", process, log_path)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if READY_MARK in log_path.read_text(errors="replace"):
            return server
        if process.poll() is not None:
            pytest.fail(
                f"Prism exited with code {process.returncode} while loading {spec_json.name}:\n{server.log_tail()}",
                pytrace=False,
            )
        time.sleep(0.1)
    server.stop()
    pytest.fail(
        f"Prism did not report {READY_MARK!r} within {timeout:.0f}s for {spec_json.name}:\n{server.log_tail()}",
        pytrace=False,
    )


@dataclass
class PrismPool:
    """Prism servers of one test session, one per spec, started on first use."""

    work_dir: Path
    servers: dict[str, PrismServer] = field(default_factory=dict)

    def start(self, relative_spec: str, fix: SpecFix | None = None) -> PrismServer:
        """The running mock of ``<specs dir>/<relative_spec>``, starting it if needed.

        ``fix`` edits the temporary copy before Prism loads it (the first start of a spec decides);
        the shared spec is never changed.
        """
        server = self.servers.get(relative_spec)
        if server is not None and server.process.poll() is None:
            return server
        source = specs_dir() / relative_spec
        if not source.is_file():
            pytest.fail(f"spec {relative_spec} not found in {specs_dir()}", pytrace=False)
        spec_json = spec_as_json(source, self.work_dir / Path(relative_spec).parent, fix)
        server = self.servers[relative_spec] = start_prism(spec_json, self.work_dir)
        return server

    def stop_all(self) -> None:
        """Stop every server of the pool."""
        for server in self.servers.values():
            server.stop()
        self.servers.clear()


_POOL: PrismPool | None = None


@pytest.fixture(scope="session")
def prism() -> Iterator[PrismPool]:
    """The session's Prism servers (shared by every conftest that imports this fixture)."""
    global _POOL
    if _POOL is None:
        _POOL = PrismPool(Path(tempfile.mkdtemp(prefix="hiresentry-prism-")))
        atexit.register(_POOL.stop_all)  # in case the session dies before its teardown runs
    yield _POOL
    if _POOL is not None:
        _POOL.stop_all()
        shutil.rmtree(_POOL.work_dir, ignore_errors=True)
        _POOL = None


def violations(response: Any) -> list[dict[str, Any]]:
    """Prism's ``sl-violations`` of one response (empty list if none)."""
    raw = response.headers.get("sl-violations")
    return list(json.loads(raw)) if raw else []


def request_violations(response: Any) -> list[dict[str, Any]]:
    """Only the violations about our *request* (the vendor's own examples may break its schema)."""
    return [v for v in violations(response) if list(v.get("location") or [])[:1] == ["request"]]
