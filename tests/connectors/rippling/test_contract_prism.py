"""Rippling connector against Prism mocks generated from Rippling's two OpenAPI specs.

- Legacy Platform API: ``shared/specs/rippling/rippling_platform_v1_legacy.yaml`` (Rippling's
  official ``OpenAPIDocs`` repository, 2021), loaded as is; Prism answers ``/employees`` with the
  spec's own two-employee example.
- New REST API: ``shared/specs/rippling/rippling_rest_api.yaml`` (KittyCAD's 2025 copy of
  rest.ripplingapis.com). One fix on the temporary copy (``conftest.add_workers_example``): the
  spec has no examples, so ``GET /workers`` gets **our** realistic one-page answer; without it Prism
  invents ``"string"`` dates and a ``next_link`` on another origin, which our client refuses.

The real ``RipplingConnector`` with real ``requests`` talks to both mocks; any *request* violation
in ``sl-violations`` (parameter names and types, security) fails the test. Paging, retries,
resuming and watermark re-syncs are tested against our stateful fake in ``test_wire.py``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import requests

from hiresentry.connectors.base import sync
from hiresentry.connectors.rippling import RipplingConnector
from hiresentry.core.model import Engagement, Worker
from hiresentry.core.store import Store
from tests.connectors.rippling.support import make
from tests.contract.prism import PrismServer, request_violations, violations

pytestmark = pytest.mark.contract


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
        if self.drop_auth:
            request.headers.pop("Authorization", None)
        return super().send(request, **kwargs)


@pytest.fixture
def session() -> Iterator[RecordingSession]:
    with RecordingSession() as s:
        yield s


def connector(legacy: PrismServer, rest: PrismServer, session: requests.Session, **overrides: Any) -> RipplingConnector:
    return make(legacy.url, rest.url, session=session, page_size=100, max_attempts=1, **overrides)


def assert_request_contract_held(session: RecordingSession) -> None:
    assert session.responses, "no request reached Prism"
    for response in session.responses:
        call = f"{response.request.method} {response.request.path_url}"
        assert request_violations(response) == [], f"{call} broke Rippling's request contract"
        assert response.status_code == 200, f"{call} → {response.status_code}: {violations(response)}"


def test_check_of_both_apis(legacy_prism: PrismServer, rest_prism: PrismServer, session: RecordingSession) -> None:
    result = connector(legacy_prism, rest_prism, session, api="both").check()
    assert result.ok, result.message
    assert [r.request.path_url.split("?")[0] for r in session.responses] == [
        "/employees/include_terminated",
        "/workers",
    ]
    assert_request_contract_held(session)


ACTIVE = ["Parashuram Joshi", "Triveni Mahata", "Thumb Man", "Support Account"]


@pytest.mark.parametrize(
    ("terminated", "path", "names"),
    [
        (True, "/employees/include_terminated", ["Aditya Sundaram", "Parashuram Joshi", "Swag Test", *ACTIVE[1:]]),
        (False, "/employees", ACTIVE),
    ],
)
def test_legacy_employees_from_the_specs_example(
    legacy_prism: PrismServer,
    rest_prism: PrismServer,
    session: RecordingSession,
    terminated: bool,
    path: str,
    names: list[str],
) -> None:
    batches = list(connector(legacy_prism, rest_prism, session, api="legacy", include_terminated=terminated).read({}))
    assert [p for b in batches for p in b.problems] == []
    workers = [r for b in batches for r in b.records if isinstance(r, Worker)]
    assert [w.legal_name for w in workers] == names
    engagements = {r.remote_id: r for b in batches for r in b.records if isinstance(r, Engagement)}
    assert len(engagements) == len(names)
    if terminated:
        assert sorted(e.status or "" for e in engagements.values()).count("terminated") == 2
    assert {r.request.path_url.split("?")[0] for r in session.responses} == {path}
    assert_request_contract_held(session)


def test_rest_workers(legacy_prism: PrismServer, rest_prism: PrismServer, session: RecordingSession) -> None:
    batches = list(connector(legacy_prism, rest_prism, session).read({}))
    (worker,) = [r for b in batches for r in b.records if isinstance(r, Worker)]
    assert worker.legal_name == "Mina Sato"
    (request,) = [r.request for r in session.responses]
    assert request.path_url == "/workers?expand=user%2Cemployment_type&order_by=updated_at+desc"
    assert_request_contract_held(session)


def test_both_apis_sync_into_a_store(
    legacy_prism: PrismServer, rest_prism: PrismServer, session: RecordingSession, store: Store
) -> None:
    report = sync(connector(legacy_prism, rest_prism, session, api="both"), store)
    assert report.problems == []
    assert report.written == {"workers": 7, "engagements": 7}  # six legacy employees, one REST worker
    assert_request_contract_held(session)


@pytest.mark.parametrize("api", ["legacy", "rest"])
def test_a_request_without_a_token_is_invalid_auth(
    legacy_prism: PrismServer, rest_prism: PrismServer, api: str
) -> None:
    with RecordingSession(drop_auth=True) as session:
        result = connector(legacy_prism, rest_prism, session, api=api).check()
    assert (result.ok, result.code) == (False, "invalid_auth")
    assert [r.status_code for r in session.responses] == [401]
