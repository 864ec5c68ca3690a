"""The score: indicator weights add, modifiers raise, qualifiers lower, every term is explained.

Pure functions over in-memory evidence frames (no store, no fakes): the frames are what
``core.indicators.evaluate`` produces, written out row by row.
"""

from __future__ import annotations

from typing import Any

import hypothesis.strategies as st
import polars as pl
import pytest
from hypothesis import given, settings

from hiresentry.core.indicators.evaluate import EVIDENCE_SCHEMA
from hiresentry.core.levels import LevelThresholds
from hiresentry.core.score import CRITICAL_KEEP, score

LEVELS = LevelThresholds()


def hit(
    indicator: str,
    weight: float = 0.0,
    *,
    pid: int = 1,
    severity: str = "high",
    kind: str = "indicator",
    factor: float | None = None,
    applies_to: tuple[str, ...] = (),
    silences_critical: bool = False,
    explanation: str = "",
) -> dict[str, Any]:
    return {
        "pid": pid,
        "indicator": indicator,
        "title": f"title of {indicator}",
        "severity": severity if kind == "indicator" else kind,
        "weight": weight if kind == "indicator" else 0.0,
        "explanation": explanation or f"{indicator} fired",
        "records": ["hr/E1"],
        "keys": [],
        "kind": kind,
        "factor": factor,
        "applies_to": list(applies_to),
        "silences_critical": silences_critical,
    }


def modifier(name: str, factor: float, *targets: str, pid: int = 1, explanation: str = "") -> dict[str, Any]:
    return hit(name, kind="modifier", factor=factor, applies_to=targets, pid=pid, explanation=explanation)


def qualifier(name: str, factor: float, *targets: str, pid: int = 1, silences: bool = False) -> dict[str, Any]:
    return hit(name, kind="qualifier", factor=factor, applies_to=targets, pid=pid, silences_critical=silences)


def scored(*rows: dict[str, Any]) -> dict[int, dict[str, Any]]:
    frame = pl.DataFrame(list(rows), schema=EVIDENCE_SCHEMA)
    out = score(frame, LEVELS)
    return {row["pid"]: row for row in out.iter_rows(named=True)}


def terms(row: dict[str, Any]) -> dict[str, float]:
    return {t["name"]: t["weight"] for t in row["terms"]}


def test_indicators_add_and_only_the_strongest_hit_of_one_indicator_counts() -> None:
    result = scored(
        hit("PAY-SHARED-ACCOUNT", 60), hit("PAY-SHARED-ACCOUNT", 60), hit("DEV-RMM", 30), hit("DEV-RMM", 45)
    )
    assert result[1]["score"] == 105
    assert result[1]["level"] == "critical"
    assert terms(result[1]) == {"PAY-SHARED-ACCOUNT": 60, "DEV-RMM": 45}
    assert all(t["reason"] is None for t in result[1]["terms"])  # indicator terms are explained by their title


def test_a_modifier_raises_the_evidence_it_applies_to_by_its_percentage() -> None:
    result = scored(
        hit("DEV-RMM", 30),
        hit("PAY-NAME-MISMATCH", 40),
        modifier("HIRE-VIA-VENDOR", 25, explanation="hired via staffing vendor Apex Staffing"),
    )
    assert terms(result[1])["HIRE-VIA-VENDOR"] == 17.5
    assert result[1]["score"] == 87.5
    reason = next(t["reason"] for t in result[1]["terms"] if t["name"] == "HIRE-VIA-VENDOR")
    assert reason == "+25% of 70.0 (DEV-RMM, PAY-NAME-MISMATCH): hired via staffing vendor Apex Staffing"


def test_a_modifier_alone_scores_nothing_and_respects_applies_to() -> None:
    alone = scored(modifier("HIRE-VIA-VENDOR", 25))
    assert alone == {}  # no term, no score row: a vendor hire is not a case
    targeted = scored(hit("DEV-RMM", 30), hit("PAY-CRYPTO", 20), modifier("HIRE-VIA-VENDOR", 50, "PAY-CRYPTO"))
    assert terms(targeted[1])["HIRE-VIA-VENDOR"] == 10


def test_a_qualifier_lowers_only_what_it_applies_to() -> None:
    result = scored(
        hit("NET-SHARED-ADDRESS", 25),
        hit("DEV-RMM", 30),
        qualifier("QUAL-HOUSEHOLD", -100, "NET-SHARED-ADDRESS", "NET-SHARED-EGRESS"),
    )
    assert terms(result[1]) == {"NET-SHARED-ADDRESS": 25, "DEV-RMM": 30, "QUAL-HOUSEHOLD": -25}
    assert result[1]["score"] == 30
    reason = next(t["reason"] for t in result[1]["terms"] if t["name"] == "QUAL-HOUSEHOLD")
    assert reason.startswith("lowers NET-SHARED-ADDRESS 25.0 by 100%: ")


def test_a_qualifier_never_lowers_a_critical_indicator_by_more_than_half() -> None:
    result = scored(
        hit("PAY-SHARED-ACCOUNT", 60, severity="critical"),
        qualifier("QUAL-HOUSEHOLD", -100, "PAY-SHARED-ACCOUNT"),
    )
    assert terms(result[1])["QUAL-HOUSEHOLD"] == -60 * (1 - CRITICAL_KEEP)
    assert result[1]["score"] == 30
    reason = next(t["reason"] for t in result[1]["terms"] if t["name"] == "QUAL-HOUSEHOLD")
    assert "by 50% (capped: critical)" in reason


def test_a_qualifier_that_says_so_may_silence_a_critical_indicator() -> None:
    result = scored(
        hit("DEV-GEO-ABROAD", 60, severity="critical"),
        qualifier("QUAL-DECLARED-TRAVEL", -100, "DEV-GEO-ABROAD", silences=True),
    )
    assert result[1]["score"] == 0
    assert result[1]["level"] == "info"


def test_qualifiers_together_remove_at_most_the_whole_term_and_the_total_stays_at_or_above_zero() -> None:
    result = scored(
        hit("NET-SHARED-PHONE", 40),
        qualifier("QUAL-HOUSEHOLD", -100, "NET-SHARED-PHONE"),
        qualifier("QUAL-AGENCY-SUBMISSION", -100, "NET-SHARED-PHONE"),
    )
    assert terms(result[1])["QUAL-HOUSEHOLD"] == -20  # the two share the one term they both explain
    assert terms(result[1])["QUAL-AGENCY-SUBMISSION"] == -20
    assert result[1]["score"] == 0


def test_modifiers_raise_what_the_qualifiers_left() -> None:
    result = scored(
        hit("NET-SHARED-ADDRESS", 20),
        hit("DEV-RMM", 40),
        qualifier("QUAL-HOUSEHOLD", -100, "NET-SHARED-ADDRESS"),
        modifier("HIRE-VIA-VENDOR", 25),
    )
    assert terms(result[1])["HIRE-VIA-VENDOR"] == 10  # 25 % of DEV-RMM's 40 (the address counts 0 now)
    assert result[1]["score"] == 50


def test_a_qualifier_with_nothing_to_lower_leaves_no_term() -> None:
    result = scored(hit("DEV-RMM", 30), qualifier("QUAL-DECLARED-TRAVEL", -100, "DEV-GEO-ABROAD"))
    assert terms(result[1]) == {"DEV-RMM": 30}


def test_evidence_from_producers_that_know_no_adjustments_still_scores() -> None:
    frame = pl.DataFrame({"pid": [1, 1], "indicator": ["A-B", "C-D"], "weight": [30.0, 15.0]})
    row = score(frame, LEVELS).row(0, named=True)
    assert row["score"] == 45
    assert row["level"] == "medium"


@st.composite
def evidence(draw: st.DrawFn) -> list[dict[str, Any]]:
    names = ["A-ONE", "B-TWO", "C-THREE"]
    rows = [
        hit(name, draw(st.floats(0, 100)), severity=draw(st.sampled_from(["low", "high", "critical"])))
        for name in draw(st.lists(st.sampled_from(names), min_size=1, max_size=3, unique=True))
    ]
    for number in range(draw(st.integers(0, 3))):
        targets = draw(st.lists(st.sampled_from(names), max_size=3, unique=True))
        rows.append(qualifier(f"QUAL-Q{number}", -draw(st.floats(1, 100)), *targets, silences=draw(st.booleans())))
    if draw(st.booleans()):
        rows.append(modifier("MOD-M", draw(st.floats(1, 100))))
    return rows


@settings(max_examples=150, deadline=None)
@given(evidence())
def test_the_total_is_never_negative_and_critical_keeps_half_unless_allowed(rows: list[dict[str, Any]]) -> None:
    result = scored(*rows)
    if not result:
        return
    row = result[1]
    assert row["score"] >= 0
    assert row["score"] == pytest.approx(sum(t["weight"] for t in row["terms"]), abs=0.05)
    indicators = [r for r in rows if r["kind"] == "indicator"]
    qualifiers = [r for r in rows if r["kind"] == "qualifier"]
    if any(q["silences_critical"] for q in qualifiers):
        return
    critical = sum(r["weight"] for r in indicators if r["severity"] == "critical")
    assert row["score"] >= critical * CRITICAL_KEEP - 0.05
