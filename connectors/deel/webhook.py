"""Deel webhook signatures: ``x-deel-signature`` = hex HMAC-SHA256(signing key, ``"POST" + raw body``).

Verification must run on the raw request bytes (re-serialised JSON changes the digest) and compare
in constant time. The service's ``/webhooks/deel`` endpoint calls :func:`verify`; the signing key is
the ``signing_key`` Deel returned when the webhook was created (``x-deel-hmac-label`` names which
key signed, for rotation).
"""

from __future__ import annotations

import hashlib
import hmac

from pydantic import SecretStr

SIGNATURE_HEADER = "x-deel-signature"


def signature(signing_key: SecretStr, body: bytes) -> str:
    """The signature Deel sends for ``body``."""
    return hmac.new(signing_key.get_secret_value().encode(), b"POST" + body, hashlib.sha256).hexdigest()


def verify(signing_key: SecretStr, body: bytes, header_value: str | None) -> bool:
    """True if ``header_value`` is Deel's signature of ``body`` under ``signing_key``."""
    if not header_value:
        return False
    return hmac.compare_digest(signature(signing_key, body), header_value.strip().lower())
