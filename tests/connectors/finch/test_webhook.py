"""Finch webhooks without a network: Svix-style signatures, time window, replay through the real store.

Deliveries are signed here as Finch documents it: the secret is ``whsec_`` + base64 key; the
headers are ``finch-event-id``, ``finch-timestamp`` (epoch seconds) and ``finch-signature``
(``v1,<base64 HMAC-SHA256(key, "{id}.{timestamp}.{body}")>``, possibly several separated by
spaces), with ±5 minutes of allowed skew. The body follows Finch's event shape (``event_type``,
``company_id``, ``account_id``, ``data``); it names what changed but carries no record, so a verified
delivery maps to an empty batch and the next sync reads the change.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json

import pytest
from pydantic import SecretStr

from hiresentry.connectors.base import Runtime, WebhookRequest
from hiresentry.connectors.base.webhook_replay import SqlSeenEvents, WebhookGate
from hiresentry.connectors.finch import MANIFEST, FinchConnector
from hiresentry.core.errors import WebhookRejectedError
from hiresentry.core.store import Store

KEY = b"finch-webhook-key-0123456789abcdef"
SECRET = "whsec_" + base64.b64encode(KEY).decode()
NOW = dt.datetime(2026, 5, 4, 10, 0, tzinfo=dt.UTC)
BODY = json.dumps(
    {
        "company_id": "87eb4bc3-f76b-35e7-78d2-8f7822021d73",
        "account_id": "d8ef1814-5913-492f-b5c0-a16e2d6432c9",
        "event_type": "directory.updated",
        "data": {"individual_id": "5d0b10a1-a09a-430f-81f1-20be735dc5e9"},
    }
).encode()


def signature(event_id: str, ts: str, body: bytes, key: bytes = KEY) -> str:
    mac = hmac.new(key, f"{event_id}.{ts}.".encode() + body, hashlib.sha256).digest()
    return "v1," + base64.b64encode(mac).decode()


def delivery(
    event_id: str = "msg_2Xyz", at: dt.datetime = NOW, body: bytes = BODY, sig: str | None = None
) -> WebhookRequest:
    ts = str(int(at.timestamp()))
    headers = {
        "finch-event-id": event_id,
        "finch-timestamp": ts,
        "finch-signature": sig or signature(event_id, ts, body),
    }
    return WebhookRequest(body, headers)


def connector(secret: str | None = SECRET) -> FinchConnector:
    raw = {"access_token": SecretStr("finch-token-000111"), **({"webhook_secret": SecretStr(secret)} if secret else {})}
    return FinchConnector.from_config("finch-acme", raw, Runtime(now=lambda: NOW))


def test_manifest_and_no_verifier_without_a_secret() -> None:
    assert MANIFEST.webhook == "finch"
    assert connector(None).webhook_verifier() is None


def test_genuine_delivery_once_then_replay_refused(store: Store) -> None:
    conn = connector()
    verifier = conn.webhook_verifier()
    assert verifier is not None
    gate = WebhookGate(conn.instance, verifier, SqlSeenEvents(store.engine), now=lambda: NOW)
    accepted = gate.accept(delivery())
    assert accepted.event_id == "msg_2Xyz" and accepted.payload["event_type"] == "directory.updated"
    assert conn.webhook_batch(accepted).records == []
    with pytest.raises(WebhookRejectedError) as replay:
        gate.accept(delivery())
    assert replay.value.reason == "replayed"


def test_one_valid_signature_among_several_is_enough() -> None:
    ts = str(int(NOW.timestamp()))
    both = f"{signature('msg_1', ts, BODY, b'rotated-old-key-000000000000000')} {signature('msg_1', ts, BODY)}"
    verifier = connector().webhook_verifier()
    assert verifier is not None
    assert verifier.verify(delivery("msg_1", sig=both), NOW).event_id == "msg_1"


@pytest.mark.parametrize(
    ("request_", "reason"),
    [
        (WebhookRequest(BODY.replace(b"directory", b"payment"), dict(delivery().headers)), "bad_signature"),  # tampered
        (
            delivery(sig=signature("msg_2Xyz", str(int(NOW.timestamp())), BODY, b"another-key-123456789012345678")),
            "bad_signature",
        ),
        (delivery(at=NOW - dt.timedelta(minutes=6)), "stale"),
        (WebhookRequest(BODY, {"finch-event-id": "msg_3"}), "missing_header"),
    ],
)
def test_refused_deliveries(request_: WebhookRequest, reason: str) -> None:
    verifier = connector().webhook_verifier()
    assert verifier is not None
    with pytest.raises(WebhookRejectedError) as refused:
        verifier.verify(request_, NOW)
    assert refused.value.reason == reason
