"""PersonioConnector (API v1) against a Prism mock generated from a Personio "Personnel Data" v1 spec.

The spec is ``shared/specs/personio/personio_personnel_v1.yaml``: a **third-party copy** (Konfig's
Personio SDK, March 2024) of Personio's v1 spec, loaded as published. The real connector with real
``requests`` talks to ``prism mock``; Prism checks every request against the spec (path, parameter
names and types such as ``limit >= 1`` and ``updated_since``, bearer security) and answers with the
spec's own examples. A request violation (``sl-violations`` of the request, or a 400/422 problem's
``validation``) fails the test.

What this mock cannot show, and where it is tested instead:

- **Login and the rotating token.** ``POST /v1/auth`` is not in this spec, and Prism sends no
  ``authorization`` header back; the tests seed the token store with a token, which the connector
  then keeps (nothing handed out). Login, single-use tokens and two concurrent syncs are tested
  against our stateful fake in ``test_v1_wire.py``.
- **Response violations.** The spec's ``/company/employees`` example breaks its own schema
  (``data`` must be an object, the example sends a list); those are Personio's, so only request
  violations fail.
- **Paging.** The mock is stateless: every offset gets the same one-employee example (its
  ``metadata.total_elements`` is 2), so a walk of several pages is shown against the fake.
- **API v2** has no spec in ``shared/specs``; it is tested against our own fake only
  (``test_v2_wire.py``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from pydantic import SecretStr

from hiresentry.connectors.base import Runtime
from hiresentry.connectors.base.incremental import Watermark
from hiresentry.connectors.base.token_store import MemoryTokenStore, TokenSet
from hiresentry.connectors.personio import PersonioConnector
from hiresentry.core.model import Engagement, Worker
from tests.connectors.personio.conftest import NOW, RecordingSession, request_problems
from tests.contract.prism import PrismServer

pytestmark = pytest.mark.contract


@pytest.fixture
def session() -> Iterator[RecordingSession]:
    with RecordingSession() as s:
        yield s


def connector(server: PrismServer, session: RecordingSession, **overrides: Any) -> PersonioConnector:
    tokens = MemoryTokenStore()
    tokens.put("personio", TokenSet(SecretStr("papi-prism-token")), NOW)
    raw = {
        "base_url": server.url,
        "client_id": "prism-client",
        "client_secret": SecretStr("prism-secret-0123"),
        "rate_limit_per_second": 1000,
        **overrides,
    }
    runtime = Runtime(session=session, sleep=lambda _s: None, now=lambda: NOW, token_store=tokens)
    return PersonioConnector.from_config("personio", raw, runtime)


def assert_request_contract_held(session: RecordingSession) -> None:
    assert session.responses, "no request reached Prism"
    for response in session.responses:
        path = response.request.path_url
        assert request_problems(response) == [], f"{path} broke the v1 spec's request contract"
        assert response.status_code == 200, f"{path} → {response.status_code}"


def test_check_passes(personio_prism: PrismServer, session: RecordingSession) -> None:
    result = connector(personio_prism, session).check()
    assert result.ok, result.message
    assert_request_contract_held(session)
    assert session.responses[0].request.headers["X-Personio-App-ID"] == "HIRESENTRY"
    assert session.responses[0].request.headers["Authorization"] == "Bearer papi-prism-token"


def test_full_read_maps_the_spec_example(personio_prism: PrismServer, session: RecordingSession) -> None:
    batches = list(connector(personio_prism, session).read({}))
    assert_request_contract_held(session)
    assert [r.request.path_url for r in session.responses] == ["/company/employees?limit=50&offset=0"]
    records = [r for b in batches for r in b.records]
    worker = next(r for r in records if isinstance(r, Worker))
    assert (worker.remote_id, worker.legal_name) == ("1", "Alexander Bergmann")
    assert worker.emails == ["alexander.bergmann@demo.email"]
    engagement = next(r for r in records if isinstance(r, Engagement))
    assert (engagement.type, engagement.client_org, engagement.currency) == ("contractor", "CS Demo GmbH", "EUR")
    assert engagement.start_date == dt.date(2014, 11, 9)  # midnight in Munich, sent as 23:00 UTC
    # The example's IBAN attribute ("DE98 8989 9898 0000 8989 00") fails the IBAN checksum: the
    # salary account is refused with a reason that does not quote it; the employee still loads.
    (problem,) = [p for b in batches for p in b.problems]
    assert "salary account" in problem.location and "not a valid IBAN" in problem.reason
    assert "8989" not in str(problem)


def test_incremental_request_is_valid(personio_prism: PrismServer, session: RecordingSession) -> None:
    done = Watermark(pass_no=1, done=True, high="2025-05-30T10:00:00Z")
    list(connector(personio_prism, session).read({"employees": done.encode()}))
    assert_request_contract_held(session)
    assert [r.request.path_url for r in session.responses] == [
        "/company/employees?updated_since=2025-05-29T10%3A00%3A00"
    ]


def test_page_size_limits_are_the_specs(personio_prism: PrismServer, session: RecordingSession) -> None:
    list(connector(personio_prism, session, page_size=100).read({}))
    assert_request_contract_held(session)
    assert session.responses[0].request.path_url == "/company/employees?limit=100&offset=0"
