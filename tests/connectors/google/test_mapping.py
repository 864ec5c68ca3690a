"""Google payload → record functions, the service-account key, config and channel notifications.

No network. Payloads follow the Reports API ``Activity`` (login) and Directory ``User`` references
(there is no Admin SDK spec in ``shared/specs``); notifications are built as ``activities.watch``
documents them (``X-Goog-Channel-Token`` etc.) and go through the registry's ``google-channel`` scheme.
"""

from __future__ import annotations

import base64
import copy
import datetime as dt
import json
from typing import Any

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding
from pydantic import SecretStr

from hiresentry.connectors.base import Runtime, WebhookRequest
from hiresentry.connectors.base.webhook_replay import SqlSeenEvents, WebhookGate
from hiresentry.connectors.google import MANIFEST, GoogleWorkspaceConnector, mapping
from hiresentry.connectors.google.connector import quota_exceeded
from hiresentry.connectors.google.service_account import ServiceAccountKey
from hiresentry.connectors.google.streams import rfc3339
from hiresentry.core.errors import ConfigError, WebhookRejectedError
from hiresentry.core.store import Store
from tests.connectors.google.fake_google import ADMIN, CLIENT_EMAIL, key_file, login, private_key, quota_error, user

NOW = dt.datetime(2024, 8, 13, 16, 0, tzinfo=dt.UTC)
KEY = key_file("https://oauth2.googleapis.com/token")


def connector(**config: Any) -> GoogleWorkspaceConnector:
    raw = {"service_account_key": SecretStr(KEY), "delegated_admin": ADMIN, "channel_token": SecretStr("chan-tok-123")}
    return GoogleWorkspaceConnector.from_config("google", raw | config, Runtime(now=lambda: NOW))


def test_login_activity() -> None:
    activity = login(3, "100230688039070880003", ip="175.45.176.3", region="KP", asn=131279, suspicious=True)
    event = mapping.access_event("google", activity)
    assert event.remote_id == "2024-08-13T15:03:00.000000Z/-3546412233463312342"
    assert (event.worker_remote_id, event.login, event.ip, event.asn, event.country) == (
        "100230688039070880003",
        "user3@example.com",
        "175.45.176.3",
        131279,
        "KP",
    )
    assert (event.is_proxy, event.vpn_provider, event.device_id, event.user_agent) == (False, None, None, None)
    assert event.time == dt.datetime(2024, 8, 13, 15, 3, tzinfo=dt.UTC)
    kept = event.remote_data
    assert kept["events"][0]["parameters"] == {
        "login_type": "google_password",
        "login_challenge_method": ["password"],
        "is_suspicious": True,
    }
    assert kept["networkInfo"] == {"regionCode": "KP", "subdivisionCode": "KP-CA"}
    assert "175.45.176.3" not in str(kept) and "user3@example.com" not in str(kept)


def test_the_id_is_stable_however_google_writes_the_time() -> None:
    a, b = login(1, "p"), login(1, "p")
    b["id"]["time"] = "2024-08-13T15:01:00Z"
    assert mapping.activity_id(a) == mapping.activity_id(b)


@pytest.mark.parametrize(
    ("path", "value", "reason"),
    [
        (("id", "uniqueQualifier"), None, "no id.time or id.uniqueQualifier"),
        (("actor", "profileId"), None, "no actor.profileId"),
        (("ipAddress",), "203.0.113.256", "not an IP address"),
    ],
)
def test_malformed_logins(path: tuple[str, ...], value: Any, reason: str) -> None:
    activity = copy.deepcopy(login(1, "p"))
    node = activity
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    with pytest.raises(ValueError, match=reason):
        mapping.access_event("google", activity)


def test_directory_user() -> None:
    worker = mapping.worker("google", user(4, suspended=True))
    assert (worker.remote_id, worker.legal_name) == ("100230688039070880004", "Given4 Family4")
    assert worker.emails == ["given4@example.com", "g4@example.org", "gf4@example.com"]
    assert worker.phones == ["+1 415 555 1004"]
    assert (worker.remote_data["suspended"], worker.remote_data["orgUnitPath"]) == (True, "/Contractors")
    with pytest.raises(ValueError, match="no name"):
        mapping.worker("google", {"id": "1", "name": {}})


def test_quota_errors_are_throttling_and_plain_403s_are_not() -> None:
    assert quota_exceeded(403, {}, quota_error("rateLimitExceeded"))
    assert quota_exceeded(403, {}, quota_error("quotaExceeded"))
    assert quota_exceeded(403, {}, {"error": {"status": "RESOURCE_EXHAUSTED"}})
    assert not quota_exceeded(403, {}, {"error": {"code": 403, "errors": [{"reason": "forbidden"}]}})
    assert not quota_exceeded(400, {}, quota_error())
    assert not quota_exceeded(403, {}, None)


def test_service_account_key_and_assertion() -> None:
    key = ServiceAccountKey.from_json(SecretStr(KEY))
    assert "PRIVATE" not in repr(key) and key.client_email == CLIENT_EMAIL
    jwt = key.assertion(ADMIN, ["s1", "s2"], NOW)
    head, body, signature = jwt.split(".")

    def decode(part: str) -> bytes:
        return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))

    assert json.loads(decode(body)) == {
        "iss": CLIENT_EMAIL,
        "sub": ADMIN,
        "scope": "s1 s2",
        "aud": "https://oauth2.googleapis.com/token",
        "iat": int(NOW.timestamp()),
        "exp": int(NOW.timestamp()) + 3600,
    }
    private_key().public_key().verify(decode(signature), f"{head}.{body}".encode(), padding.PKCS1v15(), hashes.SHA256())


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ("not json", "not JSON"),
        (json.dumps({"type": "authorized_user"}), "not a service account key"),
        (json.dumps({"type": "service_account", "client_email": "x@y.z"}), "no private_key"),
        (json.dumps({"type": "service_account", "client_email": "x@y.z", "private_key": "-----BEGIN"}), "not a PEM"),
        (KEY.replace("https://oauth2.googleapis.com/token", "http://evil.example/token"), "must be https"),
    ],
)
def test_bad_keys_fail_at_load_time(content: str, reason: str) -> None:
    with pytest.raises(ConfigError, match=reason) as raised:
        GoogleWorkspaceConnector.from_config(
            "google", {"service_account_key": SecretStr(content), "delegated_admin": ADMIN}
        )
    assert "BEGIN PRIVATE KEY" not in str(raised.value)


def test_config() -> None:
    with pytest.raises(ConfigError, match="never inline"):
        GoogleWorkspaceConnector.from_config("google", {"service_account_key": KEY, "delegated_admin": ADMIN})
    with pytest.raises(ConfigError, match="email address of a Workspace admin"):
        connector(delegated_admin="admin")
    with pytest.raises(ConfigError, match="customer id"):
        connector(customer_id="../x")
    assert rfc3339(dt.datetime(2024, 8, 13, 15, 58, 20, 353999, tzinfo=dt.UTC)) == "2024-08-13T15:58:20.353Z"
    assert MANIFEST.capabilities == ["account.suspend"] and MANIFEST.webhook == "google-channel"


def notification(
    body: Any, number: str = "7", token: str = "chan-tok-123", state: str = "login_success"
) -> WebhookRequest:
    headers = {
        "X-Goog-Channel-ID": "hiresentry-login-1",
        "X-Goog-Channel-Token": token,
        "X-Goog-Message-Number": number,
        "X-Goog-Resource-State": state,
        "X-Goog-Resource-ID": "ret08u3rv24htgh289g",
    }
    return WebhookRequest(json.dumps(body).encode() if body is not None else b"", headers)


def test_channel_notifications(store: Store) -> None:
    conn = connector()
    verifier = conn.webhook_verifier()
    assert verifier is not None
    gate = WebhookGate(conn.instance, verifier, SqlSeenEvents(store.engine), now=lambda: NOW)
    assert conn.webhook_batch(gate.accept(notification(None, number="1", state="sync"))).records == []
    accepted = gate.accept(notification(login(5, "100230688039070880005")))
    (event,) = conn.webhook_batch(accepted).records
    assert event.worker_remote_id == "100230688039070880005"
    with pytest.raises(WebhookRejectedError, match="replayed"):
        gate.accept(notification(login(5, "100230688039070880005")))
    with pytest.raises(WebhookRejectedError, match="bad_signature"):
        gate.accept(notification(login(6, "x"), number="8", token="guess"))
    broken = login(9, "x") | {"ipAddress": "nope"}
    assert [p.reason for p in conn.webhook_batch(gate.accept(notification(broken, number="9"))).problems] == [
        "ValueError: ipAddress is not an IP address"
    ]
    assert (
        GoogleWorkspaceConnector.from_config(
            "google", {"service_account_key": SecretStr(KEY), "delegated_admin": ADMIN}
        ).webhook_verifier()
        is None
    )
