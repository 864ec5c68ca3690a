"""What the rest of the system sees of a case: the read model playbooks render and act on."""

from __future__ import annotations

import datetime as dt
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


class ScoreTerm(BaseModel):
    """One named term of the additive score (an indicator weight or a qualifier)."""

    model_config = ConfigDict(frozen=True)

    name: str
    weight: float
    reason: str


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

    @property
    def label(self) -> str:
        """The label that marks this case's artefacts in other systems (Jira label, Slack metadata)."""
        return f"hiresentry-{self.dedup_key}"
