"""Cross-record indicators: one identifier shared by different claimed identities."""

from __future__ import annotations

from typing import Any

import polars as pl

from hiresentry.core.indicators.registry import indicator
from hiresentry.core.indicators.rules._shared import shared_key_hits
from hiresentry.core.population import Population


def _worker_keys(pop: Population, key_type: str) -> pl.DataFrame:
    return pop.worker_keys.filter(pl.col("key_type") == key_type).select(
        "wid", pl.col("key_hash").alias("key"), "masked"
    )


@indicator("NET-SHARED-PHONE")
def shared_phone(pop: Population, params: dict[str, Any]) -> pl.DataFrame:
    """The same phone number (E.164) on the records of different identities."""
    return shared_key_hits(pop, _worker_keys(pop, "phone"), "phone", int(params["min_people"]))


@indicator("NET-SHARED-EMAIL")
def shared_email(pop: Population, params: dict[str, Any]) -> pl.DataFrame:
    """The same email under unrelated names (compatible names were merged as one person)."""
    return shared_key_hits(
        pop,
        _worker_keys(pop, "email"),
        "email",
        int(params["min_people"]),
        exclude_same_agency=bool(params["ignore_same_agency"]),
    )
