"""When an action of a playbook is due for a case: state triggers against the outbox's memory, and
event triggers against the audit log.

State triggers compare the case with what the action's outbox row remembers of its last run (the
evidence digest and level then), so re-runs and crash recovery never repeat work. Event triggers
read events from the audit log (``judgement.*`` written by the case repository, ``hold.*`` written by
the payout gate) newer than the row's ``event_cursor``; settling the run moves the cursor past the
event, so each event is acted on once, however many engines run.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from hiresentry.core.cases.view import CaseView
from hiresentry.core.levels import Level
from hiresentry.core.store import Store
from hiresentry.core.store.schema import audit_log
from hiresentry.playbooks.outbox import OutboxItem
from hiresentry.playbooks.schema import Playbook

AUDIT_EVENTS: dict[str, tuple[str, ...]] = {
    "judgement.recorded": ("judgement.confirmed", "judgement.false_positive", "judgement.suppressed"),
    "hold.expiring": ("hold.expiring",),
    "hold.expired": ("hold.expired",),
    "hold.released": ("hold.released",),
}
"""Event trigger → the audit-log events that fire it."""
TRIGGER_OF = {event: trigger for trigger, events in AUDIT_EVENTS.items() for event in events}


@dataclass(frozen=True)
class CaseEvent:
    """One event of the audit log that a playbook can react to."""

    id: int
    dedup_key: str
    event: str
    actor: str
    at: dt.datetime
    detail: Mapping[str, Any] = field(default_factory=dict)

    @property
    def trigger(self) -> str:
        """The trigger name this event fires (``judgement.recorded`` for every verdict)."""
        return TRIGGER_OF[self.event]

    def as_intent(self) -> dict[str, Any]:
        """What is stored in the outbox intent and handed to the action as ``ctx.event``."""
        return {
            "id": self.id,
            "event": self.event,
            "actor": self.actor,
            "at": self.at.isoformat(),
            "detail": dict(self.detail),
        }

    def describe(self) -> str:
        """One line for audit entries and dry runs."""
        if self.event.startswith("judgement."):
            verdict = self.event.partition(".")[2].replace("_", " ")
            return f"judged {verdict} by {self.actor}: {self.detail.get('reason') or 'no reason given'}"
        hold = self.detail.get("worker", "")
        return f"{self.event} ({hold})" if hold else self.event


def load_events(store: Store, triggers: Iterable[str], after: int = 0) -> dict[str, list[CaseEvent]]:
    """Events of the given trigger kinds newer than audit id ``after``, by case, oldest first."""
    names = sorted({e for t in triggers for e in AUDIT_EVENTS.get(t, ())})
    found: dict[str, list[CaseEvent]] = {}
    if not names:
        return found
    query = (
        select(audit_log)
        .where(audit_log.c.event.in_(names), audit_log.c.id > after, audit_log.c.dedup_key.is_not(None))
        .order_by(audit_log.c.id)
    )
    with store.engine.connect() as conn:
        for row in conn.execute(query):
            at = row.at if row.at.tzinfo else row.at.replace(tzinfo=dt.UTC)
            event = CaseEvent(row.id, row.dedup_key, row.event, row.actor, at, dict(row.detail or {}))
            found.setdefault(row.dedup_key, []).append(event)
    return found


def _direction_ok(before: str | None, now: Level, direction: str) -> bool:
    if before is None:
        return direction != "down"  # first sight of a case at this level counts as a rise
    if direction == "up":
        return now > Level(before)
    if direction == "down":
        return now < Level(before)
    return True


def due_reason(
    item: OutboxItem | None,
    playbook: Playbook,
    mode: str,
    case: CaseView,
    events: Sequence[CaseEvent],
    suppressed: str | None,
) -> tuple[str | None, CaseEvent | None]:
    """Why this action must run for ``case`` now (None: it need not), and the event it reacts to."""
    trigger = playbook.trigger
    fresh = item is None or item.mode != mode  # a mode change forgets what was only previewed
    cursor = None if fresh or item is None else item.event_cursor
    new = [
        e
        for e in events
        if e.trigger in trigger.events
        and (cursor is None or e.id > cursor)
        and (trigger.verdicts is None or e.event.partition(".")[2] in trigger.verdicts)
    ]
    event = new[-1] if new else None
    if event is not None:
        return f"{event.trigger}: {event.describe()}", event
    if not trigger.states or suppressed:
        return None, None
    if item is not None and item.status == "failed" and not fresh:
        planned = item.intent.get("planned", {})
        if planned.get("digest") == case.evidence_digest and planned.get("level") == case.level.value:
            return None, None  # it failed on this very state: a human must look (or the state change)
    if fresh or item is None or item.done_digest is None:
        only_level = trigger.states == {"case.level_changed"}
        if only_level and not _direction_ok(None, case.level, trigger.direction):
            return None, None
        why = f"mode changed {item.mode} → {mode}" if item is not None and item.mode != mode else "first run"
        return f"{why} for this case (level {case.level.value})", None
    if "case.evidence_added" in trigger.states and item.done_digest != case.evidence_digest:
        return f"evidence changed since the last run ({item.done_digest} → {case.evidence_digest})", None
    if (
        "case.level_changed" in trigger.states
        and item.done_level != case.level.value
        and _direction_ok(item.done_level, case.level, trigger.direction)
    ):
        return f"level changed {item.done_level} → {case.level.value}", None
    return None, None
