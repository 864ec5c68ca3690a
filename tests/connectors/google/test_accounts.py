"""Google Workspace suspension end to end against the local fake (ours: no Admin SDK spec exists).

The fake keeps ``suspended``/``suspensionReason`` per user, applies ``PUT`` bodies and checks that
the token carries the read-write Directory scope, so these tests show idempotency against the
customer's own state and least-privilege tokens (the sync's token cannot suspend anyone).
"""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import SecretStr

from hiresentry.connectors.base import Runtime
from hiresentry.connectors.google import GoogleWorkspaceConnector
from hiresentry.core.capabilities import AccountSuspendCapability
from hiresentry.core.cases.view import RecordRef
from hiresentry.core.errors import ActionError, ConnectorAuthError
from tests.connectors.google.fake_google import (
    ADMIN,
    REPORTS,
    USERS_PATH,
    USERS_RO,
    USERS_RW,
    FakeGoogle,
    key_file,
    user,
)


def make(url: str, **overrides: Any) -> GoogleWorkspaceConnector:
    raw = {
        "service_account_key": SecretStr(key_file(f"{url}/token")),
        "delegated_admin": ADMIN,
        "base_url": url,
        "rate_limit_per_second": 1_000_000,
    }
    return GoogleWorkspaceConnector.from_config("google", raw | overrides, Runtime(sleep=lambda _s: None))


def puts(fake: FakeGoogle) -> list[str]:
    return [p for m, p, _ in fake.log if m == "PUT"]


def test_suspend_and_restore_end_to_end(fake_google: tuple[FakeGoogle, str]) -> None:
    fake, url = fake_google
    fake.add_users(user(1))
    uid = user(1)["id"]
    connector = make(url)
    assert isinstance(connector, AccountSuspendCapability)
    worker = RecordRef(source="google", remote_id=uid)

    result = connector.suspend(worker, "case-1", "DPRK IT worker indicators")
    assert result.vendor_ref == f"suspended:{uid}"
    assert (fake.users[uid]["suspended"], fake.users[uid]["suspensionReason"]) == (True, "ADMIN")
    assert puts(fake) == [f"{USERS_PATH}/{uid}"]
    (grant,) = fake.grants
    assert grant["claims"]["scope"] == USERS_RW  # its own token, with only the write scope

    assert connector.suspend(worker, "case-1", "again") == result  # same case: same answer, nothing sent
    assert make(url).suspend(worker, "case-1", "r").vendor_ref == f"unchanged:{uid}:ADMIN"  # a fresh process
    assert len(puts(fake)) == 1

    connector.unsuspend(worker, result.vendor_ref)
    assert fake.users[uid]["suspended"] is False
    connector.unsuspend(worker, result.vendor_ref)  # twice is harmless
    assert fake.users[uid]["suspended"] is False


def test_an_account_google_suspended_stays_suspended(fake_google: tuple[FakeGoogle, str]) -> None:
    fake, url = fake_google
    fake.add_users(user(2, suspended=True, reason="ABUSE"))
    worker = RecordRef(source="google", remote_id=user(2)["id"])
    connector = make(url)
    result = connector.suspend(worker, "case-2", "r")
    assert result.vendor_ref == f"unchanged:{user(2)['id']}:ABUSE"
    connector.unsuspend(worker, result.vendor_ref)
    assert fake.users[user(2)["id"]]["suspended"] is True
    assert puts(fake) == []


def test_refusals(fake_google: tuple[FakeGoogle, str]) -> None:
    fake, url = fake_google
    fake.add_users(user(3))
    connector = make(url)
    with pytest.raises(ActionError, match="has no user 404"):
        connector.suspend(RecordRef(source="google", remote_id="404"), "k", "r")
    with pytest.raises(ActionError, match="not a record of Google Workspace source"):
        connector.suspend(RecordRef(source="okta", remote_id=user(3)["id"]), "k", "r")
    with pytest.raises(ActionError, match="not a suspension"):
        connector.unsuspend(RecordRef(source="google", remote_id=user(3)["id"]), "suspended:someone")
    fake.delegated = {REPORTS, USERS_RO}  # read-only delegation: syncing works, suspending cannot
    with pytest.raises(ConnectorAuthError, match="domain-wide delegation"):
        make(url).suspend(RecordRef(source="google", remote_id=user(3)["id"]), "k", "r")
    assert make(url).check().ok
    assert fake.users[user(3)["id"]]["suspended"] is False
