"""Remote webhooks end to end: signature, time, replay, event → read back from our fake → store.

Deliveries are signed here as Remote's published agent skill describes (``X-Remote-Signature`` =
hex HMAC-SHA256 of ``raw body + ":" + timestamp in ms``; the timestamp header's name is a setting,
default ``X-Remote-Timestamp``). What an event names is read back from the stateful local fake
(``fake_remote.py``, **our own fixture**), and the records go into the real SQLite store.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any

import pytest
from pydantic import SecretStr

from hiresentry.connectors.base import WebhookRequest
from hiresentry.connectors.base.webhook_replay import SqlSeenEvents, WebhookGate
from hiresentry.connectors.remote import MANIFEST, RemoteConnector
from hiresentry.connectors.remote import webhook as remote_webhook
from hiresentry.core.errors import WebhookRejectedError
from hiresentry.core.model import Engagement, Payment, PayoutAccount, Worker
from hiresentry.core.store import Store
from tests.connectors.remote.fake_remote import COMPANY, FakeRemote, invoice
from tests.connectors.remote.support import NOW, make

KEY = "remote-signing-key-0123456789"
NOW_MS = str(int(NOW.timestamp() * 1000))


def body(event_type: str = "employment.details.updated", **fields: Any) -> bytes:
    return json.dumps({"event_type": event_type, "company_id": COMPANY, **fields}).encode()


def delivery(raw: bytes, key: str = KEY, ts: str = NOW_MS, header: str = "X-Remote-Timestamp") -> WebhookRequest:
    signature = hmac.new(key.encode(), raw + b":" + ts.encode(), hashlib.sha256).hexdigest()
    return WebhookRequest(raw, {"X-Remote-Signature": signature, header: ts})


@pytest.fixture
def connector(fake_remote: tuple[FakeRemote, str]) -> RemoteConnector:
    _fake, url = fake_remote
    return make(url, webhook_signing_key=SecretStr(KEY), company_id=COMPANY)


def gate(conn: RemoteConnector, store: Store) -> WebhookGate:
    verifier = conn.webhook_verifier()
    assert verifier is not None
    return WebhookGate(conn.instance, verifier, SqlSeenEvents(store.engine), now=lambda: NOW)


def test_an_employment_event_reads_the_details_back_into_the_store(
    fake_remote: tuple[FakeRemote, str], connector: RemoteConnector, store: Store
) -> None:
    fake, _url = fake_remote
    target = fake.employments[2]["id"]
    accepted = gate(connector, store).accept(delivery(body(employment_id=target)))
    assert accepted.event_id.startswith("sha256:")  # Remote sends no event id: the body digest is one
    batch = connector.webhook_batch(accepted)
    assert fake.detail_reads() == [target]
    assert {type(r) for r in batch.records} == {Worker, Engagement, PayoutAccount}
    assert store.ingest(batch.records).written == {"workers": 1, "engagements": 1, "payout_accounts": 1}


def test_a_contractor_invoice_event_reads_the_invoice(
    fake_remote: tuple[FakeRemote, str], connector: RemoteConnector, store: Store
) -> None:
    fake, _url = fake_remote
    fake.invoices = [invoice(9, fake.employments[0]["id"], "2026-03-01")]
    accepted = gate(connector, store).accept(
        delivery(body("contractor_invoice.issued", contractor_invoice_id="inv-0009"))
    )
    (payment,) = connector.webhook_batch(accepted).records
    assert isinstance(payment, Payment) and payment.remote_id == "inv-0009"


def test_a_tampered_body_is_rejected(connector: RemoteConnector, store: Store) -> None:
    genuine = delivery(body(employment_id="a"))
    tampered = WebhookRequest(genuine.body.replace(b'"a"', b'"b"'), genuine.headers)
    with pytest.raises(WebhookRejectedError, match="bad_signature"):
        gate(connector, store).accept(tampered)


def test_another_key_or_another_timestamp_is_rejected(connector: RemoteConnector, store: Store) -> None:
    with pytest.raises(WebhookRejectedError, match="bad_signature"):
        gate(connector, store).accept(delivery(body(employment_id="a"), key="someone-elses-key"))
    signed = delivery(body(employment_id="a"))
    moved = WebhookRequest(signed.body, {**signed.headers, "X-Remote-Timestamp": str(int(NOW_MS) + 1)})
    with pytest.raises(WebhookRejectedError, match="bad_signature"):
        gate(connector, store).accept(moved)


def test_a_stale_or_replayed_delivery_is_rejected(connector: RemoteConnector, store: Store) -> None:
    old = str(int(NOW_MS) - 10 * 60 * 1000)
    with pytest.raises(WebhookRejectedError, match="stale"):
        gate(connector, store).accept(delivery(body(employment_id="a"), ts=old))
    gate(connector, store).accept(delivery(body(employment_id="a")))
    with pytest.raises(WebhookRejectedError, match="replayed"):
        gate(connector, store).accept(delivery(body(employment_id="a")))


def test_the_timestamp_header_name_is_a_setting(fake_remote: tuple[FakeRemote, str], store: Store) -> None:
    _fake, url = fake_remote
    conn = make(url, webhook_signing_key=SecretStr(KEY), webhook_timestamp_header="X-Remote-Timestamp-Ms")
    assert gate(conn, store).accept(delivery(body(employment_id="z"), header="X-Remote-Timestamp-Ms"))
    with pytest.raises(WebhookRejectedError, match="missing_header"):
        gate(conn, store).accept(delivery(body(employment_id="y")))


def test_other_companies_and_other_events_read_nothing(
    fake_remote: tuple[FakeRemote, str], connector: RemoteConnector, store: Store
) -> None:
    fake, _url = fake_remote
    g = gate(connector, store)
    other = g.accept(
        delivery(
            json.dumps({"event_type": "employment.details.updated", "company_id": "x", "employment_id": "e"}).encode()
        )
    )
    timeoff = g.accept(delivery(body("timeoff.requested", employment_id="e")))
    assert connector.webhook_batch(other).records == []
    assert connector.webhook_batch(timeoff).records == []
    assert fake.detail_reads() == []


def test_an_unknown_employment_is_a_problem_not_a_crash(connector: RemoteConnector, store: Store) -> None:
    accepted = gate(connector, store).accept(delivery(body(employment_id="gone")))
    batch = connector.webhook_batch(accepted)
    assert batch.records == []
    assert [p.location for p in batch.problems] == ["remote:webhook employment.details.updated"]


def test_no_key_means_no_webhooks_and_the_helper_signs_alike(
    fake_remote: tuple[FakeRemote, str], connector: RemoteConnector, store: Store
) -> None:
    _fake, url = fake_remote
    assert make(url).webhook_verifier() is None
    assert MANIFEST.webhook == "remote"
    raw = body(employment_id="q")
    request = WebhookRequest(
        raw, {"X-Remote-Signature": remote_webhook.signature(SecretStr(KEY), raw, NOW_MS), "X-Remote-Timestamp": NOW_MS}
    )
    assert gate(connector, store).accept(request)
