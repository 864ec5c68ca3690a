"""Personio v2 webhooks without a network: the shared token, replay protection through the real store.

Personio signs nothing: the callback carries the ``token`` given at ``POST /v2/webhooks`` verbatim in
the ``Authorization`` header (``shared/reference/connectors.md`` §3.4). Deliveries here are built that
way by hand (the body shape is our own: Personio's payload carries the event and the resource id) and
go through the registry's ``personio`` verifier and a ``WebhookGate`` over the store's seen-id table.
A delivery names what changed; it carries no record, so the next (incremental) sync reads it.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest
from pydantic import SecretStr

from hiresentry.connectors.base import Runtime, WebhookRequest
from hiresentry.connectors.base.webhook_replay import SqlSeenEvents, WebhookGate
from hiresentry.connectors.personio import MANIFEST, PersonioConnector
from hiresentry.core.errors import WebhookRejectedError
from hiresentry.core.store import Store

TOKEN = "personio-hook-token-7f3a9c"
NOW = dt.datetime(2026, 5, 4, 10, 0, tzinfo=dt.UTC)


def connector(token: str | None = TOKEN) -> PersonioConnector:
    raw = {
        "api_version": "v2",
        "client_id": "c",
        "client_secret": SecretStr("client-secret-1"),
        **({"webhook_token": SecretStr(token)} if token else {}),
    }
    return PersonioConnector.from_config("personio-acme", raw, Runtime(now=lambda: NOW))


def delivery(event: str = "Person.updated", resource: str = "12345", token: str = TOKEN) -> WebhookRequest:
    body = json.dumps({"event": event, "resource_id": resource, "occurred_at": "2026-05-04T09:59:58Z"}).encode()
    return WebhookRequest(body, {"Authorization": token, "Content-Type": "application/json"})


def test_manifest_names_the_registered_scheme() -> None:
    assert MANIFEST.webhook == "personio"
    assert connector(None).webhook_verifier() is None


def test_genuine_delivery_is_accepted_once(store: Store) -> None:
    conn = connector()
    verifier = conn.webhook_verifier()
    assert verifier is not None
    gate = WebhookGate(conn.instance, verifier, SqlSeenEvents(store.engine), now=lambda: NOW)
    accepted = gate.accept(delivery())
    assert accepted.payload["event"] == "Person.updated"
    assert conn.webhook_batch(accepted).records == []  # the next sync reads the change
    with pytest.raises(WebhookRejectedError) as replay:
        gate.accept(delivery())
    assert replay.value.reason == "replayed"
    assert gate.accept(delivery(resource="67890")).payload["resource_id"] == "67890"


@pytest.mark.parametrize(
    ("request_", "reason"),
    [
        (delivery(token="personio-hook-token-WRONG"), "bad_signature"),
        (WebhookRequest(b"{}", {}), "missing_header"),
        (delivery(token=f"Bearer {TOKEN}x"), "bad_signature"),
    ],
)
def test_refused_deliveries(request_: WebhookRequest, reason: str) -> None:
    verifier = connector().webhook_verifier()
    assert verifier is not None
    with pytest.raises(WebhookRejectedError) as refused:
        verifier.verify(request_, NOW)
    assert refused.value.reason == reason
    assert TOKEN not in str(refused.value)
