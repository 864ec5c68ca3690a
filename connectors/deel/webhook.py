"""Deel webhooks: ``x-deel-signature`` = hex HMAC-SHA256(signing key, ``"POST" + raw body``).

Verification runs on the raw request bytes (re-serialised JSON changes the digest) and compares in
constant time; it is the registry's ``deel`` scheme
(:mod:`hiresentry.connectors.base.webhook_schemes`). The signing key is the ``signing_key`` Deel
returned when the webhook was created (``x-deel-hmac-label`` names which key signed, for rotation).

A delivery looks like ``{"data": {"meta": {"event_type", "organization_id", "tracking_id"},
"resource": {...}}, "timestamp": "…"}``. Contract events (``contract.created``,
``contract.status.updated``, ``contract.terminated``, …) carry the contract, which becomes an
:class:`~hiresentry.core.model.Engagement` at once; other events carry no record we keep, and the
next sync reads what changed.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from typing import Any

from pydantic import SecretStr

from hiresentry.connectors.base import Batch, RecordProblem, VerifiedDelivery, WebhookVerifier, verifier_for
from hiresentry.connectors.base.paginate import MAPPING_ERRORS, dig, problem_reason
from hiresentry.connectors.deel import mapping

SIGNATURE_HEADER = "x-deel-signature"
SCHEME = "deel"


def signature(signing_key: SecretStr, body: bytes) -> str:
    """The signature Deel sends for ``body``."""
    return hmac.new(signing_key.get_secret_value().encode(), b"POST" + body, hashlib.sha256).hexdigest()


def verify(signing_key: SecretStr, body: bytes, header_value: str | None) -> bool:
    """True if ``header_value`` is Deel's signature of ``body`` under ``signing_key``."""
    if not header_value:
        return False
    return hmac.compare_digest(signature(signing_key, body), header_value.strip().lower())


def verifier(signing_key: SecretStr, connector: str = "deel") -> WebhookVerifier:
    """The registry's Deel verifier: signature, body ``timestamp`` window, ``tracking_id`` as the event id."""
    return verifier_for(SCHEME, signing_key, connector=connector)


def event_type(payload: Any) -> str | None:
    """``data.meta.event_type`` of a delivery, if any."""
    value = dig(payload, ("data", "meta", "event_type"))
    return str(value) if value else None


def batch(source: str, delivery: VerifiedDelivery) -> Batch:
    """Records carried by a verified delivery: the contract of a ``contract.*`` event, else nothing."""
    kind = event_type(delivery.payload) or ""
    resource = dig(delivery.payload, ("data", "resource"))
    if not kind.startswith("contract.") or not isinstance(resource, Mapping) or "id" not in resource:
        return Batch()
    where = f"{source}:webhook {kind} contract id={resource.get('id')}"
    try:
        record = mapping.engagement(source, resource)
    except MAPPING_ERRORS as exc:
        return Batch(problems=[RecordProblem(where, problem_reason(exc))])
    if record is None:
        return Batch()  # a contract nobody has joined yet
    if record.modified_at is None and delivery.timestamp is not None:
        # Without a change time, a late delivery could overwrite a newer pull; Deel's send time bounds it.
        record = record.model_copy(update={"modified_at": delivery.timestamp})
    return Batch(records=[record])
