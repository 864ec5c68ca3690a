"""HiBob webhooks: ``Bob-Signature`` = base64 HMAC-SHA512(webhook secret, raw body).

This is the registry's ``hibob`` scheme (:mod:`hiresentry.connectors.base.webhook_schemes`): the raw
bytes are compared in constant time; Bob signs no timestamp and sends no event id, so the body's
digest is the id the replay gate remembers.

A v2 delivery names what changed, not its values: ``{"companyId", "type": "employee.updated",
"triggeredBy", "triggeredAt", "version": "v2", "data": {"employeeId", …}}``; ``table.entry.*``
events cover tables such as bank accounts (which fire no ``employee.updated``). HiBob advises
reading the data back through the API, so the connector does: the named employee is searched with
the ``root.id`` filter and their bank accounts read, and the delivery becomes current records at
once. ``employee.deleted`` changes nothing (an identity once presented stays evidence).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Mapping
from typing import Any

from pydantic import SecretStr

from hiresentry.connectors.base import WebhookVerifier, verifier_for
from hiresentry.connectors.base.paginate import dig

SCHEME = "hibob"
SIGNATURE_HEADER = "Bob-Signature"
READ_BACK = ("employee.", "table.entry.")
"""Event type prefixes whose employee is read back; ``employee.deleted`` is the exception."""


def signature(secret: SecretStr, body: bytes) -> str:
    """The signature Bob sends for ``body``."""
    digest = hmac.new(secret.get_secret_value().encode(), body, hashlib.sha512).digest()
    return base64.b64encode(digest).decode()


def verifier(secret: SecretStr, connector: str = "hibob") -> WebhookVerifier:
    """The registry's HiBob verifier keyed with the webhook's secret."""
    return verifier_for(SCHEME, secret, connector=connector)


def employee_to_read(payload: Any) -> str | None:
    """The employee a delivery says changed (v2 ``data.employeeId``, v1 ``employee.id``), if it is one to read."""
    kind = str(payload.get("type") or "") if isinstance(payload, Mapping) else ""
    if not kind.startswith(READ_BACK) or kind == "employee.deleted":
        return None
    found = dig(payload, ("data", "employeeId")) or dig(payload, ("employee", "id"))
    if found is None:
        return None
    return str(found).strip() or None
