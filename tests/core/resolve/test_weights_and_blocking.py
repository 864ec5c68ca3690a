"""The weight table as documented, the identity gate's levels, and blocking's cost bounds (in memory)."""

from __future__ import annotations

import re

import numpy as np
import polars as pl
import pytest

from hiresentry.core.keys import LinkKeyHasher
from hiresentry.core.model import Worker
from hiresentry.core.population import Population
from hiresentry.core.resolve import FEATURES, MATCH_THRESHOLD, weight, weight_table
from hiresentry.core.resolve import weights as weights_module
from hiresentry.core.resolve.blocking import BLOCKING_RULES, BlockingRule, candidate_pairs
from hiresentry.core.resolve.profiles import build_profiles


def test_the_documented_table_is_the_table_in_force() -> None:
    doc = weights_module.__doc__ or ""
    rows = re.findall(r"^(\w+)\s+(\w+)\s+([\d.]+)\s+([\de.-]+)\s+([+-][\d.]+)", doc, flags=re.MULTILINE)
    documented = {(f, lv): (float(m), float(u), float(w)) for f, lv, m, u, w in rows}
    in_force = {(f, lv): (m, u, w) for f, lv, m, u, w in weight_table()}
    assert documented.keys() == in_force.keys()
    for key, (m, u, w) in in_force.items():
        assert documented[key][:2] == (m, u), key
        assert documented[key][2] == pytest.approx(w, abs=0.006), key


def test_levels_are_ordered_best_first_and_missing_weighs_nothing() -> None:
    for feature, levels in FEATURES.items():
        weights = [lv.weight for lv in levels]
        assert weights == sorted(weights, reverse=True), feature
        assert weights[-1] < 0 < weights[0], feature
        assert weight(feature, "missing") == 0.0
    with pytest.raises(KeyError):
        weight("name", "nearly")


def test_the_threshold_sits_between_agreeing_and_contradicted_near_namesakes() -> None:
    """Name and birth date alone may merge; the same with three conflicting identifiers may not."""
    agreeing = weight("name", "compatible") + weight("date_of_birth", "exact")
    assert agreeing >= MATCH_THRESHOLD
    contradicted = (
        agreeing
        + weight("home_address", "locality")
        + weight("country", "exact")
        + weight("tax_id", "different")
        + weight("email", "different")
        + weight("phone", "different")
    )
    assert contradicted < MATCH_THRESHOLD


def _profiles(hasher: LinkKeyHasher, workers: list[Worker]) -> pl.DataFrame:
    return build_profiles(Population.from_records(workers, hasher))


def test_blocking_never_pairs_records_of_one_component(hasher: LinkKeyHasher) -> None:
    people = [
        Worker(source="hr", remote_id=f"E{i}", legal_name=f"Ann Lee{i}", date_of_birth="1990-01-01") for i in range(4)
    ]
    profiles = _profiles(hasher, people)
    apart, _ = candidate_pairs(profiles, np.arange(4, dtype=np.int64))
    assert apart.height == 6  # all share the birth date and the Soundex code of "Ann"
    together, _ = candidate_pairs(profiles, np.array([0, 0, 1, 1], dtype=np.int64))
    # components {0, 1} and {2, 3}: one representative pair per block, never a pair inside a component
    assert together.height >= 1
    assert all((a < 2) != (b < 2) for a, b in together.iter_rows())


def test_a_block_larger_than_the_cap_is_skipped(hasher: LinkKeyHasher) -> None:
    people = [
        Worker(source="hr", remote_id=f"E{i}", legal_name=f"Person {i}", date_of_birth="1990-01-01") for i in range(5)
    ]
    profiles = _profiles(hasher, people)
    rule = (BlockingRule("dob", ("date_of_birth",)),)
    pairs, stats = candidate_pairs(profiles, np.arange(5, dtype=np.int64), rules=rule, max_block=4)
    assert pairs.is_empty()
    assert stats.skipped_blocks == {"dob": 1}
    pairs, stats = candidate_pairs(profiles, np.arange(5, dtype=np.int64), rules=rule, max_block=5)
    assert pairs.height == 10
    assert stats.pairs == {"dob": 10}


def test_every_blocking_rule_reads_profile_columns(hasher: LinkKeyHasher) -> None:
    profiles = _profiles(hasher, [Worker(source="hr", remote_id="E1", legal_name="Ann Lee")])
    for rule in BLOCKING_RULES:
        assert set(rule.columns) <= set(profiles.columns), rule.name
