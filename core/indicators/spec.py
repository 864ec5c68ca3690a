"""An indicator's definition as data: the YAML schema, parsed and validated.

Like a Sigma or Panther rule, an indicator is mostly data (id, severity, weight, false positives,
sources, golden tests) plus a small function. The data is what reviewers read and what the
catalogue check enforces; keeping it out of the code makes both easier to audit.

Three kinds of entries share the schema (``kind``):

- ``indicator``: evidence; ``weight`` is points added to the person's score.
- ``modifier``: context that makes other evidence weigh more (HIRE-VIA-VENDOR); ``weight`` is a
  percentage (+25 = the evidence it ``applies_to`` counts 25 % more). Alone it scores nothing.
- ``qualifier``: a known benign context (declared travel, a household, an agency, a pooled EOR
  account); ``weight`` is a negative percentage of the evidence it ``applies_to``. A qualifier
  never lowers a critical indicator by more than half unless ``silences_critical`` says so.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

Severity = Literal["info", "low", "medium", "high", "critical", "modifier", "qualifier"]
Maturity = Literal["experimental", "test", "stable"]
Kind = Literal["indicator", "modifier", "qualifier"]
ADJUSTMENTS: frozenset[str] = frozenset({"modifier", "qualifier"})


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
    kind: Kind = "indicator"
    title: str
    description: str
    severity: Severity
    weight: float = Field(ge=-100, le=100, description="points (indicator) or a percentage (modifier, qualifier)")
    maturity: Maturity
    inputs: list[str] = Field(min_length=1)
    parameters: dict[str, Any] = Field(default_factory=dict)
    false_positives: list[str] = Field(min_length=1)
    cites: list[str] = Field(min_length=1)
    tests: list[GoldenCase] = Field(default_factory=list)
    applies_to: list[str] = Field(
        default_factory=list, description="modifier/qualifier: the indicator ids it adjusts (empty: every one)"
    )
    silences_critical: bool = Field(
        default=False, description="qualifier: may lower a critical indicator by more than half"
    )

    @field_validator("inputs")
    @classmethod
    def _dotted(cls, values: list[str]) -> list[str]:
        for value in values:
            if value.count(".") != 1:
                raise ValueError(f"input {value!r} must be written <frame>.<column>")
        return values

    @model_validator(mode="after")
    def _kind_is_consistent(self) -> IndicatorSpec:
        if (self.kind in ADJUSTMENTS) != (self.severity in ADJUSTMENTS) or (
            self.kind in ADJUSTMENTS and self.kind != self.severity
        ):
            raise ValueError(
                f"kind {self.kind} needs severity {self.kind if self.kind in ADJUSTMENTS else 'info…critical'}"
            )
        if self.kind == "indicator" and self.weight < 0:
            raise ValueError("an indicator's weight is never negative (benign context is a qualifier)")
        if self.kind == "modifier" and self.weight <= 0:
            raise ValueError("a modifier's weight is a positive percentage")
        if self.kind == "qualifier" and self.weight >= 0:
            raise ValueError("a qualifier's weight is a negative percentage")
        if self.kind == "indicator" and self.applies_to:
            raise ValueError("applies_to is for modifiers and qualifiers")
        if self.kind != "qualifier" and self.silences_critical:
            raise ValueError("silences_critical is for qualifiers")
        return self
