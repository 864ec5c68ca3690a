"""An indicator's definition as data: the YAML schema, parsed and validated.

Like a Sigma or Panther rule, an indicator is mostly data (id, severity, weight, false positives,
sources, golden tests) plus a small function. The data is what reviewers read and what the
catalogue check enforces; keeping it out of the code makes both easier to audit.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

Severity = Literal["info", "low", "medium", "high", "critical", "modifier"]
Maturity = Literal["experimental", "test", "stable"]


class GoldenCase(BaseModel):
    """One regression sample: records in, whether the indicator must fire, and for whom."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    expect: Literal["fire", "no_fire"]
    hits: list[str] = Field(
        default_factory=list, description="worker refs 'source/remote_id' the indicator must fire for"
    )
    records: list[dict[str, Any]] = Field(min_length=1, description="canonical records, each with a 'kind'")


class IndicatorSpec(BaseModel):
    """The YAML entry of one indicator."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[A-Z]+(-[A-Z0-9]+)+$")
    title: str
    description: str
    severity: Severity
    weight: float = Field(ge=-100, le=100)
    maturity: Maturity
    inputs: list[str] = Field(min_length=1)
    parameters: dict[str, Any] = Field(default_factory=dict)
    false_positives: list[str] = Field(min_length=1)
    cites: list[str] = Field(min_length=1)
    tests: list[GoldenCase] = Field(default_factory=list)

    @field_validator("inputs")
    @classmethod
    def _dotted(cls, values: list[str]) -> list[str]:
        for value in values:
            if value.count(".") != 1:
                raise ValueError(f"input {value!r} must be written <frame>.<column>")
        return values
