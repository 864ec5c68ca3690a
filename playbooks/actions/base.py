"""The action contract: typed parameters, a monitor-mode preview and an idempotent execute.

Like Splunk SOAR SDK actions, an action is a small typed unit; like Keep's workflow steps, its
result is written back (ticket key, message ts, hold id) and handed to the next run as ``prior``,
so a re-run updates what exists instead of creating it again. ``execute`` must also *look up*
before it creates (by the case label), because a crash can lose the write-back of ``prior``.
"""

from __future__ import annotations

import datetime as dt
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar, Generic, TypeVar

from pydantic import BaseModel, ConfigDict

from hiresentry.core.cases.view import CaseView

AuditFn = Callable[[str, dict[str, Any]], None]


class ActionParams(BaseModel):
    """Base of every action's parameter model (the mapping under the action name in a playbook)."""

    model_config = ConfigDict(extra="forbid", frozen=True)


@dataclass(frozen=True)
class ActionContext:
    """Everything an action may use while running for one case."""

    case: CaseView
    playbook_id: str
    action_id: str
    prior: Mapping[str, Any] | None
    """Result of the last successful execution of this action for this case, if any."""
    prior_digest: str | None
    """The case's evidence digest at that execution: unchanged digest means nothing new to say."""
    audit: AuditFn
    now: dt.datetime | None = None
    """The engine's clock for this run (actions that date things use it, so tests can inject time)."""
    event: Mapping[str, Any] | None = None
    """The audit-log event that triggered this run (``{"id", "event", "actor", "detail"}``), if any."""
    prior_level: str | None = None
    """The case's level at the last execution (a transition on level change compares with it)."""

    def clock(self) -> dt.datetime:
        """``now``, or the wall clock when the engine gave none."""
        return self.now or dt.datetime.now(dt.UTC)


@dataclass(frozen=True)
class ActionPreview:
    """What an action would do, for monitor mode and dry runs."""

    action: str
    summary: str
    body: str


P = TypeVar("P", bound=ActionParams)


class Action(ABC, Generic[P]):
    """Base class of playbook actions."""

    name: ClassVar[str]
    params_model: ClassVar[type[ActionParams]]
    max_attempts: ClassVar[int | None] = 5
    """Retryable failures before the outbox gives up (None: never; the action's state shows why)."""

    @abstractmethod
    def preview(self, ctx: ActionContext, params: P) -> ActionPreview:
        """Describe, without calling anything, what ``execute`` would do now."""

    @abstractmethod
    def execute(self, ctx: ActionContext, params: P) -> dict[str, Any]:
        """Do it, idempotently; return the result to store as the next run's ``prior``.

        Raise ``ActionRetryableError`` for throttling and outages, ``ActionError`` otherwise.
        """
