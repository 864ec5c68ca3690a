"""The shipped catalogue is sound, every golden case passes, and the check refuses bad entries."""

from __future__ import annotations

from typing import Any

import pytest

from hiresentry.core.errors import CatalogueError
from hiresentry.core.indicators import check, load_catalogue, load_specs
from hiresentry.core.indicators.golden import run_case
from hiresentry.core.indicators.registry import functions
from hiresentry.core.indicators.spec import IndicatorSpec

CATALOGUE = load_catalogue()
REQUIRED = {
    "PAY-SHARED-ACCOUNT",
    "PAY-NAME-MISMATCH",
    "PAY-CRYPTO",
    "NET-SHARED-PHONE",
    "NET-SHARED-EMAIL",
    "SHIP-ADDR-NOT-HOME",
    "NET-VPN-PROXY",
    "DEV-RMM",
    "ID-XSRC-MISMATCH",
}


def test_shipped_catalogue_passes_the_check() -> None:
    assert check(load_specs(), functions()) == []
    assert {i.id for i in CATALOGUE} >= REQUIRED


@pytest.mark.parametrize(
    ("indicator", "case"),
    [(ind, case) for ind in CATALOGUE for case in ind.spec.tests],
    ids=lambda v: getattr(v, "id", None) or getattr(v, "name", str(v)),
)
def test_golden_case(indicator: Any, case: Any) -> None:
    result = run_case(indicator, case)
    assert result.passed, result.detail


def _spec(**changes: Any) -> IndicatorSpec:
    base = load_specs()[0].model_dump()
    base.update(changes)
    return IndicatorSpec.model_validate(base)


def test_check_refuses_duplicates_missing_tests_unknown_inputs_and_origin_only() -> None:
    good = _spec()
    fns = {good.id: functions()[good.id]}
    assert check([good], fns) == []
    assert check([good, good], fns) == [f"{good.id}: duplicate id"]
    assert check([], fns) == [f"{good.id}: function registered but no YAML definition"]
    no_negative = _spec(tests=[t for t in good.model_dump()["tests"] if t["expect"] == "fire"])
    assert any("must not fire" in p for p in check([no_negative], fns))
    unknown = _spec(inputs=["workers.shoe_size"])
    assert any("unknown inputs workers.shoe_size" in p for p in check([unknown], fns))
    origin = _spec(inputs=["workers.claimed_country", "workers.pid"])
    assert any("only inputs are country" in p for p in check([origin], fns))
    nationality = _spec(inputs=["workers.nationality"])
    assert any("only inputs are country" in p for p in check([nationality], fns))
    orphan = _spec(id="NET-NO-FUNCTION")
    assert any("no function registered" in p for p in check([orphan], fns))


def test_config_overrides_are_checked() -> None:
    with pytest.raises(CatalogueError, match="unknown indicators"):
        load_catalogue({"NOPE-NOPE": {}})
    with pytest.raises(CatalogueError, match="unknown parameters"):
        load_catalogue({"DEV-RMM": type("S", (), {"enabled": True, "weight": None, "parameters": {"typo": 1}})()})
