"""Modifiers and qualifiers: their schema rules, the catalogue check, evaluation and case terms.

In-memory populations through the real row builder, resolution, indicator functions, score and
case drafts (no store); what a reviewer would read in a case is asserted as text.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polars as pl
import pytest
from pydantic import SecretStr, ValidationError

from hiresentry.core.cases.build import build_drafts
from hiresentry.core.errors import CatalogueError
from hiresentry.core.indicators import check, evaluate, load_catalogue, load_specs
from hiresentry.core.indicators.golden import case_records
from hiresentry.core.indicators.registry import functions
from hiresentry.core.indicators.spec import GoldenCase, IndicatorSpec
from hiresentry.core.keys import LinkKeyHasher
from hiresentry.core.levels import Level, LevelThresholds
from hiresentry.core.population import Population
from hiresentry.core.resolve import resolve
from hiresentry.core.score import score

DOCS = Path(__file__).parents[3] / "docs" / "indicators.md"
CATALOGUE = load_catalogue()
BY_ID = {i.id: i for i in CATALOGUE}


def _spec(base_id: str, **changes: Any) -> IndicatorSpec:
    data = next(s for s in load_specs() if s.id == base_id).model_dump()
    data.update(changes)
    return IndicatorSpec.model_validate(data)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"kind": "qualifier"}, "kind qualifier needs severity qualifier"),
        ({"severity": "modifier"}, "kind indicator needs severity"),
        ({"weight": -10}, "never negative"),
        ({"applies_to": ["DEV-RMM"]}, "applies_to is for modifiers and qualifiers"),
        ({"silences_critical": True}, "silences_critical is for qualifiers"),
    ],
)
def test_indicator_entries_keep_to_their_kind(changes: dict[str, Any], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        _spec("DEV-RMM", **changes)


def test_modifier_and_qualifier_weights_have_their_sign() -> None:
    with pytest.raises(ValidationError, match="positive percentage"):
        _spec("HIRE-VIA-VENDOR", weight=-25)
    with pytest.raises(ValidationError, match="negative percentage"):
        _spec("QUAL-HOUSEHOLD", weight=50)
    with pytest.raises(CatalogueError, match="sign"):
        load_catalogue({"QUAL-HOUSEHOLD": type("S", (), {"enabled": True, "weight": 40, "parameters": None})()})


def test_check_refuses_unknown_signal_names_and_bad_targets() -> None:
    fns = functions()
    typo = _spec("INT-CAMERA-AVOID", parameters={"signals": ["camera_refused", "camera_refsued"], "cleared_by": []})
    problems = [p for p in check([typo], fns) if p.startswith("INT-CAMERA-AVOID")]
    assert problems == ["INT-CAMERA-AVOID: signals names unknown signals camera_refsued (see indicators/signals.py)"]
    specs = [s for s in load_specs() if s.id != "QUAL-HOUSEHOLD"]
    unknown = _spec("QUAL-HOUSEHOLD", applies_to=["NET-NOPE"])
    expected = "QUAL-HOUSEHOLD: applies_to NET-NOPE, which is not an indicator of the catalogue"
    assert expected in check([*specs, unknown], fns)
    onto_qualifier = _spec("QUAL-HOUSEHOLD", applies_to=["QUAL-EOR-POOLED"])
    assert any("applies_to QUAL-EOR-POOLED" in p for p in check([*specs, onto_qualifier], fns))


def test_the_catalogue_covers_indicators_md_and_the_docs_list_every_entry() -> None:
    catalogue_ids = {i.id for i in CATALOGUE if not i.id.startswith("QUAL-")}
    assert len(catalogue_ids) >= 40
    assert BY_ID["HIRE-VIA-VENDOR"].spec.kind == "modifier"
    assert {i.id for i in CATALOGUE if i.spec.kind == "qualifier"} == {
        "QUAL-AGENCY-SUBMISSION",
        "QUAL-DECLARED-TRAVEL",
        "QUAL-EOR-POOLED",
        "QUAL-HOUSEHOLD",
    }
    documented = DOCS.read_text(encoding="utf-8")
    mine = [i.id for i in CATALOGUE if not i.id.startswith("SAN-") and i.id != "NET-LAPTOP-FARM"]
    missing = [i for i in mine if f"`{i}`" not in documented]
    assert missing == []


def _population(records: list[dict[str, Any]]) -> Population:
    case = GoldenCase(name="scenario", expect="fire", records=records)
    pop = Population.from_records(case_records("scenario", case), LinkKeyHasher(SecretStr("scenario-key-0123456789")))
    return pop.with_persons(resolve(pop).persons)


HOME = {"line1": "88 Pine Street", "city": "Seattle", "region": "WA", "postal_code": "98101", "country": "US"}
SCENARIO = [
    # a vendor hire with remote-access tools: DEV-RMM raised by HIRE-VIA-VENDOR
    {"kind": "workers", "source": "hr", "remote_id": "E1", "legal_name": "Ethan Brooks"},
    {"kind": "engagements", "source": "hr", "remote_id": "C1", "worker_remote_id": "E1", "staffing_vendor": "Apex"},
    {"kind": "devices", "source": "hr", "remote_id": "D1", "worker_remote_id": "E1",
     "remote_access_tools": ["AnyDesk"]},
    # a declared couple at one address: NET-SHARED-ADDRESS fully explained by QUAL-HOUSEHOLD
    {"kind": "workers", "source": "hr", "remote_id": "E2", "legal_name": "Maria Garcia", "home_address": HOME},
    {"kind": "workers", "source": "hr", "remote_id": "E3", "legal_name": "Jose Fernandez", "home_address": HOME},
    {"kind": "hiring_signals", "source": "hr", "remote_id": "H1", "worker_remote_id": "E2",
     "signal": "household_declared", "related_worker_remote_id": "E3"},
    # a vendor hire with nothing else: the modifier alone is no evidence
    {"kind": "workers", "source": "hr", "remote_id": "E4", "legal_name": "Priya Nair"},
    {"kind": "engagements", "source": "hr", "remote_id": "C4", "worker_remote_id": "E4", "staffing_vendor": "Apex"},
]  # fmt: skip


def test_adjustments_reach_the_evidence_only_with_something_to_adjust() -> None:
    pop = _population(SCENARIO)
    evidence = evaluate(CATALOGUE, pop)
    refs = dict(zip(pop.workers["pid"].to_list(), pop.workers["ref"].to_list(), strict=True))
    fired = {(refs[r["pid"]], r["indicator"]): r for r in evidence.iter_rows(named=True)}
    assert set(fired) == {
        ("hr/E1", "DEV-RMM"),
        ("hr/E1", "HIRE-VIA-VENDOR"),
        ("hr/E2", "NET-SHARED-ADDRESS"),
        ("hr/E3", "NET-SHARED-ADDRESS"),
        ("hr/E2", "QUAL-HOUSEHOLD"),
        ("hr/E3", "QUAL-HOUSEHOLD"),
    }  # hr/E4's vendor hire is not evidence of anything
    vendor = fired[("hr/E1", "HIRE-VIA-VENDOR")]
    assert (vendor["kind"], vendor["weight"], vendor["factor"]) == ("modifier", 0.0, 25.0)
    household = fired[("hr/E2", "QUAL-HOUSEHOLD")]
    assert (household["kind"], household["factor"], household["silences_critical"]) == ("qualifier", -100.0, False)
    assert "NET-SHARED-ADDRESS" in household["applies_to"]


def test_cases_carry_the_named_terms_and_the_weights_they_came_to() -> None:
    pop = _population(SCENARIO)
    evidence = evaluate(CATALOGUE, pop)
    scores = score(evidence, LevelThresholds())
    drafts = build_drafts(pop, evidence, scores, Level.LOW)
    assert [[str(m) for m in d.members] for d in drafts] == [["hr/E1"]]  # the couple scores 0, no case
    (draft,) = drafts
    assert draft.score == 37.5
    assert [(t.name, t.weight, t.reason) for t in draft.terms] == [
        ("DEV-RMM", 30.0, "Unapproved remote-access tools on a company device"),
        ("HIRE-VIA-VENDOR", 7.5, "+25% of 30.0 (DEV-RMM): hired via staffing vendor Apex"),
    ]
    assert {e.indicator: e.weight for e in draft.evidence} == {"DEV-RMM": 30.0, "HIRE-VIA-VENDOR": 7.5}
    couple = scores.join(pop.workers.filter(pl.col("ref") == "hr/E2").select("pid"), on="pid").row(0, named=True)
    assert couple["score"] == 0
    assert [t["name"] for t in couple["terms"]] == ["NET-SHARED-ADDRESS", "QUAL-HOUSEHOLD"]
