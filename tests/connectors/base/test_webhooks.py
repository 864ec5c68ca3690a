"""Every webhook scheme: a genuine delivery, a tampered one, one signed with the wrong key, and a stale
or replayed one. Pure functions plus the real SQLite store for the seen-id table.

The "vendor side" of each case is written here from the vendor's documentation, independently of
the verifier under test (``hmac.new(...)`` by hand), so a verifier that signs the wrong bytes or
encodes the digest differently fails the positive case instead of agreeing with itself.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from pydantic import SecretStr

from hiresentry.connectors.base import WebhookRequest, register_scheme, verifier_for, webhook_schemes
from hiresentry.connectors.base.webhook_replay import MemorySeenEvents, SqlSeenEvents, WebhookGate
from hiresentry.connectors.base.webhook_schemes import schemes
from hiresentry.connectors.base.webhooks import StaticTokenVerifier
from hiresentry.core.errors import ConfigError, WebhookRejectedError
from hiresentry.core.store import Store

NOW = dt.datetime(2026, 4, 1, 9, 30, tzinfo=dt.UTC)
SECRET = "webhook-secret-0123456789"
WRONG = "another-secret-9876543210"
SVIX_SECRET = "whsec_" + base64.b64encode(b"svix-key-bytes-0123456789").decode()
SVIX_WRONG = "whsec_" + base64.b64encode(b"other-key-bytes-987654321").decode()


def hexmac(key: str, message: bytes, algo: str = "sha256") -> str:
    return hmac.new(key.encode(), message, algo).hexdigest()


def b64mac(key: str, message: bytes, algo: str = "sha256", url: bool = False) -> str:
    digest = hmac.new(key.encode(), message, algo).digest()
    return (base64.urlsafe_b64encode(digest).decode().rstrip("=")) if url else base64.b64encode(digest).decode()


def body(at: dt.datetime, **extra: object) -> bytes:
    return json.dumps({"event": "changed", "sent": at.isoformat(), **extra}, separators=(",", ":")).encode()


@dataclass(frozen=True)
class Case:
    scheme: str
    secret: str
    wrong: str
    sign: Callable[[str, dt.datetime], WebhookRequest]
    timed: bool  # the delivery carries a (signed or in-body) time that goes stale
    token_only: bool = False  # a shared token: the body is not covered, so tampering means the header


def gusto(key: str, at: dt.datetime) -> WebhookRequest:
    raw = json.dumps({"uuid": "evt-1", "event_type": "contractor.updated", "timestamp": int(at.timestamp())}).encode()
    return WebhookRequest(raw, {"X-Gusto-Signature": hexmac(key, raw)})


def deel(key: str, at: dt.datetime) -> WebhookRequest:
    payload = {"data": {"meta": {"event_type": "contract.created", "tracking_id": "trk-1"}, "resource": {}}}
    raw = json.dumps({**payload, "timestamp": at.isoformat().replace("+00:00", "Z")}).encode()
    return WebhookRequest(raw, {"x-deel-signature": hexmac(key, b"POST" + raw)})


def bamboohr(key: str, at: dt.datetime) -> WebhookRequest:
    raw, ts = body(at), str(int(at.timestamp()))
    return WebhookRequest(raw, {"X-BambooHR-Signature": hexmac(key, raw + ts.encode()), "X-BambooHR-Timestamp": ts})


def remote(key: str, at: dt.datetime) -> WebhookRequest:
    raw, ts = body(at), str(int(at.timestamp() * 1000))
    return WebhookRequest(raw, {"X-Remote-Signature": hexmac(key, raw + b":" + ts.encode()), "X-Remote-Timestamp": ts})


def merge(key: str, at: dt.datetime) -> WebhookRequest:
    raw = json.dumps({"hook": {"id": "hook-1", "event": "Employee.changed"}, "data": {}}).encode()
    return WebhookRequest(raw, {"X-Merge-Webhook-Signature": b64mac(key, raw, url=True)})


def hibob(key: str, at: dt.datetime) -> WebhookRequest:
    raw = body(at)
    return WebhookRequest(raw, {"Bob-Signature": b64mac(key, raw, "sha512")})


def finch(key: str, at: dt.datetime) -> WebhookRequest:
    raw, ts, event = body(at), str(int(at.timestamp())), "msg_2abc"
    secret = base64.b64decode(key.removeprefix("whsec_"))
    sig = base64.b64encode(hmac.new(secret, f"{event}.{ts}.".encode() + raw, hashlib.sha256).digest()).decode()
    # Svix sends every active signature during a key rotation: one stale, one current.
    return WebhookRequest(
        raw, {"finch-event-id": event, "finch-timestamp": ts, "finch-signature": f"v1,AAAAbad= v1,{sig}"}
    )


def personio(key: str, at: dt.datetime) -> WebhookRequest:
    return WebhookRequest(body(at), {"Authorization": key})


def okta(key: str, at: dt.datetime) -> WebhookRequest:
    raw = json.dumps({"eventId": "okta-evt-1", "eventTime": at.isoformat(), "data": {"events": []}}).encode()
    return WebhookRequest(raw, {"Authorization": key})


def google(key: str, at: dt.datetime) -> WebhookRequest:
    headers = {"X-Goog-Channel-Token": key, "X-Goog-Channel-ID": "chan-1", "X-Goog-Message-Number": "7"}
    return WebhookRequest(body(at), headers)


CASES = [
    Case("gusto", SECRET, WRONG, gusto, timed=True),
    Case("deel", SECRET, WRONG, deel, timed=True),
    Case("bamboohr", SECRET, WRONG, bamboohr, timed=True),
    Case("remote", SECRET, WRONG, remote, timed=True),
    Case("merge", SECRET, WRONG, merge, timed=False),
    Case("hibob", SECRET, WRONG, hibob, timed=False),
    Case("finch", SVIX_SECRET, SVIX_WRONG, finch, timed=True),
    Case("personio", SECRET, WRONG, personio, timed=False, token_only=True),
    Case("okta", SECRET, WRONG, okta, timed=True, token_only=True),
    Case("google-channel", SECRET, WRONG, google, timed=False, token_only=True),
]
IDS = [c.scheme for c in CASES]


def reason(case: Case, request: WebhookRequest, now: dt.datetime = NOW) -> str:
    with pytest.raises(WebhookRejectedError) as caught:
        verifier_for(case.scheme, SecretStr(case.secret)).verify(request, now)
    return caught.value.reason


def test_every_built_in_scheme_is_covered() -> None:
    assert {*IDS, "svix"} <= set(schemes())


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_a_genuine_delivery_is_accepted(case: Case) -> None:
    delivery = verifier_for(case.scheme, SecretStr(case.secret)).verify(case.sign(case.secret, NOW), NOW)
    assert delivery.event_id
    assert delivery.payload is not None


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_a_tampered_delivery_is_rejected(case: Case) -> None:
    genuine = case.sign(case.secret, NOW)
    if case.token_only:
        headers = {k: (v + "x" if v == case.secret else v) for k, v in genuine.headers.items()}
        tampered = WebhookRequest(genuine.body, headers)
    else:
        tampered = WebhookRequest(genuine.body.replace(b'"', b"'", 1), genuine.headers)  # one byte changed
    assert reason(case, tampered) == "bad_signature"


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_a_delivery_signed_with_another_key_is_rejected(case: Case) -> None:
    assert reason(case, case.sign(case.wrong, NOW)) == "bad_signature"


@pytest.mark.parametrize("case", [c for c in CASES if c.timed], ids=[c.scheme for c in CASES if c.timed])
def test_a_stale_delivery_is_rejected(case: Case) -> None:
    verifier = verifier_for(case.scheme, SecretStr(case.secret))
    old = NOW - verifier.window - dt.timedelta(seconds=1)
    if verifier.body_time_path is not None:
        old = NOW - verifier.body_window - dt.timedelta(seconds=1)
    assert reason(case, case.sign(case.secret, old)) == "stale"
    # Inside the window is fine (a little clock skew both ways).
    verifier.verify(case.sign(case.secret, NOW + dt.timedelta(seconds=30)), NOW)


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_a_replayed_delivery_is_rejected(case: Case) -> None:
    gate = WebhookGate("acme", verifier_for(case.scheme, SecretStr(case.secret)), MemorySeenEvents(), now=lambda: NOW)
    request = case.sign(case.secret, NOW)
    gate.accept(request)
    with pytest.raises(WebhookRejectedError) as caught:
        gate.accept(request)
    assert caught.value.reason == "replayed"


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_a_delivery_without_its_header_is_rejected(case: Case) -> None:
    assert reason(case, WebhookRequest(case.sign(case.secret, NOW).body, {})) == "missing_header"


def test_headers_are_case_insensitive_and_hex_may_be_upper_case() -> None:
    raw = b'{"uuid":"u1"}'
    request = WebhookRequest(raw, {"x-gusto-signature": hexmac(SECRET, raw).upper()})
    assert verifier_for("gusto", SecretStr(SECRET)).verify(request, NOW).event_id == "u1"


def test_event_ids_come_from_the_vendor_or_the_body_digest() -> None:
    assert verifier_for("deel", SecretStr(SECRET)).verify(deel(SECRET, NOW), NOW).event_id == "trk-1"
    assert verifier_for("finch", SecretStr(SVIX_SECRET)).verify(finch(SVIX_SECRET, NOW), NOW).event_id == "msg_2abc"
    google_id = verifier_for("google-channel", SecretStr(SECRET)).verify(google(SECRET, NOW), NOW).event_id
    assert google_id == "chan-1:7"
    hibob_request = hibob(SECRET, NOW)
    digest = "sha256:" + hashlib.sha256(hibob_request.body).hexdigest()
    assert verifier_for("hibob", SecretStr(SECRET)).verify(hibob_request, NOW).event_id == digest


def test_a_signed_timestamp_that_is_not_a_number_is_rejected() -> None:
    raw = body(NOW)
    request = WebhookRequest(
        raw, {"X-BambooHR-Signature": hexmac(SECRET, raw + b"later"), "X-BambooHR-Timestamp": "later"}
    )
    assert reason(CASES[2], request) == "bad_timestamp"


# -- seen ids ----------------------------------------------------------------------------------------


def test_store_backed_seen_ids_are_per_connector_and_pruned(store: Store) -> None:
    seen = SqlSeenEvents(store.engine)
    verifier = verifier_for("gusto", SecretStr(SECRET))
    clock = [NOW]
    first = WebhookGate("gusto-a", verifier, seen, now=lambda: clock[0])
    other = WebhookGate("gusto-b", verifier_for("gusto", SecretStr(SECRET)), seen, now=lambda: clock[0])
    request = gusto(SECRET, NOW)
    first.accept(request)
    other.accept(request)  # another instance: the same id is new there
    with pytest.raises(WebhookRejectedError, match="replayed"):
        first.accept(request)
    clock[0] = NOW + dt.timedelta(days=8)
    assert first.prune() == 2
    # After retention the id is forgotten, but the body time has long gone stale: still refused.
    with pytest.raises(WebhookRejectedError, match="stale"):
        first.accept(request)


def test_retention_must_outlast_the_time_window() -> None:
    with pytest.raises(ValueError, match="must exceed"):
        WebhookGate("x", verifier_for("deel", SecretStr(SECRET)), MemorySeenEvents(), retention=dt.timedelta(hours=1))


# -- the registry ------------------------------------------------------------------------------------


def test_unknown_scheme_and_empty_secret_are_config_errors() -> None:
    with pytest.raises(ConfigError, match="unknown webhook scheme 'nope'"):
        verifier_for("nope", SecretStr(SECRET))
    with pytest.raises(ConfigError, match="empty"):
        verifier_for("gusto", SecretStr(""))
    with pytest.raises(ConfigError, match="base64"):
        verifier_for("finch", SecretStr("whsec_not base64!"))


def test_a_third_party_scheme_registers_like_the_built_in_ones(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(webhook_schemes, "_SCHEMES", dict(webhook_schemes._SCHEMES))  # undone after the test
    register_scheme(
        "acme-token",
        "X-Acme-Token: the shared token",
        lambda secret, **o: StaticTokenVerifier("acme-token", secret, header="X-Acme-Token", **o),
    )
    verifier = verifier_for("acme-token", SecretStr(SECRET), connector="acme")
    assert verifier.verify(WebhookRequest(b"{}", {"X-Acme-Token": SECRET}), NOW).event_id.startswith("sha256:")
    assert "acme-token" in schemes()
