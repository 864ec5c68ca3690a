"""Resolution: deterministic keys, then blocking + Fellegi-Sunter, then connected components.

1. Deterministic rules (``deterministic.py``) give star edges on identity-strong keys.
2. Their connected components drop candidate pairs that are already one person.
3. Blocking (``blocking.py``) proposes the remaining candidate pairs; ``compare.py`` scores them
   with the hand-set weights of ``weights.py`` and keeps those over the threshold that pass the
   identity gate.
4. Every probable match keeps its waterfall (per feature: level and weight); a deterministic
   edge gets the same waterfall when someone asks for the explanation.
5. Connected components over all kept edges are the persons.

Each step is set-based (Polars joins, RapidFuzz over arrays, a SciPy sparse graph), so the cost
grows with records plus candidate pairs, and blocking keeps candidate pairs near-linear.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
import polars as pl
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from hiresentry.core.population import Population
from hiresentry.core.resolve.blocking import BlockingStats, candidate_pairs
from hiresentry.core.resolve.compare import evidence_column, plausible, score_pairs
from hiresentry.core.resolve.deterministic import deterministic_edges
from hiresentry.core.resolve.profiles import build_profiles
from hiresentry.core.resolve.weights import LABELS, MATCH_THRESHOLD, MISSING

PROBABLE = "probable_match"
REASONS = {
    "same_tax_id": "same tax id",
    "same_name_and_dob": "same name and date of birth",
    "same_email_compatible_name": "same email under a compatible name",
    PROBABLE: "probable match",
}
FEATURE_TYPE = pl.List(pl.Struct({"feature": pl.Utf8, "level": pl.Utf8, "weight": pl.Float64}))
EDGES_SCHEMA = pl.Schema(
    {"a": pl.Int64(), "b": pl.Int64(), "rule": pl.Utf8(), "score": pl.Float64(), "features": FEATURE_TYPE}
)


def person_id(refs: list[str]) -> str:
    """Stable person id: derived from the smallest member ref, like a case's dedup key."""
    return "p-" + hashlib.sha256(f"person:{min(refs)}".encode()).hexdigest()[:12]


def waterfall_text(features: list[dict[str, Any]], score: float) -> str:
    """``name close +6.3, date of birth exact +13.6, … = 21.9 bits`` (missing features left out)."""
    parts = [f"{LABELS[f['feature']]} {f['level']} {f['weight']:+.1f}" for f in features if f["level"] != MISSING]
    return f"{', '.join(parts)} = {score:.1f} bits"


@dataclass(frozen=True)
class Resolution:
    """The outcome: ``persons`` (wid → pid) and the merge ``edges`` that justify it.

    ``edges`` has ``a``, ``b`` (wids), ``rule`` (a key of :data:`REASONS`), ``score`` (Fellegi-Sunter
    bits) and ``features`` (the waterfall: feature, level, weight per feature). Probable matches
    carry their waterfall from the start; a deterministic edge stands on its rule, and its
    waterfall is computed when asked for (:meth:`edges_for`), so resolving a large base does not
    pay for explanations nobody reads. ``refs`` maps wid → ``source/remote_id``.
    """

    persons: pl.DataFrame
    edges: pl.DataFrame
    refs: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(schema={"wid": pl.Int64, "ref": pl.Utf8}))
    blocking: BlockingStats | None = None
    profiles: pl.DataFrame | None = None

    def explained(self, rows: pl.DataFrame | None = None) -> pl.DataFrame:
        """``rows`` (default: every edge) with every waterfall filled in, plus ``pid``, ``ref_a``, ``ref_b``.

        Deterministic edges are scored here in one vectorised pass, like probable matches were.
        """
        rows = self.edges if rows is None else rows
        pending = rows.filter(pl.col("features").is_null())
        if self.profiles is not None and not pending.is_empty():
            scored = _with_evidence(score_pairs(self.profiles, pending.select("a", "b")), pending["rule"])
            rows = pl.concat([rows.filter(pl.col("features").is_not_null()), scored])
        refs = self.refs.select("wid", "ref")
        return (
            rows.join(self.persons.rename({"wid": "a"}), on="a", how="left")
            .join(refs.rename({"wid": "a", "ref": "ref_a"}), on="a", how="left")
            .join(refs.rename({"wid": "b", "ref": "ref_b"}), on="b", how="left")
            .sort("a", "b", "rule")
        )

    def edges_for(self, pid: int) -> pl.DataFrame:
        """The merge edges inside one person, each with its waterfall (see :meth:`explained`)."""
        wids = self.persons.filter(pl.col("pid") == pid)["wid"]
        return self.explained(self.edges.filter(pl.col("a").is_in(wids.implode())))

    def reasons_for(self, pid: int) -> list[str]:
        """Human-readable merge reasons of one person; probable matches show their waterfall."""
        reasons: set[str] = set()
        for row in self.edges_for(pid).iter_rows(named=True):
            if row["rule"] != PROBABLE:
                reasons.add(REASONS[row["rule"]])
                continue
            pair = f"{row['ref_a']} ~ {row['ref_b']}: " if row["ref_a"] is not None else ""
            reasons.add(f"{pair}{REASONS[PROBABLE]} ({waterfall_text(row['features'], row['score'])})")
        return sorted(reasons)


def _components(n: int, edges: pl.DataFrame) -> npt.NDArray[np.int64]:
    a = edges["a"].to_numpy()
    b = edges["b"].to_numpy()
    graph = coo_matrix((np.ones(len(a), dtype=np.int8), (a, b)), shape=(n, n))
    _, labels = connected_components(graph, directed=False)
    return np.asarray(labels, dtype=np.int64)


def _with_evidence(scored: pl.DataFrame, rule: pl.Series) -> pl.DataFrame:
    return scored.select("a", "b", rule.alias("rule"), "score", evidence_column()).cast(EDGES_SCHEMA)


def resolve(pop: Population, threshold: float = MATCH_THRESHOLD) -> Resolution:
    """Resolve the population's worker records into persons (``threshold``: bits to merge a pair)."""
    n = pop.workers.height
    refs = pop.workers.select("wid", "ref")
    if n == 0:
        persons = pl.DataFrame(schema={"wid": pl.Int64, "pid": pl.Int64})
        return Resolution(persons, pl.DataFrame(schema=EDGES_SCHEMA), refs)
    profiles = build_profiles(pop)
    fixed = deterministic_edges(pop)
    candidates, stats = candidate_pairs(profiles, _components(n, fixed))
    probable = score_pairs(profiles, plausible(profiles, candidates, threshold), threshold).filter(pl.col("accepted"))
    edges = pl.concat(
        [
            fixed.with_columns(pl.lit(None).alias("score"), pl.lit(None).alias("features")).cast(EDGES_SCHEMA),
            _with_evidence(probable, pl.Series([PROBABLE] * probable.height, dtype=pl.Utf8)),
        ]
    )
    persons = pl.DataFrame({"wid": np.arange(n, dtype=np.int64), "pid": _components(n, edges)})
    return Resolution(persons, edges, refs, stats, profiles)
