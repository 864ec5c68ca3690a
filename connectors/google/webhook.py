"""Google push notifications of ``activities.watch`` on the login application.

A watch channel is opened with a ``token`` of our choosing; every notification sends it back in
``X-Goog-Channel-Token`` (compared in constant time by the registry's ``google-channel`` scheme,
which also refuses a ``X-Goog-Channel-ID`` + ``X-Goog-Message-Number`` pair already accepted). No
HMAC exists. The first notification (``X-Goog-Resource-State: sync``) carries nothing; later ones
carry the activity itself, so a successful login becomes an access event at once (the next poll
reads it again and the upsert keeps one copy).
"""

from __future__ import annotations

from collections.abc import Mapping

from pydantic import SecretStr

from hiresentry.connectors.base import Batch, RecordProblem, VerifiedDelivery, WebhookVerifier, verifier_for
from hiresentry.connectors.base.paginate import MAPPING_ERRORS, dig, problem_reason
from hiresentry.connectors.google import mapping

SCHEME = "google-channel"


def verifier(token: SecretStr, connector: str) -> WebhookVerifier:
    """The ``google-channel`` scheme keyed with the channel token."""
    return verifier_for(SCHEME, token, connector=connector)


def batch(source: str, delivery: VerifiedDelivery) -> Batch:
    """The access event of a notified successful login; anything else waits for the next poll."""
    activity = delivery.payload
    if not isinstance(activity, Mapping) or dig(activity, ("id", "applicationName")) != "login":
        return Batch()
    if not mapping.is_login_success(activity):
        return Batch()
    try:
        return Batch(records=[mapping.access_event(source, activity)])
    except MAPPING_ERRORS as exc:
        where = f"{source}:webhook {delivery.event_id}"
        return Batch(problems=[RecordProblem(where, problem_reason(exc))])
