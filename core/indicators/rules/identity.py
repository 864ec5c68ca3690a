"""Identity indicators: records of one resolved person that contradict each other."""

from __future__ import annotations

from itertools import combinations
from typing import Any

import polars as pl

from hiresentry.core.indicators.registry import indicator
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
