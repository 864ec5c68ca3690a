"""Remote webhooks: ``X-Remote-Signature`` = hex HMAC-SHA256(signing key, raw body + ":" + timestamp ms).

Verification is the registry's ``remote`` scheme (:mod:`hiresentry.connectors.base.webhook_schemes`):
raw bytes, constant-time compare, the signed millisecond timestamp within ±5 minutes, and the body
digest as the event id (Remote sends none). The timestamp header's name is not in the material we
could read; it is a setting (``webhook_timestamp_header``, default ``X-Remote-Timestamp``).

A delivery names what changed (``{event_type, employment_id, company_id, …}``); the connector reads
it back: an ``employment.*`` event re-reads that employment's details (identity, address, bank
accounts), a ``contractor_invoice.*`` event the invoice it names. Other events carry nothing kept.
"""

from __future__ import annotations

import hashlib
import hmac

from pydantic import SecretStr

from hiresentry.connectors.base import WebhookVerifier, verifier_for

SCHEME = "remote"
SIGNATURE_HEADER = "X-Remote-Signature"


def signature(signing_key: SecretStr, body: bytes, timestamp_ms: str) -> str:
    """The signature Remote sends for ``body`` at ``timestamp_ms``."""
    message = body + b":" + timestamp_ms.encode()
    return hmac.new(signing_key.get_secret_value().encode(), message, hashlib.sha256).hexdigest()


def verifier(signing_key: SecretStr, connector: str, timestamp_header: str) -> WebhookVerifier:
    """The registry's Remote verifier keyed with the webhook callback's signing key."""
    return verifier_for(SCHEME, signing_key, connector=connector, timestamp_header=timestamp_header)
