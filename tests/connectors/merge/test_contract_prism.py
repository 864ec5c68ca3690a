"""MergeConnector against a Prism mock generated from Merge's own HRIS v1 OpenAPI spec.

The spec is ``shared/specs/merge/merge_hris_v1.yaml`` (Merge's legacy Go SDK repository, HRIS v1,
June 2023), loaded as published. The real connector with real ``requests`` talks to ``prism mock``;
Prism checks every request against the spec (paths, parameter names and types such as
``include_sensitive_fields``, ``modified_after`` as a date-time and ``page_size`` as an integer,
the required ``X-Account-Token`` header, the ``Authorization`` security) and answers with the spec's
own examples. A request violation (``sl-violations`` of the request, or a 4xx problem's
``validation``) fails the test.

What this mock cannot show, and where it is tested instead (``test_wire.py``, our stateful fake):

- **Response violations.** Merge's examples break their own schema (``mobile_phone_number`` is a
  number, ``remote_data[].data`` a list); those are Merge's, so only request violations fail.
- **Paging.** The mock is stateless: every page answers the same ``next`` cursor, so each stream
  sends the cursor back once and stops when it comes back unchanged. Walks over several pages,
  ``modified_after`` filtering, retries and penalties are shown against the fake.
- **Joins.** The examples' ids do not join (the payroll run's employee has no employment in the
  examples, so its currency is looked up through ``GET /employments?employee_id=…``, which the mock
  answers with its one example).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from pydantic import SecretStr

from hiresentry.connectors.base import Runtime
from hiresentry.connectors.base.incremental import Watermark
from hiresentry.connectors.merge import MergeConnector
from hiresentry.core.model import Engagement, Payment, PayoutAccount, Worker
from tests.connectors.merge.conftest import NOW, RecordingSession, request_problems
from tests.contract.prism import PrismServer

pytestmark = pytest.mark.contract


@pytest.fixture
def session() -> Iterator[RecordingSession]:
    with RecordingSession() as s:
        yield s


def connector(server: PrismServer, session: RecordingSession, **overrides: Any) -> MergeConnector:
    raw = {
        "base_url": server.url,
        "api_key": SecretStr("prism-api-key"),
        "account_token": SecretStr("prism-account-token"),
        "rate_limit_per_minute": 60_000,
        **overrides,
    }
    return MergeConnector.from_config("merge", raw, Runtime(session=session, sleep=lambda _s: None, now=lambda: NOW))


def assert_request_contract_held(session: RecordingSession) -> None:
    assert session.responses, "no request reached Prism"
    for response in session.responses:
        path = response.request.path_url
        assert request_problems(response) == [], f"{path} broke Merge's request contract"
        assert response.status_code == 200, f"{path} → {response.status_code}"


def test_check_passes(merge_prism: PrismServer, session: RecordingSession) -> None:
    result = connector(merge_prism, session).check()
    assert result.ok, result.message
    assert result.message == "linked account to BambooHR is COMPLETE"
    assert_request_contract_held(session)
    sent = session.responses[0].request.headers
    assert (sent["Authorization"], sent["X-Account-Token"]) == ("Bearer prism-api-key", "prism-account-token")


def test_full_read_yields_every_record_kind(merge_prism: PrismServer, session: RecordingSession) -> None:
    batches = list(connector(merge_prism, session).read({}))
    assert_request_contract_held(session)
    assert [p for b in batches for p in b.problems] == []
    records = [r for b in batches for r in b.records]
    assert {type(r) for r in records} == {Worker, Engagement, PayoutAccount, Payment}
    worker = next(r for r in records if isinstance(r, Worker))
    assert (worker.legal_name, worker.preferred_name) == ("Greg Hirsch", "Cousin Greg Hirsch")
    assert worker.date_of_birth == dt.date(1990, 11, 10) and worker.deleted  # the example says remote_was_deleted
    assert worker.tax_id is not None and worker.tax_id.get_secret_value() == "1234567890"
    assert worker.phones == ["1234567890"]  # the example sends a number
    assert "ssn" not in worker.remote_data and "ethnicity" not in worker.remote_data
    payment = next(r for r in records if isinstance(r, Payment))
    assert (str(payment.amount), payment.currency, payment.status) == ("865.78", "USD", "paid")
    account = next(r for r in records if isinstance(r, PayoutAccount))
    assert account.account_number is not None and account.routing_number == "089690059"
    sent = {r.request.path_url.split("?")[0] for r in session.responses}
    assert {"/employees", "/locations", "/employments", "/bank-info", "/employee-payroll-runs"} <= sent
    first = session.responses[0].request.path_url
    assert first == "/employees?include_deleted_data=true&include_sensitive_fields=true&page_size=100"


def test_incremental_requests_are_valid(merge_prism: PrismServer, session: RecordingSession) -> None:
    done = Watermark(pass_no=1, done=True, high="2021-10-16T00:00:00Z").encode()
    state = dict.fromkeys(("employees", "employments", "bank_info", "employee_payroll_runs"), done)
    list(connector(merge_prism, session).read(state))
    assert_request_contract_held(session)
    lists = [r.request.path_url for r in session.responses if "include_deleted_data" in r.request.path_url]
    assert lists and all("modified_after=2021-10-15T23%3A55%3A00Z" in url for url in lists)


def test_missing_account_token_is_refused_by_the_spec(merge_prism: PrismServer) -> None:
    with RecordingSession(drop=("X-Account-Token",)) as session:
        result = connector(merge_prism, session).check()
    assert not result.ok
    (response,) = session.responses
    assert response.status_code == 422
    assert any("x-account-token" in str(p).lower() for p in request_problems(response))


def test_missing_credentials_are_invalid_auth(merge_prism: PrismServer) -> None:
    with RecordingSession(drop=("Authorization",)) as session:
        result = connector(merge_prism, session).check()
    assert (result.ok, result.code) == (False, "invalid_auth")
    assert "prism-api-key" not in result.message and "prism-account-token" not in result.message
