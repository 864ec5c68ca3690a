"""Sign-in indicators from identity-provider and platform logs."""

from __future__ import annotations

from typing import Any

import polars as pl

from hiresentry.core.indicators.registry import indicator
from hiresentry.core.indicators.rules._shared import owners
from hiresentry.core.population import Population


@indicator("NET-VPN-PROXY")
def vpn_proxy(pop: Population, params: dict[str, Any]) -> pl.DataFrame:
    """Sign-ins through a consumer VPN, VPS or proxy that is not the company's own.

    Providers named in DPRK IT-worker reporting (Astrill above all) weigh more. Approved corporate
    VPNs never count, which is the listed false positive ("legitimate VPN use is common").
    """
    approved = [p.lower() for p in params["approved_providers"]]
    high_risk = [p.lower() for p in params["high_risk_providers"]]
    events = pop.access_events.with_columns(
        pl.col("vpn_provider").str.to_lowercase().alias("provider"),
    ).filter(
        (pl.col("provider").is_not_null() & ~pl.col("provider").is_in(approved))
        | (pl.col("provider").is_null() & pl.col("is_proxy"))
    )
    events = events.with_columns(
        pl.any_horizontal([pl.col("provider").str.contains(h, literal=True) for h in high_risk] or [pl.lit(False)])
        .fill_null(False)
        .alias("high_risk"),
        pl.col("vpn_provider").fill_null("an unnamed proxy/VPS").alias("via"),
    ).join(owners(pop), on="wid")
    grouped = events.group_by("pid").agg(
        pl.len().alias("n"),
        pl.col("high_risk").any().alias("high_risk"),
        pl.col("via").unique().sort().alias("providers"),
        pl.col("worker_ref").unique().sort().alias("records"),
        pl.col("egress_masked").drop_nulls().unique().sort().alias("keys"),
    )
    grouped = grouped.filter(pl.col("n") >= int(params["min_events"]))
    return grouped.select(
        "pid",
        pl.when(pl.col("high_risk"))
        .then(pl.lit(float(params["weight_high_risk"])))
        .otherwise(pl.lit(None, dtype=pl.Float64))
        .alias("weight"),
        pl.format("{} sign-in(s) through {}", "n", pl.col("providers").list.join(", ")).alias("explanation"),
        "records",
        "keys",
    )
