"""Deel webhooks end to end without a network: signature, time, replay, payload → records → store.

Deliveries are built the way Deel documents them (``x-deel-signature`` = hex HMAC-SHA256 of
``"POST" + raw body``; payload ``{data: {meta, resource}, timestamp}``, contract resource as in
Deel's ``contract.status.updated`` example) and ingested into the real SQLite store.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
from typing import Any

import pytest
from pydantic import SecretStr

from hiresentry.connectors.base import CAPABILITIES, Runtime, WebhookRequest
from hiresentry.connectors.base.webhook_replay import SqlSeenEvents, WebhookGate
from hiresentry.connectors.deel import MANIFEST, DeelConfig, DeelConnector
from hiresentry.connectors.deel import webhook as deel_webhook
from hiresentry.core.capabilities import PayoutHoldCapability
from hiresentry.core.errors import WebhookRejectedError
from hiresentry.core.store import Store

KEY = "deel-signing-key-abcdef012345"
NOW = dt.datetime(2026, 5, 4, 10, 0, tzinfo=dt.UTC)


def contract_event(event_type: str = "contract.status.updated", tracking: str = "trk-1", **resource: Any) -> bytes:
    payload = {
        "data": {
            "meta": {"event_type": event_type, "organization_id": 112546, "tracking_id": tracking},
            "resource": {
                "id": "3w4zdd9",
                "type": "pay_as_you_go_time_based",
                "status": "in_progress",
                "client": {"team": {"id": 214286, "name": "Deel EOR"}},
                "compensation_details": {"amount": "123", "currency_code": "USD"},
                "worker": {"id": "w-77", "full_name": "Alex Kim"},
                **resource,
            },
        },
        "timestamp": "2026-05-04T09:59:58.119Z",
    }
    return json.dumps(payload).encode()


def delivery(raw: bytes, key: str = KEY) -> WebhookRequest:
    signature = hmac.new(key.encode(), b"POST" + raw, hashlib.sha256).hexdigest()
    return WebhookRequest(raw, {"x-deel-signature": signature, "x-deel-hmac-label": "hiresentry"})


def connector(**config: Any) -> DeelConnector:
    raw = {"token": SecretStr("deel-token-000111"), "webhook_signing_key": SecretStr(KEY), **config}
    return DeelConnector.from_config("deel-acme", raw, Runtime(now=lambda: NOW))


def gate(conn: DeelConnector, store: Store) -> WebhookGate:
    verifier = conn.webhook_verifier()
    assert verifier is not None
    return WebhookGate(conn.instance, verifier, SqlSeenEvents(store.engine), now=lambda: NOW)


def test_a_contract_event_becomes_an_engagement_in_the_store(store: Store) -> None:
    conn = connector()
    accepted = gate(conn, store).accept(delivery(contract_event()))
    assert accepted.event_id == "trk-1"
    batch = conn.webhook_batch(accepted)
    (engagement,) = batch.records
    assert (engagement.source, engagement.remote_id, engagement.worker_remote_id) == ("deel-acme", "3w4zdd9", "w-77")
    assert engagement.modified_at == dt.datetime(2026, 5, 4, 9, 59, 58, 119000, tzinfo=dt.UTC)  # Deel's send time
    assert store.ingest(batch.records).written == {"engagements": 1}


def test_a_tampered_body_is_rejected(store: Store) -> None:
    genuine = delivery(contract_event())
    tampered = WebhookRequest(genuine.body.replace(b"w-77", b"w-78"), genuine.headers)
    with pytest.raises(WebhookRejectedError, match="bad_signature"):
        gate(connector(), store).accept(tampered)


def test_another_signing_key_is_rejected(store: Store) -> None:
    with pytest.raises(WebhookRejectedError, match="bad_signature"):
        gate(connector(), store).accept(delivery(contract_event(), key="someone-elses-key-000"))


def test_a_replayed_delivery_is_rejected(store: Store) -> None:
    g = gate(connector(), store)
    g.accept(delivery(contract_event()))
    with pytest.raises(WebhookRejectedError, match="replayed"):
        gate(connector(), store).accept(delivery(contract_event()))  # a second worker, the same store


def test_a_stale_delivery_is_rejected(store: Store) -> None:
    raw = contract_event().replace(b"2026-05-04T09:59:58.119Z", b"2026-05-01T09:59:58.119Z")
    with pytest.raises(WebhookRejectedError, match="stale"):
        gate(connector(), store).accept(delivery(raw))


def test_events_without_a_contract_carry_no_records(store: Store) -> None:
    conn = connector()
    raw = json.dumps({"data": {"meta": {"event_type": "invoice.paid", "tracking_id": "t9"}, "resource": {"id": "i1"}}})
    accepted = gate(conn, store).accept(delivery(raw.encode()))
    assert conn.webhook_batch(accepted).records == []


def test_a_malformed_contract_is_a_problem_not_a_crash(store: Store) -> None:
    conn = connector()
    accepted = gate(conn, store).accept(delivery(contract_event(tracking="t2", start_date="31/12/2026")))
    batch = conn.webhook_batch(accepted)
    assert batch.records == []
    assert [p.location for p in batch.problems] == ["deel-acme:webhook contract.status.updated contract id=3w4zdd9"]


def test_the_legacy_helpers_agree_with_the_verifier() -> None:
    raw = contract_event()
    request = delivery(raw)
    assert deel_webhook.verify(SecretStr(KEY), raw, request.header("x-deel-signature"))
    assert not deel_webhook.verify(SecretStr(KEY), raw + b" ", request.header("x-deel-signature"))


def test_no_signing_key_means_no_webhooks() -> None:
    conn = DeelConnector.from_config("deel-acme", {"token": SecretStr("deel-token-000111")})
    assert conn.webhook_verifier() is None


def test_payout_hold_is_a_manual_task_not_a_capability() -> None:
    assert MANIFEST.webhook == "deel"
    assert not set(MANIFEST.capabilities) & set(CAPABILITIES)
    assert not isinstance(connector(), PayoutHoldCapability)
    assert MANIFEST.manual_hold is not None
    text = MANIFEST.manual_hold.task_text("deel-acme:w-77")
    assert "deel-acme:w-77" in text
    assert "POST /contracts/{contract_id}/terminations" in text
    assert "POST /timesheets/{id}/reviews" in text and "POST /invoice-adjustments/{id}/reviews" in text


def test_the_signing_key_is_a_secret_reference_in_config() -> None:
    config = DeelConfig.model_validate({"token": SecretStr("t-0000000"), "webhook_signing_key": SecretStr(KEY)})
    assert KEY not in repr(config)
