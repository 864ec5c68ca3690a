"""Near-duplicate résumés under different names (NET-RESUME-CLONE), from keyed MinHash signatures.

The store keeps no résumé text, only a 64-value MinHash signature per résumé (``core.store.rows``).
Signatures are cut into 16 bands of 4 values; two résumés that share a band are candidates (the
usual locality-sensitive hashing), and a candidate pair whose signatures agree in at least
``min_similarity`` of their positions is a near-duplicate: that share estimates the Jaccard
similarity of their 3-word shingles. Everything is joins and group-bys over the few candidates.
"""

from __future__ import annotations

from typing import Any

import polars as pl

from hiresentry.core.indicators.registry import indicator
from hiresentry.core.indicators.rules._shared import gathered, owners
from hiresentry.core.population import Population
from hiresentry.core.store.rows import MINHASH_SIZE

BAND_ROWS = 4


def resume_bands(signed: pl.DataFrame) -> pl.DataFrame:
    """(wid, band) LSH band keys of MinHash signatures (``sig`` column): who can be a near-duplicate."""
    return signed.select(
        "wid",
        pl.concat_list(
            [
                pl.format("{}:{}", pl.lit(b), pl.col("sig").list.slice(b * BAND_ROWS, BAND_ROWS).list.join(""))
                for b in range(MINHASH_SIZE // BAND_ROWS)
            ]
        ).alias("band"),
    ).explode("band")


def signed_resumes(pop: Population) -> pl.DataFrame:
    """Workers with a full MinHash signature, as (wid, sig)."""
    return pop.workers.filter(pl.col("resume_minhash").list.len() == MINHASH_SIZE).select("wid", sig="resume_minhash")


@indicator("NET-RESUME-CLONE")
def resume_clone(pop: Population, params: dict[str, Any]) -> pl.DataFrame:
    """The résumé is a near-duplicate of a résumé under another identity."""
    signed = signed_resumes(pop).join(owners(pop), on="wid")
    bands = resume_bands(signed).join(signed.select("wid", "pid"), on="wid")
    candidates = (
        bands.join(bands, on="band", suffix="_b")
        .filter(pl.col("pid") != pl.col("pid_b"))
        .select("wid", "wid_b")
        .unique()
    )
    sigs = signed.select("wid", "sig", "pid", "worker_ref", "legal_name")
    compared = (
        candidates.join(sigs, on="wid")
        .join(sigs, left_on="wid_b", right_on="wid", suffix="_b")
        .with_row_index("pair")
        .explode(["sig", "sig_b"])
        .group_by("pair")
        .agg(
            (pl.col("sig") == pl.col("sig_b")).mean().alias("similarity"),
            pl.col("pid", "worker_ref", "worker_ref_b", "legal_name_b").first(),
        )
        .filter(pl.col("similarity") >= float(params["min_similarity"]))
    )
    grouped = compared.group_by("pid").agg(
        pl.format(
            "{} ({}, {}% similar)",
            "worker_ref_b",
            "legal_name_b",
            (pl.col("similarity") * 100).round(0).cast(pl.Int64),
        )
        .unique()
        .sort()
        .alias("others"),
        gathered("worker_ref", "worker_ref_b").alias("records"),
    )
    return grouped.select(
        "pid",
        pl.format("résumé is a near-duplicate of the résumé of {}", pl.col("others").list.join(", ")).alias(
            "explanation"
        ),
        "records",
        pl.lit([], dtype=pl.List(pl.Utf8)).alias("keys"),
    )
