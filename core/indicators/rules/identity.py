"""Identity indicators: records of one person that contradict each other, thin or patterned profiles."""

from __future__ import annotations

from itertools import combinations
from typing import Any

import polars as pl

from hiresentry.core.indicators.registry import indicator
from hiresentry.core.indicators.rules._shared import first_start, owners
from hiresentry.core.indicators.rules._signals import signal_rows
from hiresentry.core.keys import names_compatible
from hiresentry.core.population import Population


def _names_disagree(names: list[str]) -> bool:
    return any(not names_compatible(a, b) for a, b in combinations(names, 2))


@indicator("ID-XSRC-MISMATCH")
def cross_source_mismatch(pop: Population, params: dict[str, Any]) -> pl.DataFrame:
    """Count the fields on which one person's records (from different sources) disagree.

    Fields: name (beyond initials/nicknames/transliteration), date of birth, claimed country. One
    disagreement is normal life (a move, a marriage); ``min_fields`` (default 2) together is the
    signal. Values appear in the explanation only as far as needed: names and birth years.
    """
    multi = (
        pop.workers.group_by("pid")
        .agg(
            pl.col("source").n_unique().alias("sources"),
            pl.col("legal_name").unique().sort().alias("names"),
            pl.col("name_key").n_unique().alias("name_keys"),
            pl.col("date_of_birth").drop_nulls().unique().sort().alias("dobs"),
            pl.col("claimed_country").drop_nulls().unique().sort().alias("countries"),
            pl.col("ref").unique().sort().alias("records"),
        )
        .filter(pl.col("sources") >= 2)
        .with_columns(
            (pl.col("dobs").list.len() > 1).alias("dob_differs"),
            (pl.col("countries").list.len() > 1).alias("country_differs"),
        )
    )
    # Name comparison is Python, so only for people whose name keys differ at all (few).
    candidates = multi.filter(pl.col("name_keys") > 1)
    disagree = {
        pid: _names_disagree(names)
        for pid, names in zip(candidates["pid"].to_list(), candidates["names"].to_list(), strict=True)
    }
    multi = multi.with_columns(
        pl.col("pid").replace_strict(disagree, default=False, return_dtype=pl.Boolean).alias("name_differs")
    )
    counted = multi.with_columns(
        (
            pl.col("name_differs").cast(pl.Int32)
            + pl.col("dob_differs").cast(pl.Int32)
            + pl.col("country_differs").cast(pl.Int32)
        ).alias("fields")
    ).filter(pl.col("fields") >= int(params["min_fields"]))
    parts = [
        pl.when(pl.col("name_differs")).then(pl.format("name ({})", pl.col("names").list.join(" vs "))),
        pl.when(pl.col("dob_differs")).then(
            pl.format(
                "date of birth (years {})",
                pl.col("dobs").list.eval(pl.element().dt.year().cast(pl.Utf8)).list.join(" vs "),
            )
        ),
        pl.when(pl.col("country_differs")).then(
            pl.format("claimed country ({})", pl.col("countries").list.join(" vs "))
        ),
    ]
    return counted.select(
        "pid",
        pl.format(
            "records of one identity from different sources disagree on {} fields: {}",
            "fields",
            pl.concat_str(parts, separator="; ", ignore_nulls=True),
        ).alias("explanation"),
        "records",
        pl.lit([], dtype=pl.List(pl.Utf8)).alias("keys"),
    )


@indicator("ID-THIN-FOOTPRINT")
def thin_footprint(pop: Population, params: dict[str, Any]) -> pl.DataFrame:
    """At least ``min_factors`` of: a VoIP phone, profiles created just before the work, code-hosting red flags.

    Each factor alone describes many honest people (a new graduate's young profiles, a privacy-minded
    developer's VoIP number), so it takes two. VoIP comes from the phone's line type, looked up at
    ingest; profile age is counted back from the person's first engagement start.
    """
    people = owners(pop)
    voip = (
        pop.worker_keys.filter(pl.col("line_type") == "voip")
        .join(people, on="wid")
        .select("pid", "worker_ref", pl.format("VoIP phone {}", "masked").alias("factor"))
    )
    young = (
        pop.workers.drop_nulls("profile_created_on")
        .join(people.select("wid", "pid", "worker_ref"), on="wid")
        .join(first_start(pop), on="pid")
        .with_columns((pl.col("start") - pl.col("profile_created_on")).dt.total_days().alias("age"))
        .filter(pl.col("age") <= int(params["young_profile_days"]))
        .select("pid", "worker_ref", pl.format("profiles created {} days before the work began", "age").alias("factor"))
    )
    flagged = signal_rows(pop, params).select("pid", "worker_ref", pl.col("signal").alias("factor"))
    factors = (
        pl.concat([voip, young, flagged])
        .group_by("pid")
        .agg(
            pl.col("factor").unique().sort().alias("factors"),
            pl.col("worker_ref").unique().sort().alias("records"),
        )
    )
    return factors.filter(pl.col("factors").list.len() >= int(params["min_factors"])).select(
        "pid",
        pl.format("thin online footprint: {}", pl.col("factors").list.join(", ")).alias("explanation"),
        "records",
        pl.lit([], dtype=pl.List(pl.Utf8)).alias("keys"),
    )


@indicator("ID-RESUME-PATTERN")
def resume_pattern(pop: Population, params: dict[str, Any]) -> pl.DataFrame:
    """Résumé hosted on a free page host named in reporting (Netlify, Google Docs), or a recruiter-noted pattern.

    Context only (low weight, experimental): many honest candidates do the same. The catalogue's
    "US address, education abroad" part is deliberately not implemented: it is about origin.
    """
    hosts = [h.lower() for h in params["resume_hosts"]]
    host = pl.col("url").str.to_lowercase().str.extract(r"^(?:[a-z]+://)?([^/?#:]+)", 1)
    hosted = (
        pop.workers.select("wid", url="profile_urls")
        .explode("url")
        .drop_nulls("url")
        .with_columns(host.alias("host"))
        .filter(pl.any_horizontal([(pl.col("host") == h) | pl.col("host").str.ends_with("." + h) for h in hosts]))
        .join(owners(pop), on="wid")
        .select("pid", "worker_ref", pl.format("résumé hosted on {}", "host").alias("what"))
    )
    noted = signal_rows(pop, params).select("pid", "worker_ref", pl.lit("recruiter noted the pattern").alias("what"))
    grouped = (
        pl.concat([hosted, noted])
        .group_by("pid")
        .agg(pl.col("what").unique().sort(), pl.col("worker_ref").unique().sort().alias("records"))
    )
    return grouped.select(
        "pid",
        pl.col("what").list.join("; ").alias("explanation"),
        "records",
        pl.lit([], dtype=pl.List(pl.Utf8)).alias("keys"),
    )
