"""Loading the indicator catalogue and checking it is sound.

The check runs in the test suite and via ``hiresentry rules check``. It refuses: duplicate ids; a
definition without a function or a function without a definition; missing golden tests (at least
one that fires and one that must not, built from the listed false positives); inputs that name no
column of the population; hiring-signal names outside the vocabulary (``signals.py``); a modifier
or qualifier that applies to an unknown id or to another modifier/qualifier; and any indicator
whose only inputs are country, nationality or language: hiresentry flags misrepresentation, never
origin.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from typing import Any

import yaml
from pydantic import ValidationError

from hiresentry.core.errors import CatalogueError
from hiresentry.core.indicators.registry import IndicatorFn, functions
from hiresentry.core.indicators.signals import SIGNAL_PARAMETERS, SIGNALS
from hiresentry.core.indicators.spec import IndicatorSpec
from hiresentry.core.population import FRAME_TABLES, frame_schema

ORIGIN_INPUTS = frozenset(
    {
        "workers.claimed_country",
        "workers.claimed_timezone",
        "access_events.country",
        "payout_accounts.bank_country",
        "devices.mdm_country",
        "devices.shipped_to_country",
        "hiring_signals.country",
    }
)
ORIGIN_WORDS = ("nationality", "citizenship", "language", "ethnicity", "country_of_birth")
STRUCTURAL = frozenset({"wid", "pid", "ref", "source", "remote_id", "worker_remote_id", "deleted"})


def known_inputs() -> frozenset[str]:
    """Every ``<frame>.<column>`` an indicator may read."""
    names = {f"{frame}.{column}" for frame, table in FRAME_TABLES.items() for column in frame_schema(table)}
    names |= {f"{frame}.{column}" for frame in FRAME_TABLES for column in ("wid", "ref")}
    names.add("workers.pid")
    return frozenset(names)


@dataclass(frozen=True)
class Indicator:
    """A loaded indicator: its definition, its function and the settings in force."""

    spec: IndicatorSpec
    fn: IndicatorFn
    weight: float
    parameters: Mapping[str, Any]
    enabled: bool = True

    @property
    def id(self) -> str:
        """The indicator id, e.g. ``PAY-SHARED-ACCOUNT``."""
        return self.spec.id


def load_specs() -> list[IndicatorSpec]:
    """Parse every YAML file of the shipped catalogue."""
    specs: list[IndicatorSpec] = []
    folder = resources.files("hiresentry.core.indicators.definitions")
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if not entry.name.endswith((".yaml", ".yml")):
            continue
        try:
            data = yaml.safe_load(entry.read_text(encoding="utf-8"))
            specs.append(IndicatorSpec.model_validate(data))
        except (yaml.YAMLError, ValidationError) as exc:
            raise CatalogueError(f"indicator file {entry.name} is invalid: {exc}") from None
    return specs


def check(specs: list[IndicatorSpec], fns: Mapping[str, IndicatorFn]) -> list[str]:
    """Every problem of the catalogue, one line each; empty when it is sound."""
    problems: list[str] = []
    seen: set[str] = set()
    vocabulary = known_inputs()
    for spec in specs:
        if spec.id in seen:
            problems.append(f"{spec.id}: duplicate id")
        seen.add(spec.id)
        if spec.id not in fns:
            problems.append(f"{spec.id}: no function registered (@indicator({spec.id!r}))")
        expects = {case.expect for case in spec.tests}
        if "fire" not in expects:
            problems.append(f"{spec.id}: no golden test that fires")
        if "no_fire" not in expects:
            problems.append(f"{spec.id}: no golden test that must not fire (build one from its false positives)")
        unknown = [i for i in spec.inputs if i not in vocabulary]
        if unknown:
            problems.append(f"{spec.id}: unknown inputs {', '.join(unknown)}")
        meaningful = [i for i in spec.inputs if i.split(".")[1] not in STRUCTURAL]
        if all(i in ORIGIN_INPUTS or any(w in i for w in ORIGIN_WORDS) for i in meaningful):
            problems.append(f"{spec.id}: its only inputs are country/nationality/language; flag misrepresentation")
        problems.extend(_signal_problems(spec))
    kinds = {spec.id: spec.kind for spec in specs}
    for spec in specs:
        for target in spec.applies_to:
            if kinds.get(target) != "indicator":
                problems.append(f"{spec.id}: applies_to {target}, which is not an indicator of the catalogue")
    for fn_id in sorted(set(fns) - seen):
        problems.append(f"{fn_id}: function registered but no YAML definition")
    return problems


def _signal_problems(spec: IndicatorSpec) -> list[str]:
    problems = []
    for name in SIGNAL_PARAMETERS:
        value = spec.parameters.get(name)
        if value is None:
            continue
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            problems.append(f"{spec.id}: parameter {name} must be a list of signal names")
            continue
        unknown = sorted(set(value) - set(SIGNALS))
        if unknown:
            problems.append(f"{spec.id}: {name} names unknown signals {', '.join(unknown)} (see indicators/signals.py)")
    return problems


def load_catalogue(overrides: Mapping[str, Any] | None = None) -> list[Indicator]:
    """The checked catalogue with config overrides (``indicators: {ID: {enabled, weight, parameters}}``)."""
    specs = load_specs()
    fns = functions()
    problems = check(specs, fns)
    if problems:
        raise CatalogueError("indicator catalogue is invalid:\n  " + "\n  ".join(problems))
    overrides = overrides or {}
    unknown = sorted(set(overrides) - {s.id for s in specs})
    if unknown:
        raise CatalogueError(f"config names unknown indicators: {', '.join(unknown)}")
    loaded: list[Indicator] = []
    for spec in specs:
        setting = overrides.get(spec.id)
        enabled = getattr(setting, "enabled", True)
        weight = getattr(setting, "weight", None)
        params = {**spec.parameters, **(getattr(setting, "parameters", None) or {})}
        extra = sorted(set(params) - set(spec.parameters))
        if extra:
            raise CatalogueError(f"{spec.id}: unknown parameters {', '.join(extra)}")
        if weight is not None and (weight < 0) != (spec.kind == "qualifier"):
            raise CatalogueError(f"{spec.id}: a {spec.kind}'s weight cannot be set to {weight:g} (sign)")
        loaded.append(Indicator(spec, fns[spec.id], weight if weight is not None else spec.weight, params, enabled))
    return loaded
