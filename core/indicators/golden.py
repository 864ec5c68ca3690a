"""Golden tests of the catalogue: each indicator's inline samples, run through the real path.

A golden case's records go through the same row builder, population frames, resolution and
indicator function as production data; only the store is skipped. ``hiresentry rules test`` and
the test suite both run them.
"""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import SecretStr, ValidationError

from hiresentry.core.errors import CatalogueError
from hiresentry.core.indicators.catalogue import Indicator
from hiresentry.core.indicators.evaluate import run_indicator
from hiresentry.core.indicators.spec import GoldenCase
from hiresentry.core.keys import LinkKeyHasher
from hiresentry.core.model import KIND_MODELS, Record
from hiresentry.core.population import Population
from hiresentry.core.resolve import resolve

GOLDEN_KEY = SecretStr("hiresentry-golden-tests-key-0001")


@dataclass(frozen=True)
class GoldenResult:
    """Outcome of one golden case."""

    indicator: str
    case: str
    passed: bool
    detail: str


def case_records(indicator_id: str, case: GoldenCase) -> list[Record]:
    """The canonical records of a golden case."""
    records: list[Record] = []
    for number, raw in enumerate(case.records, start=1):
        data = dict(raw)
        kind = data.pop("kind", None)
        model = KIND_MODELS.get(kind)
        if model is None:
            raise CatalogueError(f"{indicator_id} / {case.name}: record {number} has unknown kind {kind!r}")
        try:
            records.append(model.model_validate(data))
        except ValidationError as exc:
            raise CatalogueError(f"{indicator_id} / {case.name}: record {number} is invalid: {exc}") from None
    return records


def run_case(indicator: Indicator, case: GoldenCase) -> GoldenResult:
    """Run one golden case and compare with its expectation."""
    pop = Population.from_records(case_records(indicator.id, case), LinkKeyHasher(GOLDEN_KEY))
    pop = pop.with_persons(resolve(pop).persons)
    hits = run_indicator(indicator, pop)
    fired = set(hits["pid"].to_list())
    if case.expect == "no_fire":
        if fired:
            return GoldenResult(indicator.id, case.name, False, f"fired: {hits['explanation'].to_list()}")
        return GoldenResult(indicator.id, case.name, True, "did not fire")
    if not fired:
        return GoldenResult(indicator.id, case.name, False, "did not fire")
    refs = dict(zip(pop.workers["ref"].to_list(), pop.workers["pid"].to_list(), strict=True))
    missed = [ref for ref in case.hits if refs.get(ref) not in fired]
    if missed:
        return GoldenResult(indicator.id, case.name, False, f"did not fire for {', '.join(missed)}")
    return GoldenResult(indicator.id, case.name, True, "; ".join(hits["explanation"].to_list()))


def run_all(indicators: list[Indicator]) -> list[GoldenResult]:
    """Every golden case of every indicator."""
    return [run_case(ind, case) for ind in indicators for case in ind.spec.tests]
