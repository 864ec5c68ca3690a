"""What the rest of the system sees of a case: the read model playbooks render and act on."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from hiresentry.core.levels import Level


class RecordRef(BaseModel):
    """A record's identity across the system."""

    model_config = ConfigDict(frozen=True)

    source: str
    remote_id: str

    def __str__(self) -> str:
        return f"{self.source}/{self.remote_id}"


class EvidenceView(BaseModel):
    """One fired indicator on a case, explained."""

    model_config = ConfigDict(frozen=True)

    indicator: str
    title: str
    severity: str
    weight: float
    explanation: str = Field(description="one sentence naming what matched; identifiers masked")
    records: list[RecordRef]
    keys: list[str] = Field(default_factory=list, description="masked shared keys, e.g. '••••4321'")
    maturity: str | None = Field(
        default=None, description="the indicator's catalogue maturity: experimental|test|stable"
    )


class ScoreTerm(BaseModel):
    """One named term of the additive score (an indicator weight or a qualifier)."""

    model_config = ConfigDict(frozen=True)

    name: str
    weight: float
    reason: str


class JudgementView(BaseModel):
    """A reviewer's latest verdict on a case."""

    model_config = ConfigDict(frozen=True)

    verdict: str = Field(description="confirmed | false_positive | suppressed")
    actor: str
    reason: str | None = None
    at: dt.datetime
    evidence_digest: str = Field(description="the evidence the verdict was given on")


class HoldApproval(BaseModel):
    """One approver's decision on a hold (who, through which channel, when)."""

    model_config = ConfigDict(frozen=True)

    actor: str
    channel: str
    at: dt.datetime


HOLD_GATE_CLOSED = frozenset({"pending", "held", "release_requested"})
"""Hold states in which hiresentry's payout gate answers *held* (never pay while unsure)."""


class HoldView(BaseModel):
    """A payout hold on one worker record of a case, and where it stands."""

    model_config = ConfigDict(frozen=True)

    id: int
    dedup_key: str
    worker: RecordRef
    status: str = Field(description="pending | held | release_requested | releasing | released | expired")
    via: str = Field(description="vendor (the source's own hold) | gate (hiresentry's gate + human task)")
    vendor_ref: str | None = None
    reason: str
    created_at: dt.datetime
    updated_at: dt.datetime | None = None
    expires_at: dt.datetime | None = None
    release_approvals: int = Field(description="distinct approvers a release needs")
    round: int = Field(default=0, description="renewals so far; approvals count per round")
    approvals: list[HoldApproval] = Field(default_factory=list, description="release approvals this round")
    attempts: int = 0
    last_error: str | None = None
    task: str | None = Field(default=None, description="what a person must do where the vendor has no hold API")

    @property
    def gate_closed(self) -> bool:
        """Whether payroll must not pay this worker because of this hold (ignoring the clock)."""
        return self.status in HOLD_GATE_CLOSED


class CaseView(BaseModel):
    """A case as playbooks, the CLI and the API see it."""

    model_config = ConfigDict(frozen=True)

    dedup_key: str = Field(description="stable id shared by the Jira ticket, Slack thread and payout hold")
    kind: Literal["person", "network"] = "person"
    network_key: str | None = Field(default=None, description="person case: the network case it belongs to")
    linked_cases: list[str] = Field(default_factory=list, description="network case: its members' person cases")
    status: str
    level: Level
    previous_level: Level | None = None
    score: float
    summary: str
    workers: list[RecordRef]
    payees: list[RecordRef] = Field(
        default_factory=list,
        description="member records that have payout accounts or payments (what a hold stops)",
    )
    display_names: list[str] = Field(default_factory=list, description="legal names claimed by the workers")
    evidence: list[EvidenceView]
    terms: list[ScoreTerm] = Field(default_factory=list)
    evidence_digest: str = Field(description="changes whenever the set of evidence changes")
    created_at: dt.datetime
    updated_at: dt.datetime
    engagement_types: list[str] = Field(default_factory=list, description="engagement types of the members")
    amounts_due: dict[str, Decimal] = Field(
        default_factory=dict, description="currency → total of the members' payments not yet paid"
    )
    judgement: JudgementView | None = Field(default=None, description="the latest reviewer verdict")
    holds: list[HoldView] = Field(default_factory=list, description="payout holds made for this case")

    @property
    def sources(self) -> list[str]:
        """The sources the case's member records come from."""
        return sorted({w.source for w in self.workers})

    @property
    def closed_as_false_positive(self) -> bool:
        """Judged a false positive, on the evidence the case still has."""
        judged = self.judgement
        return (
            judged is not None and judged.verdict == "false_positive" and judged.evidence_digest == self.evidence_digest
        )

    @property
    def label(self) -> str:
        """The label that marks this case's artefacts in other systems (Jira label, Slack metadata)."""
        return f"hiresentry-{self.dedup_key}"
