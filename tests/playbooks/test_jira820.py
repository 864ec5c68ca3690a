"""Smoke test of ``jira.ensure_ticket`` against ``jira820``, a third-party stateful fake of Jira Data
Center 8.20.8 from PyPI (FastAPI + uvicorn), started as a subprocess on a free port: the action
works against a server nobody here wrote (create, find by label, comment, attach, transition).

jira820 does not enforce authentication; our own fake (tests/fakes/jira.py) covers that. Skipped
when jira820 is not installed (it is a dev dependency).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from pydantic import SecretStr

from hiresentry.core.cases.view import CaseView
from hiresentry.playbooks.actions.jira import EnsureTicket, EnsureTicketParams, JiraSettings
from tests.playbooks.conftest import AuditLog, CaseFactory, ContextFactory

BINARY = shutil.which("jira820") or str(Path(sys.executable).with_name("jira820"))
pytestmark = pytest.mark.skipif(not Path(BINARY).exists(), reason="jira820 (dev dependency) is not installed")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def jira820_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    port = _free_port()
    env = {**os.environ, "JIRA820_PORT": str(port), "JIRA820_HOST": "127.0.0.1", "JIRA820_PROJECT_KEY": "SEC"}
    log = (tmp_path_factory.mktemp("jira820") / "server.log").open("w")
    process = subprocess.Popen([BINARY], env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):  # up to 30 s on a busy CI machine; 0.5 s usually
            try:
                if requests.get(f"{url}/rest/api/2/serverInfo", timeout=1).ok:
                    break
            except requests.ConnectionError:
                time.sleep(0.1)
        else:
            pytest.fail("jira820 did not start")
        yield url
    finally:
        process.terminate()
        process.wait(timeout=20)
        log.close()


def test_ensure_ticket_against_jira820(
    jira820_url: str, make_ctx: ContextFactory, make_case: CaseFactory, changed_case: CaseView, audit: AuditLog
) -> None:
    settings = JiraSettings(url=jira820_url, user="admin", token=SecretStr("admin"), max_retry_delay=0, timeout=10)
    params = EnsureTicketParams(project="SEC", labels=["hiresentry"], transition_on_close="Done")
    action = EnsureTicket(settings)
    case = make_case()

    first = action.execute(make_ctx(case), params)
    again = action.execute(make_ctx(case), params)  # write-back lost: found by its label, not re-created
    assert again["issue_key"] == first["issue_key"]
    second = action.execute(make_ctx(changed_case, prior=first, prior_digest=case.evidence_digest), params)
    closed = action.execute(
        make_ctx(make_case(status="closed", digest="digest-v2"), prior=second, prior_digest="digest-v2"), params
    )

    key = first["issue_key"]
    issue = requests.get(f"{jira820_url}/rest/api/2/issue/{key}", timeout=10).json()
    fields = issue["fields"]
    assert "hiresentry-hs-3f2a9c1d" in fields["labels"]
    assert "PAY-SHARED-ACCOUNT" in (fields.get("description") or "")
    comments = requests.get(f"{jira820_url}/rest/api/2/issue/{key}/comment", timeout=10).json()["comments"]
    assert len(comments) == 1 and "SHIP-ADDR-NOT-HOME" in comments[0]["body"]
    reports = [a for a in fields.get("attachment") or [] if a["filename"] == "hiresentry-hs-3f2a9c1d.md"]
    assert len(reports) == 1  # replaced, not piled up
    search = requests.get(
        f"{jira820_url}/rest/api/2/search", params={"jql": 'labels = "hiresentry-hs-3f2a9c1d"'}, timeout=10
    ).json()
    assert search["total"] == 1
    assert closed["closed"] is True
    assert any(event in ("jira.transition", "jira.transition_unavailable") for event, _ in audit)
