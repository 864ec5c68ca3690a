"""Okta event hooks without a network: the shared header, the one-time verification, replay, events.

Deliveries are built as Okta documents event hooks (a configured ``Authorization`` header sent
back verbatim; ``{"eventId", "eventTime", "data": {"events": [LogEvent…]}}``; a verification
``GET`` with ``X-Okta-Verification-Challenge``) and ingested into the real SQLite store.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from pydantic import SecretStr

from hiresentry.connectors.base import Runtime, WebhookRequest
from hiresentry.connectors.base.webhook_replay import SqlSeenEvents, WebhookGate
from hiresentry.connectors.okta import OktaConnector
from hiresentry.connectors.okta.webhook import verification_answer
from hiresentry.core.errors import WebhookRejectedError
from hiresentry.core.store import Store
from tests.connectors.okta.fake_okta import sign_in

SECRET = "okta-hook-secret-0123456789"
NOW = dt.datetime(2024, 8, 13, 16, 0, tzinfo=dt.UTC)


def connector(**config: Any) -> OktaConnector:
    raw = {"org_url": "https://acme.okta.com", "api_token": SecretStr("t-000000"), "webhook_secret": SecretStr(SECRET)}
    return OktaConnector.from_config("okta", raw | config, Runtime(now=lambda: NOW))


def hook(*events: dict[str, Any], event_id: str = "b5e5a1b0-598c-11ef-8478-2b7584bf8d5a") -> bytes:
    payload = {
        "eventType": "com.okta.event_hook",
        "eventTypeVersion": "1.0",
        "cloudEventsVersion": "0.1",
        "source": "https://acme.okta.com/api/v1/eventHooks/whoql0HfiLGPWc8Jx0g3",
        "eventId": event_id,
        "data": {"events": list(events)},
        "eventTime": "2024-08-13T15:59:01.000Z",
        "contentType": "application/json",
    }
    return json.dumps(payload).encode()


def gate(conn: OktaConnector, store: Store) -> WebhookGate:
    verifier = conn.webhook_verifier()
    assert verifier is not None
    return WebhookGate(conn.instance, verifier, SqlSeenEvents(store.engine), now=lambda: NOW)


def test_sign_ins_in_a_delivery_become_access_events(store: Store) -> None:
    conn = connector()
    body = hook(
        sign_in(1, "00u1", at=NOW - dt.timedelta(minutes=2)),
        sign_in(2, "00u1", event_type="user.account.update_profile"),
        sign_in(3, "00u1", result="FAILURE"),
        sign_in(4, "00u2", ip="not-an-ip"),
    )
    accepted = gate(conn, store).accept(WebhookRequest(body, {"Authorization": SECRET}))
    assert accepted.event_id == "b5e5a1b0-598c-11ef-8478-2b7584bf8d5a"
    batch = conn.webhook_batch(accepted)
    (event,) = batch.records
    assert (event.remote_id, event.worker_remote_id) == (sign_in(1, "00u1")["uuid"], "00u1")
    assert [p.location for p in batch.problems] == [
        f"okta:webhook {accepted.event_id} event uuid={sign_in(4, 'x')['uuid']}"
    ]
    assert store.ingest(batch.records).written == {"access_events": 1}


def test_wrong_or_missing_secret_and_replays_are_refused(store: Store) -> None:
    body = hook(sign_in(1, "00u1"))
    with pytest.raises(WebhookRejectedError, match="bad_signature"):
        gate(connector(), store).accept(WebhookRequest(body, {"Authorization": "guess"}))
    with pytest.raises(WebhookRejectedError, match="missing_header"):
        gate(connector(), store).accept(WebhookRequest(body, {}))
    gate(connector(), store).accept(WebhookRequest(body, {"Authorization": SECRET}))
    with pytest.raises(WebhookRejectedError, match="replayed"):
        gate(connector(), store).accept(WebhookRequest(body, {"Authorization": SECRET}))


def test_a_stale_delivery_is_refused(store: Store) -> None:
    body = hook(sign_in(1, "00u1")).replace(b"2024-08-13T15:59:01.000Z", b"2024-08-10T15:59:01.000Z")
    with pytest.raises(WebhookRejectedError, match="stale"):
        gate(connector(), store).accept(WebhookRequest(body, {"Authorization": SECRET}))


def test_the_header_name_is_configurable(store: Store) -> None:
    conn = connector(webhook_header="X-Hook-Key")
    accepted = gate(conn, store).accept(WebhookRequest(hook(sign_in(1, "00u1")), {"X-Hook-Key": SECRET}))
    assert len(conn.webhook_batch(accepted).records) == 1


def test_the_one_time_verification() -> None:
    verifier = connector().webhook_verifier()
    assert verifier is not None
    challenge = {"X-Okta-Verification-Challenge": "2A2k7lDpLrQ1m8UoX8Qx", "Authorization": SECRET}
    assert verification_answer(WebhookRequest(b"", challenge), verifier, NOW) == {
        "verification": "2A2k7lDpLrQ1m8UoX8Qx"
    }
    with pytest.raises(WebhookRejectedError, match="bad_signature"):
        verification_answer(WebhookRequest(b"", challenge | {"Authorization": "x"}), verifier, NOW)
    with pytest.raises(WebhookRejectedError, match="missing_header"):
        verification_answer(WebhookRequest(b"", {"Authorization": SECRET}), verifier, NOW)


def test_no_secret_means_no_webhooks() -> None:
    conn = OktaConnector.from_config("okta", {"org_url": "https://acme.okta.com", "api_token": SecretStr("t-0")})
    assert conn.webhook_verifier() is None
