"""BambooHR webhooks: ``X-BambooHR-Signature`` = hex HMAC-SHA256(private key, raw body + timestamp).

``X-BambooHR-Timestamp`` is the signed time (epoch seconds); deliveries outside ±5 minutes are
refused as stale, and the body's digest is the event id the replay gate remembers (BambooHR sends
no event id). This is the registry's ``bamboohr`` scheme
(:mod:`hiresentry.connectors.base.webhook_schemes`).

A delivery names what changed, not (all of) its new values: event-based webhooks send ``{"type":
"employee.updated", "timestamp", "data": {"companyId", "employeeId", "changedFields"}}``; the
field-based (global, legacy) ones post ``{"employees": [{"id", "action", "changedFields",
"fields"}]}`` with only the fields chosen for the webhook. So the connector reads each named
employee back with Get Employee (all configured fields) and a deletion ends the engagement; the next
re-sync would find the same change through ``/employees/changed`` anyway.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from typing import Any

from pydantic import SecretStr

from hiresentry.connectors.base import WebhookVerifier, verifier_for

SCHEME = "bamboohr"
SIGNATURE_HEADER = "X-BambooHR-Signature"
TIMESTAMP_HEADER = "X-BambooHR-Timestamp"


def signature(private_key: SecretStr, body: bytes, timestamp: str) -> str:
    """The signature BambooHR sends for ``body`` at ``timestamp``."""
    return hmac.new(private_key.get_secret_value().encode(), body + timestamp.encode(), hashlib.sha256).hexdigest()


def verifier(private_key: SecretStr, connector: str = "bamboohr") -> WebhookVerifier:
    """The registry's BambooHR verifier keyed with the webhook's private key."""
    return verifier_for(SCHEME, private_key, connector=connector)


def changes(payload: Any) -> list[tuple[str, str]]:
    """(employee id, ``created``/``updated``/``deleted``) for each employee a delivery names."""
    if not isinstance(payload, Mapping):
        return []
    found: list[tuple[str, str]] = []
    kind = str(payload.get("type") or "")
    data = payload.get("data")
    if kind.startswith("employee.") and isinstance(data, Mapping) and data.get("employeeId") not in (None, ""):
        found.append((str(data["employeeId"]).strip(), kind.removeprefix("employee.")))
    for entry in payload.get("employees") or []:
        if isinstance(entry, Mapping) and entry.get("id") not in (None, ""):
            found.append((str(entry["id"]).strip(), str(entry.get("action") or "updated").lower()))
    return [(worker_id, action) for worker_id, action in dict.fromkeys(found) if worker_id]
