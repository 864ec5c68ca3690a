"""Merge webhooks end to end without a network: signature, replay, linked account, payload → store.

Deliveries are signed here the way Merge documents it: ``X-Merge-Webhook-Signature`` is the
base64url-encoded HMAC-SHA256 of the raw body under the organization's signature key. Payloads
follow Merge's documented shape (``hook``, ``linked_account``, ``data`` = the common model; the
``Employment`` is the spec's example). They go through the registry's ``merge`` verifier and a
``WebhookGate`` over the real store's seen-id table.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
from typing import Any

import pytest
from pydantic import SecretStr

from hiresentry.connectors.base import Runtime, WebhookRequest
from hiresentry.connectors.base.webhook_replay import SqlSeenEvents, WebhookGate
from hiresentry.connectors.merge import MANIFEST, MergeConnector
from hiresentry.core.errors import WebhookRejectedError
from hiresentry.core.model import Engagement
from hiresentry.core.store import Store

KEY = "merge-signature-key-0a1b2c3d4e5f"
NOW = dt.datetime(2026, 5, 4, 10, 0, tzinfo=dt.UTC)
ACCOUNT = "la-0001"
EMPLOYMENT = {
    "id": "65d8ffd0-211b-4ba4-b85a-fbe2ce220982",
    "remote_id": "19202938",
    "employee": "0958cbc6-6040-430a-848e-aafacbadf4ae",
    "job_title": "Executive Assistant to Tom Wambsgans",
    "pay_rate": 50000.0,
    "pay_period": "YEAR",
    "pay_currency": "USD",
    "employment_type": "CONTRACTOR",
    "effective_date": "2023-10-06T18:42:34Z",
    "remote_was_deleted": False,
    "modified_at": "2026-05-04T09:59:00Z",
}


def body(event: str = "Employment.changed", account: str = ACCOUNT, **data: Any) -> bytes:
    payload = {
        "hook": {
            "id": "hook-employment-changed",
            "event": event,
            "target": "https://hiresentry.example/webhooks/merge",
        },
        "linked_account": {"id": account, "integration": "BambooHR", "category": "hris", "status": "COMPLETE"},
        "data": {**EMPLOYMENT, **data},
    }
    return json.dumps(payload).encode()


def signed(raw: bytes, key: str = KEY) -> WebhookRequest:
    digest = hmac.new(key.encode(), raw, hashlib.sha256).digest()
    return WebhookRequest(raw, {"X-Merge-Webhook-Signature": base64.urlsafe_b64encode(digest).decode()})


def connector(**config: Any) -> MergeConnector:
    raw = {
        "api_key": SecretStr("merge-api-key-0001"),
        "account_token": SecretStr("merge-account-0001"),
        "webhook_signature_key": SecretStr(KEY),
        "linked_account_id": ACCOUNT,
        **config,
    }
    return MergeConnector.from_config("merge-acme", raw, Runtime(now=lambda: NOW))


def gate(conn: MergeConnector, store: Store) -> WebhookGate:
    verifier = conn.webhook_verifier()
    assert verifier is not None
    return WebhookGate(conn.instance, verifier, SqlSeenEvents(store.engine), now=lambda: NOW)


def test_manifest_and_no_verifier_without_a_key() -> None:
    assert MANIFEST.webhook == "merge"
    assert connector(webhook_signature_key=None).webhook_verifier() is None


def test_employment_change_becomes_an_engagement_in_the_store(store: Store) -> None:
    conn = connector()
    delivery = gate(conn, store).accept(signed(body()))
    batch = conn.webhook_batch(delivery)
    (record,) = batch.records
    assert isinstance(record, Engagement)
    assert (record.remote_id, record.type, record.currency) == (EMPLOYMENT["id"], "contractor", "USD")
    assert store.ingest(batch.records).written == {"engagements": 1}

    removed = conn.webhook_batch(gate(conn, store).accept(signed(body("Employment.removed"))))
    assert removed.records[0].deleted


def test_deliveries_sharing_a_hook_id_are_distinct_events(store: Store) -> None:
    """Merge's hook.id is the webhook's, not the delivery's: two changes must both be accepted."""
    the_gate = gate(connector(), store)
    the_gate.accept(signed(body(job_title="Analyst")))
    the_gate.accept(signed(body(job_title="Senior Analyst")))
    with pytest.raises(WebhookRejectedError) as replay:
        the_gate.accept(signed(body(job_title="Analyst")))  # the same delivery again
    assert replay.value.reason == "replayed"


@pytest.mark.parametrize(
    ("raw", "config"),
    [
        (body(account="la-other"), {}),  # another linked account of the organization
        (body(), {"linked_account_id": None}),  # which account is ours is unknown
        (body("Employee.changed"), {}),  # would erase the stored SSN hash: the next sync reads it
        (body("LinkedAccount.synced"), {}),
    ],
)
def test_deliveries_that_carry_no_record_for_this_source(raw: bytes, config: dict[str, Any]) -> None:
    conn = connector(**config)
    verifier = conn.webhook_verifier()
    assert verifier is not None
    assert conn.webhook_batch(verifier.verify(signed(raw), NOW)).records == []


def test_a_malformed_employment_is_a_problem() -> None:
    conn = connector()
    verifier = conn.webhook_verifier()
    assert verifier is not None
    batch = conn.webhook_batch(verifier.verify(signed(body(employee=None)), NOW))
    (problem,) = batch.problems
    assert "Employment.changed" in problem.location and "no employee" in problem.reason


@pytest.mark.parametrize(
    ("request_", "reason"),
    [
        (signed(body(), key="not-the-merge-key-123"), "bad_signature"),
        (WebhookRequest(body() + b" ", signed(body()).headers), "bad_signature"),  # tampered
        (WebhookRequest(body(), {}), "missing_header"),
    ],
)
def test_refused_deliveries(request_: WebhookRequest, reason: str) -> None:
    verifier = connector().webhook_verifier()
    assert verifier is not None
    with pytest.raises(WebhookRejectedError) as refused:
        verifier.verify(request_, NOW)
    assert refused.value.reason == reason
