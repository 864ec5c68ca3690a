"""Webhook signature verifiers: HMAC in its vendor variants, Svix, shared tokens; on the raw body.

Every verifier works on the **raw request body** (re-serialised JSON changes the bytes and so the
digest) and compares in **constant time** (``hmac.compare_digest``). A verifier answers with a
:class:`VerifiedDelivery` (event id, signed or sent time, decoded payload) or raises
:class:`~hiresentry.core.errors.WebhookRejectedError` with a stable reason:
``missing_header``, ``bad_signature``, ``bad_timestamp``, ``stale``, ``bad_body`` (and ``replayed``,
raised by :class:`~hiresentry.connectors.base.webhook_replay.WebhookGate`, which remembers ids).

The named schemes (Gusto, Deel, BambooHR, Remote, Merge, HiBob, Finch/Svix, shared tokens) and
their registry are in :mod:`~hiresentry.connectors.base.webhook_schemes`.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import hmac
import json
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import SecretStr

from hiresentry.core.errors import ConfigError, WebhookRejectedError

WINDOW = dt.timedelta(minutes=5)
"""Default tolerance between a signed timestamp and our clock, both ways."""
BODY_WINDOW = dt.timedelta(hours=24)
"""Default tolerance for a time inside the (signed) body: a vendor's retry may resend the first
attempt's body hours later. Seen ids are kept longer than this, so a replay inside the window is
caught by its id and one outside it by its age."""


@dataclass(frozen=True)
class WebhookRequest:
    """A delivery as received: the exact body bytes and the headers (looked up case-insensitively)."""

    body: bytes
    headers: Mapping[str, str]
    _lower: dict[str, str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_lower", {k.lower(): v for k, v in self.headers.items()})

    def header(self, name: str) -> str | None:
        """A header's value, or None."""
        return self._lower.get(name.lower())

    def json(self) -> Any:
        """The body decoded as JSON, or None if it is not JSON."""
        try:
            return json.loads(self.body)
        except (ValueError, UnicodeDecodeError):
            return None


@dataclass(frozen=True)
class VerifiedDelivery:
    """A delivery whose signature checked out: its event id, its time (if known) and its payload."""

    event_id: str
    timestamp: dt.datetime | None
    payload: Any


def _dig(body: Any, path: Sequence[str]) -> Any:
    for key in path:
        body = body.get(key) if isinstance(body, Mapping) else None
    return body


class WebhookVerifier(ABC):
    """Checks one vendor's deliveries; ``connector`` names the instance in errors."""

    scheme: str
    id_headers: tuple[str, ...] = ()
    id_paths: tuple[tuple[str, ...], ...] = ()
    body_time_path: tuple[str, ...] | None = None
    window: dt.timedelta = WINDOW
    body_window: dt.timedelta = BODY_WINDOW

    def __init__(self, connector: str = "webhook") -> None:
        self.connector = connector

    def reject(self, reason: str, message: str) -> WebhookRejectedError:
        """The error for a refused delivery."""
        return WebhookRejectedError(self.connector, reason, message)

    @abstractmethod
    def check_signature(self, request: WebhookRequest, now: dt.datetime) -> dt.datetime | None:
        """Raise unless the delivery is authentic; return the *signed* timestamp if the scheme has one."""

    def verify(self, request: WebhookRequest, now: dt.datetime) -> VerifiedDelivery:
        """Signature first (nothing unauthenticated is looked at further), then time, then the id."""
        signed_at = self.check_signature(request, now)
        payload = request.json()
        when: dt.datetime | None
        if signed_at is not None:
            when, window = signed_at, self.window
        else:
            when, window = self._body_time(payload), self.body_window
        if when is not None and abs(now - when) > window:
            raise self.reject("stale", f"delivery time {when.isoformat()} is outside ±{window} of now")
        return VerifiedDelivery(self._event_id(request, payload), when, payload)

    def _body_time(self, payload: Any) -> dt.datetime | None:
        """The delivery time inside the body: ISO 8601 text or epoch seconds; None if absent or odd."""
        raw = _dig(payload, self.body_time_path) if self.body_time_path is not None else None
        try:
            if isinstance(raw, int | float) and not isinstance(raw, bool):
                return dt.datetime.fromtimestamp(raw, dt.UTC)
            if isinstance(raw, str):
                parsed = dt.datetime.fromisoformat(raw.replace("Z", "+00:00").replace(" ", ""))
                return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)
        except (ValueError, OverflowError, OSError):
            pass
        return None

    def _event_id(self, request: WebhookRequest, payload: Any) -> str:
        """The vendor's event id (headers, else body paths); the body's digest when it sends none."""
        parts = [request.header(h) for h in self.id_headers]
        if self.id_headers and all(parts):
            return ":".join(p for p in parts if p)
        for path in self.id_paths:
            value = _dig(payload, path)
            if value not in (None, ""):
                return str(value)
        # No id from the vendor: identical bodies are the same event (deliveries are at-least-once).
        return "sha256:" + hashlib.sha256(request.body).hexdigest()


Encoding = Literal["hex", "base64", "base64url"]


def _encode(digest: bytes, encoding: Encoding) -> str:
    if encoding == "hex":
        return digest.hex()
    if encoding == "base64":
        return base64.b64encode(digest).decode()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def _timestamp(raw: str, unit: Literal["s", "ms"]) -> dt.datetime:
    value = float(raw.strip())
    return dt.datetime.fromtimestamp(value / 1000.0 if unit == "ms" else value, dt.UTC)


class HmacVerifier(WebhookVerifier):
    """An HMAC of some arrangement of body, prefix and timestamp, in one header.

    ``message`` builds the signed bytes from the body and the timestamp header's raw value.
    Signatures may carry a prefix (``sha256=``) and several may be sent separated by spaces.
    """

    def __init__(
        self,
        scheme: str,
        secret: SecretStr,
        *,
        header: str,
        algorithm: Literal["sha256", "sha512"] = "sha256",
        encoding: Encoding = "hex",
        message: Callable[[bytes, str | None], bytes] = lambda body, _ts: body,
        timestamp_header: str | None = None,
        timestamp_unit: Literal["s", "ms"] = "s",
        signature_prefix: str = "",
        id_headers: tuple[str, ...] = (),
        id_paths: tuple[tuple[str, ...], ...] = (),
        body_time_path: tuple[str, ...] | None = None,
        window: dt.timedelta = WINDOW,
        body_window: dt.timedelta = BODY_WINDOW,
        connector: str = "webhook",
    ) -> None:
        super().__init__(connector)
        if not secret.get_secret_value():
            raise ConfigError(f"webhook scheme {scheme}: the signing secret is empty")
        self.scheme = scheme
        self._key = secret.get_secret_value().encode()
        self.header = header
        self.algorithm = algorithm
        self.encoding: Encoding = encoding
        self.message = message
        self.timestamp_header = timestamp_header
        self.timestamp_unit: Literal["s", "ms"] = timestamp_unit
        self.signature_prefix = signature_prefix
        self.id_headers, self.id_paths, self.body_time_path = id_headers, id_paths, body_time_path
        self.window, self.body_window = window, body_window

    def sign(self, body: bytes, timestamp: str | None = None) -> str:
        """The signature this scheme expects for ``body`` (and ``timestamp``)."""
        digest = hmac.new(self._key, self.message(body, timestamp), self.algorithm).digest()
        return _encode(digest, self.encoding)

    def check_signature(self, request: WebhookRequest, now: dt.datetime) -> dt.datetime | None:
        sent = request.header(self.header)
        if not sent:
            raise self.reject("missing_header", f"no {self.header} header")
        raw_ts: str | None = None
        signed_at: dt.datetime | None = None
        if self.timestamp_header:
            raw_ts = request.header(self.timestamp_header)
            if not raw_ts:
                raise self.reject("missing_header", f"no {self.timestamp_header} header")
            try:
                signed_at = _timestamp(raw_ts, self.timestamp_unit)
            except (ValueError, OverflowError, OSError):
                raise self.reject("bad_timestamp", f"{self.timestamp_header} is not a timestamp") from None
        expected = self.sign(request.body, raw_ts)
        if self.encoding == "hex":
            expected = expected.lower()
        matched = False
        for candidate in sent.split():
            value = candidate.removeprefix(self.signature_prefix)
            value = (
                value.lower()
                if self.encoding == "hex"
                else value.rstrip("=")
                if self.encoding == "base64url"
                else value
            )
            # Compare every candidate (no early exit), each in constant time.
            matched |= hmac.compare_digest(value.encode(), expected.encode())
        if not matched:
            raise self.reject("bad_signature", f"{self.header} does not match the body")
        return signed_at


class SvixVerifier(WebhookVerifier):
    """Svix / Standard Webhooks (Finch): ``v1,<base64 HMAC-SHA256(id.timestamp.body)>`` under a base64 secret."""

    def __init__(
        self, secret: SecretStr, *, prefix: str = "svix", window: dt.timedelta = WINDOW, connector: str = "webhook"
    ) -> None:
        super().__init__(connector)
        self.scheme = prefix
        raw = secret.get_secret_value().removeprefix("whsec_")
        try:
            self._key = base64.b64decode(raw, validate=True)
        except (binascii.Error, ValueError):
            raise ConfigError(f"webhook scheme {prefix}: the secret is not base64 (whsec_…)") from None
        self.id_header = f"{prefix}-id" if prefix != "finch" else "finch-event-id"
        self.ts_header, self.sig_header = f"{prefix}-timestamp", f"{prefix}-signature"
        self.id_headers = (self.id_header,)
        self.window = window

    def sign(self, event_id: str, timestamp: str, body: bytes) -> str:
        """The ``v1,`` signature for one delivery."""
        signed = f"{event_id}.{timestamp}.".encode() + body
        return "v1," + base64.b64encode(hmac.new(self._key, signed, hashlib.sha256).digest()).decode()

    def check_signature(self, request: WebhookRequest, now: dt.datetime) -> dt.datetime | None:
        event_id, raw_ts, sent = (request.header(h) for h in (self.id_header, self.ts_header, self.sig_header))
        if not (event_id and raw_ts and sent):
            raise self.reject("missing_header", f"needs {self.id_header}, {self.ts_header} and {self.sig_header}")
        try:
            signed_at = _timestamp(raw_ts, "s")
        except (ValueError, OverflowError, OSError):
            raise self.reject("bad_timestamp", f"{self.ts_header} is not a timestamp") from None
        expected = self.sign(event_id, raw_ts, request.body).encode()
        matched = False
        for candidate in sent.split():
            matched |= hmac.compare_digest(candidate.encode(), expected)
        if not matched:
            raise self.reject("bad_signature", f"{self.sig_header} does not match the body")
        return signed_at


class StaticTokenVerifier(WebhookVerifier):
    """A shared token the vendor sends back verbatim in a header (Personio, Okta event hooks, Google)."""

    def __init__(
        self,
        scheme: str,
        token: SecretStr,
        *,
        header: str,
        token_prefix: str = "",
        id_headers: tuple[str, ...] = (),
        id_paths: tuple[tuple[str, ...], ...] = (),
        body_time_path: tuple[str, ...] | None = None,
        body_window: dt.timedelta = BODY_WINDOW,
        connector: str = "webhook",
    ) -> None:
        super().__init__(connector)
        if not token.get_secret_value():
            raise ConfigError(f"webhook scheme {scheme}: the shared token is empty")
        self.scheme, self.header, self._expected = scheme, header, (token_prefix + token.get_secret_value()).encode()
        self.id_headers, self.id_paths = id_headers, id_paths
        self.body_time_path, self.body_window = body_time_path, body_window

    def check_signature(self, request: WebhookRequest, now: dt.datetime) -> dt.datetime | None:
        sent = request.header(self.header)
        if not sent:
            raise self.reject("missing_header", f"no {self.header} header")
        if not hmac.compare_digest(sent.strip().encode(), self._expected):
            raise self.reject("bad_signature", f"{self.header} does not carry the shared token")
        return None
