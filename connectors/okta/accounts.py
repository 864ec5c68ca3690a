"""Okta account suspension: ``POST /api/v1/users/{id}/lifecycle/suspend`` and ``…/unsuspend``.

Suspending is idempotent against Okta's own state, not only our memory: the user is read first,
and a user already ``SUSPENDED`` (or ``DEPROVISIONED``, who cannot sign in at all) is left as it is.
The vendor reference says which happened, so that lifting *our* suspension never lifts one that
an Okta admin made for other reasons:

- ``suspended:<user id>``: hiresentry suspended the user; :meth:`OktaAccounts.unsuspend` restores it;
- ``unchanged:<user id>:<status>``: the user was already suspended or deactivated; unsuspend leaves it.

A suspension also revokes the user's Okta sessions and OAuth tokens (``DELETE
/api/v1/users/{id}/sessions?oauthTokens=true``) unless the source turns that off: a suspended user
cannot start new sessions, and the lifecycle call is not documented to end the ones already open.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

from hiresentry.connectors.base import HttpClient
from hiresentry.core.capabilities import SuspendResult
from hiresentry.core.cases.view import RecordRef
from hiresentry.core.errors import ActionError

log = logging.getLogger(__name__)

INACTIVE = frozenset({"SUSPENDED", "DEPROVISIONED"})


def _segment(value: str) -> str:
    return quote(value, safe="")


def _okta_error(body: Any) -> str:
    """Okta's ``errorSummary`` (and causes) of an error body, for a human."""
    if not isinstance(body, Mapping):
        return "no details"
    summary = str(body.get("errorSummary") or body.get("errorCode") or "no details")
    causes = body.get("errorCauses")
    extra = [str(c.get("errorSummary")) for c in causes if isinstance(c, Mapping)] if isinstance(causes, list) else []
    return "; ".join([summary, *extra])


class OktaAccounts:
    """Suspends and restores users of one Okta org."""

    def __init__(self, instance: str, client: HttpClient, *, clear_sessions: bool = True) -> None:
        self.instance = instance
        self.client = client
        self.clear_sessions = clear_sessions
        self._done: dict[tuple[str, str], SuspendResult] = {}

    def _user_id(self, worker: RecordRef) -> str:
        if worker.source != self.instance:
            raise ActionError(f"{worker} is not a record of Okta source {self.instance!r}")
        return worker.remote_id

    def status(self, user_id: str) -> str:
        """The user's lifecycle status; an unknown user is an action error (nothing to suspend)."""
        user = self.client.get_json(f"/api/v1/users/{_segment(user_id)}", allow=(404,))
        if not isinstance(user, Mapping):
            raise ActionError(f"{self.instance}: Okta has no user {user_id}")
        return str(user.get("status") or "UNKNOWN").upper()

    def suspend(self, worker: RecordRef, dedup_key: str) -> SuspendResult:
        """Suspend the user behind ``worker`` (see the module docstring for the references)."""
        user_id = self._user_id(worker)
        key = (dedup_key, user_id)
        if key in self._done:
            return self._done[key]
        status = self.status(user_id)
        if status in INACTIVE:
            result = SuspendResult(
                f"unchanged:{user_id}:{status}", f"Okta user {user_id} is already {status}; left as it is"
            )
        else:
            path = f"/api/v1/users/{_segment(user_id)}/lifecycle/suspend"
            response = self.client.request("POST", path, allow=(400,))
            if response.status_code == 400:
                detail = _okta_error(_json(response))
                raise ActionError(f"{self.instance}: Okta refused to suspend user {user_id} ({status}): {detail}")
            how = f"suspended Okta user {user_id} (was {status})"
            if self.clear_sessions:
                self.client.request(
                    "DELETE",
                    f"/api/v1/users/{_segment(user_id)}/sessions",
                    params={"oauthTokens": "true"},
                    allow=(404,),
                )
                how += "; sessions and OAuth tokens revoked"
            result = SuspendResult(f"suspended:{user_id}", how)
        log.info("%s: %s (%s)", self.instance, result.description, dedup_key)
        self._done[key] = result
        return result

    def unsuspend(self, worker: RecordRef, vendor_ref: str) -> None:
        """Lift a suspension made by :meth:`suspend`; one hiresentry did not make is left in place."""
        user_id = self._user_id(worker)
        kind, _, rest = vendor_ref.partition(":")
        if kind == "unchanged" and rest.split(":", 1)[0] == user_id:
            log.info("%s: user %s was suspended before hiresentry acted; left suspended", self.instance, user_id)
            return
        if kind != "suspended" or rest != user_id:
            raise ActionError(f"{self.instance}: {vendor_ref!r} is not a suspension of {worker} made by hiresentry")
        path = f"/api/v1/users/{_segment(user_id)}/lifecycle/unsuspend"
        response = self.client.request("POST", path, allow=(400,))
        if response.status_code == 400:
            status = self.status(user_id)
            if status != "SUSPENDED":
                log.info("%s: user %s is %s already; nothing to unsuspend", self.instance, user_id, status)
                return
            detail = _okta_error(_json(response))
            raise ActionError(f"{self.instance}: Okta refused to unsuspend user {user_id}: {detail}")
        self._done = {k: v for k, v in self._done.items() if k[1] != user_id}
        log.info("%s: unsuspended Okta user %s", self.instance, user_id)


def _json(response: Any) -> Any:
    try:
        return response.json()
    except ValueError:
        return None
