"""False hits on common names: at most 0.1 % of a >10,000-name corpus at the default threshold.

The corpus (``conftest.common_names``) is every given x family name of each culture of the
synthetic generator's lists (Anglo, Hispanic, Korean, Chinese, Indian, Slavic, Arabic, German,
Lusophone, Filipino, Dutch), Korean and Chinese names also family name first and with the given
name unhyphenated. None of these people is listed, so every hit is a false hit. Measured on the
shipped list (threshold 85): 7 of 10,675 names (0.066 %), all of them exact transliteration
namesakes of listed names (``Hyun-woo Kim`` = ``KIM, Hyon Woo``, an alias of PARK Jin Hyok; ``Wei Sun`` = ``SUN, Wei``,
``Young-ho Oh`` = ``O, Yong Ho``) - which a transliteration-aware matcher must report, and which
never escalate without a second identifier.

A harder corpus adds 35 of the most common Korean given names with every common Korean family name
in both orders: 21 of 12,171 (0.17 %), again only namesakes (``Kim Young-soo`` = ``KIM, Yong Su``).
That figure is reported, not bounded: it measures how common the listed names are, not the matcher.
"""

from __future__ import annotations

import pytest

from hiresentry.core.sanctions import DEFAULT_THRESHOLD, check, escalates
from hiresentry.core.sanctions.index import ListIndex

from .conftest import KOREAN_GIVEN_EXTRA, common_names

PERSON = ("individual",)
PAYEE = ("individual", "entity")


def hits(index: ListIndex, names: list[str], types: tuple[str, ...]) -> dict[str, list[str]]:
    found = {n: index.names.search(n, DEFAULT_THRESHOLD, types) for n in names}  # type: ignore[arg-type]
    return {n: [f"{m.name.text} ({m.score:.0f})" for m in ms] for n, ms in found.items() if ms}


@pytest.mark.parametrize("types", [PERSON, PAYEE], ids=["as worker names", "as payee names"])
def test_at_most_one_in_a_thousand_common_names_hits(index: ListIndex, types: tuple[str, ...]) -> None:
    names = common_names(korean_extra=False)
    assert len(names) >= 10_000
    found = hits(index, names, types)
    rate = len(found) / len(names)
    print(f"\nfalse hits {types}: {len(found)} of {len(names)} = {rate:.3%} at threshold {DEFAULT_THRESHOLD}: {found}")
    assert rate <= 0.001, found


def test_korean_stress_corpus_hits_only_namesakes(index: ListIndex) -> None:
    names = common_names(korean_extra=True)
    extra = set(names) - set(common_names(korean_extra=False))
    assert len(extra) > 1000 and KOREAN_GIVEN_EXTRA
    found = {n: index.names.search(n, DEFAULT_THRESHOLD, PERSON) for n in names}
    found = {n: ms for n, ms in found.items() if ms}
    print(f"\nKorean stress corpus: {len(found)} of {len(names)} = {len(found) / len(names):.3%}")
    # every one is the same name up to transliteration and at most one dropped letter
    assert all(m.score >= 95 for ms in found.values() for m in ms), found
    for name in found:
        assert not any(h.escalate for h in check(index, name=name, types=PERSON))
    assert not escalates({"name"})
