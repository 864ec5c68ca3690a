"""Okta account suspension end to end against the stateful local fake (ours, ``fake_okta.py``).

The fake keeps each user's lifecycle status and refuses what Okta refuses (suspending a user who
is not ``ACTIVE``, unsuspending one who is not ``SUSPENDED``: 400 ``E0000001``), so these tests
show idempotency against the vendor's state, not only our memory. The requests themselves are
checked against Okta's spec in ``test_contract_prism.py``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from pydantic import SecretStr

from hiresentry.connectors.base import Runtime
from hiresentry.connectors.okta import OktaConnector
from hiresentry.core.capabilities import AccountSuspendCapability
from hiresentry.core.cases.view import RecordRef
from hiresentry.core.errors import ActionError
from tests.connectors.okta.fake_okta import FakeOkta, user


def make(url: str, now: dt.datetime, **overrides: Any) -> OktaConnector:
    raw = {"org_url": url, "api_token": SecretStr("okta-token-XYZ"), "rate_limit_per_second": 1_000_000}
    return OktaConnector.from_config("okta", raw | overrides, Runtime(sleep=lambda _s: None, now=lambda: now))


def calls(fake: FakeOkta, method: str) -> list[str]:
    return [path for m, path, _ in fake.log if m == method]


def test_suspend_and_unsuspend_end_to_end(fake_okta: tuple[FakeOkta, str]) -> None:
    fake, url = fake_okta
    fake.add_users(user(1))
    uid = user(1)["id"]
    connector = make(url, fake.now)
    assert isinstance(connector, AccountSuspendCapability)
    worker = RecordRef(source="okta", remote_id=uid)

    result = connector.suspend(worker, "case-1", "DPRK IT worker indicators")
    assert result.vendor_ref == f"suspended:{uid}"
    assert fake.users[uid]["status"] == "SUSPENDED"
    assert calls(fake, "POST") == [f"/api/v1/users/{uid}/lifecycle/suspend"]
    assert calls(fake, "DELETE") == [f"/api/v1/users/{uid}/sessions"]
    assert fake.requests_to(f"/api/v1/users/{uid}/sessions", "DELETE") == [{"oauthTokens": "true"}]

    # the same case again: the same answer, nothing sent
    assert connector.suspend(worker, "case-1", "again") == result
    assert len(calls(fake, "POST")) == 1

    connector.unsuspend(worker, result.vendor_ref)
    assert fake.users[uid]["status"] == "ACTIVE"
    assert calls(fake, "POST")[-1] == f"/api/v1/users/{uid}/lifecycle/unsuspend"
    # unsuspending twice: Okta says 400, the user is active, so it is done
    connector.unsuspend(worker, result.vendor_ref)
    assert fake.users[uid]["status"] == "ACTIVE"

    # a later escalation of the same case suspends again (the memory of the first was cleared)
    assert connector.suspend(worker, "case-1", "re-escalated").vendor_ref == f"suspended:{uid}"
    assert fake.users[uid]["status"] == "SUSPENDED"


def test_a_user_suspended_by_someone_else_stays_suspended(fake_okta: tuple[FakeOkta, str]) -> None:
    fake, url = fake_okta
    fake.add_users(user(2, status="SUSPENDED"), user(3, status="DEPROVISIONED"))
    connector = make(url, fake.now)
    for i, status in ((2, "SUSPENDED"), (3, "DEPROVISIONED")):
        worker = RecordRef(source="okta", remote_id=user(i)["id"])
        result = connector.suspend(worker, "case-2", "reason")
        assert result.vendor_ref == f"unchanged:{user(i)['id']}:{status}"
        connector.unsuspend(worker, result.vendor_ref)
        assert fake.users[user(i)["id"]]["status"] == status
    assert calls(fake, "POST") == [] and calls(fake, "DELETE") == []


def test_a_fresh_process_does_not_mistake_its_own_earlier_suspension(fake_okta: tuple[FakeOkta, str]) -> None:
    """Idempotent across processes: the second one sees SUSPENDED and sends nothing."""
    fake, url = fake_okta
    fake.add_users(user(1))
    worker = RecordRef(source="okta", remote_id=user(1)["id"])
    make(url, fake.now).suspend(worker, "case-1", "r")
    again = make(url, fake.now).suspend(worker, "case-1", "r")
    assert again.vendor_ref.startswith("unchanged:")
    assert len(calls(fake, "POST")) == 1


def test_sessions_are_left_alone_when_configured(fake_okta: tuple[FakeOkta, str]) -> None:
    fake, url = fake_okta
    fake.add_users(user(1))
    make(url, fake.now, clear_sessions_on_suspend=False).suspend(
        RecordRef(source="okta", remote_id=user(1)["id"]), "k", "r"
    )
    assert calls(fake, "DELETE") == []


def test_refusals_are_action_errors(fake_okta: tuple[FakeOkta, str]) -> None:
    fake, url = fake_okta
    fake.add_users(user(4, status="STAGED"))
    connector = make(url, fake.now)
    with pytest.raises(ActionError, match="Cannot suspend a user that is not active"):
        connector.suspend(RecordRef(source="okta", remote_id=user(4)["id"]), "k", "r")
    with pytest.raises(ActionError, match="Okta has no user 00u-gone"):
        connector.suspend(RecordRef(source="okta", remote_id="00u-gone"), "k", "r")
    with pytest.raises(ActionError, match="not a record of Okta source"):
        connector.suspend(RecordRef(source="deel", remote_id=user(4)["id"]), "k", "r")
    with pytest.raises(ActionError, match="not a suspension"):
        connector.unsuspend(RecordRef(source="okta", remote_id=user(4)["id"]), "suspended:someone-else")
    assert calls(fake, "POST") == [f"/api/v1/users/{user(4)['id']}/lifecycle/suspend"]
