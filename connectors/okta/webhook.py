"""Okta event hooks: a shared secret in a configured header, a one-time verification, LogEvents.

Okta event hooks carry no signature: the hook is registered with an authorization header and
value that Okta sends back verbatim with every delivery (the registry's ``okta`` scheme compares it
in constant time, checks ``eventTime`` and refuses an ``eventId`` already accepted). Before it
delivers anything, Okta verifies the endpoint once with a ``GET`` carrying
``X-Okta-Verification-Challenge``; :func:`verification_answer` is the body to return, after the
same header check.

A delivery is ``{"eventId", "eventTime", "data": {"events": [LogEvent, …]}}``: the very objects
the System Log returns, so sign-ins among them become access events at once (the next poll reads
them again and the upsert keeps one copy).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping

from pydantic import SecretStr

from hiresentry.connectors.base import (
    Batch,
    RecordProblem,
    VerifiedDelivery,
    WebhookRequest,
    WebhookVerifier,
    verifier_for,
)
from hiresentry.connectors.base.paginate import MAPPING_ERRORS, dig, problem_reason
from hiresentry.connectors.okta import mapping

SCHEME = "okta"
CHALLENGE_HEADER = "X-Okta-Verification-Challenge"


def verifier(secret: SecretStr, connector: str, header: str = "Authorization") -> WebhookVerifier:
    """The ``okta`` scheme: ``header`` must carry ``secret``; ``eventId`` is the event id."""
    return verifier_for(SCHEME, secret, connector=connector, header=header)


def verification_answer(request: WebhookRequest, check: WebhookVerifier, now: dt.datetime) -> dict[str, str]:
    """The JSON body answering Okta's one-time verification ``GET`` (after checking the secret header).

    Raises ``WebhookRejectedError`` when the header is wrong or the challenge is missing.
    """
    check.check_signature(request, now)
    challenge = request.header(CHALLENGE_HEADER)
    if not challenge:
        raise check.reject("missing_header", f"no {CHALLENGE_HEADER} header")
    return {"verification": challenge}


def batch(source: str, delivery: VerifiedDelivery, event_types: Collection[str], successful_only: bool = True) -> Batch:
    """Access events for the sign-ins among a delivery's events; other events are not ours to keep."""
    events = dig(delivery.payload, ("data", "events"))
    records, problems = [], []
    for event in events if isinstance(events, list) else []:
        if not isinstance(event, Mapping) or event.get("eventType") not in event_types:
            continue
        if successful_only and dig(event, ("outcome", "result")) != "SUCCESS":
            continue
        try:
            records.append(mapping.access_event(source, event))
        except MAPPING_ERRORS as exc:
            where = f"{source}:webhook {delivery.event_id} event uuid={event.get('uuid', '?')}"
            problems.append(RecordProblem(where, problem_reason(exc)))
    return Batch(records=list(records), problems=problems)
