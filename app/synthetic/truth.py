"""Ground truth of a synthetic population: which records carry a planted scheme pattern, and which
records are benign look-alikes that a correct implementation must leave alone.

Each group names its pattern by the indicator id of the catalogue (``PAY-SHARED-ACCOUNT`` …) so that a
benchmark can score alerts per indicator: planted groups measure recall, benign groups false positives.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

Source = Literal["hr", "payroll", "idp"]


class RecordRef(BaseModel):
    """One exported record: remote ids are unique per source across all record kinds."""

    model_config = ConfigDict(frozen=True)

    source: Source
    remote_id: str


class Group(BaseModel):
    """Records that together carry one planted pattern, or imitate it harmlessly."""

    pattern: str
    note: str
    records: list[RecordRef]


class Truth(BaseModel):
    """Everything that was planted (must be found) and every benign look-alike (must not be flagged)."""

    planted: list[Group]
    benign: list[Group]
