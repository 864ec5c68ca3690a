"""The playbook file format, validated with errors that name the file and the field.

```yaml
id: contractor-risk-triage
trigger: {on: [case.created, case.level_changed, case.updated], at_least: medium}
conditions: [{evidence_any: [PAY-SHARED-ACCOUNT, NET-SHARED-PHONE]}]
actions:
  - jira.ensure_ticket: {project: SEC}
  - slack.escalate: {channel: "#contractor-risk"}
mode: monitor        # or active
```

Triggers are evaluated against the case's *state* and the outbox's memory of what was already
done (``case.created``: never done for this case; ``case.level_changed``: the level differs from the
level at the last execution; ``case.updated``: the evidence differs), so running a playbook again,
or after a crash, never repeats work.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from hiresentry.core.cases.view import CaseView
from hiresentry.core.errors import PlaybookValidationError
from hiresentry.core.levels import Level
from hiresentry.playbooks.actions.base import ActionParams

TriggerEvent = Literal["case.created", "case.level_changed", "case.updated"]


class Trigger(BaseModel):
    """When a playbook considers a case."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    on: list[TriggerEvent] = Field(min_length=1)
    at_least: Level = Level.MEDIUM

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


class Condition(BaseModel):
    """One condition; every condition of a playbook must hold (AND)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    evidence_any: list[str] | None = None
    evidence_all: list[str] | None = None
    evidence_none: list[str] | None = None
    score_at_least: float | None = None

    @model_validator(mode="after")
    def _exactly_one(self) -> Condition:
        given = [k for k, v in self.model_dump().items() if v is not None]
        if len(given) != 1:
            raise ValueError(
                "each condition names exactly one test (evidence_any, evidence_all, evidence_none, score_at_least)"
            )
        return self

    def holds(self, case: CaseView) -> bool:
        """Whether the condition holds for ``case``."""
        fired = {e.indicator for e in case.evidence}
        if self.evidence_any is not None:
            return bool(fired & set(self.evidence_any))
        if self.evidence_all is not None:
            return set(self.evidence_all) <= fired
        if self.evidence_none is not None:
            return not fired & set(self.evidence_none)
        return self.score_at_least is not None and case.score >= self.score_at_least


class ActionStep(BaseModel):
    """One action of a playbook, with its validated parameters."""

    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)

    name: str
    params: ActionParams


class Playbook(BaseModel):
    """A validated playbook."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    description: str = ""
    trigger: Trigger
    conditions: list[Condition] = Field(default_factory=list)
    actions: list[ActionStep] = Field(min_length=1)
    mode: Literal["active", "monitor"] = "monitor"

    def decide(self, case: CaseView) -> tuple[bool, str]:
        """Whether the playbook applies to ``case`` now, and why (for the audit log)."""
        if case.level < self.trigger.at_least:
            return False, f"level {case.level.value} is below {self.trigger.at_least.value}"
        for number, condition in enumerate(self.conditions, start=1):
            if not condition.holds(case):
                return False, f"condition {number} does not hold"
        return True, f"level {case.level.value} ≥ {self.trigger.at_least.value} and all conditions hold"


def parse_playbook(data: Any, origin: str, params_models: Mapping[str, type[ActionParams]]) -> Playbook:
    """Validate one playbook mapping; ``params_models`` maps known action names to their params."""
    if not isinstance(data, dict):
        raise PlaybookValidationError(f"{origin}: a playbook must be a mapping")
    raw_actions = data.get("actions")
    steps: list[Any] = []
    if isinstance(raw_actions, list):
        for index, entry in enumerate(raw_actions):
            where = f"{origin}: actions[{index}]"
            if not isinstance(entry, dict) or len(entry) != 1:
                raise PlaybookValidationError(f"{where}: each action is a mapping of one action name to its parameters")
            ((name, params),) = entry.items()
            model = params_models.get(name)
            if model is None:
                known = ", ".join(sorted(params_models)) or "none"
                raise PlaybookValidationError(f"{where}: unknown action {name!r} (known: {known})")
            try:
                steps.append(ActionStep(name=name, params=model.model_validate(params or {})))
            except ValidationError as exc:
                fields = "; ".join(f"{'.'.join(map(str, e['loc'])) or name}: {e['msg']}" for e in exc.errors())
                raise PlaybookValidationError(f"{where} ({name}): {fields}") from None
    try:
        return Playbook.model_validate({**data, "actions": steps if isinstance(raw_actions, list) else raw_actions})
    except ValidationError as exc:
        fields = "; ".join(f"{'.'.join(map(str, e['loc'])) or '(root)'}: {e['msg']}" for e in exc.errors())
        raise PlaybookValidationError(f"{origin}: {fields}") from None


def load_playbook_file(path: Path, params_models: Mapping[str, type[ActionParams]]) -> Playbook:
    """Read and validate one playbook YAML file."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise PlaybookValidationError(f"{path}: cannot read playbook: {exc}") from None
    return parse_playbook(data, str(path), params_models)
