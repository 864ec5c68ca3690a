"""Transliteration-aware name matching: what must meet, what must not (pure functions, small index)."""

from __future__ import annotations

import pytest

from hiresentry.core.sanctions.names_index import ListedName, NameIndex, close
from hiresentry.core.sanctions.translit import name_forms, sort_key, translit_token


@pytest.mark.parametrize(
    "variants",
    [
        ("kim", "gim"),
        ("pak", "park", "bak"),
        ("ri", "yi", "lee", "rhee", "li"),
        ("choe", "choi"),
        ("jong", "chong", "jung", "jeong", "chung"),
        ("song", "sung", "seong"),
        ("hyon", "hyun", "hyeon"),
        ("chol", "chul", "cheol"),
        ("tong", "dong"),
        ("kwang", "gwang"),
        ("myong", "myeong"),
        ("yong", "young", "yeong"),
        ("un", "eun"),
        ("yun", "yoon"),
    ],
)
def test_romanisation_variants_share_one_key(variants: tuple[str, ...]) -> None:
    assert len({translit_token(v) for v in variants}) == 1


def keys(name: str, listed: bool = False) -> set[str]:
    return {sort_key(f.tokens) for f in name_forms(name, listed_individual=listed)}


def test_hyphens_spaces_and_joined_given_names_meet() -> None:
    listed = keys("JONG, Song Hwa", listed=True)
    for query in ("Song-hwa Jong", "Song Hwa Jong", "Songhwa Jong", "Jong Songhwa", "JUNG, Song-Hwa"):
        assert listed & keys(query), query
    assert keys("KIM, Tong-Myo'ng", listed=True) & keys("Dong-myeong Kim")
    assert not keys("KIM, Sang Man", listed=True) & keys("Kim Sang")


def test_token_tolerance() -> None:
    assert close("chl", "chol", True) == 1  # a dropped letter
    assert close("j", "jh", True) == 1
    assert close("andreeyev", "andreyev", True) == 1  # a letter more in a long word
    assert close("xiaohung", "xiaohong", True) == 1  # a changed letter in a long word
    assert close("yong", "myong", True) is None  # another initial: another syllable
    assert close("so", "sok", True) is None  # the final consonant of a syllable
    assert close("yong", "yon", True) is None  # a letter more on a short syllable
    assert close("il", "in", True) is None  # a changed letter in a short syllable
    assert close("hyonjun", "yonjun", False) is None
    assert close("tongmyng", "tongmyong", False) == 1  # joined syllables may lose a letter


@pytest.fixture(scope="module")
def small() -> NameIndex:
    return NameIndex(
        [
            ListedName(0, "KIM, Sang Man", "individual"),
            ListedName(1, "ANDREYEV, Vitaliy Sergeyevich", "individual"),
            ListedName(2, "YANBIAN SILVERSTAR NETWORK TECHNOLOGY CO., LTD.", "entity"),
            ListedName(2, "SILVER STAR CHINA", "entity", "aka"),
            ListedName(3, "SHENYANG TONYWANG TECHNOLOGY LTD", "entity"),
            ListedName(4, "KOREA KWANGSON BANKING CORP", "entity"),
            ListedName(4, "KKBC", "entity", "aka", weak=True),
            ListedName(5, "JI SONG 6", "vessel"),
        ]
    )


def owners(index: NameIndex, query: str, types: tuple[str, ...] | None = None) -> list[int]:
    return [m.owner for m in index.search(query, 85, types)]  # type: ignore[arg-type]


def test_individuals_need_every_token(small: NameIndex) -> None:
    assert owners(small, "Sangman Kim") == [0]
    assert owners(small, "Kim Sang-Man") == [0]
    assert owners(small, "KIM SAG MAN") == [0]  # one letter dropped
    assert owners(small, "Kim Sang") == []  # a missing given-name syllable is another person
    assert owners(small, "Kim Sang Min") == []
    assert owners(small, "Vitaliy Andreyev") == [1]  # the patronymic may be missing
    assert owners(small, "Vitaliy Sergeyevich") == []


def test_entities_may_match_by_part_but_not_by_generic_words(small: NameIndex) -> None:
    assert owners(small, "Yanbian Silverstar") == [2]
    assert owners(small, "Yanbian Silverstar Network Technology Co Ltd, Shenzhen Branch") == [2]
    assert owners(small, "Silver Star China Holdings") == [2]
    assert owners(small, "Shenyang Technology Co") == []  # leaves out the distinctive "Tonywang"
    assert owners(small, "Korea Trading Banking Corp") == []
    assert owners(small, "Network Technology Ltd") == []


def test_weak_aliases_match_only_exactly(small: NameIndex) -> None:
    (match,) = small.search("kkbc", 85)
    assert (match.owner, match.method, match.name.weak) == (4, "weak_exact", True)
    assert owners(small, "KKB") == []


def test_types_restrict_the_search(small: NameIndex) -> None:
    assert owners(small, "Ji Song 6") == [5]
    assert owners(small, "Ji Song") == [5]  # as a company or vessel name, the number may be left out
    assert owners(small, "Ji Song", ("individual",)) == []  # a person named Ji Song is not a vessel
