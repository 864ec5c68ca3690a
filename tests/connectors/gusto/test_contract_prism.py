"""Gusto connector against a Prism mock generated from Gusto's own OpenAPI spec.

The spec is ``shared/specs/gusto/gusto_embedded_v2025-06-15.openapi.yaml`` (Gusto's official
TypeScript client repository, Speakeasy's copy of the Embedded API, version 2025-06-15). The real
``GustoConnector`` with real ``requests`` talks to ``prism mock``; Prism checks every request
against the spec (paths, required ``start_date``/``end_date``, the ``sort_by`` pattern, the
``include`` enum, JSON bodies of ``/oauth/token``, bearer security) and answers from the spec. Any
*request* violation in ``sl-violations`` fails the test.

One fix is applied to the temporary copy (``conftest.promote_x_examples``): Gusto keeps its
example payloads in ``x-examples``, which Prism ignores, so each schema's first ``x-examples``
entry becomes its ``example``; Prism then answers with Gusto's own examples instead of
placeholders. Response violations (the refresh answer matches both ``oneOf`` token shapes; a
summary example's ``contractor_uuid`` is declared a number) are Gusto's and are not asserted on.

What a stateless mock cannot show (paging, token rotation, retries, incremental re-syncs, the
hold refusing a payment that is processing) is tested against our fake in ``test_wire.py`` and
``test_hold.py``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
import requests
from pydantic import SecretStr

from hiresentry.connectors.base import Checkpoint, VerifiedDelivery, sync
from hiresentry.connectors.base.token_store import MemoryTokenStore
from hiresentry.connectors.gusto import GustoConnector
from hiresentry.core.cases.view import RecordRef
from hiresentry.core.model import Engagement, Payment, PayoutAccount, Worker
from hiresentry.core.store import Store
from tests.connectors.gusto.support import NOW, make
from tests.contract.prism import PrismServer, request_violations, violations

pytestmark = pytest.mark.contract

COMPANY = "92a20431-9489-4bde-ad27-6feb20b969d5"
CONTRACTOR = "bc57832c-d8bc-43a7-ae99-3a03380ff037"


class RecordingSession(requests.Session):
    """A session that keeps every response, so the test can read Prism's verdict headers."""

    def __init__(self, drop_auth: bool = False) -> None:
        super().__init__()
        self.responses: list[requests.Response] = []
        self.hooks["response"].append(self._keep)
        self.drop_auth = drop_auth

    def _keep(self, response: requests.Response, *args: Any, **kwargs: Any) -> None:
        self.responses.append(response)

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        if self.drop_auth and request.path_url.startswith("/v1/"):
            request.headers.pop("Authorization", None)
        return super().send(request, **kwargs)

    def calls(self) -> list[str]:
        return [f"{r.request.method} {(r.request.path_url or '').split('?')[0]}" for r in self.responses]


@pytest.fixture
def session() -> Iterator[RecordingSession]:
    with RecordingSession() as s:
        yield s


def connector(server: PrismServer, session: requests.Session, **overrides: Any) -> GustoConnector:
    settings: dict[str, Any] = {"company_uuid": COMPANY, "page_size": 100, "max_attempts": 1, **overrides}
    return make(server.url, session=session, tokens=MemoryTokenStore(), **settings)


def assert_request_contract_held(session: RecordingSession) -> None:
    assert session.responses, "no request reached Prism"
    for response in session.responses:
        call = f"{response.request.method} {response.request.path_url}"
        assert request_violations(response) == [], f"{call} broke Gusto's request contract"
        assert response.status_code in (200, 204), f"{call} → {response.status_code}: {violations(response)}"


def test_check_refreshes_the_token_then_reads_one_contractor(
    gusto_prism: PrismServer, session: RecordingSession
) -> None:
    result = connector(gusto_prism, session).check()
    assert result.ok, result.message
    assert session.calls() == ["POST /oauth/token", f"GET /v1/companies/{COMPANY}/contractors"]
    token_request = json.loads(session.responses[0].request.body or b"{}")
    assert token_request["grant_type"] == "refresh_token"
    assert session.responses[1].request.headers["X-Gusto-API-Version"] == "2025-06-15"
    assert_request_contract_held(session)


def test_a_full_pass_reads_every_record_kind_with_valid_requests(
    gusto_prism: PrismServer, session: RecordingSession, store: Store
) -> None:
    report = sync(connector(gusto_prism, session), store)
    assert report.problems == []
    assert set(report.written) == {"workers", "engagements", "payout_accounts", "payments"}
    calls = session.calls()
    assert calls[:4] == [
        "POST /oauth/token",
        "GET /v1/events",
        "POST /oauth/token",
        f"GET /v1/companies/{COMPANY}/contractors",
    ]
    assert f"GET /v1/companies/{COMPANY}/contractors/payment_details" in calls
    assert f"GET /v1/companies/{COMPANY}/contractor_payments" in calls
    system = json.loads(session.responses[0].request.body or b"{}")
    assert system["grant_type"] == "system_access"
    assert json.loads(store.cursors("gusto")["events"])["after"] == "f7397a24-57ad-4fae-b011-d258e8232900"
    assert_request_contract_held(session)


def test_records_from_gustos_examples(gusto_prism: PrismServer, session: RecordingSession) -> None:
    records = [r for b in connector(gusto_prism, session, incremental=False).read({}) for r in b.records]
    worker = next(r for r in records if isinstance(r, Worker))
    assert (worker.legal_name, worker.claimed_country) == ("Kory P Gottlieb", "US")
    assert next(r for r in records if isinstance(r, Engagement)).rate is not None
    account = next(r for r in records if isinstance(r, PayoutAccount))
    assert account.remote_data["masked_account"] == "XXXX1545"
    payments = [r for r in records if isinstance(r, Payment)]
    assert {p.remote_id for p in payments} == {
        "04552eb9-7829-4b18-ae96-6983552948df",
        "25cfeb96-17fc-4fdf-8941-57f3fb9eea00",
    }
    assert all(p.hold_ref == p.remote_id for p in payments)  # Gusto's example says may_cancel


def test_an_incremental_read_and_webhook_read_backs_keep_the_contract(
    gusto_prism: PrismServer, session: RecordingSession
) -> None:
    conn = connector(gusto_prism, session)
    done = {
        name: Checkpoint(1, None, True).encode() for name in ("contractors", "payment_details", "contractor_payments")
    }
    events = json.dumps({"after": "a1b2c3d4-e5f6-7890-abcd-ef1234567890", "full_pass_at": NOW.isoformat()})
    batches = list(conn.read({**done, "events": events}))
    assert [c.stream for b in batches for c in b.cursors] == ["events"]
    gets = [r.request.path_url for r in session.responses if r.request.method == "GET"]
    assert gets == [
        f"/v1/events?resource_uuid={COMPANY}&sort_order=asc&limit=100&starting_after_uuid=a1b2c3d4-e5f6-7890-abcd-ef1234567890"
    ]

    for kind, entity in (
        ("contractor.updated", CONTRACTOR),
        ("contractor_payment.created", "04552eb9-7829-4b18-ae96-6983552948df"),
        ("contractor.bank_account.updated", "0aca4500-8ba4-48fc-adce-677fe7926b7b"),
    ):
        payload = {"uuid": "u", "event_type": kind, "resource_uuid": COMPANY, "entity_uuid": entity, "timestamp": 0}
        assert conn.webhook_batch(VerifiedDelivery("u", NOW, payload)).records
    assert {c for c in session.calls() if c.startswith("GET")} >= {
        f"GET /v1/contractors/{CONTRACTOR}",
        f"GET /v1/companies/{COMPANY}/contractors/payment_details",
        f"GET /v1/companies/{COMPANY}/contractor_payments/04552eb9-7829-4b18-ae96-6983552948df",
    }
    assert_request_contract_held(session)


def test_the_hold_reads_then_cancels_within_the_contract(gusto_prism: PrismServer, session: RecordingSession) -> None:
    result = connector(gusto_prism, session).hold(RecordRef(source="gusto", remote_id=CONTRACTOR), "hs-1", "test")
    assert result.vendor_ref.startswith("cancelled:04552eb9-7829-4b18-ae96-6983552948df")
    deletes = [r for r in session.responses if r.request.method == "DELETE"]
    assert [r.status_code for r in deletes] == [204, 204]
    assert_request_contract_held(session)


def test_a_request_without_a_token_is_invalid_auth(gusto_prism: PrismServer) -> None:
    with RecordingSession(drop_auth=True) as session:
        result = connector(gusto_prism, session, client_secret=SecretStr("prism-secret")).check()
    assert (result.ok, result.code) == (False, "invalid_auth")
    assert session.responses[-1].status_code == 401
    assert "prism-secret" not in result.message
