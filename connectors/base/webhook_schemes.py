"""The webhook scheme registry: vendor schemes by name, and third-party ones registered on import.

Schemes (``verifier_for(name, secret)``); "signed" times are checked within ±5 min, "body" times
(a time inside the signed body, which a vendor's retry may resend) within ±24 h, and every scheme
refuses an event id it has already accepted (:mod:`~hiresentry.connectors.base.webhook_replay`):

==============  =============================================================  ====================
name            signature                                                      time / event id
==============  =============================================================  ====================
gusto           ``X-Gusto-Signature``: hex HMAC-SHA256(body)                    body / ``uuid``
deel            ``x-deel-signature``: hex HMAC-SHA256(``"POST"`` + body)        body / ``tracking_id``
bamboohr        ``X-BambooHR-Signature``: hex HMAC-SHA256(body + timestamp)     signed / body digest
remote          ``X-Remote-Signature``: hex HMAC-SHA256(body + ":" + ts ms)     signed / body digest
merge           ``X-Merge-Webhook-Signature``: base64url HMAC-SHA256(body)      none / body digest
hibob           ``Bob-Signature``: base64 HMAC-SHA512(body)                     none / body digest
finch, svix     ``*-signature``: ``v1,`` base64 HMAC-SHA256(id.ts.body)         signed / id header
personio        ``Authorization``: the shared token                            none / body digest
okta            ``Authorization`` (configurable): the shared secret            body / ``eventId``
google-channel  ``X-Goog-Channel-Token``: the channel token                    none / channel:message
==============  =============================================================  ====================

"Body digest": the vendor sends no event id, so identical bodies count as one event. Remote's
timestamp header name is not in the public material we could read ([3p]); it is an option
(``timestamp_header``, default ``X-Remote-Timestamp``). Options given to :func:`verifier_for`
override a scheme's defaults (``header=`` for Okta's configurable header, ``window=`` …).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pydantic import SecretStr

from hiresentry.connectors.base.webhooks import HmacVerifier, StaticTokenVerifier, SvixVerifier, WebhookVerifier
from hiresentry.core.errors import ConfigError

VerifierFactory = Callable[..., WebhookVerifier]
_SCHEMES: dict[str, tuple[str, VerifierFactory]] = {}


def register_scheme(name: str, description: str, factory: VerifierFactory) -> None:
    """Make ``name`` available to :func:`verifier_for` (third-party connectors call this on import)."""
    _SCHEMES[name] = (description, factory)


def schemes() -> dict[str, str]:
    """Scheme name → one-line description, for ``connectors list``."""
    return {name: description for name, (description, _) in sorted(_SCHEMES.items())}


def verifier_for(name: str, secret: SecretStr, *, connector: str = "webhook", **options: Any) -> WebhookVerifier:
    """A verifier of scheme ``name`` keyed with ``secret``; ``options`` override the scheme's defaults."""
    entry = _SCHEMES.get(name)
    if entry is None:
        raise ConfigError(f"unknown webhook scheme {name!r} (known: {', '.join(sorted(_SCHEMES))})")
    return entry[1](secret, connector=connector, **options)


def _hmac(scheme: str, **defaults: Any) -> VerifierFactory:
    def build(secret: SecretStr, **options: Any) -> WebhookVerifier:
        return HmacVerifier(scheme, secret, **{**defaults, **options})

    return build


def _token(scheme: str, **defaults: Any) -> VerifierFactory:
    def build(secret: SecretStr, **options: Any) -> WebhookVerifier:
        return StaticTokenVerifier(scheme, secret, **{**defaults, **options})

    return build


register_scheme(
    "gusto",
    "X-Gusto-Signature: hex HMAC-SHA256(body)",
    _hmac("gusto", header="X-Gusto-Signature", id_paths=(("uuid",),), body_time_path=("timestamp",)),
)
register_scheme(
    "deel",
    "x-deel-signature: hex HMAC-SHA256('POST' + body)",
    _hmac(
        "deel",
        header="x-deel-signature",
        message=lambda body, _ts: b"POST" + body,
        id_paths=(("data", "meta", "event_id"), ("data", "meta", "tracking_id")),
        body_time_path=("timestamp",),
    ),
)
register_scheme(
    "bamboohr",
    "X-BambooHR-Signature: hex HMAC-SHA256(body + X-BambooHR-Timestamp), ±5 min",
    _hmac(
        "bamboohr",
        header="X-BambooHR-Signature",
        timestamp_header="X-BambooHR-Timestamp",
        message=lambda body, ts: body + (ts or "").encode(),
    ),
)
register_scheme(
    "remote",
    "X-Remote-Signature: hex HMAC-SHA256(body + ':' + timestamp in ms), ±5 min",
    _hmac(
        "remote",
        header="X-Remote-Signature",
        timestamp_header="X-Remote-Timestamp",
        timestamp_unit="ms",
        message=lambda body, ts: body + b":" + (ts or "").encode(),
    ),
)
register_scheme(
    "merge",
    "X-Merge-Webhook-Signature: base64url HMAC-SHA256(body)",
    # No id path: Merge's hook.id names the webhook (one per event type), not the delivery, and Merge
    # says to tell deliveries apart by their signature, i.e. by the body's digest.
    _hmac("merge", header="X-Merge-Webhook-Signature", encoding="base64url"),
)
register_scheme(
    "hibob",
    "Bob-Signature: base64 HMAC-SHA512(body)",
    _hmac("hibob", header="Bob-Signature", algorithm="sha512", encoding="base64"),
)
register_scheme(
    "finch",
    "finch-signature: Svix v1 HMAC-SHA256(id.timestamp.body), ±5 min",
    lambda secret, **options: SvixVerifier(secret, prefix="finch", **options),
)
register_scheme(
    "svix",
    "svix-signature: v1 HMAC-SHA256(id.timestamp.body), ±5 min",
    lambda secret, **options: SvixVerifier(secret, **options),
)
register_scheme("personio", "Authorization: the shared token", _token("personio", header="Authorization"))
register_scheme(
    "okta",
    "Authorization (configurable): the shared secret",
    _token("okta", header="Authorization", id_paths=(("eventId",),), body_time_path=("eventTime",)),
)
register_scheme(
    "google-channel",
    "X-Goog-Channel-Token: the channel token",
    _token("google-channel", header="X-Goog-Channel-Token", id_headers=("X-Goog-Channel-ID", "X-Goog-Message-Number")),
)
