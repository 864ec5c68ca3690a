"""Identity resolution: which worker records are claims of the same person.

Records are merged only on identity-strong evidence (DESIGN §4), in two stages:

- **deterministic** (``deterministic.py``): same tax id; same name and date of birth; a shared
  email under compatible names;
- **probabilistic** (``blocking.py``, ``compare.py``, ``weights.py``): candidate pairs from
  blocking rules, scored with Fellegi-Sunter weights (hand-set m/u per feature level), merged when
  the score reaches the threshold *and* the names agree (exact, compatible or close) *and* the dates
  of birth agree or the pair shares a personal identifier.

Everything else two records may share (a payout account, a phone, an address, a device, an email
under an *unrelated* name) is **not** merged: that sharing is the evidence the network indicators
look for. Every merge edge keeps its waterfall (per feature: level and weight) for explanations.
"""

from hiresentry.core.resolve.blocking import BLOCKING_RULES, MAX_BLOCK, BlockingRule, BlockingStats
from hiresentry.core.resolve.engine import PROBABLE, REASONS, Resolution, person_id, resolve
from hiresentry.core.resolve.weights import FEATURES, MATCH_THRESHOLD, Level, weight, weight_table

__all__ = [
    "BLOCKING_RULES",
    "FEATURES",
    "MATCH_THRESHOLD",
    "MAX_BLOCK",
    "PROBABLE",
    "REASONS",
    "BlockingRule",
    "BlockingStats",
    "Level",
    "Resolution",
    "person_id",
    "resolve",
    "weight",
    "weight_table",
]
