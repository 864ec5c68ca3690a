"""HiBob webhook verification without a network: signatures made by hand the way HiBob documents them.

``Bob-Signature`` = base64 HMAC-SHA512(webhook secret, raw body); payloads are v2 events
(``{companyId, type, triggeredBy, triggeredAt, version, data: {employeeId, …}}``). Seen event ids
live in the real store. Reading an event's employee back is tested on the wire in ``test_wire.py``.
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
from hiresentry.connectors.hibob import MANIFEST, HiBobConnector
from hiresentry.connectors.hibob import webhook as bob_webhook
from hiresentry.core.errors import WebhookRejectedError
from hiresentry.core.store import Store

SECRET = "bob-webhook-secret-abcdef"
NOW = dt.datetime(2026, 4, 6, 8, 0, tzinfo=dt.UTC)


def event(kind: str = "employee.updated", **data: Any) -> bytes:
    payload = {
        "companyId": 636192,
        "type": kind,
        "triggeredBy": "3332883909410030364",
        "triggeredAt": "2026-04-06T07:59:30.123",
        "version": "v2",
        "data": {"employeeId": "3332883911884669725", **data},
    }
    return json.dumps(payload).encode()


def signed(body: bytes, secret: str = SECRET) -> WebhookRequest:
    digest = hmac.new(secret.encode(), body, hashlib.sha512).digest()
    return WebhookRequest(body, {"Bob-Signature": base64.b64encode(digest).decode()})


def gate(store: Store) -> WebhookGate:
    raw = {
        "service_user_id": "SERVICE-1",
        "service_user_token": SecretStr("token-123456"),
        "webhook_secret": SecretStr(SECRET),
    }
    verifier = HiBobConnector.from_config("bob", raw, Runtime(now=lambda: NOW)).webhook_verifier()
    assert verifier is not None
    return WebhookGate("bob", verifier, SqlSeenEvents(store.engine), now=lambda: NOW)


def test_the_manifest_names_the_registered_scheme() -> None:
    assert MANIFEST.webhook == bob_webhook.SCHEME == "hibob"
    body = event()
    assert bob_webhook.signature(SecretStr(SECRET), body) == signed(body).headers["Bob-Signature"]


def test_a_genuine_delivery_is_accepted_once(store: Store) -> None:
    accepting = gate(store)
    delivery = accepting.accept(signed(event()))
    assert delivery.payload["data"]["employeeId"] == "3332883911884669725"
    assert delivery.event_id.startswith("sha256:")  # Bob sends no event id: the body's digest stands in
    with pytest.raises(WebhookRejectedError) as replayed:
        accepting.accept(signed(event()))
    assert replayed.value.reason == "replayed"


@pytest.mark.parametrize(
    "request_",
    [
        WebhookRequest(event().replace(b"3332883911884669725", b"3332883911884669726"), signed(event()).headers),
        signed(event(), secret="another-secret"),
        WebhookRequest(event(), {"Bob-Signature": "not base64 at all"}),
    ],
    ids=["tampered", "wrong-secret", "garbage"],
)
def test_forged_deliveries_are_refused(store: Store, request_: WebhookRequest) -> None:
    with pytest.raises(WebhookRejectedError) as refused:
        gate(store).accept(request_)
    assert refused.value.reason == "bad_signature"


def test_an_unsigned_delivery_is_refused(store: Store) -> None:
    with pytest.raises(WebhookRejectedError) as refused:
        gate(store).accept(WebhookRequest(event(), {}))
    assert refused.value.reason == "missing_header"


@pytest.mark.parametrize(
    ("payload", "expected"),
    [
        ({"type": "employee.updated", "data": {"employeeId": "42"}}, "42"),
        ({"type": "employee.created", "data": {"employeeId": 42}}, "42"),
        ({"type": "table.entry.updated", "data": {"employeeId": "42", "tableId": "bankAccounts", "id": 7}}, "42"),
        ({"type": "employee.updated", "employee": {"id": "43"}}, "43"),  # v1 legacy shape
        ({"type": "employee.deleted", "data": {"employeeId": "42"}}, None),
        ({"type": "timeoff.request.created", "data": {"employeeId": "42"}}, None),
        ({"type": "employee.updated", "data": {}}, None),
        ([], None),
    ],
)
def test_which_events_name_an_employee_to_read_back(payload: Any, expected: str | None) -> None:
    assert bob_webhook.employee_to_read(payload) == expected
