"""Playbook conditions: small named tests over a case, each explaining its answer.

Every condition of a playbook must hold (AND); each condition names exactly one test::

    conditions:
      - evidence_any: [PAY-SHARED-ACCOUNT, SAN-SDN-MATCH]
        maturity_at_least: test          # optional: only count evidence this mature
      - kind: person
      - engagement_type_any: [contractor]
      - amount_due_at_least: {USD: 1000, EUR: 900}

``maturity_at_least`` alone means "some evidence at least this mature". The explanation of each
test is what ``hiresentry playbooks test`` prints and what the audit log keeps, so a reviewer can
see *why* a playbook did or did not act.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from hiresentry.core.cases.view import CaseView, EvidenceView
from hiresentry.core.levels import Level

Maturity = Literal["experimental", "test", "stable"]
MATURITY_RANK: dict[str, int] = {"experimental": 0, "test": 1, "stable": 2}
EVIDENCE_TESTS = ("evidence_any", "evidence_all", "evidence_none")
TESTS = (
    *EVIDENCE_TESTS,
    "score_at_least",
    "score_below",
    "level_in",
    "kind",
    "source_any",
    "source_none",
    "engagement_type_any",
    "amount_due_at_least",
)


class Condition(BaseModel):
    """One condition; see the module docstring for the tests."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    evidence_any: list[str] | None = Field(None, description="at least one of these indicators fired")
    evidence_all: list[str] | None = Field(None, description="all of these indicators fired")
    evidence_none: list[str] | None = Field(None, description="none of these indicators fired")
    maturity_at_least: Maturity | None = Field(None, description="count only evidence at least this mature")
    score_at_least: float | None = None
    score_below: float | None = None
    level_in: list[Level] | None = None
    kind: Literal["person", "network"] | None = None
    source_any: list[str] | None = Field(None, description="a member record comes from one of these sources")
    source_none: list[str] | None = Field(None, description="no member record comes from these sources")
    engagement_type_any: list[Literal["contractor", "employee"]] | None = None
    amount_due_at_least: dict[str, Decimal] | None = Field(
        None, description="currency → minimum unpaid total (holds if any listed currency reaches it)"
    )

    @field_validator("amount_due_at_least")
    @classmethod
    def _currencies(cls, value: dict[str, Decimal] | None) -> dict[str, Decimal] | None:
        if value is None:
            return None
        if not value:
            raise ValueError("amount_due_at_least needs at least one currency, e.g. {USD: 1000}")
        bad = [c for c in value if not (len(c) == 3 and c.isalpha())]
        if bad:
            raise ValueError(f"currencies are ISO 4217 codes such as USD: {bad}")
        return {c.upper(): amount for c, amount in value.items()}

    @model_validator(mode="after")
    def _exactly_one(self) -> Condition:
        given = [name for name in TESTS if getattr(self, name) is not None]
        if len(given) > 1 or (not given and self.maturity_at_least is None):
            raise ValueError(f"each condition names exactly one test ({', '.join(TESTS)}, maturity_at_least)")
        if given and self.maturity_at_least is not None and given[0] not in EVIDENCE_TESTS:
            raise ValueError("maturity_at_least filters evidence_any/evidence_all/evidence_none, or stands alone")
        return self

    @property
    def test(self) -> str:
        """The name of the test this condition runs."""
        return next((name for name in TESTS if getattr(self, name) is not None), "maturity_at_least")

    def indicators(self) -> list[str]:
        """Indicator ids the condition names (to check them against the catalogue)."""
        return [*(self.evidence_any or ()), *(self.evidence_all or ()), *(self.evidence_none or ())]

    def holds(self, case: CaseView) -> bool:
        """Whether the condition holds for ``case``."""
        return self.check(case)[0]

    def check(self, case: CaseView) -> tuple[bool, str]:
        """Whether it holds, and a one-line explanation."""
        test = self.test
        if test in EVIDENCE_TESTS or test == "maturity_at_least":
            return self._evidence(case)
        if test == "score_at_least":
            assert self.score_at_least is not None
            return case.score >= self.score_at_least, f"score {case.score:g} vs at least {self.score_at_least:g}"
        if test == "score_below":
            assert self.score_below is not None
            return case.score < self.score_below, f"score {case.score:g} vs below {self.score_below:g}"
        if test == "level_in":
            levels = [lv.value for lv in self.level_in or ()]
            return case.level in (self.level_in or ()), f"level {case.level.value} in {levels}"
        if test == "kind":
            return case.kind == self.kind, f"case kind {case.kind} vs {self.kind}"
        if test in ("source_any", "source_none"):
            wanted = set(self.source_any or self.source_none or ())
            found = sorted(set(case.sources) & wanted)
            ok = bool(found) if test == "source_any" else not found
            return ok, f"{test} {sorted(wanted)}: member sources {case.sources}"
        if test == "engagement_type_any":
            found = sorted(set(case.engagement_types) & set(self.engagement_type_any or ()))
            return bool(found), f"engagement types {case.engagement_types} vs any of {self.engagement_type_any}"
        return self._amount_due(case)

    def _evidence(self, case: CaseView) -> tuple[bool, str]:
        considered = [e for e in case.evidence if self._mature(e)]
        fired = {e.indicator for e in considered}
        note = f" (evidence at maturity ≥ {self.maturity_at_least})" if self.maturity_at_least else ""
        if self.evidence_any is not None:
            hit = sorted(fired & set(self.evidence_any))
            return bool(hit), f"evidence_any{note}: {', '.join(hit) or 'none of ' + ', '.join(self.evidence_any)} fired"
        if self.evidence_all is not None:
            missing = sorted(set(self.evidence_all) - fired)
            return (
                not missing,
                f"evidence_all{note}: missing {', '.join(missing)}" if missing else "evidence_all: all fired",
            )
        if self.evidence_none is not None:
            hit = sorted(fired & set(self.evidence_none))
            return not hit, f"evidence_none{note}: {', '.join(hit)} fired" if hit else "evidence_none: none fired"
        return bool(considered), f"{len(considered)} piece(s) of evidence at maturity ≥ {self.maturity_at_least}"

    def _mature(self, item: EvidenceView) -> bool:
        if self.maturity_at_least is None:
            return True
        # evidence of unknown maturity (an indicator no longer in the catalogue) is not trusted
        return MATURITY_RANK.get(item.maturity or "", -1) >= MATURITY_RANK[self.maturity_at_least]

    def _amount_due(self, case: CaseView) -> tuple[bool, str]:
        wanted = self.amount_due_at_least or {}
        due = {c: a for c, a in case.amounts_due.items() if c in wanted}
        ok = any(due[c] >= wanted[c] for c in due)
        shown = ", ".join(f"{a} {c}" for c, a in sorted(case.amounts_due.items())) or "nothing"
        return ok, f"unpaid {shown} vs at least {', '.join(f'{a} {c}' for c, a in wanted.items())}"
