"""Entra account suspension end to end against the local Graph fake (ours: no Graph spec exists).

The fake keeps ``accountEnabled`` per user, applies ``PATCH /users/{id}`` bodies and records
``revokeSignInSessions``, so these tests show idempotency against the tenant's own state.
"""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import SecretStr

from hiresentry.connectors.base import Runtime
from hiresentry.connectors.entra import EntraConnector
from hiresentry.core.capabilities import AccountSuspendCapability
from hiresentry.core.cases.view import RecordRef
from hiresentry.core.errors import ActionError, ConnectorForbiddenError
from tests.connectors.entra.fake_graph import TENANT, FakeGraph, user


def make(url: str, **overrides: Any) -> EntraConnector:
    raw = {
        "tenant_id": TENANT,
        "client_id": "app-1",
        "client_secret": SecretStr("graph-secret-XYZ"),
        "graph_url": url,
        "login_url": url,
        "rate_limit_per_second": 1_000_000,
    }
    return EntraConnector.from_config("entra", raw | overrides, Runtime(sleep=lambda _s: None))


def writes(fake: FakeGraph) -> list[tuple[str, str]]:
    return [(m, p) for m, p, _ in fake.log if m in ("PATCH", "POST") and "oauth2" not in p]


def test_disable_and_reenable_end_to_end(fake_graph: tuple[FakeGraph, str]) -> None:
    fake, url = fake_graph
    fake.add_users(user(1))
    uid = user(1)["id"]
    connector = make(url)
    assert isinstance(connector, AccountSuspendCapability)
    worker = RecordRef(source="entra", remote_id=uid)

    result = connector.suspend(worker, "case-1", "DPRK IT worker indicators")
    assert result.vendor_ref == f"suspended:{uid}"
    assert fake.users[uid]["accountEnabled"] is False
    assert fake.revoked == [uid]
    assert writes(fake) == [("PATCH", f"/v1.0/users/{uid}"), ("POST", f"/v1.0/users/{uid}/revokeSignInSessions")]
    assert fake.bodies == [{"accountEnabled": False}]
    assert fake.requests_to(f"/v1.0/users/{uid}") == [{"$select": "id,accountEnabled"}]

    assert connector.suspend(worker, "case-1", "again") == result  # same case: same answer, nothing sent
    assert len(writes(fake)) == 2
    assert make(url).suspend(worker, "case-1", "r").vendor_ref == f"unchanged:{uid}:disabled"  # a fresh process
    assert len(writes(fake)) == 2

    connector.unsuspend(worker, result.vendor_ref)
    assert fake.users[uid]["accountEnabled"] is True
    connector.unsuspend(worker, result.vendor_ref)  # twice is harmless
    assert fake.users[uid]["accountEnabled"] is True
    assert fake.bodies[-2:] == [{"accountEnabled": True}, {"accountEnabled": True}]


def test_an_account_disabled_by_an_admin_stays_disabled(fake_graph: tuple[FakeGraph, str]) -> None:
    fake, url = fake_graph
    fake.add_users(user(2, enabled=False))
    worker = RecordRef(source="entra", remote_id=user(2)["id"])
    connector = make(url)
    result = connector.suspend(worker, "case-2", "r")
    assert result.vendor_ref == f"unchanged:{user(2)['id']}:disabled"
    connector.unsuspend(worker, result.vendor_ref)
    assert fake.users[user(2)["id"]]["accountEnabled"] is False
    assert writes(fake) == []


def test_sessions_kept_when_configured_and_refusals(fake_graph: tuple[FakeGraph, str]) -> None:
    fake, url = fake_graph
    fake.add_users(user(1), user(3))
    make(url, revoke_sessions_on_suspend=False).suspend(RecordRef(source="entra", remote_id=user(1)["id"]), "k", "r")
    assert fake.revoked == []
    connector = make(url)
    with pytest.raises(ActionError, match="Entra has no user nobody"):
        connector.suspend(RecordRef(source="entra", remote_id="nobody"), "k", "r")
    with pytest.raises(ActionError, match="not a record of Entra source"):
        connector.suspend(RecordRef(source="okta", remote_id=user(3)["id"]), "k", "r")
    with pytest.raises(ActionError, match="not a suspension"):
        connector.unsuspend(RecordRef(source="entra", remote_id=user(3)["id"]), f"suspended:{user(1)['id']}")
    fake.fail(
        f"/v1.0/users/{user(3)['id']}",
        403,
        body={
            "error": {
                "code": "Authorization_RequestDenied",
                "message": "Insufficient privileges to complete the operation.",
            }
        },
        when=lambda _q: True,
        times=1,
    )
    fake.faults[-1].when = lambda q: "$select" not in q  # the PATCH, not the read before it
    with pytest.raises(ConnectorForbiddenError, match="Insufficient privileges"):
        connector.suspend(RecordRef(source="entra", remote_id=user(3)["id"]), "k", "r")
    assert fake.users[user(3)["id"]]["accountEnabled"] is True
