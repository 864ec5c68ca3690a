"""What one Papaya sync pass reads: everything (a full pass) or only what changed (incremental).

Papaya's lists have no "changed since" filter, but the payments list filters by ``id`` and by
``request_from``/``request_until`` (when the instruction was requested), and the beneficiaries list
by ``id`` (docs.papayaglobal.com: Get Payments List, Get Beneficiaries List). A payment that is final
(completed, failed, cancelled) never changes again. So an incremental pass reads:

1. ``payments``: the instructions requested since the last pass ended (minus an overlap for clock
   skew);
2. ``open_payments``: by id, the payments that were not final when the last pass ended (they may
   have moved since: approved, executed, completed);
3. ``beneficiaries``: by id, only the beneficiaries those payments go to.

A beneficiary edited without any payment to it (new bank details, no payout yet) is seen by the
next **full pass**, every ``full_refresh_days``; money cannot reach new bank details before a new
or open payment names that beneficiary, and such a payment is read in the very next pass, together
with the beneficiary. The first pass is always full.

State lives in the cursors: the ``window`` cursor holds this pass's plan (committed with its first
page, so a resumed pass keeps its plan), and the payment streams' checkpoints carry the ids they
saw that are still open and the beneficiaries they touched (``{"pass", "next", "done", "open",
"touched"}``), which plan the next pass.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from hiresentry.core.store import CursorUpdate

WINDOW = "window"
PAYMENTS = "payments"
OPEN_PAYMENTS = "open_payments"
BENEFICIARIES = "beneficiaries"
STREAMS = (PAYMENTS, OPEN_PAYMENTS, BENEFICIARIES)


def _load(raw: str | None) -> dict[str, Any]:
    try:
        value = json.loads(raw) if raw else {}
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def _when(value: Any) -> dt.datetime | None:
    try:
        return dt.datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def stamp(value: dt.datetime) -> str:
    """A time as Papaya's filters take it: ``YYYY-MM-DDTHH:mm:ssZ``."""
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True)
class SyncWindow:
    """The plan of one pass: full or incremental, the request-time window, the payments to re-read."""

    pass_no: int
    full: bool
    until: dt.datetime
    last_full: dt.datetime
    since: dt.datetime | None = None
    recheck: tuple[str, ...] = ()

    def encode(self) -> str:
        """The ``window`` cursor value."""
        return json.dumps(
            {
                "pass": self.pass_no,
                "full": self.full,
                "since": self.since.isoformat() if self.since else None,
                "until": self.until.isoformat(),
                "last_full": self.last_full.isoformat(),
                "recheck": list(self.recheck),
            },
            sort_keys=True,
        )

    @classmethod
    def decode(cls, raw: str | None) -> SyncWindow | None:
        """A stored window; None if absent or unreadable (the next pass is then a full one)."""
        data = _load(raw)
        until, last_full = _when(data.get("until")), _when(data.get("last_full"))
        if until is None or last_full is None or not isinstance(data.get("pass"), int):
            return None
        recheck = data.get("recheck")
        return cls(
            pass_no=data["pass"],
            full=bool(data.get("full")),
            until=until,
            last_full=last_full,
            since=_when(data.get("since")),
            recheck=tuple(str(i) for i in recheck) if isinstance(recheck, list) else (),
        )

    def cursor(self, source: str) -> CursorUpdate:
        """The cursor update that commits this plan."""
        return CursorUpdate(source, WINDOW, self.encode())

    def filters(self) -> dict[str, str]:
        """The payments list's request-time filters of this pass (none for a full pass)."""
        if self.full or self.since is None:
            return {}
        return {"request_from": stamp(self.since), "request_until": stamp(self.until)}


def plan_window(
    state: Mapping[str, str],
    pass_no: int,
    now: dt.datetime,
    full_every: dt.timedelta,
    overlap: dt.timedelta,
) -> SyncWindow:
    """This pass's plan: the stored one when resuming it, else a new one following the last pass."""
    stored = SyncWindow.decode(state.get(WINDOW))
    if stored is not None and stored.pass_no == pass_no:
        return stored
    if stored is None or full_every <= dt.timedelta(0) or now - stored.last_full >= full_every:
        return SyncWindow(pass_no=pass_no, full=True, until=now, last_full=now)
    still_open = (
        Tracker.load(state.get(PAYMENTS), stored.pass_no).open
        | Tracker.load(state.get(OPEN_PAYMENTS), stored.pass_no).open
    )
    return SyncWindow(
        pass_no=pass_no,
        full=False,
        until=now,
        last_full=stored.last_full,
        since=stored.until - overlap,
        recheck=tuple(sorted(still_open)),
    )


@dataclass
class Tracker:
    """The payment ids a stream saw still open, and the beneficiaries it touched, in this pass."""

    open: set[str] = field(default_factory=set)
    touched: set[str] = field(default_factory=set)

    @classmethod
    def load(cls, raw: str | None, pass_no: int) -> Tracker:
        """What a stream's committed checkpoint says, if it belongs to pass ``pass_no``; else nothing."""
        data = _load(raw)
        if data.get("pass") != pass_no:
            return cls()
        return cls(set(_ids(data.get("open"))), set(_ids(data.get("touched"))))

    def note(self, payment_id: str, beneficiary: str, still_open: bool) -> None:
        """One mapped payment: remember its beneficiary, and the payment if it can still change."""
        self.touched.add(beneficiary)
        if still_open:
            self.open.add(payment_id)
        else:
            self.open.discard(payment_id)

    def stamp(self, cursor: CursorUpdate) -> CursorUpdate:
        """``cursor`` (a checkpoint) with what this stream has seen so far."""
        value = {**_load(cursor.value), "open": sorted(self.open), "touched": sorted(self.touched)}
        return CursorUpdate(cursor.connector, cursor.stream, json.dumps(value, sort_keys=True))


def _ids(value: Any) -> Iterable[str]:
    return [str(v) for v in value] if isinstance(value, list) else []
