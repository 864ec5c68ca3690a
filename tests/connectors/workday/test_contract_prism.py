"""Workday REST connector against a Prism mock generated from Workday's staffing v6 OpenAPI spec.

The spec is ``shared/specs/workday/workday_staffing_v6.yaml``: Workday publishes its REST specs only
inside Workday Community, so this is Konfig's public copy of Workday's own "staffing v6" document
(converted to JSON at test time). The real ``WorkdayConnector`` with real ``requests`` talks to
``prism mock``; Prism checks every request against the spec (``limit``/``offset`` as integers,
``includeTerminatedWorkers`` as a boolean, path parameters) and no response may carry a *request*
violation in ``sl-violations``.

What the spec makes impossible to assert here (and where it is tested instead):

- **RaaS reports have no spec at all**: every report test runs against our own fake
  (``test_wire.py``), which says so.
- **The static example is empty**: ``/workers`` answers ``{"total": 0, "data": [null, null]}``, a
  body that breaks the spec's own schema; the nulls become problems. With ``Prefer: dynamic=true``
  Prism builds workers from the schema instead, with random text (an ``email`` of ``"in"`` is not an
  address), so those runs assert invariants: jobs belong to generated workers, items without a
  ``workerId`` are refused with that cause.
- **Paging and throttling** need a stateful server (``test_wire.py``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any
from urllib.parse import unquote

import pytest
import requests
from pydantic import SecretStr

from hiresentry.connectors.base import Runtime
from hiresentry.connectors.base.token_store import MemoryTokenStore, TokenSet
from hiresentry.connectors.workday import WorkdayConnector
from hiresentry.core.model import Engagement, Worker
from tests.contract.prism import PrismServer, request_violations, violations

pytestmark = pytest.mark.contract


class RecordingSession(requests.Session):
    """A session that keeps every response, so the test can read Prism's verdict headers."""

    def __init__(self, prefer: str | None = None) -> None:
        super().__init__()
        self.responses: list[requests.Response] = []
        self.hooks["response"].append(self._keep)
        if prefer:
            self.headers["Prefer"] = prefer

    def _keep(self, response: requests.Response, *args: Any, **kwargs: Any) -> None:
        self.responses.append(response)


def connector(server: PrismServer, session: requests.Session, **overrides: Any) -> WorkdayConnector:
    tokens = MemoryTokenStore()
    tokens.put("workday", TokenSet(SecretStr("prism-access-token")), dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    raw = {
        "host": "tenant.example.com",
        "tenant": "acme",
        "rest_base_url": server.url,
        "client_id": "wd-client",
        "client_secret": SecretStr("prism-client-secret"),
        "rate_limit_per_second": 1000,
        **overrides,
    }
    return WorkdayConnector.from_config(
        "workday", raw, Runtime(session=session, sleep=lambda _s: None, token_store=tokens)
    )


@pytest.fixture
def session() -> Iterator[RecordingSession]:
    with RecordingSession() as s:
        yield s


def assert_request_contract_held(session: RecordingSession) -> None:
    assert session.responses, "no request reached Prism"
    for response in session.responses:
        path = response.request.path_url
        assert request_violations(response) == [], f"{path} broke the staffing v6 request contract"
        assert response.status_code == 200, f"{path} → {response.status_code}: {violations(response)}"


def test_check_passes(workday_prism: PrismServer, session: RecordingSession) -> None:
    result = connector(workday_prism, session).check()
    assert result.ok, result.message
    assert [r.request.path_url for r in session.responses] == ["/workers?limit=1&offset=0"]
    assert_request_contract_held(session)


def test_the_spec_example_page_yields_problems_not_guesses(
    workday_prism: PrismServer, session: RecordingSession
) -> None:
    (batch,) = connector(workday_prism, session).read({})
    assert [r.request.path_url for r in session.responses] == [
        "/workers?includeTerminatedWorkers=true&limit=100&offset=0"
    ]
    assert batch.records == []
    assert [p.reason for p in batch.problems] == ["item is not a JSON object"] * 2
    assert_request_contract_held(session)


def test_schema_generated_workers_yield_their_jobs(workday_prism: PrismServer) -> None:
    with RecordingSession(prefer="dynamic=true") as session:
        batches = list(
            connector(workday_prism, session, include_terminated=False, page_size=50, reports=_identity_report()).read(
                {"identity": _finished()}
            )
        )
    listed = [
        item for r in session.responses if r.request.path_url.startswith("/workers?") for item in r.json()["data"]
    ]
    items = [i for i in listed if isinstance(i, dict)]
    named = [i for i in items if isinstance(i.get("workerId"), str) and i["workerId"].strip()]
    records = [r for b in batches for r in b.records]
    problems = [p for b in batches for p in b.problems]
    # Random data, so invariants only: jobs belong to generated workers (random job ids may collide,
    # so not "one per job"); an item without a workerId is refused with that cause; no identities
    # come from REST when a workers report is configured.
    engaged = {e.worker_remote_id for e in records if isinstance(e, Engagement)}
    assert engaged <= {i["workerId"].strip() for i in named}
    assert len(problems) <= len(listed) - len(named)
    assert all("workerId" in p.reason for p in problems)
    assert not any(isinstance(r, Worker) for r in records)
    read_dates = {
        unquote(r.request.path_url.split("/")[2]) for r in session.responses if "/serviceDates" in r.request.path_url
    }
    assert read_dates <= {str(i.get("id")).strip() for i in named}
    assert session.responses[0].request.path_url.startswith("/workers?includeTerminatedWorkers=false")
    assert_request_contract_held(session)


def _identity_report() -> list[dict[str, Any]]:
    return [{"name": "identity", "path": "ISU/Identity", "kind": "workers"}]


def _finished() -> str:
    """A cursor saying the (unspecified, so untestable here) RaaS stream finished its current pass."""
    return '{"pass": 1, "next": null, "done": true}'


@pytest.mark.parametrize(
    ("status", "code"),
    [(401, "invalid_auth"), (403, "forbidden_scope"), (429, "rate_limited"), (500, "cannot_connect")],
)
def test_declared_error_responses_map_to_check_codes(workday_prism: PrismServer, status: int, code: str) -> None:
    """Prism serves the error ``/workers`` declares (or its ``default``) when asked with ``Prefer``."""
    with RecordingSession(prefer=f"code={status}") as session:
        result = connector(workday_prism, session, max_attempts=2).check()
    assert (result.ok, result.code) == (False, code)
    assert "prism-client-secret" not in result.message
    assert {r.status_code for r in session.responses} == {status}
