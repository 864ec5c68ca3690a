"""Deel connector against a Prism mock generated from Deel's own OpenAPI spec.

The spec is ``shared/specs/deel/deel_openapi.yaml`` (Deel's official Java SDK repository,
openapi-generator's normalised copy of spec v1.25.0, converted to JSON at test time). The real
``DeelConnector`` with real ``requests`` talks to ``prism mock``; Prism checks every request
against the spec (paths, parameter names and types, limits such as ``/invoices`` ``limit <= 99``,
bearer security) and answers with the spec's own examples.

The request contract is asserted through a response hook on the connector's session: no response
may carry a *request* violation in ``sl-violations``.

What the spec's own examples make impossible to assert here (and where it is tested instead):

- **Response violations.** Deel's ``/people`` example breaks its own schema (``nationalities`` is a
  string, not an array; ``page.offset`` is a string). Prism reports those as ``response``
  violations in the same header; they are Deel's, so only ``request`` violations fail the test.
- **Pagination and resumption.** The mock is stateless: every offset and cursor gets the same
  two-item example page, so the paginators stop on the short page. Multi-page walks, resuming
  after a failure, and 429/500 retries are tested against the local fake in ``test_wire.py``.
- **Cross-endpoint links.** The examples' ids do not join up (contract worker ids are not people
  ids; the invoice's contract ``37nex2x`` is not in the contract list, so it is looked up through
  ``GET /contracts/37nex2x``). Whether those joins are right is checked in ``test_wire.py``.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from pydantic import SecretStr

from hiresentry.connectors.base import sync
from hiresentry.connectors.deel import DeelConfig, DeelConnector
from hiresentry.core.keys import LinkKeyHasher
from hiresentry.core.model import Engagement, Payment, PayoutAccount, Worker
from hiresentry.core.store import Store
from hiresentry.core.store.store import sqlite_url
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


def connector(server: PrismServer, session: requests.Session, **overrides: Any) -> DeelConnector:
    config = DeelConfig.model_validate(
        {
            "base_url": server.url,
            "token": SecretStr("prism-token"),
            "rate_limit_per_second": 1000,
            **overrides,
        }
    )
    return DeelConnector("deel", config, session=session, sleep=lambda _s: None)


@pytest.fixture
def session() -> Iterator[RecordingSession]:
    with RecordingSession() as s:
        yield s


def assert_request_contract_held(session: RecordingSession) -> None:
    assert session.responses, "no request reached Prism"
    for response in session.responses:
        path = response.request.path_url
        assert request_violations(response) == [], f"{path} broke Deel's request contract"
        assert response.status_code == 200, f"{path} → {response.status_code}: {violations(response)}"


def test_check_passes(deel_prism: PrismServer, session: RecordingSession) -> None:
    result = connector(deel_prism, session).check()
    assert result.ok, result.message
    assert_request_contract_held(session)


def test_full_read_yields_every_record_kind_with_valid_requests(
    deel_prism: PrismServer, session: RecordingSession
) -> None:
    batches = list(connector(deel_prism, session).read({}))
    records = [r for b in batches for r in b.records]
    problems = [p for b in batches for p in b.problems]
    assert problems == []
    by_kind = {type(r) for r in records}
    assert by_kind == {Worker, Engagement, PayoutAccount, Payment}
    assert all(r.source == "deel" and r.remote_id and r.remote_data for r in records)

    worker = next(r for r in records if isinstance(r, Worker))
    assert worker.legal_name == "John Doe"
    assert worker.date_of_birth is not None
    assert worker.claimed_country == "US"
    assert worker.phones
    assert worker.home_address is not None
    assert worker.modified_at is not None
    account = next(r for r in records if isinstance(r, PayoutAccount))
    assert account.iban is not None
    assert account.bic == "BUKBGB22"
    assert account.bank_country == "GB"
    payment = next(r for r in records if isinstance(r, Payment))
    assert payment.engagement_remote_id == "37nex2x"
    assert payment.currency == "GBP"

    paths = {r.request.path_url.split("?")[0] for r in session.responses}
    assert {"/people", "/contracts", "/invoices", "/contracts/37nex2x"} <= paths
    assert any(p.endswith("/personal") for p in paths)
    assert any(p.endswith("/banks") for p in paths)
    assert_request_contract_held(session)


def test_sync_into_a_store(deel_prism: PrismServer, session: RecordingSession, tmp_path: Path) -> None:
    store = Store.open(sqlite_url(tmp_path / "s.db"), LinkKeyHasher(SecretStr("k" * 32)))
    try:
        report = sync(connector(deel_prism, session), store)
    finally:
        store.close()
    assert report.problems == []
    assert set(report.written) == {"workers", "engagements", "payout_accounts", "payments"}
    assert_request_contract_held(session)


def test_a_request_without_a_token_is_invalid_auth(deel_prism: PrismServer) -> None:
    with RecordingSession(drop_auth=True) as session:
        result = connector(deel_prism, session).check()
    assert (result.ok, result.code) == (False, "invalid_auth")
    (response,) = session.responses
    assert response.status_code == 401
    assert [v["message"] for v in request_violations(response)] == ["Invalid security scheme used"]


@pytest.mark.parametrize(
    ("status", "code"),
    [(401, "invalid_auth"), (403, "forbidden_scope"), (429, "rate_limited"), (500, "cannot_connect")],
)
def test_declared_error_responses_map_to_check_codes(deel_prism: PrismServer, status: int, code: str) -> None:
    """Prism serves the spec's declared error response for ``/people`` when asked with ``Prefer``."""
    with RecordingSession(prefer=f"code={status}") as session:
        result = connector(deel_prism, session, max_attempts=2).check()
    assert (result.ok, result.code) == (False, code)
    assert "prism-token" not in result.message
    assert {r.status_code for r in session.responses} == {status}
