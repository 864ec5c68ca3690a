"""Entra account suspension: ``PATCH /users/{id} {"accountEnabled": false}`` (and back).

Idempotent against Entra's own state: the user is read first (``$select=id,accountEnabled``) and
an account already disabled is left as it is. The vendor reference says which happened, so that
lifting *our* block never re-enables an account an administrator disabled for other reasons:

- ``suspended:<object id>``: hiresentry disabled the account; :meth:`EntraAccounts.unsuspend`
  re-enables it;
- ``unchanged:<object id>:disabled``: it was disabled already; unsuspend leaves it.

Disabling stops new sign-ins but not tokens already issued, so by default the user's refresh
tokens and session cookies are revoked too (``POST /users/{id}/revokeSignInSessions``).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from urllib.parse import quote

from hiresentry.connectors.base import HttpClient
from hiresentry.core.capabilities import SuspendResult
from hiresentry.core.cases.view import RecordRef
from hiresentry.core.errors import ActionError

log = logging.getLogger(__name__)


def _segment(value: str) -> str:
    return quote(value, safe="")


class EntraAccounts:
    """Disables and re-enables accounts of one Entra tenant."""

    def __init__(self, instance: str, client: HttpClient, *, revoke_sessions: bool = True) -> None:
        self.instance = instance
        self.client = client
        self.revoke_sessions = revoke_sessions
        self._done: dict[tuple[str, str], SuspendResult] = {}

    def _user_id(self, worker: RecordRef) -> str:
        if worker.source != self.instance:
            raise ActionError(f"{worker} is not a record of Entra source {self.instance!r}")
        return worker.remote_id

    def enabled(self, user_id: str) -> bool:
        """Whether the account may sign in; an unknown user is an action error."""
        user = self.client.get_json(
            f"/users/{_segment(user_id)}", params={"$select": "id,accountEnabled"}, allow=(404,)
        )
        if not isinstance(user, Mapping):
            raise ActionError(f"{self.instance}: Entra has no user {user_id}")
        return user.get("accountEnabled") is not False

    def suspend(self, worker: RecordRef, dedup_key: str) -> SuspendResult:
        """Disable the account behind ``worker`` (see the module docstring for the references)."""
        user_id = self._user_id(worker)
        key = (dedup_key, user_id)
        if key in self._done:
            return self._done[key]
        if not self.enabled(user_id):
            result = SuspendResult(f"unchanged:{user_id}:disabled", f"Entra user {user_id} is already disabled")
        else:
            self.client.request("PATCH", f"/users/{_segment(user_id)}", json={"accountEnabled": False})
            how = f"disabled Entra user {user_id}"
            if self.revoke_sessions:
                self.client.request("POST", f"/users/{_segment(user_id)}/revokeSignInSessions")
                how += "; sign-in sessions revoked"
            result = SuspendResult(f"suspended:{user_id}", how)
        log.info("%s: %s (%s)", self.instance, result.description, dedup_key)
        self._done[key] = result
        return result

    def unsuspend(self, worker: RecordRef, vendor_ref: str) -> None:
        """Re-enable an account :meth:`suspend` disabled; one disabled by someone else stays disabled."""
        user_id = self._user_id(worker)
        kind, _, rest = vendor_ref.partition(":")
        if kind == "unchanged" and rest.split(":", 1)[0] == user_id:
            log.info("%s: user %s was disabled before hiresentry acted; left disabled", self.instance, user_id)
            return
        if kind != "suspended" or rest != user_id:
            raise ActionError(f"{self.instance}: {vendor_ref!r} is not a suspension of {worker} made by hiresentry")
        self.client.request("PATCH", f"/users/{_segment(user_id)}", json={"accountEnabled": True})
        self._done = {k: v for k, v in self._done.items() if k[1] != user_id}
        log.info("%s: re-enabled Entra user %s", self.instance, user_id)
