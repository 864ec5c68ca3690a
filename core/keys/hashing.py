"""Keyed hashing of normalised link keys.

A plain hash of a bank account or tax id can be reversed by enumeration (there are only so many
SSNs); an HMAC with a secret key cannot, yet equal inputs still give equal outputs, which is all the
joins in the risk core need. The key type is mixed in so that equal text of different kinds (a phone
written as digits and an account number) never collide.
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Literal

from pydantic import SecretStr

from hiresentry.core.errors import ConfigError

KeyType = Literal[
    "email",
    "phone",
    "tax_id",
    "address",
    "payout",
    "serial",
    "egress",
    "wallet",
    "device_id",
]

MIN_KEY_BYTES = 16


class LinkKeyHasher:
    """HMAC-SHA256 over ``"<type>:<normalised value>"``, hex, truncated to 128 bits."""

    def __init__(self, secret: SecretStr) -> None:
        raw = secret.get_secret_value().encode()
        if len(raw) < MIN_KEY_BYTES:
            raise ConfigError(f"the link-key secret must be at least {MIN_KEY_BYTES} bytes long (got {len(raw)})")
        self._key = raw

    def __repr__(self) -> str:
        return "LinkKeyHasher(secret=**********)"

    def hash(self, key_type: KeyType, normalised: str) -> str:
        """The keyed hash of one normalised value."""
        digest = hmac.new(self._key, f"{key_type}:{normalised}".encode(), hashlib.sha256)
        return digest.hexdigest()[:32]

    def fingerprint(self) -> str:
        """A value identifying the key without revealing it; stored to catch a key change."""
        return hmac.new(self._key, b"hiresentry/key-fingerprint/v1", hashlib.sha256).hexdigest()[:16]
