"""OktaConnector against a Prism mock generated from Okta's own Management API spec.

The spec is ``shared/specs/okta/okta_management-minimal.yaml`` (okta/okta-management-openapi-spec,
release 2026.06.3). Prism refuses it as published (``$ref`` s inside example values), so the test
loads a temporary JSON copy without those few examples (``conftest.strip_broken_examples``); the
shared file is never changed. The real ``OktaConnector`` with real ``requests`` talks to ``prism
mock``, which checks every request against the spec (paths, parameter names and types, the
``SSWS`` API-token scheme) and answers with Okta's own examples: the System Log's
``ListLogs`` sign-in and the users list's Alice Smith.

The request contract is asserted on every response: no *request* violation in ``sl-violations``.
Okta's own examples break Okta's response schemas (``actor.detailEntry: null``,
``postalCode: 10013`` as a number…); Prism reports those as *response* violations, which are
Okta's and checked only to be nothing else.

Not shown here (tested against our fake in ``test_wire.py`` / ``test_accounts.py``): paging (the
mock sends no ``Link`` header), waiting for ``X-Rate-Limit-Reset``, lifecycle state, resumption.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import requests
from pydantic import SecretStr

from hiresentry.connectors.base import Runtime, sync
from hiresentry.connectors.okta import OktaConnector
from hiresentry.core.cases.view import RecordRef
from hiresentry.core.model import AccessEvent, Worker
from hiresentry.core.store import Store
from tests.contract.prism import PrismServer, request_violations, violations

pytestmark = pytest.mark.contract


class RecordingSession(requests.Session):
    """A session that keeps every response, so the test can read Prism's verdict headers."""

    def __init__(self, drop_auth: bool = False, prefer: str | None = None) -> None:
        super().__init__()
        self.responses: list[requests.Response] = []
        self.hooks["response"].append(self._keep)
        self.drop_auth = drop_auth
        if prefer:
            self.headers["Prefer"] = prefer

    def _keep(self, response: requests.Response, *args: Any, **kwargs: Any) -> None:
        self.responses.append(response)

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        if self.drop_auth:
            request.headers.pop("Authorization", None)
        return super().send(request, **kwargs)


def connector(server: PrismServer, session: requests.Session, **overrides: Any) -> OktaConnector:
    raw = {"org_url": server.url, "api_token": SecretStr("prism-token"), "rate_limit_per_second": 1000, **overrides}
    return OktaConnector.from_config("okta", raw, Runtime(session=session, sleep=lambda _s: None, jitter=lambda: 0.0))


@pytest.fixture
def session() -> Iterator[RecordingSession]:
    with RecordingSession() as s:
        yield s


def assert_request_contract_held(session: RecordingSession) -> None:
    assert session.responses, "no request reached Prism"
    for response in session.responses:
        path = response.request.path_url
        assert request_violations(response) == [], f"{path} broke Okta's request contract"
        assert all(v["location"][0] == "response" for v in violations(response))
        assert response.status_code in (200, 204), f"{path} → {response.status_code}: {violations(response)}"


def test_check_passes(okta_prism: PrismServer, session: RecordingSession) -> None:
    result = connector(okta_prism, session).check()
    assert result.ok, result.message
    assert [r.request.path_url.split("?")[0] for r in session.responses] == ["/api/v1/logs", "/api/v1/users"]
    assert_request_contract_held(session)


def test_okta_example_sign_in_and_user_through_the_wire(okta_prism: PrismServer, session: RecordingSession) -> None:
    batches = list(connector(okta_prism, session).read({}))
    assert [p for b in batches for p in b.problems] == []
    records = [r for b in batches for r in b.records]
    (worker,) = [r for r in records if isinstance(r, Worker)]
    assert (worker.remote_id, worker.legal_name, worker.emails) == (
        "00u118oQYT4TBTemp0g4",
        "Alice Smith",
        ["alice.smith@example.com"],
    )
    (event,) = [r for r in records if isinstance(r, AccessEvent)]
    assert (event.worker_remote_id, event.login, event.ip, event.asn, event.country) == (
        "00uttidj01jqL21aM1d6",
        "john.doe@example.com",
        "10.0.0.1",
        394089,
        "US",
    )
    assert (event.device_id, event.is_proxy) == ("guofdhyjex1feOgbN1d9", False)
    assert event.user_agent is not None and event.user_agent.startswith("Mozilla/5.0 (Macintosh")
    first_logs = next(r for r in session.responses if r.request.path_url.startswith("/api/v1/logs"))
    assert "since=" in first_logs.request.path_url and "filter=" in first_logs.request.path_url
    assert_request_contract_held(session)


def test_an_incremental_pass_sends_valid_since_and_search(
    okta_prism: PrismServer, session: RecordingSession, store: Store
) -> None:
    sync(connector(okta_prism, session), store)
    session.responses.clear()
    sync(connector(okta_prism, session), store)
    paths = [r.request.path_url for r in session.responses]
    assert any(p.startswith("/api/v1/users?search=lastUpdated") for p in paths)
    assert any("since=2024-08-13T15%3A" in p for p in paths if p.startswith("/api/v1/logs"))
    assert_request_contract_held(session)


def test_suspend_and_unsuspend_requests(okta_prism: PrismServer, session: RecordingSession) -> None:
    conn = connector(okta_prism, session)
    worker = RecordRef(source="okta", remote_id="00ub0oNGTSWTBKOLGLNR")
    result = conn.suspend(worker, "case-1", "reason")  # the example user is ACTIVE
    assert result.vendor_ref == "suspended:00ub0oNGTSWTBKOLGLNR"
    conn.unsuspend(worker, result.vendor_ref)
    calls = [(r.request.method, r.request.path_url.split("?")[0]) for r in session.responses]
    assert calls == [
        ("GET", "/api/v1/users/00ub0oNGTSWTBKOLGLNR"),
        ("POST", "/api/v1/users/00ub0oNGTSWTBKOLGLNR/lifecycle/suspend"),
        ("DELETE", "/api/v1/users/00ub0oNGTSWTBKOLGLNR/sessions"),
        ("POST", "/api/v1/users/00ub0oNGTSWTBKOLGLNR/lifecycle/unsuspend"),
    ]
    assert_request_contract_held(session)


def test_a_request_without_the_token_is_invalid_auth(okta_prism: PrismServer) -> None:
    with RecordingSession(drop_auth=True) as session:
        result = connector(okta_prism, session).check()
    assert (result.ok, result.code) == (False, "invalid_auth")
    (response,) = session.responses
    assert response.status_code == 401
    assert response.json()["title"] == "Invalid security scheme used"  # Prism's problem+json for the missing SSWS


@pytest.mark.parametrize(("status", "code"), [(403, "forbidden_scope"), (429, "rate_limited")])
def test_declared_error_responses_map_to_check_codes(okta_prism: PrismServer, status: int, code: str) -> None:
    """Prism serves the spec's declared error response for ``/api/v1/logs`` when asked with ``Prefer``."""
    with RecordingSession(prefer=f"code={status}") as session:
        result = connector(okta_prism, session, max_attempts=2).check()
    assert (result.ok, result.code) == (False, code)
    assert "prism-token" not in result.message
    assert {r.status_code for r in session.responses} == {status}
