"""FinchConnector against Prism mocks generated from Finch's own employer and management specs.

The specs are ``shared/specs/finch/employer/openapi.yaml`` (``/employer/*``) and
``shared/specs/finch/management/openapi.yaml`` (``/introspect`` …), from Finch's docs repository
(API version 2020-09-17, January 2024). The management spec ``$ref`` s the employer spec, so both
copies are kept side by side. Two named fixes are applied to the temporary copies (the shared files
are never changed; see ``conftest.py``):

1. ``pattern: "YYYY-MM-DD"`` on date parameters is a regex that no real date matches, so Prism would
   refuse every ``Finch-API-Version: 2020-09-17`` and ``start_date``; it becomes ``^\\d{4}-\\d{2}-\\d{2}$``.
2. The management copy's ``$ref: ../employer/openapi.yaml#…`` name the employer copy beside it.

In production both APIs are one host; here a session sends management paths to the management mock.
The real connector with real ``requests`` talks to the mocks; Prism checks every request (paths,
``limit``/``offset`` and date parameters, the required ``Finch-API-Version`` and ``Content-Type``
headers, bearer security, the batch request bodies with uuid ``individual_id`` s) and answers with
the spec's examples. A request violation (``sl-violations`` of the request, or a 4xx problem's
``validation``) fails the test.

What these mocks cannot show, and where it is tested instead (``test_wire.py``, our stateful fake):
paging and pay-date windows over several pages, retries, ``finch_code`` penalties, re-authentication,
incremental re-syncs. The examples' ids do not join either: the pay-statement example answers for
payment ``fc8b…``, not the payment example's ``20aa…``, so that payment is reported as a problem here
and the pay-statement mapping is tested on the example itself in ``test_mapping.py``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from pydantic import SecretStr

from hiresentry.connectors.base import Runtime
from hiresentry.connectors.finch import FinchConnector
from hiresentry.core.model import Engagement, Worker
from tests.connectors.finch.conftest import FAST, NOW, FinchSession, request_problems
from tests.contract.prism import PrismServer

pytestmark = pytest.mark.contract

Mocks = tuple[PrismServer, PrismServer]


@pytest.fixture
def session(finch_prism: Mocks) -> Iterator[FinchSession]:
    with FinchSession(finch_prism[1].url) as s:
        yield s


def connector(mocks: Mocks, session: FinchSession, **overrides: Any) -> FinchConnector:
    raw = {
        "base_url": mocks[0].url,
        "access_token": SecretStr("prism-access-token"),
        "product_rate_per_minute": FAST,
        "ip_requests_per_5_minutes": 300_000_000,
        **overrides,
    }
    return FinchConnector.from_config("finch", raw, Runtime(session=session, sleep=lambda _s: None, now=lambda: NOW))


def assert_request_contract_held(session: FinchSession) -> None:
    assert session.responses, "no request reached Prism"
    for response in session.responses:
        path = response.request.path_url
        assert request_problems(response) == [], f"{path} broke Finch's request contract"
        assert response.status_code == 200, f"{path} → {response.status_code}"
        assert response.request.headers["Finch-API-Version"] == "2020-09-17"


def test_check_names_the_products_the_connection_lacks(finch_prism: Mocks, session: FinchSession) -> None:
    result = connector(finch_prism, session).check()
    assert_request_contract_held(session)
    assert session.responses[0].url.startswith(finch_prism[1].url + "/introspect")
    # The spec's example connection has only the company and directory products.
    assert (result.ok, result.code) == (False, "forbidden_scope")
    assert "individual, employment, payment, pay_statement" in result.message


def test_directory_read_with_individuals_and_employments(finch_prism: Mocks, session: FinchSession) -> None:
    batches = list(connector(finch_prism, session, streams=["directory"], include_ssn=True).read({}))
    assert_request_contract_held(session)
    sent = [(r.request.method, r.request.path_url) for r in session.responses]
    assert sent == [
        ("GET", "/employer/directory?limit=100&offset=0"),
        ("POST", "/employer/individual"),
        ("POST", "/employer/employment"),
    ]
    records = [r for b in batches for r in b.records]
    worker = next(r for r in records if isinstance(r, Worker))
    assert (worker.legal_name, worker.preferred_name, worker.claimed_country) == ("Jane Doe", "Janey", "US")
    assert worker.emails == ["jane@acme.com", "janed@personal.com"]
    engagement = next(r for r in records if isinstance(r, Engagement))
    assert (engagement.type, str(engagement.rate), engagement.currency) == ("employee", "100000", "USD")
    assert [p for b in batches for p in b.problems] == []


def test_payment_windows_and_pay_statements(finch_prism: Mocks, session: FinchSession) -> None:
    batches = list(connector(finch_prism, session, streams=["payments"], payments_lookback_days=60).read({}))
    assert_request_contract_held(session)
    windows = [r.request.path_url for r in session.responses if r.request.method == "GET"]
    assert windows == ["/employer/payment?start_date=2025-04-02&end_date=2025-06-01"]
    (problem,) = [p for b in batches for p in b.problems]
    assert problem.location.endswith("/employer/pay-statement item id=20aa7cf2-949d-4d4e-9c01-499b59501ded")


def test_missing_version_header_is_refused_by_the_spec(finch_prism: Mocks) -> None:
    with FinchSession(finch_prism[1].url, drop=("Finch-API-Version",)) as session:
        result = connector(finch_prism, session).check()
    assert not result.ok
    (response,) = session.responses
    assert response.status_code == 422
    assert any("finch-api-version" in str(p).lower() for p in request_problems(response))
