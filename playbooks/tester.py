"""Dry runs of one playbook against one case, like StackStorm's ``st2-rule-tester``.

``hiresentry playbooks test FILE --case CASE.json`` loads the case as ``hiresentry cases show
--json`` prints it, evaluates the trigger (as if the engine saw the case for the first time, or
after a simulated ``--event``), every condition with its explanation, and previews each action it
would take, with the reason. Nothing is called and nothing is written.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from hiresentry.core.cases.view import CaseView
from hiresentry.playbooks.actions.base import Action, ActionContext
from hiresentry.playbooks.schema import Playbook
from hiresentry.playbooks.triggers import AUDIT_EVENTS, TRIGGER_OF, CaseEvent, due_reason

SIMULATED_EVENTS = sorted(TRIGGER_OF)


@dataclass
class DryRun:
    """What the playbook would do for the case, line by line."""

    matched: bool = False
    lines: list[str] = field(default_factory=list)


def simulated_event(name: str, case: CaseView, actor: str = "tester", reason: str = "dry run") -> CaseEvent:
    """An audit event as the engine would read it (``judgement.false_positive``, ``hold.expired`` …)."""
    if name not in TRIGGER_OF:
        raise ValueError(f"unknown event {name!r}; one of {', '.join(SIMULATED_EVENTS)}")
    worker = str(case.workers[0]) if case.workers else ""
    detail: dict[str, Any] = {"reason": reason} if name.startswith("judgement.") else {"worker": worker}
    return CaseEvent(1, case.dedup_key, name, actor, dt.datetime.now(dt.UTC), detail)


def dry_run(
    playbook: Playbook,
    case: CaseView,
    actions: Mapping[str, Action[Any]],
    event: CaseEvent | None = None,
) -> DryRun:
    """Evaluate ``playbook`` for ``case`` and preview its actions."""
    out = DryRun()
    say = out.lines.append
    say(f"playbook {playbook.id} (mode {playbook.mode}) against case {case.dedup_key}")
    say(f"  case: {case.kind}, {case.level.value.upper()}, score {case.score:g}, status {case.status}")
    say(f"  trigger: on {', '.join(playbook.trigger.on)}, at least {playbook.trigger.at_least.value}")
    decision = playbook.evaluate(case)
    for name, ok, explained in decision.checks:
        say(f"  {'✓' if ok else '✗'} {name}: {explained}")
    suppressed: str | None = (
        f"judged a false positive by {case.judgement.actor}"
        if case.closed_as_false_positive and case.judgement
        else None
    )
    events = [event] if event is not None else []
    if event is not None and event.trigger not in playbook.trigger.events:
        events_known = ", ".join(e for t in playbook.trigger.events for e in AUDIT_EVENTS[t]) or "none"
        say(f"  event {event.event} is not one this playbook listens to ({events_known})")
    if not decision.matched:
        say(f"NOT MATCHED: {decision.reason}")
        return out
    if suppressed and not any(e.trigger in playbook.trigger.events for e in events):
        say(f"NOT MATCHED: {suppressed} (state triggers stay silent while that verdict stands)")
        return out
    why, fired = due_reason(None, playbook, playbook.mode, case, events, suppressed)
    if why is None:
        say("NOT MATCHED: no trigger fires" + ("" if event else " (event triggers need --event)"))
        return out
    out.matched = True
    say(f"MATCHED ({why}): would run {len(playbook.actions)} action(s) in {playbook.mode} mode")
    for index, step in enumerate(playbook.actions, start=1):
        action = actions.get(step.name)
        if action is None:
            say(f"  {index}. {step.name}: not installed here; cannot preview")
            continue
        ctx = ActionContext(
            case=case,
            playbook_id=playbook.id,
            action_id=f"{playbook.id}/{index - 1}:{step.name}",
            prior=None,
            prior_digest=None,
            audit=lambda _event, _detail: None,
            event=fired.as_intent() if fired else None,
        )
        preview = action.preview(ctx, step.params)
        say(f"  {index}. {step.name}: {preview.summary}")
        say(f"     because: {why}")
        for line in preview.body.splitlines()[:40]:
            say(f"     | {line}")
    return out
