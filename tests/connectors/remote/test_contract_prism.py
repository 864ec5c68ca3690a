"""Remote connector against a Prism mock generated from Remote's OpenAPI spec.

The spec is ``shared/specs/remote/remote_openapi.yaml`` (Konfig's March 2024 copy of Remote's
gateway spec, "Remote API" 0.1.0). Fixes on the temporary copy: YAML → JSON (its ``!!binary``
example breaks Prism's loader; the helper does this), the list example wrapped in the ``data``
object its own schema declares, and no bearer requirement on the token endpoint itself
(``conftest.fix_remote_spec``). The real ``RemoteConnector`` with real ``requests`` talks to
``prism mock``; any *request* violation in ``sl-violations`` fails the test.

**Not in this spec copy:** contractor invoices and bank-account endpoints (the test below proves
Prism has no route for invoices). Those, and everything a stateless mock cannot show (paging,
the millisecond rate-limit reset, re-syncs that skip unchanged details), are tested against our
own stateful fake in ``test_wire.py``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
import requests
from pydantic import SecretStr

from hiresentry.connectors.base import sync
from hiresentry.connectors.base.token_store import MemoryTokenStore
from hiresentry.connectors.remote import RemoteConnector
from hiresentry.core.model import Engagement, Worker
from hiresentry.core.store import Store
from tests.connectors.remote.support import make
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


@pytest.fixture
def session() -> Iterator[RecordingSession]:
    with RecordingSession() as s:
        yield s


def connector(server: PrismServer, session: requests.Session, **overrides: Any) -> RemoteConnector:
    settings: dict[str, Any] = {"page_size": 100, "max_attempts": 1, "streams": ["employments"], **overrides}
    return make(server.url, session=session, **settings)


def assert_request_contract_held(session: RecordingSession) -> None:
    assert session.responses, "no request reached Prism"
    for response in session.responses:
        call = f"{response.request.method} {response.request.path_url}"
        assert request_violations(response) == [], f"{call} broke Remote's request contract"
        assert response.status_code == 200, f"{call} → {response.status_code}: {violations(response)}"


def test_check_passes(remote_prism: PrismServer, session: RecordingSession) -> None:
    result = connector(remote_prism, session, company_id="e31adae1-company-id-af5fba7dd803").check()
    assert result.ok, result.message
    assert session.responses[0].request.path_url == (
        "/v1/employments?page=1&page_size=1&company_id=e31adae1-company-id-af5fba7dd803"
    )
    assert_request_contract_held(session)


def test_employments_and_their_details_sync_into_a_store(
    remote_prism: PrismServer, session: RecordingSession, store: Store
) -> None:
    report = sync(connector(remote_prism, session), store)
    assert report.problems == []
    assert report.written == {"workers": 1, "engagements": 1}  # the example's forms are empty: no bank account
    paths = [r.request.path_url.split("?")[0] for r in session.responses]
    assert paths == ["/v1/employments", "/v1/employments/add736b8-employment-id-a76ccae2abe8"]
    assert_request_contract_held(session)


def test_records_from_remotes_examples(remote_prism: PrismServer, session: RecordingSession) -> None:
    records = [r for b in connector(remote_prism, session).read({}) for r in b.records]
    worker = next(r for r in records if isinstance(r, Worker))
    assert (worker.legal_name, worker.claimed_country, worker.emails) == ("Jane Smith", "AT", ["jane@smith.com"])
    engagement = next(r for r in records if isinstance(r, Engagement))
    assert (engagement.type, engagement.status) == ("employee", "created")


def test_an_oauth2_refresh_keeps_the_contract(remote_prism: PrismServer, session: RecordingSession) -> None:
    conn = connector(
        remote_prism,
        session,
        auth="oauth2",
        token=None,
        client_id="prism-client",
        client_secret=SecretStr("prism-client-secret"),
        refresh_token=SecretStr("b480036a-d229-49ef-a606-7e8fba58a5eb"),
        tokens=MemoryTokenStore(),
    )
    assert conn.check().ok
    token_call = session.responses[0]
    assert token_call.request.path_url == "/auth/oauth2/token"
    assert json.loads(token_call.request.body or b"{}") == {
        "grant_type": "refresh_token",
        "refresh_token": "b480036a-d229-49ef-a606-7e8fba58a5eb",
    }
    assert token_call.request.headers["Authorization"].startswith("Basic ")
    assert_request_contract_held(session)


def test_the_spec_copy_has_no_contractor_invoices(remote_prism: PrismServer) -> None:
    response = requests.get(
        f"{remote_prism.url}/v1/contractor-invoices", headers={"Authorization": "Bearer t"}, timeout=10
    )
    assert response.status_code == 404  # NO_PATH_MATCHED: invoices are tested against our fake only


def test_a_request_without_a_token_is_invalid_auth(remote_prism: PrismServer) -> None:
    with RecordingSession(drop_auth=True) as session:
        result = connector(remote_prism, session).check()
    assert (result.ok, result.code) == (False, "invalid_auth")
    assert [v["message"] for v in request_violations(session.responses[0])] == ["Invalid security scheme used"]


@pytest.mark.parametrize(("status", "code"), [(401, "invalid_auth"), (404, "unknown"), (429, "rate_limited")])
def test_declared_error_responses_map_to_check_codes(remote_prism: PrismServer, status: int, code: str) -> None:
    with RecordingSession(prefer=f"code={status}") as session:
        result = connector(remote_prism, session).check()
    assert (result.ok, result.code) == (False, code)
    assert {r.status_code for r in session.responses} == {status}
