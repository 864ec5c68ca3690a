"""Indicators: YAML definitions + small set-based functions + golden tests (like Sigma/Panther)."""

from hiresentry.core.indicators.catalogue import Indicator, check, load_catalogue, load_specs
from hiresentry.core.indicators.evaluate import EVIDENCE_SCHEMA, evaluate, run_indicator
from hiresentry.core.indicators.registry import HIT_SCHEMA, indicator

__all__ = [
    "EVIDENCE_SCHEMA",
    "HIT_SCHEMA",
    "Indicator",
    "check",
    "evaluate",
    "indicator",
    "load_catalogue",
    "load_specs",
    "run_indicator",
]
