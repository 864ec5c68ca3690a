"""Where indicator functions register themselves, keyed by indicator id."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import polars as pl

from hiresentry.core.errors import CatalogueError
from hiresentry.core.population import Population

IndicatorFn = Callable[[Population, dict[str, Any]], pl.DataFrame]
"""Takes the resolved population and the indicator's parameters; returns its hits frame."""

_FUNCTIONS: dict[str, IndicatorFn] = {}

HIT_SCHEMA: dict[str, pl.DataType] = {
    "pid": pl.Int64(),
    "weight": pl.Float64(),
    "explanation": pl.Utf8(),
    "records": pl.List(pl.Utf8()),
    "keys": pl.List(pl.Utf8()),
}
"""Columns every indicator returns: one row per person it fires for. ``weight`` may be null
(the indicator's configured weight applies) or set per hit (e.g. Astrill weighs more)."""


def indicator(indicator_id: str) -> Callable[[IndicatorFn], IndicatorFn]:
    """Decorator registering the function that computes ``indicator_id``."""

    def register(fn: IndicatorFn) -> IndicatorFn:
        if indicator_id in _FUNCTIONS:
            raise CatalogueError(f"indicator {indicator_id} has two functions")
        _FUNCTIONS[indicator_id] = fn
        return fn

    return register


def functions() -> dict[str, IndicatorFn]:
    """Every registered function (importing ``rules`` registers the built-in ones)."""
    import hiresentry.core.indicators.rules  # noqa: F401  (registers on import)

    return dict(_FUNCTIONS)


def empty_hits() -> pl.DataFrame:
    """A hits frame with no rows."""
    return pl.DataFrame(schema=HIT_SCHEMA)


def conform(frame: pl.DataFrame, indicator_id: str) -> pl.DataFrame:
    """Check an indicator's output has the hit columns, adding a null weight if absent."""
    if "weight" not in frame.columns:
        frame = frame.with_columns(pl.lit(None, dtype=pl.Float64).alias("weight"))
    missing = set(HIT_SCHEMA) - set(frame.columns)
    if missing:
        raise CatalogueError(f"indicator {indicator_id} returned no {', '.join(sorted(missing))} column")
    return frame.select([pl.col(name).cast(dtype) for name, dtype in HIT_SCHEMA.items()])
