"""Gusto webhooks end to end: signature, time, replay, event → read back from our fake → store.

Deliveries are signed here the way Gusto documents it (``X-Gusto-Signature`` = lowercase hex
HMAC-SHA256 of the raw body, keyed by the subscription's ``verification_token``); the payload is
Gusto's event shape. The entity an event names is read back from the stateful local fake
(``fake_gusto.py``, **our own fixture** in Gusto's wire format), and the records go into the real
SQLite store.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any

import pytest
from pydantic import SecretStr

from hiresentry.connectors.base import WebhookRequest
from hiresentry.connectors.base.token_store import MemoryTokenStore
from hiresentry.connectors.base.webhook_replay import SqlSeenEvents, WebhookGate
from hiresentry.connectors.gusto import MANIFEST, GustoConnector
from hiresentry.connectors.gusto import webhook as gusto_webhook
from hiresentry.core.errors import WebhookRejectedError
from hiresentry.core.model import Engagement, PayoutAccount, Worker
from hiresentry.core.store import Store
from tests.connectors.gusto.fake_gusto import COMPANY, FakeGusto
from tests.connectors.gusto.support import NOW, make

TOKEN = "gusto-verification-token-abc123"


def event(entity: str, event_type: str = "contractor.updated", **fields: Any) -> bytes:
    body = {
        "uuid": fields.pop("uuid", "f7397a24-57ad-4fae-b011-d258e8232900"),
        "event_type": event_type,
        "resource_type": "Company",
        "resource_uuid": fields.pop("resource_uuid", COMPANY),
        "entity_type": fields.pop("entity_type", "Contractor"),
        "entity_uuid": entity,
        "timestamp": fields.pop("timestamp", int(NOW.timestamp()) - 30),
    }
    return json.dumps(body).encode()


def delivery(raw: bytes, key: str = TOKEN) -> WebhookRequest:
    signature = hmac.new(key.encode(), raw, hashlib.sha256).hexdigest()
    return WebhookRequest(raw, {"X-Gusto-Signature": signature, "Content-Type": "application/json"})


@pytest.fixture
def connector(fake_gusto: tuple[FakeGusto, str]) -> GustoConnector:
    _fake, url = fake_gusto
    return make(url, tokens=MemoryTokenStore(), webhook_verification_token=SecretStr(TOKEN))


def gate(conn: GustoConnector, store: Store) -> WebhookGate:
    verifier = conn.webhook_verifier()
    assert verifier is not None
    return WebhookGate(conn.instance, verifier, SqlSeenEvents(store.engine), now=lambda: NOW)


def test_a_contractor_event_is_read_back_into_the_store(
    fake_gusto: tuple[FakeGusto, str], connector: GustoConnector, store: Store
) -> None:
    fake, _url = fake_gusto
    target = fake.contractors[2]
    accepted = gate(connector, store).accept(delivery(event(target["uuid"])))
    assert accepted.event_id == "f7397a24-57ad-4fae-b011-d258e8232900"
    batch = connector.webhook_batch(accepted)
    kinds = sorted(type(r).__name__ for r in batch.records)
    assert kinds == ["Engagement", "PayoutAccount", "Worker"]
    worker = next(r for r in batch.records if isinstance(r, Worker))
    assert (worker.remote_id, worker.legal_name) == (target["uuid"], "Given2 Family2")
    assert [p for p in fake.paths() if p.startswith("GET")] == [
        f"GET /v1/contractors/{target['uuid']}",
        f"GET /v1/companies/{COMPANY}/contractors/payment_details",
    ]
    written = store.ingest(batch.records).written
    assert written == {"workers": 1, "engagements": 1, "payout_accounts": 1}
    assert {type(r) for r in batch.records} == {Worker, Engagement, PayoutAccount}


def test_a_tampered_body_is_rejected(connector: GustoConnector, store: Store) -> None:
    genuine = delivery(event("a"))
    tampered = WebhookRequest(genuine.body.replace(b"contractor.updated", b"contractor.created"), genuine.headers)
    with pytest.raises(WebhookRejectedError, match="bad_signature"):
        gate(connector, store).accept(tampered)


def test_another_key_is_rejected(connector: GustoConnector, store: Store) -> None:
    with pytest.raises(WebhookRejectedError, match="bad_signature"):
        gate(connector, store).accept(delivery(event("a"), key="someone-elses-token"))


def test_a_missing_signature_is_rejected(connector: GustoConnector, store: Store) -> None:
    with pytest.raises(WebhookRejectedError, match="missing_header"):
        gate(connector, store).accept(WebhookRequest(event("a"), {}))


def test_a_replayed_delivery_is_rejected(connector: GustoConnector, store: Store) -> None:
    gate(connector, store).accept(delivery(event("a")))
    with pytest.raises(WebhookRejectedError, match="replayed"):
        gate(connector, store).accept(delivery(event("a")))  # another worker on the same store


def test_a_stale_delivery_is_rejected(connector: GustoConnector, store: Store) -> None:
    with pytest.raises(WebhookRejectedError, match="stale"):
        gate(connector, store).accept(delivery(event("a", timestamp=int(NOW.timestamp()) - 3 * 86400)))


def test_events_of_other_companies_or_kinds_fetch_nothing(
    fake_gusto: tuple[FakeGusto, str], connector: GustoConnector, store: Store
) -> None:
    fake, _url = fake_gusto
    g = gate(connector, store)
    other = g.accept(delivery(event("a", resource_uuid="another-company", uuid="e-1")))
    employee = g.accept(delivery(event("b", "employee.updated", entity_type="Employee", uuid="e-2")))
    assert connector.webhook_batch(other).records == []
    assert connector.webhook_batch(employee).records == []
    assert [p for p in fake.paths() if p.startswith("GET")] == []


def test_a_destroyed_contractor_yields_no_record(
    fake_gusto: tuple[FakeGusto, str], connector: GustoConnector, store: Store
) -> None:
    accepted = gate(connector, store).accept(delivery(event("gone", "contractor.destroyed", uuid="e-3")))
    batch = connector.webhook_batch(accepted)
    assert (batch.records, batch.problems) == ([], [])


def test_no_token_means_no_webhooks(fake_gusto: tuple[FakeGusto, str]) -> None:
    _fake, url = fake_gusto
    assert make(url).webhook_verifier() is None
    assert MANIFEST.webhook == "gusto"


def test_the_helper_signature_matches_what_the_verifier_accepts(connector: GustoConnector, store: Store) -> None:
    raw = event("a", uuid="e-4")
    request = WebhookRequest(raw, {"X-Gusto-Signature": gusto_webhook.signature(SecretStr(TOKEN), raw)})
    assert gate(connector, store).accept(request).event_id == "e-4"
