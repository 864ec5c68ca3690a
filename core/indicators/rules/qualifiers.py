"""Qualifiers: known benign contexts that lower the score of the evidence they explain.

A qualifier fires for a person when the benign context covers *all* of what the indicators it
``applies_to`` could have seen for that person: every observation abroad falls in a declared
trip, every key shared is shared with a declared household member or the same agency's
candidates, every payout account is a declared pooled account. Partly covered is not covered.
``core.score`` turns a hit into a named negative term (and never lets it silence a critical
indicator unless the YAML says so).
"""

from __future__ import annotations

from typing import Any

import polars as pl

from hiresentry.core.indicators.registry import empty_hits, indicator
from hiresentry.core.indicators.rules._geo import foreign_device_observations, foreign_signins
from hiresentry.core.indicators.rules._links import shared_pairs
from hiresentry.core.indicators.rules._shared import gathered, organisation_key, owners
from hiresentry.core.population import Population

NO_KEYS = pl.lit([], dtype=pl.List(pl.Utf8))


def _declarations(pop: Population, signal: str) -> pl.DataFrame:
    return (
        pop.hiring_signals.filter(pl.col("signal") == signal)
        .join(owners(pop), on="wid")
        .select(
            "pid", "worker_ref", "ref", "country", "valid_from", "valid_until", "related_worker_remote_id", "source"
        )
    )


def _all_covered(rows: pl.DataFrame, item: str, noun: pl.Expr, detail: pl.Expr) -> pl.DataFrame:
    """Persons all of whose ``item`` rows are covered (column ``covered``), with an explanation.

    ``noun`` says what covers them, ``detail`` names each covered item in the explanation.
    """
    per_item = rows.group_by("pid", item).agg(
        pl.col("covered").any(),
        noun.min().alias("noun"),
        detail.min().alias("detail"),
        pl.col("records").explode(keep_nulls=False, empty_as_null=False),
    )
    grouped = per_item.group_by("pid").agg(
        pl.len().alias("n"),
        pl.col("covered").all(),
        pl.col("noun").min(),
        pl.col("detail").drop_nulls().unique().sort().alias("details"),
        pl.col("records").explode(keep_nulls=False, empty_as_null=False).unique().sort(),
    )
    return grouped.filter(pl.col("covered")).select(
        "pid",
        pl.format("{} ({}): {}", "noun", "n", pl.col("details").list.join("; ")).alias("explanation"),
        "records",
        NO_KEYS.alias("keys"),
    )


@indicator("QUAL-DECLARED-TRAVEL")
def declared_travel(pop: Population, params: dict[str, Any]) -> pl.DataFrame:
    """Every device location and direct sign-in outside the claimed countries falls in a declared trip.

    A trip is a ``travel_declared`` signal with a country and a first day; without a last day it
    covers ``max_days``, and no trip covers more than that. A device location without a time is
    covered by any trip to its country.
    """
    longest = pl.duration(days=int(params["max_days"]))
    trips = _declarations(pop, "travel_declared").drop_nulls(["country", "valid_from"])
    trips = trips.with_columns(
        pl.min_horizontal(
            pl.col("valid_until").fill_null(pl.col("valid_from") + longest), pl.col("valid_from") + longest
        ).alias("until"),
    ).select("pid", "country", "valid_from", "until", trip_ref="ref")
    if trips.is_empty():
        return empty_hits()
    seen = pl.concat(
        [
            foreign_device_observations(pop).select("pid", "country", "at", "worker_ref", "ref"),
            foreign_signins(pop).select("pid", "country", at="time", worker_ref="worker_ref", ref="ref"),
        ]
    ).with_row_index("item")
    day = pl.col("at").dt.date()
    rows = seen.join(trips, on=["pid", "country"], how="left").with_columns(
        (
            pl.col("valid_from").is_not_null()
            & (pl.col("at").is_null() | ((day >= pl.col("valid_from")) & (day <= pl.col("until"))))
        ).alias("covered"),
        pl.concat_list(pl.col("worker_ref"), pl.col("trip_ref").fill_null(pl.col("worker_ref"))).alias("records"),
    )
    detail = pl.format("to {} from {} to {}", "country", "valid_from", "until")
    return _all_covered(rows, "item", pl.lit("declared travel covers every observation abroad"), detail)


def _household_pairs(pop: Population) -> pl.DataFrame:
    declared = _declarations(pop, "household_declared").drop_nulls("related_worker_remote_id")
    related = pop.workers.select("source", related_worker_remote_id="remote_id", other="pid", other_ref="ref")
    pairs = declared.join(related, on=["source", "related_worker_remote_id"]).select(
        "pid", "other", "worker_ref", "other_ref", "ref"
    )
    both_ways = pl.concat(
        [pairs, pairs.select(pid="other", other="pid", worker_ref="other_ref", other_ref="worker_ref", ref="ref")]
    )
    return both_ways.filter(pl.col("pid") != pl.col("other")).unique(["pid", "other"])


@indicator("QUAL-HOUSEHOLD")
def household(pop: Population, params: dict[str, Any]) -> pl.DataFrame:
    """Everyone the person shares an address, egress, phone or payout account with is a declared household member.

    A ``household_declared`` signal names the other worker (same source) in
    ``related_worker_remote_id``; either side declaring it is enough.
    """
    members = _household_pairs(pop)
    if members.is_empty():
        return empty_hits()
    shared = shared_pairs(pop, params["link_types"], members.select("pid"), int(params["max_group"]))
    rows = shared.join(members.with_columns(pl.lit(True).alias("covered")), on=["pid", "other"], how="left")
    rows = rows.with_columns(
        pl.col("covered").fill_null(False),
        pl.when(pl.col("covered"))
        .then(pl.concat_list("worker_ref", "other_ref", "ref"))
        .otherwise(NO_KEYS)
        .alias("records"),
        pl.format("{}|{}|{}", "other", "link_type", "masked").alias("item"),
    )
    noun = pl.lit("shares keys only with declared household members")
    return _all_covered(rows, "item", noun, pl.format("{} {}", "link_type", "masked"))


@indicator("QUAL-AGENCY-SUBMISSION")
def agency_submission(pop: Population, params: dict[str, Any]) -> pl.DataFrame:
    """Every contact detail the person shares is shared with candidates of the same recruiting agency.

    Agencies submit candidates with the agency's phone, mailbox or office address; Greenhouse's
    auto-merge excludes agency submissions for this reason.
    """
    agencies = (
        pop.workers.drop_nulls("agency")
        .select("pid", key=organisation_key("agency"), agency="agency")
        .group_by("pid")
        .agg(pl.col("key").unique().alias("agencies"), pl.col("agency").min())
    )
    if agencies.is_empty():
        return empty_hits()
    shared = shared_pairs(pop, params["link_types"], agencies.select("pid"), int(params["max_group"]))
    rows = (
        shared.join(agencies, on="pid")
        .join(agencies.select(other="pid", other_agencies="agencies"), on="other", how="left")
        .with_columns(
            (pl.col("agencies").list.set_intersection(pl.col("other_agencies").fill_null([])).list.len() > 0).alias(
                "covered"
            ),
            pl.format("{}|{}|{}", "other", "link_type", "masked").alias("item"),
            NO_KEYS.alias("records"),
        )
    )
    noun = pl.format("submitted by {}, shares contact details only with its candidates", "agency")
    hits = _all_covered(rows, "item", noun, pl.format("{} {}", "link_type", "masked"))
    refs = pop.workers.group_by("pid").agg(pl.col("ref").unique().sort().alias("records"))
    return hits.drop("records").join(refs, on="pid")


@indicator("QUAL-EOR-POOLED")
def eor_pooled(pop: Population, params: dict[str, Any]) -> pl.DataFrame:
    """Every payout account of the person is a declared pooled account of an EOR or agency."""
    accounts = pop.payout_accounts.join(owners(pop), on="wid")
    accounts = accounts.join(accounts.filter(pl.col("pooled")).select("pid").unique(), on="pid", how="semi")
    grouped = accounts.group_by("pid").agg(
        pl.col("pooled").all().alias("covered"),
        pl.col("holder_name").drop_nulls().unique().sort().alias("holders"),
        gathered("worker_ref", "ref").alias("records"),
        pl.col("account_masked").drop_nulls().unique().sort().alias("keys"),
    )
    return grouped.filter(pl.col("covered")).select(
        "pid",
        pl.format("paid only through declared pooled accounts ({})", pl.col("holders").list.join(", ")).alias(
            "explanation"
        ),
        "records",
        "keys",
    )
