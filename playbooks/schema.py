"""The playbook file format, validated with errors that name the file, the field and the line.

```yaml
id: escalate-high-risk-contractors
trigger:
  on: [case.created, case.level_changed, case.evidence_added]
  at_least: high
  direction: up                 # level_changed only: up | down | any
conditions: [{engagement_type_any: [contractor]}]
actions:
  - jira.ensure_ticket: {project: SEC}
  - slack.escalate: {channel: "#contractor-risk"}
throttle: {window: 1h}          # at most one run of each action per case per window
mode: monitor                   # or active
```

Two kinds of trigger (``playbooks/triggers.py`` decides when each fires):

- *state* triggers compare the case with the outbox's memory of the last run: ``case.created``
  (never run for this case), ``case.level_changed`` (level differs from the last run's, in
  ``direction``), ``case.evidence_added`` (the evidence differs; ``case.updated`` is an old name);
- *event* triggers react once to an event in the audit log: ``judgement.recorded`` (optionally only
  some ``verdicts``), ``hold.expiring``, ``hold.expired``, ``hold.released``.

Validation collects every problem with its path (:class:`Problem`), so ``hiresentry playbooks
validate`` can print them all with line numbers; loading raises them joined in one
:class:`PlaybookValidationError`.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from hiresentry.core.cases.view import CaseView
from hiresentry.core.errors import PlaybookValidationError
from hiresentry.core.levels import Level
from hiresentry.playbooks.actions.base import ActionParams
from hiresentry.playbooks.conditions import Condition
from hiresentry.playbooks.durations import parse_duration

StateTrigger = Literal["case.created", "case.level_changed", "case.evidence_added", "case.updated"]
EventTrigger = Literal["judgement.recorded", "hold.expiring", "hold.expired", "hold.released"]
TriggerName = Literal[
    "case.created",
    "case.level_changed",
    "case.evidence_added",
    "case.updated",
    "judgement.recorded",
    "hold.expiring",
    "hold.expired",
    "hold.released",
]
STATE_TRIGGERS: frozenset[str] = frozenset(
    {"case.created", "case.level_changed", "case.evidence_added", "case.updated"}
)
EVENT_TRIGGERS: frozenset[str] = frozenset({"judgement.recorded", "hold.expiring", "hold.expired", "hold.released"})


class Trigger(BaseModel):
    """When a playbook considers a case."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    on: list[TriggerName] = Field(min_length=1)
    at_least: Level = Level.MEDIUM
    direction: Literal["any", "up", "down"] = Field("any", description="case.level_changed: which way")
    verdicts: list[Literal["confirmed", "false_positive", "suppressed"]] | None = Field(
        None, description="judgement.recorded: only these verdicts (default: any)"
    )

    @model_validator(mode="before")
    @classmethod
    def _yaml_on_is_true(cls, value: Any) -> Any:
        # YAML 1.1 reads a bare `on:` key as the boolean True; accept it as written.
        if isinstance(value, dict) and True in value and "on" not in value:
            value = {("on" if k is True else k): v for k, v in value.items()}
        return value

    @field_validator("on", mode="before")
    @classmethod
    def _listify(cls, value: Any) -> Any:
        return [value] if isinstance(value, str) else value

    @model_validator(mode="after")
    def _options_fit(self) -> Trigger:
        if self.direction != "any" and "case.level_changed" not in self.on:
            raise ValueError("direction applies to case.level_changed; add it to trigger.on")
        if self.verdicts is not None and "judgement.recorded" not in self.on:
            raise ValueError("verdicts applies to judgement.recorded; add it to trigger.on")
        return self

    @property
    def states(self) -> set[str]:
        """The state triggers (``case.updated`` read as ``case.evidence_added``)."""
        names = {n for n in self.on if n in STATE_TRIGGERS}
        return {"case.evidence_added" if n == "case.updated" else n for n in names}

    @property
    def events(self) -> set[str]:
        """The event triggers."""
        return {n for n in self.on if n in EVENT_TRIGGERS}


class Throttle(BaseModel):
    """At most one run of each action per case per ``window``; later changes wait, never vanish."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    window: str = Field(description="e.g. 1h, 30m, 1d")

    @field_validator("window")
    @classmethod
    def _duration(cls, value: str) -> str:
        parse_duration(value)
        return value


class ActionStep(BaseModel):
    """One action of a playbook, with its validated parameters."""

    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)

    name: str
    params: ActionParams


@dataclass(frozen=True)
class Decision:
    """Whether a playbook applies to a case now, why, and each check it made."""

    matched: bool
    reason: str
    checks: tuple[tuple[str, bool, str], ...]


class Playbook(BaseModel):
    """A validated playbook."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    description: str = ""
    trigger: Trigger
    conditions: list[Condition] = Field(default_factory=list)
    actions: list[ActionStep] = Field(min_length=1)
    throttle: Throttle | None = None
    mode: Literal["active", "monitor"] = "monitor"

    def evaluate(self, case: CaseView) -> Decision:
        """Level and conditions against ``case``, each check explained (for audit and dry runs)."""
        level_ok = case.level >= self.trigger.at_least
        checks = [("level", level_ok, f"level {case.level.value} vs at least {self.trigger.at_least.value}")]
        for number, condition in enumerate(self.conditions, start=1):
            ok, why = condition.check(case)
            checks.append((f"condition {number}", ok, why))
        failed = next(((name, why) for name, ok, why in checks if not ok), None)
        if failed is None:
            reason = f"level {case.level.value} ≥ {self.trigger.at_least.value} and all conditions hold"
            return Decision(True, reason, tuple(checks))
        name, why = failed
        if name == "level":
            return Decision(False, f"level {case.level.value} is below {self.trigger.at_least.value}", tuple(checks))
        return Decision(False, f"{name} does not hold ({why})", tuple(checks))

    def decide(self, case: CaseView) -> tuple[bool, str]:
        """Whether the playbook applies to ``case`` now, and why (for the audit log)."""
        decision = self.evaluate(case)
        return decision.matched, decision.reason


@dataclass(frozen=True)
class Problem:
    """One validation problem: where (a path into the YAML) and what."""

    path: tuple[str | int, ...]
    message: str

    def where(self) -> str:
        """``trigger.on.0`` / ``actions[1] (slack.escalate).channel`` / ``(root)``."""
        parts: list[str] = []
        path = list(self.path)
        if len(path) >= 2 and path[0] == "actions" and isinstance(path[1], int):
            head = f"actions[{path[1]}]"
            if len(path) >= 3:
                head += f" ({path[2]})"
            parts.append(head)
            path = path[3:]
        parts += [str(p) for p in path]
        return ".".join(parts) if parts else "(root)"

    def __str__(self) -> str:
        return f"{self.where()}: {self.message}"


def check_playbook(
    data: Any,
    params_models: Mapping[str, type[ActionParams]],
    known_indicators: Collection[str] | None = None,
) -> tuple[Playbook | None, list[Problem]]:
    """Validate one playbook mapping; every problem found, and the playbook if there were none."""
    if not isinstance(data, dict):
        return None, [Problem((), "a playbook must be a mapping")]
    problems: list[Problem] = []
    raw_actions = data.get("actions")
    steps: list[Any] = []
    if isinstance(raw_actions, list):
        for index, entry in enumerate(raw_actions):
            if not isinstance(entry, dict) or len(entry) != 1:
                message = "each action is a mapping of one action name to its parameters"
                problems.append(Problem(("actions", index), message))
                continue
            ((name, params),) = entry.items()
            model = params_models.get(name)
            if model is None:
                known = ", ".join(sorted(params_models)) or "none"
                problems.append(Problem(("actions", index), f"unknown action {name!r} (known: {known})"))
                continue
            try:
                steps.append(ActionStep(name=name, params=model.model_validate(params or {})))
            except ValidationError as exc:
                problems += [Problem(("actions", index, name, *e["loc"]), e["msg"]) for e in exc.errors()]
    playbook: Playbook | None = None
    try:
        playbook = Playbook.model_validate({**data, "actions": steps if isinstance(raw_actions, list) else raw_actions})
    except ValidationError as exc:
        for e in exc.errors():
            if e["loc"][:1] == ("actions",) and isinstance(raw_actions, list) and raw_actions and problems:
                continue  # the action problems above already say it
            problems.append(Problem(tuple(e["loc"]), e["msg"].removeprefix("Value error, ")))
    if playbook is not None and known_indicators is not None:
        for number, condition in enumerate(playbook.conditions):
            for name in condition.indicators():
                if name not in known_indicators:
                    message = f"unknown indicator {name!r}: a typo here would make the condition never hold"
                    problems.append(Problem(("conditions", number, condition.test), message))
    return (playbook if not problems else None), problems


def parse_playbook(
    data: Any,
    origin: str,
    params_models: Mapping[str, type[ActionParams]],
    known_indicators: Collection[str] | None = None,
) -> Playbook:
    """Validate one playbook mapping; ``params_models`` maps known action names to their params."""
    playbook, problems = check_playbook(data, params_models, known_indicators)
    if problems or playbook is None:
        raise PlaybookValidationError(f"{origin}: " + "; ".join(str(p) for p in problems))
    return playbook


def load_playbook_file(
    path: Path,
    params_models: Mapping[str, type[ActionParams]],
    known_indicators: Collection[str] | None = None,
) -> Playbook:
    """Read and validate one playbook YAML file."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise PlaybookValidationError(f"{path}: cannot read playbook: {exc}") from None
    return parse_playbook(data, str(path), params_models, known_indicators)
