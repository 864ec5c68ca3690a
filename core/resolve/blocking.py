"""Blocking: the candidate pairs the probabilistic stage compares, without comparing everyone.

Comparing every pair of n records costs n²/2 comparisons (4.5e12 for three million records). A
blocking rule only pairs records that agree on a cheap key; the candidate set is the union of the
rules, so a true pair needs to agree on *one* of them (a typo in the name leaves the date of birth,
a typo in the date leaves the name). The rules (Splink's ``block_on`` in spirit):

=============================  ==================================================================
rule                           pairs records that share
=============================  ==================================================================
dob_and_name_sound             the date of birth and the Soundex code of one name token
name_sound_and_year_month      the Soundex codes of the whole name, birth year and month
name_sound_and_year_day        … birth year and day
name_sound_and_month_day       … birth month and day (with the two above: past any one-field typo)
dob_and_locality               the date of birth and the home locality
shared_email                   an email (keyed hash)
shared_phone                   a phone number (keyed hash)
shared_home_address            the standardised home address (keyed hash)
=============================  ==================================================================

Blocks are formed over deterministic components (records already merged count once), and a
block of more than :data:`MAX_BLOCK` components is skipped: a key that common (an agency mailbox,
a shared office line, a popular name born in one year in a very large base) is not identity
evidence, and its n² pairs would dominate the cost. Its members still meet through the other rules.
Pairs inside one deterministic component are never formed: they are already merged.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import polars as pl

MAX_BLOCK = 100


@dataclass(frozen=True)
class BlockingRule:
    """Pairs records equal on every column; a list column matches when one element is shared."""

    name: str
    columns: tuple[str, ...]


BLOCKING_RULES: tuple[BlockingRule, ...] = (
    BlockingRule("dob_and_name_sound", ("date_of_birth", "sounds")),
    BlockingRule("name_sound_and_year_month", ("name_phonetic", "birth_year_month")),
    BlockingRule("name_sound_and_year_day", ("name_phonetic", "birth_year_day")),
    BlockingRule("name_sound_and_month_day", ("name_phonetic", "birth_month_day")),
    BlockingRule("dob_and_locality", ("date_of_birth", "locality")),
    BlockingRule("shared_email", ("emails",)),
    BlockingRule("shared_phone", ("phones",)),
    BlockingRule("shared_home_address", ("home_addr_key",)),
)

PAIR_SCHEMA = pl.Schema({"a": pl.Int64(), "b": pl.Int64()})


@dataclass(frozen=True)
class BlockingStats:
    """Per rule: candidate pairs produced and blocks skipped for being too large."""

    pairs: dict[str, int]
    skipped_blocks: dict[str, int]
    candidates: int


def _rule_pairs(
    profiles: pl.DataFrame, component: pl.Series, rule: BlockingRule, max_block: int
) -> tuple[pl.DataFrame, int]:
    columns = list(rule.columns)
    keyed = profiles.select("wid", "ref_rank", *columns)
    for column in columns:
        if isinstance(keyed.schema[column], pl.List):
            keyed = keyed.explode(column)
    # One 64-bit key per block: joins on one integer column. A hash collision only adds a
    # candidate pair, which the comparison then judges like any other.
    keyed = keyed.drop_nulls(columns).select("wid", "ref_rank", pl.struct(columns).hash().alias("block"))
    keyed = keyed.filter(pl.col("block").is_duplicated())  # most keys belong to one record: no pair
    # A block holds deterministic components, not records: the records of one person who all
    # share the key count once, and only one of them is paired for that block: the one with the
    # smallest ref, so that the outcome does not depend on the order records were loaded in.
    members = (
        keyed.with_columns(component.gather(keyed["wid"]).alias("component"))
        .sort("ref_rank")
        .unique(subset=["block", "component"], keep="first")
        .with_columns(pl.len().over("block").alias("n"))
    )
    skipped = members.filter(pl.col("n") > max_block)["block"].n_unique()
    kept = members.filter((pl.col("n") > 1) & (pl.col("n") <= max_block)).select("block", "component", "wid")
    pairs = (
        kept.join(kept, on="block", suffix="_b")
        .filter(pl.col("component") < pl.col("component_b"))
        .select(pl.min_horizontal("wid", "wid_b").alias("a"), pl.max_horizontal("wid", "wid_b").alias("b"))
    )
    return pairs, skipped


def candidate_pairs(
    profiles: pl.DataFrame,
    component: npt.NDArray[np.int64],
    rules: tuple[BlockingRule, ...] = BLOCKING_RULES,
    max_block: int = MAX_BLOCK,
) -> tuple[pl.DataFrame, BlockingStats]:
    """Distinct record pairs (a < b) from the union of ``rules``, never two records of one component.

    ``component`` gives each wid's deterministic component (index = wid).
    """
    labels = pl.Series("component", component, dtype=pl.Int64)
    produced: dict[str, int] = {}
    skipped: dict[str, int] = {}
    codes = []
    n = np.int64(max(profiles.height, 1))
    for rule in rules:
        pairs, skipped[rule.name] = _rule_pairs(profiles, labels, rule, max_block)
        produced[rule.name] = pairs.height
        codes.append(pairs["a"].to_numpy().astype(np.int64) * n + pairs["b"].to_numpy().astype(np.int64))
    code = np.unique(np.concatenate(codes)) if codes else np.empty(0, dtype=np.int64)
    candidates = pl.DataFrame({"a": code // n, "b": code % n}, schema=PAIR_SCHEMA)
    return candidates, BlockingStats(produced, skipped, candidates.height)
