"""Vectorised comparison of record pairs: one level per feature, its weight, the pair's score.

Every column is computed for all pairs at once: exact features are Polars equality and list
intersections, fuzzy ones are RapidFuzz ``cpdist`` (element-wise, in C++, all cores) over the
paired strings, and name tokens are compared through the per-pair cross product of tokens. The
only Python loop is a second look at names (:func:`names_compatible`, :func:`names_close`) on the
few pairs where the name alone stands between the pair and a merge.

The identity gate (:func:`gate`) is what keeps shared link keys from merging different people:
a pair is merged only if its names are exact, compatible or close *and* its birth dates agree
(exact or close) or it shares a personal identifier (tax id, email, phone, full home address).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import polars as pl
from rapidfuzz import process
from rapidfuzz.distance import DamerauLevenshtein, JaroWinkler

from hiresentry.core.keys.names import names_close, names_compatible
from hiresentry.core.resolve.weights import FEATURES, MATCH_THRESHOLD, MISSING, weight

TOKEN_CLOSE_JW = 0.85  # Jaro-Winkler at which two name tokens count as one with a typo
LOCALITY_CLOSE_JW = 0.90
GOOD_NAME = ("exact", "compatible", "close")
GOOD_DOB = ("exact", "close")

_COLUMNS = (
    "legal_name",
    "name_key",
    "tokens",
    "sounds",
    "name_phonetic",
    "date_of_birth",
    "tax_key",
    "home_addr_key",
    "locality",
    "country",
    "emails",
    "phones",
)


def paired(profiles: pl.DataFrame, pairs: pl.DataFrame) -> pl.DataFrame:
    """``pairs`` (a, b) with every profile column twice (``_a``, ``_b``); profiles are in wid order."""
    a, b = pairs["a"], pairs["b"]
    columns = [pairs["a"], pairs["b"]]
    for name in _COLUMNS:
        column = profiles[name]
        columns.append(column.gather(a).alias(f"{name}_a"))
        columns.append(column.gather(b).alias(f"{name}_b"))
    return pl.DataFrame(columns)


def _similarity(frame: pl.DataFrame, left: str, right: str, scorer: Any) -> pl.Series:
    """Element-wise similarity of two string columns; 0 where either is null."""
    lhs = frame[left].fill_null("").to_list()
    rhs = frame[right].fill_null("").to_list()
    if not lhs:
        return pl.Series([], dtype=pl.Float64)
    values = process.cpdist(lhs, rhs, scorer=scorer, workers=-1)
    return pl.Series(np.asarray(values, dtype=np.float64))


def _both(name: str) -> pl.Expr:
    return pl.col(f"{name}_a").is_not_null() & pl.col(f"{name}_b").is_not_null()


def _equality_level(column: str, hit: str = "exact") -> pl.Expr:
    return (
        pl.when(~_both(column))
        .then(pl.lit(MISSING))
        .when(pl.col(f"{column}_a") == pl.col(f"{column}_b"))
        .then(pl.lit(hit))
        .otherwise(pl.lit("different"))
    )


def _shared_level(column: str) -> pl.Expr:
    shared = pl.col(f"{column}_a").list.set_intersection(pl.col(f"{column}_b")).list.len() > 0
    return (
        pl.when(~_both(column)).then(pl.lit(MISSING)).when(shared).then(pl.lit("shared")).otherwise(pl.lit("different"))
    )


def _covered(inner: str, outer: str) -> pl.Expr:
    """Every token of ``inner`` is in ``outer`` and ``inner`` has a full token (not only initials)."""
    return (pl.col(inner).list.set_difference(pl.col(outer)).list.len() == 0) & pl.col(inner).list.eval(
        pl.element().str.len_chars() > 1
    ).list.any()


def _token_cover(frame: pl.DataFrame) -> pl.DataFrame:
    """Per pair: is every token of the a-name (``cover_a``) / b-name (``cover_b``) matched in the other?

    A token matches one of the other side at Jaro-Winkler :data:`TOKEN_CLOSE_JW` or more, or as an
    initial of it. Token pairs are the per-pair cross product (names have a few tokens), scored by
    one ``cpdist`` call. A side made only of initials never counts as covered.
    """
    cross = (
        frame.select(pl.int_range(pl.len(), dtype=pl.Int64).alias("i"), "tokens_a", "tokens_b")
        .filter(pl.col("tokens_a").is_not_null() & pl.col("tokens_b").is_not_null())
        .explode("tokens_a")
        .explode("tokens_b")
    )
    cross = cross.with_columns(
        _similarity(cross, "tokens_a", "tokens_b", JaroWinkler.normalized_similarity).alias("jw")
    )
    initial = ((pl.col("tokens_a").str.len_chars() == 1) & pl.col("tokens_b").str.starts_with(pl.col("tokens_a"))) | (
        (pl.col("tokens_b").str.len_chars() == 1) & pl.col("tokens_a").str.starts_with(pl.col("tokens_b"))
    )
    cross = cross.with_columns(((pl.col("jw") >= TOKEN_CLOSE_JW) | initial).alias("match"))

    def cover(side: str) -> pl.DataFrame:
        return (
            cross.group_by("i", side)
            .agg(pl.col("match").any())
            .group_by("i")
            .agg((pl.col("match").all() & (pl.col(side).str.len_chars() > 1).any()).alias(f"cover{side[-2:]}"))
        )

    covered = pl.DataFrame({"i": np.arange(frame.height, dtype=np.int64)})
    covered = covered.join(cover("tokens_a"), on="i", how="left").join(cover("tokens_b"), on="i", how="left")
    return covered.sort("i").select(pl.col("cover_a").fill_null(False), pl.col("cover_b").fill_null(False))


def levels(pairs: pl.DataFrame) -> pl.DataFrame:
    """Add one ``<feature>`` level column per feature to a :func:`paired` frame."""
    frame = pairs.with_columns(
        pl.col("date_of_birth_a").dt.strftime("%Y%m%d").alias("dob_text_a"),
        pl.col("date_of_birth_b").dt.strftime("%Y%m%d").alias("dob_text_b"),
        pl.col("date_of_birth_a").dt.strftime("%Y%d%m").alias("dob_swapped_a"),
    )
    frame = frame.with_columns(
        _similarity(frame, "dob_text_a", "dob_text_b", DamerauLevenshtein.distance).alias("dob_edits"),
        _similarity(frame, "locality_a", "locality_b", JaroWinkler.normalized_similarity).alias("locality_jw"),
    ).hstack(_token_cover(frame))
    name = (
        pl.when(~_both("name_key"))
        .then(pl.lit(MISSING))
        .when(pl.col("name_key_a") == pl.col("name_key_b"))
        .then(pl.lit("exact"))
        .when(
            (pl.col("name_phonetic_a") == pl.col("name_phonetic_b"))
            | _covered("tokens_a", "tokens_b")
            | _covered("tokens_b", "tokens_a")
        )
        .then(pl.lit("compatible"))
        .when(pl.col("cover_a") | pl.col("cover_b"))
        .then(pl.lit("close"))
        .when(
            (pl.col("tokens_a").list.set_intersection(pl.col("tokens_b")).list.len() > 0)
            | (pl.col("sounds_a").list.set_intersection(pl.col("sounds_b")).list.len() > 0)
        )
        .then(pl.lit("partial"))
        .otherwise(pl.lit("different"))
    )
    dob = (
        pl.when(~_both("date_of_birth"))
        .then(pl.lit(MISSING))
        .when(pl.col("date_of_birth_a") == pl.col("date_of_birth_b"))
        .then(pl.lit("exact"))
        .when((pl.col("dob_edits") <= 1) | (pl.col("dob_swapped_a") == pl.col("dob_text_b")))
        .then(pl.lit("close"))
        .otherwise(pl.lit("different"))
    )
    # One feature for the address, so that a different street and a different city are not
    # counted twice as independent evidence (Fellegi-Sunter assumes independent features).
    address = (
        pl.when(~_both("home_addr_key"))
        .then(pl.lit(MISSING))
        .when(pl.col("home_addr_key_a") == pl.col("home_addr_key_b"))
        .then(pl.lit("exact"))
        .when(pl.col("locality_a") == pl.col("locality_b"))
        .then(pl.lit("locality"))
        .when(pl.col("locality_jw") >= LOCALITY_CLOSE_JW)
        .then(pl.lit("near"))
        .otherwise(pl.lit("different"))
    )
    return frame.with_columns(
        name.alias("name"),
        dob.alias("date_of_birth"),
        _equality_level("tax_key").alias("tax_id"),
        _shared_level("emails").alias("email"),
        _shared_level("phones").alias("phone"),
        address.alias("home_address"),
        _equality_level("country").alias("country"),
    )


def _weight_expr(feature: str) -> pl.Expr:
    mapping = {lv.name: lv.weight for lv in FEATURES[feature]} | {MISSING: 0.0}
    return pl.col(feature).replace_strict(mapping, return_dtype=pl.Float64)


def _score(frame: pl.DataFrame) -> pl.DataFrame:
    weights = [_weight_expr(f).alias(f"w_{f}") for f in FEATURES]
    frame = frame.with_columns(weights)
    return frame.with_columns(pl.sum_horizontal([f"w_{f}" for f in FEATURES]).alias("score"))


def _identity_support() -> pl.Expr:
    """Birth dates agree (exact or close), or a personal identifier is shared."""
    shared_identifier = (
        (pl.col("tax_id") == "exact")
        | (pl.col("email") == "shared")
        | (pl.col("phone") == "shared")
        | (pl.col("home_address") == "exact")
    )
    return pl.col("date_of_birth").is_in(GOOD_DOB) | shared_identifier


def gate() -> pl.Expr:
    """Identity-strong agreement: good names and (birth dates agree or a shared personal identifier)."""
    return pl.col("name").is_in(GOOD_NAME) & _identity_support()


def _name_second_look(frame: pl.DataFrame, threshold: float) -> pl.DataFrame:
    """Look again, name by name, where the name is the one thing between a pair and a merge.

    The vectorised levels miss initials ("J Smith"), some transliterations and typos that move
    tokens around ("Kyqie Stanleu", "Ja Cob Green"); :func:`names_compatible` and
    :func:`names_close` see them. Only pairs whose other evidence reaches the threshold with a
    compatible name are checked, so this Python loop grows with near-misses, not with candidates.
    """
    gain = weight("name", "compatible")
    frame = frame.with_row_index("_row")
    near = frame.filter(
        pl.col("name").is_in(["partial", "different"])
        & _identity_support()
        & (pl.col("score") - pl.col("w_name") + gain >= threshold)
    )
    if near.is_empty():
        return frame.drop("_row")
    names = zip(near["legal_name_a"].to_list(), near["legal_name_b"].to_list(), strict=True)
    second = ["compatible" if names_compatible(a, b) else "close" if names_close(a, b) else None for a, b in names]
    upgraded = dict(zip(near["_row"].to_list(), second, strict=True))
    upgraded = {row: level for row, level in upgraded.items() if level is not None}
    if not upgraded:
        return frame.drop("_row")
    frame = frame.with_columns(
        pl.col("_row").replace_strict(upgraded, default=pl.col("name"), return_dtype=pl.Utf8).alias("name")
    )
    return _score(frame.drop("_row", *[f"w_{f}" for f in FEATURES], "score"))


def _best(feature: str, level: str) -> pl.Expr:
    return pl.lit(weight(feature, level))


def plausible(profiles: pl.DataFrame, pairs: pl.DataFrame, threshold: float = MATCH_THRESHOLD) -> pl.DataFrame:
    """The candidate pairs that could still be merged, judged on exact fields only (cheap).

    Each fuzzy feature is credited with the best level it could still reach, so a pair dropped
    here could never reach ``threshold`` or pass the gate: pruning changes no outcome, it only
    spares the fuzzy comparisons. An exact name is impossible with an exact birth date among
    candidates (that pair is already a deterministic merge), so the name is then credited with
    "compatible" at most.
    """
    columns = ("date_of_birth", "tax_key", "emails", "phones", "home_addr_key", "country")
    frame = pl.DataFrame(
        [pairs["a"], pairs["b"]]
        + [profiles[c].gather(pairs[ab]).alias(f"{c}_{ab}") for c in columns for ab in ("a", "b")]
    )
    dob_exact = pl.col("date_of_birth_a") == pl.col("date_of_birth_b")
    shares = {
        "tax_id": pl.col("tax_key_a") == pl.col("tax_key_b"),
        "email": pl.col("emails_a").list.set_intersection(pl.col("emails_b")).list.len() > 0,
        "phone": pl.col("phones_a").list.set_intersection(pl.col("phones_b")).list.len() > 0,
        "home_address": pl.col("home_addr_key_a") == pl.col("home_addr_key_b"),
    }
    hit = {"tax_id": "exact", "email": "shared", "phone": "shared", "home_address": "exact"}
    terms = [
        pl.when(dob_exact).then(_best("name", "compatible")).otherwise(_best("name", "exact")),
        pl.when(~_both("date_of_birth"))
        .then(0.0)
        .when(dob_exact)
        .then(_best("date_of_birth", "exact"))
        .otherwise(_best("date_of_birth", "close")),
    ]
    for feature, column in zip(hit, ("tax_key", "emails", "phones", "home_addr_key"), strict=True):
        miss = weight(feature, "locality") if feature == "home_address" else weight(feature, "different")
        terms.append(
            pl.when(~_both(column)).then(0.0).when(shares[feature]).then(_best(feature, hit[feature])).otherwise(miss)
        )
    terms.append(
        pl.when(~_both("country"))
        .then(0.0)
        .when(pl.col("country_a") == pl.col("country_b"))
        .then(_best("country", "exact"))
        .otherwise(_best("country", "different"))
    )
    support = _both("date_of_birth") | pl.any_horizontal([s.fill_null(False) for s in shares.values()])
    keep = support & (pl.sum_horizontal(terms) >= threshold)
    return frame.filter(keep.fill_null(False)).select("a", "b")


def score_pairs(profiles: pl.DataFrame, pairs: pl.DataFrame, threshold: float = MATCH_THRESHOLD) -> pl.DataFrame:
    """Levels, per-feature weights (``w_<feature>``), ``score`` and ``accepted`` for every pair."""
    frame = _score(levels(paired(profiles, pairs)))
    frame = _name_second_look(frame, threshold)
    return frame.with_columns((gate() & (pl.col("score") >= threshold)).alias("accepted"))


def evidence_column() -> pl.Expr:
    """``features``: the waterfall of a scored pair, one (feature, level, weight) per feature."""
    return pl.concat_list(
        [
            pl.struct(pl.lit(f).alias("feature"), pl.col(f).alias("level"), pl.col(f"w_{f}").alias("weight"))
            for f in FEATURES
        ]
    ).alias("features")
