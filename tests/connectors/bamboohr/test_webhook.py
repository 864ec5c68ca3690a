"""BambooHR webhooks without a network: signatures made by hand the way BambooHR documents them.

``X-BambooHR-Signature`` = hex HMAC-SHA256(private key, raw body + ``X-BambooHR-Timestamp``); the
payload is the spec's ``employee.updated`` event. Seen event ids live in the real store. Reading a
delivery's employees back is tested on the wire in ``test_wire.py``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json

import pytest
from pydantic import SecretStr

from hiresentry.connectors.bamboohr import MANIFEST, BambooHRConnector
from hiresentry.connectors.bamboohr import webhook as bamboo_webhook
from hiresentry.connectors.base import Runtime, WebhookRequest
from hiresentry.connectors.base.webhook_replay import SqlSeenEvents, WebhookGate
from hiresentry.core.errors import WebhookRejectedError
from hiresentry.core.store import Store

KEY = "bamboo-webhook-private-key-42"
NOW = dt.datetime(2026, 3, 2, 11, 0, tzinfo=dt.UTC)
BODY = json.dumps(
    {
        "type": "employee.updated",
        "timestamp": "2026-03-02T10:59:58Z",
        "data": {"companyId": "12345", "employeeId": "102", "changedFields": ["mobilePhone", "address1"]},
    }
).encode()


def signed(body: bytes = BODY, *, key: str = KEY, at: dt.datetime = NOW) -> WebhookRequest:
    timestamp = str(int(at.timestamp()))
    digest = hmac.new(key.encode(), body + timestamp.encode(), hashlib.sha256).hexdigest()
    return WebhookRequest(body, {"X-BambooHR-Signature": digest, "X-BambooHR-Timestamp": timestamp})


def connector(**config: object) -> BambooHRConnector:
    raw = {
        "company_domain": "acme",
        "api_key": SecretStr("bamboo-api-key-0123456789"),
        "webhook_private_key": SecretStr(KEY),
        **config,
    }
    return BambooHRConnector.from_config("bamboo", raw, Runtime(now=lambda: NOW))


def gate(store: Store) -> WebhookGate:
    verifier = connector().webhook_verifier()
    assert verifier is not None
    return WebhookGate("bamboo", verifier, SqlSeenEvents(store.engine), now=lambda: NOW)


def test_manifest_names_the_registered_scheme() -> None:
    assert MANIFEST.webhook == bamboo_webhook.SCHEME == "bamboohr"


def test_a_genuine_delivery_is_accepted_once(store: Store) -> None:
    accepting = gate(store)
    delivery = accepting.accept(signed())
    assert delivery.timestamp == NOW
    assert delivery.payload["data"]["employeeId"] == "102"
    with pytest.raises(WebhookRejectedError) as replayed:
        accepting.accept(signed())
    assert replayed.value.reason == "replayed"


def test_the_signature_covers_body_and_timestamp(store: Store) -> None:
    genuine = signed()
    tampered_body = WebhookRequest(BODY.replace(b"102", b"103"), genuine.headers)
    moved_time = WebhookRequest(BODY, {**genuine.headers, "X-BambooHR-Timestamp": str(int(NOW.timestamp()) - 1)})
    for request in (tampered_body, moved_time, signed(key="some-other-key")):
        with pytest.raises(WebhookRejectedError) as refused:
            gate(store).accept(request)
        assert refused.value.reason == "bad_signature"


def test_stale_and_unsigned_deliveries_are_refused(store: Store) -> None:
    with pytest.raises(WebhookRejectedError) as stale:
        gate(store).accept(signed(at=NOW - dt.timedelta(minutes=6)))
    assert stale.value.reason == "stale"
    with pytest.raises(WebhookRejectedError) as missing:
        gate(store).accept(WebhookRequest(BODY, {"X-BambooHR-Timestamp": str(int(NOW.timestamp()))}))
    assert missing.value.reason == "missing_header"


def test_the_module_signature_helper_matches_a_hand_made_one() -> None:
    timestamp = str(int(NOW.timestamp()))
    assert bamboo_webhook.signature(SecretStr(KEY), BODY, timestamp) == signed().headers["X-BambooHR-Signature"]


def test_no_verifier_without_a_private_key() -> None:
    assert connector(webhook_private_key=None).webhook_verifier() is None


@pytest.mark.parametrize(
    ("payload", "expected"),
    [
        (json.loads(BODY), [("102", "updated")]),
        ({"type": "employee.deleted", "data": {"employeeId": 103}}, [("103", "deleted")]),
        (
            {"employees": [{"id": "7", "action": "Created"}, {"id": "8", "changedFields": ["city"]}, {"id": ""}]},
            [("7", "created"), ("8", "updated")],
        ),
        ({"type": "company.updated", "data": {"companyId": "12345"}}, []),
        ("not an object", []),
    ],
)
def test_which_employees_a_delivery_names(payload: object, expected: list[tuple[str, str]]) -> None:
    assert bamboo_webhook.changes(payload) == expected
