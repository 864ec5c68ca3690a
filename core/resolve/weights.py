"""Fellegi-Sunter weights of the probabilistic stage: hand-set m and u per feature level.

For each compared feature a pair of records falls into one *level* (exact, close, different,
missing …). ``m`` is the probability of that level when the two records are the same person,
``u`` when they are two random people. The level's weight is the log2 Bayes factor
``log2(m / u)``; a pair's score is the sum of its levels' weights (bits of evidence), and a
missing value contributes nothing. There is no training data in a contractor base, so the values
are set by hand from what the fields are like (Splink's "fixed m and u" mode), then checked on the
FEBRL benchmark (``docs/accuracy.md``); they are not fitted to it.

====================  ==========  ======  ========  =======  =================================================
feature               level         m        u      weight   what it means
====================  ==========  ======  ========  =======  =================================================
name                  exact        0.75    1e-4     +12.87   same tokens after folding, nicknames, word order
name                  compatible   0.12    5e-4      +7.91   token subset (a name part missing), same Soundex
                                                             codes, or initials (names_compatible)
name                  close        0.08    1e-3      +6.32   every token of one name has a typo-level twin in
                                                             the other (Jaro-Winkler >= 0.85; names_close)
name                  partial      0.04    2e-2      +1.00   a token or its Soundex code shared, others differ
name                  different    0.01    0.9765    -6.61
date_of_birth         exact        0.88    7e-5     +13.62   one day in ~40 years of birth dates
date_of_birth         close        0.05    3e-3      +4.06   one typo, adjacent transposition or day/month swap
date_of_birth         different    0.07    0.997     -3.83
tax_id                exact        0.90    1e-7     +23.10   (also a deterministic merge on its own)
tax_id                different    0.08    1.0       -3.64   relocations and ITIN/SSN changes happen
email                 shared       0.50    1e-5     +15.61   one of the addresses is common to both
email                 different    0.30    1.0       -1.74   people keep several addresses
phone                 shared       0.50    1e-5     +15.61
phone                 different    0.30    1.0       -1.74
home_address          exact        0.55    1e-4     +12.43   the standardised full address
home_address          locality     0.30    2e-2      +3.91   same city, region and country, another street
home_address          near         0.04    3e-3      +3.74   the locality with a typo (Jaro-Winkler >= 0.9)
home_address          different    0.10    0.988     -3.30   people move, but not that often
country               exact        0.95    0.5       +0.93   claimed country; bases cluster in few countries
country               different    0.05    0.5       -3.32
====================  ==========  ======  ========  =======  =================================================

Every level not listed (``missing``: either record lacks the value) weighs 0.

A pair is merged when its score reaches :data:`MATCH_THRESHOLD` **and** it passes the identity gate
(``core.resolve.probabilistic``): the names are exact, compatible or close, and the dates of birth
agree (exact or close) or the pair shares a personal identifier (tax id, email, phone or full home
address). The threshold is 20 bits, the prior log-odds of a random pair in a base of about a
million records with a few records per person (2^-20 ≈ 1e-6): at the threshold a merge is at least
as likely right as wrong for the largest bases we plan for, and far more likely for smaller ones.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

MATCH_THRESHOLD = 20.0


@dataclass(frozen=True)
class Level:
    """One comparison outcome with its hand-set m and u probabilities."""

    name: str
    m: float
    u: float

    @property
    def weight(self) -> float:
        """log2 Bayes factor: bits of evidence this level adds (negative: against a match)."""
        return math.log2(self.m / self.u)


MISSING = "missing"

# Levels per feature, best first. The order is the comparison order: a pair takes the first level
# whose condition holds (see ``compare.py``).
FEATURES: dict[str, tuple[Level, ...]] = {
    "name": (
        Level("exact", 0.75, 1e-4),
        Level("compatible", 0.12, 5e-4),
        Level("close", 0.08, 1e-3),
        Level("partial", 0.04, 2e-2),
        Level("different", 0.01, 0.9765),
    ),
    "date_of_birth": (
        Level("exact", 0.88, 7e-5),
        Level("close", 0.05, 3e-3),
        Level("different", 0.07, 0.997),
    ),
    "tax_id": (Level("exact", 0.90, 1e-7), Level("different", 0.08, 1.0)),
    "email": (Level("shared", 0.50, 1e-5), Level("different", 0.30, 1.0)),
    "phone": (Level("shared", 0.50, 1e-5), Level("different", 0.30, 1.0)),
    "home_address": (
        Level("exact", 0.55, 1e-4),
        Level("locality", 0.30, 2e-2),
        Level("near", 0.04, 3e-3),
        Level("different", 0.10, 0.988),
    ),
    "country": (Level("exact", 0.95, 0.50), Level("different", 0.05, 0.50)),
}

LABELS: dict[str, str] = {
    "name": "name",
    "date_of_birth": "date of birth",
    "tax_id": "tax id",
    "email": "email",
    "phone": "phone",
    "home_address": "home address",
    "country": "claimed country",
}


def weight(feature: str, level: str) -> float:
    """Weight (bits) of ``level`` of ``feature``; 0 for ``missing``."""
    if level == MISSING:
        return 0.0
    for candidate in FEATURES[feature]:
        if candidate.name == level:
            return candidate.weight
    raise KeyError(f"{feature} has no level {level!r}")


def weight_table() -> list[tuple[str, str, float, float, float]]:
    """(feature, level, m, u, weight) rows, for documentation and the CLI."""
    return [(f, lv.name, lv.m, lv.u, lv.weight) for f, levels in FEATURES.items() for lv in levels]
