"""Merge webhooks: ``X-Merge-Webhook-Signature`` = base64url HMAC-SHA256(signature key, raw body).

The registry's ``merge`` scheme checks it on the raw bytes in constant time. Merge's ``hook.id``
names the webhook (one per event type), not the delivery, so deliveries are told apart by the body's
digest, as Merge advises (identical bodies are the same event). A delivery is
``{"hook": {id, event, target}, "linked_account": {id, …}, "data": <common model>}``.

Webhooks belong to the whole Merge organization, so a delivery may concern another linked account:
records are taken from it only when ``linked_account.id`` is the source's configured
``linked_account_id``. Only ``Employment.added|changed|removed`` is mapped (to an engagement): an
``Employee`` or ``BankInfo`` in a webhook carries no sensitive fields, and upserting it would erase
the hashed SSN or account number the last sync stored; those changes, like every other event, are
read by the next (incremental) sync.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import SecretStr

from hiresentry.connectors.base import Batch, RecordProblem, VerifiedDelivery, WebhookVerifier, verifier_for
from hiresentry.connectors.base.paginate import MAPPING_ERRORS, dig, problem_reason
from hiresentry.connectors.merge import mapping

SCHEME = "merge"
SIGNATURE_HEADER = "X-Merge-Webhook-Signature"
MAPPED_EVENTS = frozenset({"Employment.added", "Employment.changed", "Employment.removed", "Employment.deleted"})


def verifier(key: SecretStr, connector: str = "merge") -> WebhookVerifier:
    """The registry's Merge verifier (base64url HMAC-SHA256 of the raw body; body digest as the event id)."""
    return verifier_for(SCHEME, key, connector=connector)


def event(payload: Any) -> str | None:
    """``hook.event`` of a delivery (``Employee.changed``, ``LinkedAccount.synced`` …)."""
    value = dig(payload, ("hook", "event"))
    return str(value) if value else None


def batch(source: str, linked_account_id: str | None, delivery: VerifiedDelivery) -> Batch:
    """The engagement of an ``Employment.*`` event of this source's linked account; else an empty batch."""
    kind = event(delivery.payload) or ""
    data = dig(delivery.payload, ("data",))
    account = mapping.text(dig(delivery.payload, ("linked_account", "id")))
    if kind not in MAPPED_EVENTS or not isinstance(data, Mapping) or linked_account_id is None:
        return Batch()
    if account != linked_account_id:
        return Batch()  # another linked account of the organization: not this source's record
    item = dict(data)
    if kind.endswith((".removed", ".deleted")):
        item["remote_was_deleted"] = True
    try:
        return Batch(records=[mapping.engagement(source, item)])
    except MAPPING_ERRORS as exc:
        where = f"{source}:webhook {kind} employment id={item.get('id', '?')}"
        return Batch(problems=[RecordProblem(where, problem_reason(exc))])
