"""Payroll indicators: who the pay goes through, how many jobs, for what work, at what rate."""

from __future__ import annotations

from typing import Any

import polars as pl

from hiresentry.core.indicators.registry import indicator
from hiresentry.core.indicators.rules._geo import person_countries
from hiresentry.core.indicators.rules._shared import first_start, gathered, organisation_key, owners
from hiresentry.core.indicators.rules._signals import signal_hits, signal_rows
from hiresentry.core.population import Population

FAR_FUTURE = pl.date(9999, 12, 31)


@indicator("PAY-INTERMEDIARY")
def intermediary(pop: Population, params: dict[str, Any]) -> pl.DataFrame:
    """Pay goes to a business formed shortly before the work began, or registered at someone's home.

    "Shortly" is ``max_entity_age_days`` before the account was first seen (else the person's first
    engagement start); "someone's home" is any worker's home address in the population. An
    established contracting company at its own address does not fire; EOR pooled accounts are
    the QUAL-EOR-POOLED qualifier.
    """
    homes = pop.workers.drop_nulls("home_addr_key").select(pl.col("home_addr_key").alias("entity_addr_key")).unique()
    business = (
        pop.payout_accounts.filter(pl.col("holder_type") == "business")
        .join(owners(pop), on="wid")
        .join(first_start(pop), on="pid", how="left")
        .join(homes.with_columns(pl.lit(True).alias("residential")), on="entity_addr_key", how="left")
        .with_columns(
            (pl.coalesce(pl.col("first_seen").dt.date(), "start") - pl.col("entity_formed_on"))
            .dt.total_days()
            .alias("age")
        )
    )
    young = pl.col("age") <= int(params["max_entity_age_days"])
    residential = pl.col("residential").fill_null(False)
    flagged = business.filter(young.fill_null(False) | residential)
    reasons = pl.concat_str(
        pl.when(young).then(pl.format("formed {} days before the work began", "age")),
        pl.when(residential).then(pl.lit("registered at a home address")),
        separator=" and ",
        ignore_nulls=True,
    )
    return flagged.group_by("pid").agg(
        pl.format('paid through business "{}" ({}), {}', "holder_name", "account_masked", reasons)
        .min()  # the smallest explanation: deterministic whatever the row order
        .alias("explanation"),
        gathered("worker_ref", "ref").alias("records"),
        pl.col("account_masked").drop_nulls().unique().sort().alias("keys"),
    )


@indicator("PAY-CONCURRENT-JOBS")
def concurrent_jobs(pop: Population, params: dict[str, Any]) -> pl.DataFrame:
    """One person on the payroll of ``min_clients`` or more unrelated clients at the same time.

    Clients compare by ``organisation_key`` ("Acme, Inc." is "ACME"). Engagements
    declared under ``part_time_hours`` a week are left out: moonlighting is legal.
    """
    engagements = (
        pop.engagements.drop_nulls("start_date")
        .filter(pl.col("client_org").is_not_null())
        .filter(pl.col("hours_per_week").is_null() | (pl.col("hours_per_week") >= params["part_time_hours"]))
        .join(owners(pop), on="wid")
        .select("pid", "worker_ref", "ref", "client_org", "start_date", pl.col("end_date").fill_null(FAR_FUTURE))
    )
    # a person with one client cannot hold two jobs; name keys only for the distinct names of the rest
    several = engagements.group_by("pid").agg(pl.col("client_org").n_unique().alias("n")).filter(pl.col("n") > 1)
    engagements = engagements.join(several, on="pid", how="semi")
    names = engagements.select("client_org").unique().with_columns(organisation_key("client_org").alias("client"))
    engagements = engagements.join(names, on="client_org")
    pairs = engagements.join(engagements, on="pid", suffix="_b").filter(
        (pl.col("client") < pl.col("client_b"))
        & (pl.col("start_date") <= pl.col("end_date_b"))
        & (pl.col("start_date_b") <= pl.col("end_date"))
    )
    overlapping = pl.concat(
        [
            pairs.select("pid", "worker_ref", "ref", "client", "client_org"),
            pairs.select("pid", "worker_ref", ref="ref_b", client="client_b", client_org="client_org_b"),
        ]
    )
    grouped = overlapping.group_by("pid").agg(
        pl.col("client").n_unique().alias("n"),
        pl.col("client_org").unique().sort().alias("clients"),
        gathered("worker_ref", "ref").alias("records"),
    )
    return grouped.filter(pl.col("n") >= int(params["min_clients"])).select(
        "pid",
        pl.format("on the payroll of {} unrelated clients at once: {}", "n", pl.col("clients").list.join(", ")).alias(
            "explanation"
        ),
        "records",
        pl.lit([], dtype=pl.List(pl.Utf8)).alias("keys"),
    )


@indicator("PAY-UNEARNED")
def unearned_pay(pop: Population, params: dict[str, Any]) -> pl.DataFrame:
    """Payments the client marked as not approved, or reported asks for unearned pay or small unauthorised charges.

    Only an explicit ``approved: false`` counts: a source that does not know says nothing.
    """
    unapproved = (
        pop.payments.filter(~pl.col("approved"))  # null (unknown) stays null and is not kept
        .join(owners(pop), on="wid")
        .select(
            "pid",
            "worker_ref",
            "ref",
            pl.lit("payment_unapproved").alias("signal"),
            pl.col("paid_at").alias("observed_at"),
            pl.format("{} {} without approved work", "amount", "currency").alias("detail"),
        )
    )
    rows = pl.concat([signal_rows(pop, params), unapproved])
    return signal_hits(rows, "unearned pay", int(params.get("min_signals", 1)))


@indicator("PAY-BELOW-MARKET")
def below_market(pop: Population, params: dict[str, Any]) -> pl.DataFrame:
    """Rate below ``max_fraction_of_median`` of the median of peers with the same currency, claimed country and type.

    Peers share the person's claimed country, so contractors from low-cost regions compare with
    each other, not with the whole population; groups under ``min_peers`` are not judged.
    """
    country = person_countries(pop).select("pid", pl.col("claimed").list.first().alias("country"))
    rates = (
        pop.engagements.with_columns(pl.col("rate").cast(pl.Float64, strict=False).alias("amount"))
        .filter(pl.col("amount") > 0)
        .join(owners(pop), on="wid")
        .join(country, on="pid", how="left")
        .with_columns(
            pl.col("amount").median().over("currency", "country", "type").alias("median"),
            pl.col("pid").n_unique().over("currency", "country", "type").alias("peers"),
        )
        .filter(
            (pl.col("peers") >= int(params["min_peers"]))
            & (pl.col("amount") < pl.col("median") * float(params["max_fraction_of_median"]))
        )
    )
    return rates.group_by("pid").agg(
        pl.format(
            "rate {} {} is below {}% of the median {} of {} peers",
            "amount",
            "currency",
            pl.lit(round(float(params["max_fraction_of_median"]) * 100)),
            "median",
            "peers",
        )
        .min()  # the smallest explanation: deterministic whatever the row order
        .alias("explanation"),
        gathered("worker_ref", "ref").alias("records"),
        pl.lit([], dtype=pl.List(pl.Utf8)).first().alias("keys"),
    )
