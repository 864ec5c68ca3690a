"""Interview indicators: what interviewers and video tools observed, and faces that change.

All but INT-PERSON-SWAP are hiring signals through the shared helper. INT-PERSON-SWAP also compares
the photo hashes one person's records carry (interview capture, onboarding badge, HR profile): a
64-bit perceptual hash that differs in more than ``max_hash_bits`` bits is another face, while
lighting and retouching change only a few bits.
"""

from __future__ import annotations

from typing import Any

import polars as pl

from hiresentry.core.indicators.registry import indicator
from hiresentry.core.indicators.rules._shared import owners
from hiresentry.core.indicators.rules._signals import signal_hits, signal_indicator, signal_rows
from hiresentry.core.population import Population

HEX64 = r"^[0-9a-f]{16}$"


@indicator("INT-CAMERA-AVOID")
def camera_avoidance(pop: Population, params: dict[str, Any]) -> pl.DataFrame:
    """Would not go on camera, or on camera time, place or appearance did not fit."""
    return signal_indicator(pop, params, "camera")


@indicator("INT-INPERSON-AVOID")
def inperson_avoidance(pop: Population, params: dict[str, Any]) -> pl.DataFrame:
    """Repeated excuses to avoid meeting in person or a drug test."""
    return signal_indicator(pop, params, "in-person meeting")


@indicator("INT-SCRIPTED")
def scripted_answers(pop: Population, params: dict[str, Any]) -> pl.DataFrame:
    """Reading, stalling, plausible but wrong answers, or cheating on a coding test (twice: nerves happen)."""
    return signal_indicator(pop, params, "interview answers")


@indicator("INT-LIVENESS-FAIL")
def liveness_failure(pop: Population, params: dict[str, Any]) -> pl.DataFrame:
    """Failed a liveness request, or signs of a deepfake or voice changer; a later pass clears."""
    return signal_indicator(pop, params, "liveness")


@indicator("INT-LOCATION-KNOWLEDGE")
def location_knowledge(pop: Population, params: dict[str, Any]) -> pl.DataFrame:
    """Could not answer soft questions about the claimed location; a declared recent move clears."""
    return signal_indicator(pop, params, "claimed location")


@indicator("INT-OFF-PLATFORM")
def off_platform(pop: Population, params: dict[str, Any]) -> pl.DataFrame:
    """Repeatedly asked to move communication off the platform (once is common practice)."""
    return signal_indicator(pop, params, "communication")


def _photo_drift(pop: Population, max_bits: int) -> pl.DataFrame:
    """Rows (pid, worker_ref, ref, signal, observed_at, detail) for photo pairs of one person that differ."""
    photos = (
        pop.workers.select("wid", pl.col("photo_hash").str.to_lowercase().alias("photo"))
        .filter(pl.col("photo").str.contains(HEX64))
        .join(owners(pop), on="wid")
        .with_columns(
            pl.col("photo").str.slice(0, 8).str.to_integer(base=16).alias("hi"),
            pl.col("photo").str.slice(8, 8).str.to_integer(base=16).alias("lo"),
        )
        .unique(["pid", "photo"])
    )
    pairs = photos.join(photos, on="pid", suffix="_b").filter(pl.col("photo") < pl.col("photo_b"))
    bits = (pl.col("hi") ^ pl.col("hi_b")).bitwise_count_ones() + (pl.col("lo") ^ pl.col("lo_b")).bitwise_count_ones()
    return (
        pairs.with_columns(bits.cast(pl.Int64).alias("bits"))
        .filter(pl.col("bits") > max_bits)
        .select(
            "pid",
            "worker_ref",
            pl.col("worker_ref_b").alias("ref"),
            pl.lit("photo_hash_differs").alias("signal"),
            pl.lit(None, dtype=pl.Datetime("us", "UTC")).alias("observed_at"),
            pl.format("photos of {} and {} differ in {} of 64 bits", "worker_ref", "worker_ref_b", "bits").alias(
                "detail"
            ),
        )
    )


@indicator("INT-PERSON-SWAP")
def person_swap(pop: Population, params: dict[str, Any]) -> pl.DataFrame:
    """The face at onboarding or in later meetings is not the face interviewed.

    Fires on the ``person_swap`` signal, or when two photo hashes of one person's records (64-bit
    perceptual hashes in hex) differ in more than ``max_hash_bits`` bits.
    """
    rows = pl.concat([signal_rows(pop, params), _photo_drift(pop, int(params["max_hash_bits"]))])
    return signal_hits(rows, "face", int(params.get("min_signals", 1)))
