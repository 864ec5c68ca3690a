"""Name normalisation for list screening: fold, tokenise, transliterate, and the forms compared.

DPRK entries are romanised Korean (and some Chinese and Russian) names, written by OFAC mostly in
McCune-Reischauer without breves (``KIM, Tong-Myo'ng``), while the same names reach HR and payroll
in Revised Romanisation or in Western habits (``Dong-myeong Kim``, ``Lee``, ``Park``, ``Choi``).
:func:`translit_token` maps both to one key, in three documented steps:

1. **Whole-token table** (:data:`KOREAN_VARIANTS`) for forms no rule can reach: Lee/Yi/Rhee/Li → ri,
   Park/Bak → pak, Choi → choe, Oh → o, Ahn → an, Lim/Im → rim, Roh/Noh → ro, Yoo/Ryu → yu,
   Jung/Chung → jong, Sung → song, Hyun → hyon, Chul → chol, Hyuk → hyok…
2. **Vowel rules** (RR → MR): ``eo`` → o, ``eu`` → u, ``oo`` → u, ``ee`` → i, ``ou`` → o
   (Jeong/Chong, Geum/Gum, Yoon/Yun, Young/Yong).
3. **Initial consonant folding** (the plain/aspirated pairs the systems write differently):
   ``ch``→j, ``sh``→s, g→k, d→t, b→p (Gim/Kim, Dong/Tong, Beom/Pom, Jin/Chin, Shin/Sin).

The same function runs on both sides (the list and the query), so it only ever merges spellings;
applied to non-Korean names it merges a few more (Dan/Tan), which the fuzzy score and the token
alignment in :mod:`.index` absorb. Apostrophes and dots join (``Myo'ng`` → myong, ``Co.`` → co);
hyphens split, and :func:`name_forms` also produces the joined form, so ``Song-hwa``, ``Song Hwa``
and ``Songhwa`` meet. Legal forms and honorifics are dropped.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from hiresentry.core.sanctions.words import words

KOREAN_VARIANTS: dict[str, str] = {
    **dict.fromkeys(("lee", "yi", "rhee", "rhie", "li", "ri", "rhi", "ye"), "ri"),
    **dict.fromkeys(("park", "bak", "pak", "bark", "pahk"), "pak"),
    **dict.fromkeys(("baek", "paek", "paik", "back", "baik"), "paek"),
    **dict.fromkeys(("choi", "choe", "choy", "chey", "chae"), "choe"),
    **dict.fromkeys(("jung", "chung", "jeong", "cheong", "chong", "jong", "joung"), "jong"),
    **dict.fromkeys(("lim", "rim", "im", "leem", "yim"), "rim"),
    **dict.fromkeys(("roh", "noh", "rho", "ro", "nho"), "ro"),
    **dict.fromkeys(("oh", "o"), "o"),
    **dict.fromkeys(("ahn", "an"), "an"),
    **dict.fromkeys(("yu", "yoo", "you", "ryu", "ryoo"), "yu"),
    **dict.fromkeys(("yoon", "yun", "youn"), "yun"),
    **dict.fromkeys(("seo", "suh", "so"), "so"),
    **dict.fromkeys(("sung", "seong", "song"), "song"),
    **dict.fromkeys(("hyun", "hyeon", "hyon"), "hyon"),
    **dict.fromkeys(("chul", "cheol", "chol"), "chol"),
    **dict.fromkeys(("hyuk", "hyeok", "hyok"), "hyok"),
    **dict.fromkeys(("kwak", "gwak"), "kwak"),
    **dict.fromkeys(("kwon", "gwon", "kweon"), "kwon"),
    **dict.fromkeys(("moon", "mun"), "mun"),
    **dict.fromkeys(("jeon", "chon", "jon", "chun"), "jon"),
    **dict.fromkeys(("heo", "hur", "ho"), "ho"),
}
VOWEL_RULES: tuple[tuple[str, str], ...] = (("eo", "o"), ("eu", "u"), ("oo", "u"), ("ee", "i"), ("ou", "o"))
INITIAL_RULES: tuple[tuple[str, str], ...] = (("ch", "j"), ("sh", "s"), ("g", "k"), ("d", "t"), ("b", "p"))

LEGAL_FORMS = words(
    "co ltd llc inc corp corporation company limited plc jsc ojsc cjsc pjsc ooo oao zao gmbh ag sa srl pte pvt "
    "bv nv llp lp fze fzc fzco jv mr mrs ms miss dr prof sir jr sr ii iii iv"
)
GENERIC_WORDS = words(
    "korea korean dprk democratic peoples republic china chinese international trading trade technology "
    "technologies information network general group bank banking industrial industry development import "
    "export shipping investment joint venture commercial credit management service services global holding "
    "holdings enterprise enterprises branch office department bureau ministry committee center centre "
    "research science sciences national state cooperation foreign new united first second third machinery "
    "equipment construction mining materials energy electronics computer software systems solutions "
    "consulting partners associates agency lab labs internet real estate overseas marine maritime economic "
    "friendship corp corporation federation society association institute university academy union city"
)

_JOINERS = re.compile("['\u2019\u2018`.]")
_SPLIT = re.compile(r"[^a-z0-9-]+")
_PATRONYMIC = re.compile(r"(ovich|evich|vich|vych|ovna|evna|ivna|ich|ogly|kyzy)$")


def fold(text: str) -> str:
    """Lower-case ASCII: accents dropped (``Łukasz`` keeps ``ukasz``: non-decomposable letters fall)."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()


@lru_cache(maxsize=131072)
def translit_token(token: str) -> str:
    """One lower-case token in its transliteration key (see the module docstring)."""
    if not token.isalpha():
        return token
    mapped = KOREAN_VARIANTS.get(token)
    if mapped is not None:
        token = mapped
    for old, new in VOWEL_RULES:
        token = token.replace(old, new)
    for old, new in INITIAL_RULES:
        if token.startswith(old):
            return new + token[len(old) :]
    return token


@lru_cache(maxsize=131072)
def word_groups(name: str) -> tuple[tuple[str, ...], ...]:
    """Words of ``name``, each as its hyphen-separated parts, folded, stop words dropped."""
    text = _JOINERS.sub("", fold(name)).replace("&", " ")
    groups: list[tuple[str, ...]] = []
    for word in _SPLIT.split(text):
        parts = tuple(p for p in word.split("-") if p and p not in LEGAL_FORMS)
        if parts:
            groups.append(parts)
    return tuple(groups)


def _spellings(groups: tuple[tuple[str, ...], ...]) -> list[tuple[tuple[str, ...], ...]]:
    """The groups transliterated, and as written (when that differs)."""
    transliterated = tuple(tuple(translit_token(p) for p in g) for g in groups)
    return [transliterated] if transliterated == groups else [transliterated, groups]


def is_patronymic(token: str) -> bool:
    """True for Russian/Ukrainian patronymics (Sergeyevich → sergeyevich), often left out in HR data."""
    return len(token) > 5 and bool(_PATRONYMIC.search(token))


@dataclass(frozen=True)
class NameForm:
    """One token sequence a name is compared under.

    ``joined``: some tokens were made by joining parts (a changed letter inside them is usually a
    changed syllable, so only a letter more or less is tolerated); ``strict``: the joins were
    guessed, so the form only matches token for token.
    """

    tokens: tuple[str, ...]
    joined: bool = False
    strict: bool = False

    @property
    def rank(self) -> int:
        """Preference when two forms have the same tokens: plain, then joined, then strict."""
        return 2 if self.strict else int(self.joined)


@lru_cache(maxsize=131072)
def name_forms(name: str, listed_individual: bool = False) -> tuple[NameForm, ...]:
    """The token sequences a name is compared under, without duplicates.

    Each in two spellings: transliterated (see the module docstring) and only folded, so that a
    misspelling that defeats a transliteration rule (``Chng`` for ``Chong``) is still one edit away
    from the plain form. For each: the hyphen-split form and the hyphen-joined form. For a listed
    individual written ``LAST, Given Names``, also the family name with the given names joined into
    one token. For any other three-token form (whose order of family and given name is unknown),
    the two ways of joining two neighbouring tokens (``Song Hwa Jong`` → ``songhwa jong`` and
    ``song hwajong``), so ``Song-hwa``, ``Song Hwa`` and ``Songhwa`` all meet. Those guessed joins
    are *strict*: they only count when equal token for token, or they would pair a given name with
    a family name (``Min-seo Ahn`` → ``soan``) and then tolerate an edit on top.
    """
    forms: list[NameForm] = []
    family, comma, given = name.partition(",")
    by_comma = listed_individual and comma
    for groups in _spellings(word_groups(name)):
        split = tuple(p for g in groups for p in g)
        joined = tuple("".join(g) for g in groups)
        forms += [NameForm(split), NameForm(joined, joined=True)]
        if by_comma:
            continue
        for tokens in (split, joined):
            if len(tokens) == 3:
                forms += [
                    NameForm((tokens[0], tokens[1] + tokens[2]), joined=True, strict=True),
                    NameForm((tokens[0] + tokens[1], tokens[2]), joined=True, strict=True),
                ]
    if by_comma:
        families, givens = _spellings(word_groups(family)), _spellings(word_groups(given))
        for family_groups, given_groups in ((families[0], givens[0]), (families[-1], givens[-1])):
            family_form = tuple(p for g in family_groups for p in g)
            given_form = "".join(p for g in given_groups for p in g)
            if family_form and given_form:
                forms.append(NameForm((*family_form, given_form), joined=True))
    unique: dict[tuple[str, ...], NameForm] = {}
    for form in forms:
        if form.tokens and (form.tokens not in unique or unique[form.tokens].rank > form.rank):
            unique[form.tokens] = form
    return tuple(unique.values())


def sort_key(tokens: tuple[str, ...]) -> str:
    """Order-free comparison text: the tokens sorted and joined with spaces."""
    return " ".join(sorted(tokens))


_GENERIC_KEYS = frozenset(translit_token(w) for w in GENERIC_WORDS)


def distinctive(tokens: tuple[str, ...]) -> list[str]:
    """The (transliterated) tokens of an entity name that are not generic business words or numbers."""
    return [t for t in tokens if t not in _GENERIC_KEYS and not t.isdigit()]
