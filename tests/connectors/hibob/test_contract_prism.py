"""HiBob connector against a Prism mock generated from HiBob's own OpenAPI spec.

The spec is ``shared/specs/hibob/hibob_public_api.yml``: a merge of the OpenAPI blocks HiBob
publishes per endpoint on apidocs.hibob.com (converted to JSON at test time). The real
``HiBobConnector`` with real ``requests`` talks to ``prism mock``; Prism checks every request
against the spec (HTTP Basic security, the search body's ``fields``/``filters``/``showInactive``/
``humanReadable`` types, path parameters, ``showInactive`` as a boolean) and no response may carry a
*request* violation in ``sl-violations``.

What the spec makes impossible to assert here (and where it is tested instead):

- **Fix applied to the temporary copy** (``conftest.merge_fragmented_examples``): HiBob's own
  search example splits one employee into thirteen single-key objects, which break the spec's own
  schema; the fix merges them into the one employee they describe, changing no value. Without it
  every fragment would be refused (no id, or no name) and the bank-accounts call never reached.
- **Placeholders.** Bank entries have no example, so Prism generates ``"iban": "string"``: refused as
  a problem, as it must be. Mapping is tested on realistic payloads in ``test_mapping.py``.
- **Change detection, batches, throttling, webhooks read back** need a stateful server
  (``test_wire.py``).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from typing import Any

import pytest
import requests
from pydantic import SecretStr

from hiresentry.connectors.base import Runtime, VerifiedDelivery
from hiresentry.connectors.hibob import HiBobConnector
from hiresentry.core.model import Engagement, Worker
from tests.contract.prism import PrismServer, request_violations, violations

pytestmark = pytest.mark.contract

NOW = dt.datetime(2026, 4, 6, 8, 0, tzinfo=dt.UTC)


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


def connector(server: PrismServer, session: requests.Session, **overrides: Any) -> HiBobConnector:
    raw = {
        "base_url": server.url,
        "service_user_id": "SERVICE-PRISM",
        "service_user_token": SecretStr("prism-service-token"),
        "rate_limit_per_second": 1000,
        **overrides,
    }
    return HiBobConnector.from_config("bob", raw, Runtime(session=session, sleep=lambda _s: None, now=lambda: NOW))


@pytest.fixture
def session() -> Iterator[RecordingSession]:
    with RecordingSession() as s:
        yield s


def assert_request_contract_held(session: RecordingSession) -> None:
    assert session.responses, "no request reached Prism"
    for response in session.responses:
        path = response.request.path_url
        assert request_violations(response) == [], f"{path} broke HiBob's request contract"
        assert response.status_code == 200, f"{path} → {response.status_code}: {violations(response)}"


def test_check_passes(hibob_prism: PrismServer, session: RecordingSession) -> None:
    result = connector(hibob_prism, session).check()
    assert result.ok, result.message
    assert [r.request.path_url for r in session.responses] == ["/people/search"]
    assert_request_contract_held(session)


def test_a_full_pass_maps_hibobs_example_and_reads_its_bank_accounts(
    hibob_prism: PrismServer, session: RecordingSession
) -> None:
    batches = list(connector(hibob_prism, session, streams=["people"]).read({}))
    search, banks = session.responses
    body = json.loads(search.request.body or b"{}")
    assert (body["showInactive"], body["humanReadable"]) == (True, "APPEND")
    assert "personal.birthDate" in body["fields"]
    (worker,) = [r for b in batches for r in b.records]
    assert isinstance(worker, Worker)
    assert (worker.remote_id, worker.legal_name, worker.emails) == (
        "3332883884017713938",
        "example example",
        ["example@samplebob.com"],
    )
    assert banks.request.path_url == "/people/3332883884017713938/bank-accounts"
    # The generated bank entry's IBAN is the placeholder "string": refused with the cause, not guessed.
    (problem,) = [p for b in batches for p in b.problems]
    assert problem.location == "bob:/people/3332883884017713938/bank-accounts entry id=0"
    assert "not a valid IBAN" in problem.reason
    assert_request_contract_held(session)


def test_payroll_history_holds_the_contract(hibob_prism: PrismServer, session: RecordingSession) -> None:
    (batch,) = connector(hibob_prism, session, streams=["payroll_history"], organization="Acme Ltd").read({})
    assert [r.request.path_url for r in session.responses] == ["/payroll/history?showInactive=true"]
    (engagement,) = batch.records
    assert isinstance(engagement, Engagement)
    assert (engagement.remote_id, engagement.start_date) == ("string/employmentType/0", dt.date(2019, 8, 24))
    assert_request_contract_held(session)


def test_a_webhook_read_back_uses_a_valid_id_filter(hibob_prism: PrismServer, session: RecordingSession) -> None:
    payload = {"type": "employee.updated", "version": "v2", "data": {"employeeId": "3332883911884669725"}}
    batch = connector(hibob_prism, session).webhook_batch(VerifiedDelivery("sha256:x", None, payload))
    search, banks = session.responses
    body = json.loads(search.request.body or b"{}")
    assert body["filters"] == [{"fieldPath": "root.id", "operator": "equals", "values": ["3332883911884669725"]}]
    # the stateless mock answers with the spec's example employee, whose bank accounts are then read
    assert [r.remote_id for r in batch.records] == ["3332883884017713938"]
    assert banks.request.path_url == "/people/3332883884017713938/bank-accounts"
    assert_request_contract_held(session)


def test_a_request_without_credentials_is_invalid_auth(hibob_prism: PrismServer) -> None:
    with RecordingSession(drop_auth=True) as session:
        result = connector(hibob_prism, session).check()
    assert (result.ok, result.code) == (False, "invalid_auth")
    (response,) = session.responses
    assert [v["message"] for v in request_violations(response)] == ["Invalid security scheme used"]


def test_a_legacy_token_is_not_what_the_spec_accepts(hibob_prism: PrismServer) -> None:
    """HiBob's spec declares Basic (service user id:token); a bare legacy API token is refused."""
    response = requests.post(
        f"{hibob_prism.url}/people/search",
        json={"fields": ["root.id"]},
        headers={"Authorization": "legacy-api-token"},
        timeout=10,
    )
    assert response.status_code == 401
    assert [v["message"] for v in request_violations(response)] == ["Invalid security scheme used"]


@pytest.mark.parametrize(
    ("status", "code"),
    [(403, "forbidden_scope"), (429, "rate_limited"), (500, "cannot_connect"), (400, "unknown")],
)
def test_declared_error_responses_map_to_check_codes(hibob_prism: PrismServer, status: int, code: str) -> None:
    """Prism serves the error the search declares (or its ``default``) when asked with ``Prefer``."""
    with RecordingSession(prefer=f"code={status}") as session:
        result = connector(hibob_prism, session, max_attempts=2).check()
    assert (result.ok, result.code) == (False, code)
    assert "prism-service-token" not in result.message
    assert {r.status_code for r in session.responses} == {status}
