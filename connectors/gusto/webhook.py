"""Gusto webhooks: ``X-Gusto-Signature`` = lowercase hex HMAC-SHA256(verification_token, raw body).

Verification is the registry's ``gusto`` scheme (:mod:`hiresentry.connectors.base.webhook_schemes`):
the raw bytes are compared in constant time, the body's ``timestamp`` (epoch seconds) must be within
the body-time window, and the event ``uuid`` is the id the replay gate remembers (Gusto signs no
timestamp header, so the uuid is what stops a replay).

A delivery is an event, ``{uuid, event_type, resource_type, resource_uuid, entity_type,
entity_uuid, timestamp}``: it names what changed but does not carry it. The connector reads the
named entity back (:mod:`hiresentry.connectors.gusto.changes`), so a delivery becomes current
records at once; a vendor failure while reading raises, so the delivery can be retried.
"""

from __future__ import annotations

import hashlib
import hmac

from pydantic import SecretStr

from hiresentry.connectors.base import WebhookVerifier, verifier_for

SCHEME = "gusto"
SIGNATURE_HEADER = "X-Gusto-Signature"


def signature(verification_token: SecretStr, body: bytes) -> str:
    """The signature Gusto sends for ``body``."""
    return hmac.new(verification_token.get_secret_value().encode(), body, hashlib.sha256).hexdigest()


def verifier(verification_token: SecretStr, connector: str = "gusto") -> WebhookVerifier:
    """The registry's Gusto verifier keyed with the subscription's verification token."""
    return verifier_for(SCHEME, verification_token, connector=connector)
