"""Google Workspace account suspension: Directory API ``users.update`` with ``{"suspended": true}``.

``PUT /admin/directory/v1/users/{userKey}`` takes a partial body (the Directory's update has patch
semantics), so only ``suspended`` is sent. Idempotent against Google's own state: the user is read
first and an account already suspended (by an admin, or by Google for abuse) is left as it is. The
vendor reference says which happened, so lifting *our* suspension never lifts someone else's:

- ``suspended:<user id>``: hiresentry suspended the account; :meth:`GoogleAccounts.unsuspend`
  restores it;
- ``unchanged:<user id>:<reason>``: it was suspended already (``suspensionReason``); unsuspend leaves it.

A suspended user cannot sign in; open sessions are not ended by an extra ``users.signOut`` call
(it needs the ``admin.directory.user.security`` scope too). These calls use their own token with the
read-write ``admin.directory.user`` scope, requested only when a suspension is asked for.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from urllib.parse import quote

from hiresentry.connectors.base import HttpClient
from hiresentry.connectors.google.streams import USERS
from hiresentry.core.capabilities import SuspendResult
from hiresentry.core.cases.view import RecordRef
from hiresentry.core.errors import ActionError

log = logging.getLogger(__name__)


class GoogleAccounts:
    """Suspends and restores users of one Workspace customer."""

    def __init__(self, instance: str, client: HttpClient) -> None:
        self.instance = instance
        self.client = client
        self._done: dict[tuple[str, str], SuspendResult] = {}

    def _user_key(self, worker: RecordRef) -> str:
        if worker.source != self.instance:
            raise ActionError(f"{worker} is not a record of Google Workspace source {self.instance!r}")
        return worker.remote_id

    def _path(self, user_id: str) -> str:
        return f"{USERS}/{quote(user_id, safe='')}"

    def current(self, user_id: str) -> Mapping[str, object]:
        """The user as the Directory holds it; an unknown user is an action error."""
        user = self.client.get_json(self._path(user_id), params={"projection": "basic"}, allow=(404,))
        if not isinstance(user, Mapping):
            raise ActionError(f"{self.instance}: Google Workspace has no user {user_id}")
        return user

    def suspend(self, worker: RecordRef, dedup_key: str) -> SuspendResult:
        """Suspend the account behind ``worker`` (see the module docstring for the references)."""
        user_id = self._user_key(worker)
        key = (dedup_key, user_id)
        if key in self._done:
            return self._done[key]
        user = self.current(user_id)
        if user.get("suspended") is True:
            reason = str(user.get("suspensionReason") or "suspended")
            result = SuspendResult(
                f"unchanged:{user_id}:{reason}", f"Google user {user_id} is already suspended ({reason})"
            )
        else:
            self.client.request("PUT", self._path(user_id), json={"suspended": True})
            result = SuspendResult(f"suspended:{user_id}", f"suspended Google Workspace user {user_id}")
        log.info("%s: %s (%s)", self.instance, result.description, dedup_key)
        self._done[key] = result
        return result

    def unsuspend(self, worker: RecordRef, vendor_ref: str) -> None:
        """Restore an account :meth:`suspend` suspended; one suspended by someone else stays suspended."""
        user_id = self._user_key(worker)
        kind, _, rest = vendor_ref.partition(":")
        if kind == "unchanged" and rest.split(":", 1)[0] == user_id:
            log.info("%s: user %s was suspended before hiresentry acted; left suspended", self.instance, user_id)
            return
        if kind != "suspended" or rest != user_id:
            raise ActionError(f"{self.instance}: {vendor_ref!r} is not a suspension of {worker} made by hiresentry")
        self.client.request("PUT", self._path(user_id), json={"suspended": False})
        self._done = {k: v for k, v in self._done.items() if k[1] != user_id}
        log.info("%s: unsuspended Google Workspace user %s", self.instance, user_id)
