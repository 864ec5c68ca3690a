"""Person-name comparison that tolerates the variants honest people produce.

The indicator catalogue lists transliteration, Western nicknames for Asian names, word order and
initials as the false positives of name mismatches. These small pure functions absorb exactly
those, so that "SMITH, WILLIAM J" and "Bill Smith" compare equal while "Kim Min-jun" and
"Jonathan Reyes" do not. They are cheap and deterministic so the core can compute keys in bulk
at ingest time and only run :func:`names_compatible` on the few pairs whose keys differ.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from rapidfuzz.distance import Indel, JaroWinkler

# Common English nicknames → given name. Small on purpose: it exists to absorb the usual variants,
# not to be a name database; unknown names simply compare as themselves.
NICKNAMES: dict[str, str] = {
    "alex": "alexander",
    "andy": "andrew",
    "drew": "andrew",
    "ben": "benjamin",
    "bill": "william",
    "billy": "william",
    "will": "william",
    "liam": "william",
    "bob": "robert",
    "bobby": "robert",
    "rob": "robert",
    "robbie": "robert",
    "chris": "christopher",
    "dan": "daniel",
    "danny": "daniel",
    "dave": "david",
    "ed": "edward",
    "eddie": "edward",
    "jim": "james",
    "jimmy": "james",
    "jamie": "james",
    "joe": "joseph",
    "joey": "joseph",
    "john": "john",
    "jack": "john",
    "johnny": "john",
    "kate": "katherine",
    "katie": "katherine",
    "kathy": "katherine",
    "liz": "elizabeth",
    "beth": "elizabeth",
    "betty": "elizabeth",
    "matt": "matthew",
    "mike": "michael",
    "mick": "michael",
    "nick": "nicholas",
    "pat": "patrick",
    "peggy": "margaret",
    "maggie": "margaret",
    "meg": "margaret",
    "sam": "samuel",
    "steve": "steven",
    "stephen": "steven",
    "tom": "thomas",
    "tommy": "thomas",
    "tony": "anthony",
    "vicky": "victoria",
    "jen": "jennifer",
    "jenny": "jennifer",
    "sue": "susan",
    "suzy": "susan",
    "greg": "gregory",
    "jeff": "jeffrey",
    "josh": "joshua",
    "larry": "lawrence",
    "ron": "ronald",
    "tim": "timothy",
    "abby": "abigail",
    "gabe": "gabriel",
    "nate": "nathan",
    "ken": "kenneth",
    "rick": "richard",
    "dick": "richard",
    "rich": "richard",
    "fred": "frederick",
    "hank": "henry",
    "harry": "henry",
}

_HONORIFICS = frozenset({"mr", "mrs", "ms", "miss", "dr", "prof", "sir", "jr", "sr", "ii", "iii", "iv"})
_JOINERS = re.compile("[-'\u2019`.]")
_SEPARATORS = re.compile(r"[^a-z0-9]+")


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()


@lru_cache(maxsize=65536)
def name_tokens(name: str) -> tuple[str, ...]:
    """Lower-case ASCII tokens with honorifics removed and nicknames mapped to given names.

    Hyphens and apostrophes join ("Min-jun" → "minjun", "O'Neil" → "oneil") because romanisations
    and forms disagree on them far more often than on the letters themselves.
    """
    folded = _JOINERS.sub("", _fold(name))
    tokens = [t for t in _SEPARATORS.split(folded) if t and t not in _HONORIFICS]
    return tuple(NICKNAMES.get(t, t) for t in tokens)


def name_key(name: str) -> str:
    """Order-independent key: equal for "Kim, Min-jun" and "Minjun KIM"."""
    return " ".join(sorted(name_tokens(name)))


_SOUNDEX = {
    c: d
    for d, letters in {"1": "bfpv", "2": "cgjkqsxz", "3": "dt", "4": "l", "5": "mn", "6": "r"}.items()
    for c in letters
}


def _soundex(token: str) -> str:
    if not token:
        return ""
    head = token[0]
    codes = [_SOUNDEX.get(c, "") for c in token]
    out: list[str] = []
    previous = codes[0]
    for char, code in zip(token[1:], codes[1:], strict=True):
        if code and code != previous:
            out.append(code)
        if char not in "hw":
            previous = code
    return (head + "".join(out) + "000")[:4]


def phonetic_key(name: str) -> str:
    """Order-independent Soundex key: equal for common transliterations (Mohammed/Muhammad)."""
    return " ".join(sorted(_soundex(t) for t in name_tokens(name)))


def _token_matches(short: str, long: str) -> bool:
    if short == long:
        return True
    if len(short) == 1:
        return long.startswith(short)
    return _soundex(short) == _soundex(long) and short[0] == long[0]


def names_compatible(a: str, b: str) -> bool:
    """True when two written names can be the same person's.

    Accepts: equal keys; a missing middle name; initials for given names; transliteration variants
    with the same first letter and Soundex code. Rejects everything else, including two unrelated
    names that merely share a surname.
    """
    ta, tb = name_tokens(a), name_tokens(b)
    if not ta or not tb:
        return False
    if sorted(ta) == sorted(tb):
        return True
    short, long = (ta, tb) if len(ta) <= len(tb) else (tb, ta)
    remaining = list(long)
    full_matches = 0
    # Longest tokens first so that an initial cannot steal the token a full name needs.
    for token in sorted(short, key=len, reverse=True):
        match = next((cand for cand in remaining if _token_matches(token, cand)), None)
        if match is None:
            return False
        remaining.remove(match)
        full_matches += len(token) > 1
    # "J Smith" ~ "John Smith" is fine; "J K" ~ "John Kim" is too weak to call the same.
    return full_matches >= 1


def _similarity(a: str, b: str) -> float:
    # Jaro-Winkler suits one typo in a name; a token made by joining two ("fernandalima") would
    # let a shared first name dominate it, so joined tokens are compared by edit similarity.
    if " " in a or " " in b:
        return float(Indel.normalized_similarity(a.replace(" ", ""), b.replace(" ", "")))
    return float(JaroWinkler.normalized_similarity(a, b))


def _aligned(short: tuple[str, ...], long: tuple[str, ...], min_similarity: float) -> bool:
    remaining = list(long)
    full_matches = 0
    for token in sorted(short, key=len, reverse=True):
        if len(token) == 1:
            match = next((c for c in remaining if c.startswith(token)), None)
        else:
            scored = [(_similarity(token, c), c) for c in remaining if len(c) > 1]
            best = max(scored, default=(0.0, ""))
            match = best[1] if best[0] >= min_similarity else None
        if match is None:
            return False
        remaining.remove(match)
        full_matches += len(token) > 1
    return full_matches >= 1


def _joined_variants(tokens: tuple[str, ...]) -> list[tuple[str, ...]]:
    """The tokens as written, and with each pair of neighbours joined ("ja cob" → "ja cob" as one)."""
    variants = [tokens]
    variants += [(*tokens[:i], f"{tokens[i]} {tokens[i + 1]}", *tokens[i + 2 :]) for i in range(len(tokens) - 1)]
    return variants


def names_close(a: str, b: str, min_similarity: float = 0.85) -> bool:
    """True when two names differ only by typing: what :func:`names_compatible` misses.

    Every token of the shorter name must pair with its own token of the other name at Jaro-Winkler
    similarity ``min_similarity`` or more (an initial pairs with a token it starts with), with at
    least one full token; a token split in two ("Ja Cob") may be joined first. A *replaced* token
    ("Madeline Lowe" vs "Beau Lowe") never passes: that is another claimed identity.
    """
    ta, tb = name_tokens(a), name_tokens(b)
    if not ta or not tb:
        return False
    for va in _joined_variants(ta):
        for vb in _joined_variants(tb):
            short, long = (va, vb) if len(va) <= len(vb) else (vb, va)
            if _aligned(short, long, min_similarity):
                return True
    return False
