"""BambooHR connector against a Prism mock generated from BambooHR's own OpenAPI spec.

The spec is ``shared/specs/bamboohr/bamboohr_public.yaml`` (BambooHR's official SDK repository,
OpenAPI 3.1, converted to JSON at test time). The real ``BambooHRConnector`` with real ``requests``
talks to ``prism mock``; Prism checks every request against the spec (paths, ``page[limit]``
bounds, ``since`` as a date-time, security schemes per operation) and answers with the spec's
examples or, where it has none, values generated from its schemas. No response may carry a
*request* violation in ``sl-violations``.

What the spec makes impossible to assert here (and where it is tested instead):

- **Mapping.** Get Employee has no example, so Prism fills every field with the placeholder
  ``"string"``; a birth date of ``"string"`` is refused as a problem, as it must be. Mapping is tested
  on realistic payloads in ``test_mapping.py`` and end to end against the local fake in
  ``test_wire.py``.
- **Paging, throttling, re-sync.** The mock is stateless (the list example's ``nextCursor`` never
  changes; ``/employees/changed`` always names the same two placeholder ids) and the spec declares
  no 503, so multi-page walks, 503 + Retry-After and "fetch only what changed" are tested against
  the fake in ``test_wire.py``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
import requests
from pydantic import SecretStr

from hiresentry.connectors.bamboohr import BambooHRConnector
from hiresentry.connectors.base import Runtime
from hiresentry.connectors.base.incremental import Watermark
from hiresentry.connectors.base.token_store import MemoryTokenStore, TokenSet
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


def connector(
    server: PrismServer, session: requests.Session, *, oauth: bool = False, **overrides: Any
) -> BambooHRConnector:
    raw: dict[str, Any] = {"company_domain": "acme", "base_url": server.url, "rate_limit_per_second": 1000}
    tokens = MemoryTokenStore()
    if oauth:
        raw |= {"client_id": "app-1", "client_secret": SecretStr("prism-client-secret")}
        tokens.put("bamboo", TokenSet(SecretStr("prism-access-token")), dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    else:
        raw["api_key"] = SecretStr("prism-api-key-123456")
    runtime = Runtime(session=session, sleep=lambda _s: None, token_store=tokens)
    return BambooHRConnector.from_config("bamboo", raw | overrides, runtime)


@pytest.fixture
def session() -> Iterator[RecordingSession]:
    with RecordingSession() as s:
        yield s


def assert_request_contract_held(session: RecordingSession) -> None:
    assert session.responses, "no request reached Prism"
    for response in session.responses:
        path = response.request.path_url
        assert request_violations(response) == [], f"{path} broke BambooHR's request contract"
        assert response.status_code == 200, f"{path} → {response.status_code}: {violations(response)}"


def paths(session: RecordingSession) -> list[str]:
    return [r.request.path_url.split("?")[0] for r in session.responses]


def test_check_with_an_api_key_reads_the_directory(bamboohr_prism: PrismServer, session: RecordingSession) -> None:
    result = connector(bamboohr_prism, session).check()
    assert result.ok, result.message
    assert paths(session) == ["/api/v1/employees/directory"]
    assert_request_contract_held(session)


def test_check_with_oauth_reads_the_cursor_listing(bamboohr_prism: PrismServer, session: RecordingSession) -> None:
    result = connector(bamboohr_prism, session, oauth=True).check()
    assert result.ok, result.message
    assert [r.request.path_url for r in session.responses] == ["/api/v1/employees?page%5Blimit%5D=1"]
    assert_request_contract_held(session)


def test_a_full_pass_over_the_cursor_listing_holds_the_contract(
    bamboohr_prism: PrismServer, session: RecordingSession
) -> None:
    batches = list(connector(bamboohr_prism, session, oauth=True).read({}))
    # The spec's example page (employees 123 and 124, a nextCursor, 2 of limit 250) ends the pass.
    assert paths(session) == ["/api/v1/employees", "/api/v1/employees/123", "/api/v1/employees/124"]
    get_employee = session.responses[1].request.path_url
    assert "fields=firstName%2CmiddleName%2ClastName" in get_employee
    assert "onlyCurrent=true" in get_employee
    problems = [p for b in batches for p in b.problems]
    # Prism's generated Get Employee answer has "string" as its birth date: refused, with the cause.
    assert [p.location for p in problems] == [
        "bamboo:/api/v1/employees item id=123",
        "bamboo:/api/v1/employees item id=124",
    ]
    assert all(p.reason == "ValueError: not a date (expected YYYY-MM-DD)" for p in problems)
    watermark = Watermark.decode(batches[-1].cursors[0].value)
    assert watermark is not None
    assert watermark.done
    assert watermark.high is not None  # Prism's Date header marks the pass
    assert_request_contract_held(session)


def test_a_full_pass_over_the_directory_holds_the_contract(
    bamboohr_prism: PrismServer, session: RecordingSession
) -> None:
    (batch,) = connector(bamboohr_prism, session).read({})
    assert [r.request.path_url for r in session.responses] == ["/api/v1/employees/directory?onlyCurrent=false"]
    # The generated directory has one entry without an id: reported, not guessed at.
    assert [p.reason for p in batch.problems] == ["ValueError: employee has no id"]
    assert_request_contract_held(session)


def test_a_resync_asks_employees_changed_with_a_valid_since(
    bamboohr_prism: PrismServer, session: RecordingSession
) -> None:
    done = Watermark(pass_no=1, done=True, since=None, high="2026-03-02T10:00:00Z").encode()
    (batch,) = connector(bamboohr_prism, session).read({"employees": done})
    assert session.responses[0].request.path_url == "/api/v1/employees/changed?since=2026-03-02T09%3A55%3A00Z"
    # Prism names two changed employees with the placeholder id "string"; each is read once.
    assert paths(session)[1:] == ["/api/v1/employees/string"]
    assert len(batch.cursors) == 1
    assert_request_contract_held(session)


def test_the_spec_declares_the_cursor_listing_for_oauth_only(
    bamboohr_prism: PrismServer, session: RecordingSession
) -> None:
    """Why an API key defaults to the directory: the spec refuses Basic on GET /api/v1/employees."""
    result = connector(bamboohr_prism, session, listing="employees").check()
    assert (result.ok, result.code) == (False, "invalid_auth")
    (response,) = session.responses
    assert [v["message"] for v in request_violations(response)] == ["Invalid security scheme used"]


def test_a_request_without_credentials_is_invalid_auth(bamboohr_prism: PrismServer) -> None:
    with RecordingSession(drop_auth=True) as session:
        result = connector(bamboohr_prism, session).check()
    assert (result.ok, result.code) == (False, "invalid_auth")
    assert "prism-api-key-123456" not in result.message


@pytest.mark.parametrize(
    ("oauth", "status", "code"),
    [
        (True, 401, "invalid_auth"),
        (True, 429, "rate_limited"),
        (True, 500, "cannot_connect"),
        (False, 403, "forbidden_scope"),
        (False, 500, "cannot_connect"),
    ],
)
def test_declared_error_responses_map_to_check_codes(
    bamboohr_prism: PrismServer, oauth: bool, status: int, code: str
) -> None:
    """Prism serves the error a listing declares when asked with ``Prefer: code=…``."""
    with RecordingSession(prefer=f"code={status}") as session:
        result = connector(bamboohr_prism, session, oauth=oauth, max_attempts=2).check()
    assert (result.ok, result.code) == (False, code)
    assert {r.status_code for r in session.responses} == {status}
