"""The name index: block on tokens and their one-deletion neighbours, then score few candidates.

Every listed name (primary names and aliases) is indexed under each of its forms
(:func:`.translit.name_forms`). Each token of a form is posted under itself and every string one
deletion away; a query token looks up itself and its own one-deletion strings (the "symmetric
delete" trick): tokens one letter apart share a key, so a query misspelt by one letter still finds
its candidates by lookup, not by comparing against the whole list.

A candidate must share a key with at least ``min(2, tokens)`` of the query's tokens. Only those are
scored (rapidfuzz's Levenshtein and Indel ratio, in C):

- **token sort** when every token of one name aligns one-to-one with a token of the other within
  the tolerance of :func:`close`, at most one edit in all (two for names of 16 letters or more).
  The score is ``fuzz.ratio`` over the tokens written in aligned order. For individuals the token
  counts must be equal, except that a listed patronymic may be missing (``Vitaliy Andreyev`` ~
  ``ANDREYEV, Vitaliy Sergeyevich``); so ``Kim Sang`` never matches ``KIM, Sang Man``.
- **token set** for entities, vessels and aircraft: all tokens of the shorter name (two at least,
  one of them not a generic business word) align into the longer, exactly for two-token names;
  when the query is the shorter, the listed words it leaves out must be generic:
  ``Yanbian Silverstar`` ~ ``YANBIAN SILVERSTAR NETWORK TECHNOLOGY CO., LTD.``, but
  ``Korea Trading`` ~ nothing and ``Shenyang Technology`` !~ ``SHENYANG TONYWANG TECHNOLOGY``.
  The score is ``fuzz.ratio`` over the aligned tokens (100 for an exact part).
- **weak aliases** (OFAC's low-quality a.k.a.s) match only when equal after normalisation.

The best score per listed party is returned when it reaches the threshold.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Literal

from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

from hiresentry.core.sanctions.model import EntryType
from hiresentry.core.sanctions.translit import NameForm, distinctive, is_patronymic, name_forms, sort_key

Method = Literal["exact", "token_sort", "token_set", "weak_exact"]
SUBSTITUTION_MIN_LENGTH = 7
QUERY_EXTRA_LETTER_MIN = 4
SHORT_SYLLABLE = 3
LONG_NAME_LETTERS = 16
TOKEN_CACHE_SIZE = 200_000


@dataclass(frozen=True)
class ListedName:
    """One name of a listed party: whose (``owner``), as written, and how much to trust it."""

    owner: int
    text: str
    party_type: EntryType
    alias_type: str | None = None
    weak: bool = False


@dataclass(frozen=True)
class NameMatch:
    """The best match of a query against one listed party."""

    owner: int
    name: ListedName
    score: float
    method: Method


@dataclass(frozen=True)
class _Form:
    name: int
    party_type: EntryType
    tokens: tuple[str, ...]
    key: str
    joined: bool
    strict: bool


def _keys(token: str, listed: bool) -> set[str]:
    """Blocking keys: the token and its one-deletion neighbours.

    Listed tokens post their deletions from two letters up (``JH`` under ``J``); a query looks up
    its deletions from three letters up, so a one- or two-letter query token never fans out to
    every listed token that contains one of its letters.
    """
    keys = {token}
    if len(token) >= (2 if listed else 3):
        keys.update(token[:i] + token[i + 1 :] for i in range(len(token)))
    return keys


def close(query: str, listed: str, whole_words: bool) -> int | None:
    """1 when a query token is within tolerance of a listed token, 0 when equal, else ``None``.

    Words must start with the same letter (as Soundex and Jaro-Winkler assume: people rarely get a
    name's first letter wrong, and a different initial consonant is another syllable,
    ``Myong``/``Yong``); numbers (vessel and aircraft names) need not. Then the query may *lack*
    one letter of a listed token (``Chl`` for ``Chol``, ``J`` for ``JH``), in a three-letter
    syllable only the middle one (``Sok``/``So``, ``Jin``/``Ji`` are other syllables). It may have
    one letter *more* only than a listed token of four letters or more written as one word: a short
    syllable plus a letter is usually another syllable (``Yon``/``Yong``, ``In``/``Min``), and so is
    a letter more inside joined syllables (``Hyonjun`` is not ``Yonjun``). A *changed* letter is
    tolerated only in words of seven letters or more (``Xiaohong``/``Xiaohung``); the common
    spelling pairs of short syllables are merged by the transliteration table instead.
    """
    if query == listed:
        return 0
    if not query or (query[0] != listed[0] and listed.isalpha()):
        return None
    difference = len(query) - len(listed)
    if difference == -1:
        allowed = len(listed) != SHORT_SYLLABLE or query == listed[0] + listed[2]
    elif difference == 1:
        allowed = whole_words and len(listed) >= QUERY_EXTRA_LETTER_MIN
    else:
        allowed = difference == 0 and whole_words and len(query) >= SUBSTITUTION_MIN_LENGTH
    if not allowed:
        return None
    return 1 if Levenshtein.distance(query, listed, score_cutoff=1) <= 1 else None


def align(
    query: tuple[str, ...], listed: tuple[str, ...], strict: bool, whole_words: bool, query_is_short: bool = True
) -> tuple[list[tuple[str, str]], list[str], int] | None:
    """Greedy one-to-one alignment of every token of the shorter name into the longer one.

    The shorter is ``query`` when ``query_is_short``, else ``listed``. Returns the aligned
    ``(query token, listed token)`` pairs in sorted order, the unused tokens of the longer name and
    the number of edits; ``None`` when a token finds no partner (with ``strict``, no equal one).
    """
    short, long = (query, listed) if query_is_short else (listed, query)
    remaining = list(long)
    pairs: list[tuple[str, str]] = []
    edits = 0
    for token in sorted(short, key=len, reverse=True):
        best: tuple[int, int] | None = None
        for position, candidate in enumerate(remaining):
            q, t = (token, candidate) if query_is_short else (candidate, token)
            distance = (0 if q == t else None) if strict else close(q, t, whole_words)
            if distance is not None and (best is None or distance < best[0]):
                best = (distance, position)
                if distance == 0:
                    break
        if best is None:
            return None
        edits += best[0]
        partner = remaining.pop(best[1])
        pairs.append((token, partner) if query_is_short else (partner, token))
    return sorted(pairs), remaining, edits


def edit_budget(pairs: list[tuple[str, str]]) -> int:
    """Edits tolerated over a whole name: one, or two for names of 16 letters and more."""
    return 1 if sum(len(b) for _, b in pairs) < LONG_NAME_LETTERS else 2


def _aligned_ratio(pairs: list[tuple[str, str]]) -> float:
    """``fuzz.ratio`` of the two sides written in the same (aligned) token order.

    Sorting each side on its own would move a misspelt token (``chng`` before ``chol``, but
    ``chong`` after it) and punish one edit several times over.
    """
    return float(fuzz.ratio(" ".join(a for a, _ in pairs), " ".join(b for _, b in pairs)))


class NameIndex:
    """Names of listed parties, blocked for lookup; :meth:`search` scores a query's candidates."""

    def __init__(self, names: Sequence[ListedName]) -> None:
        self.names = list(names)
        self._forms: list[_Form] = []
        self._postings: dict[EntryType, dict[str, list[int]]] = {}
        self._weak: dict[str, list[int]] = {}
        self._token_cache: dict[tuple[str, frozenset[EntryType] | None], frozenset[int]] = {}
        for number, name in enumerate(self.names):
            for named in name_forms(name.text, listed_individual=name.party_type == "individual"):
                tokens = named.tokens
                if name.weak:
                    self._weak.setdefault(sort_key(tokens), []).append(number)
                    continue
                form_id = len(self._forms)
                self._forms.append(_Form(number, name.party_type, tokens, sort_key(tokens), named.joined, named.strict))
                for key in {k for t in tokens for k in _keys(t, listed=True)}:
                    self._postings.setdefault(name.party_type, {}).setdefault(key, []).append(form_id)
        self._single = frozenset(i for i, form in enumerate(self._forms) if len(form.tokens) == 1)

    def _token_hits(self, token: str, types: frozenset[EntryType] | None) -> frozenset[int]:
        """Forms with a token within one deletion of ``token`` (cached: populations repeat tokens)."""
        cache_key = (token, types)
        found = self._token_cache.get(cache_key)
        if found is None:
            postings = [p for t, p in self._postings.items() if types is None or t in types]
            keys = _keys(token, listed=False)
            found = frozenset().union(*(p.get(k, ()) for p in postings for k in keys))
            if len(self._token_cache) < TOKEN_CACHE_SIZE:
                self._token_cache[cache_key] = found
        return found

    def _candidates(self, tokens: tuple[str, ...], types: frozenset[EntryType] | None) -> list[_Form]:
        """Forms sharing a key with ``min(2, tokens)`` of the query's tokens (one for one-token forms).

        Set intersections of the per-token hits (in C), not a count per form in Python.
        """
        hits = [self._token_hits(t, types) for t in dict.fromkeys(tokens)]
        if len(hits) == 1:
            chosen: set[int] | frozenset[int] = hits[0]
        else:
            chosen = set().union(*(a & b for i, a in enumerate(hits) for b in hits[i + 1 :]))
            chosen |= self._single.intersection(frozenset().union(*hits))
        forms = self._forms
        return [forms[f] for f in chosen]

    def _score(self, query: NameForm, query_key: str, form: _Form) -> tuple[float, Method] | None:
        if query_key == form.key:
            return 100.0, "exact"
        strict = query.strict or form.strict
        whole_words = not (query.joined or form.joined)
        q, target = query.tokens, form.tokens
        if form.party_type == "individual":
            if len(target) not in (len(q), len(q) + 1):
                return None
            aligned = align(q, target, strict, whole_words)
            if aligned is None:
                return None
            pairs, unused, edits = aligned
            if unused and (len(q) < 2 or not is_patronymic(unused[0])):
                return None
            if edits > edit_budget(pairs):
                return None
            return _aligned_ratio(pairs), "token_sort"
        if len(q) == len(target):
            aligned = align(q, target, strict, whole_words)
            if aligned is not None and aligned[2] <= edit_budget(aligned[0]):
                return _aligned_ratio(aligned[0]), "token_sort"
        # Part of a company name: every token of the shorter name in the longer one (exactly when
        # the shorter has two tokens, one edit allowed from three), not only generic business words;
        # and when the query is the shorter, the listed words it leaves out must all be generic
        # ("Yanbian Silverstar" for "YANBIAN SILVERSTAR NETWORK TECHNOLOGY", not "Shenyang
        # Technology" for "SHENYANG TONYWANG TECHNOLOGY").
        query_is_short = len(q) <= len(target)
        short = q if query_is_short else target
        if len(short) < 2 or not [t for t in distinctive(short) if len(t) >= 3]:
            return None
        aligned = align(q, target, strict or len(short) == 2, whole_words, query_is_short)
        if aligned is None or aligned[2] > 1:
            return None
        if query_is_short and distinctive(tuple(aligned[1])):
            return None
        return _aligned_ratio(aligned[0]), "token_set"

    def search(self, query: str, threshold: float, types: Collection[EntryType] | None = None) -> list[NameMatch]:
        """The best match per listed party scoring at least ``threshold``, best first."""
        allowed = frozenset(types) if types is not None else None
        best: dict[int, NameMatch] = {}

        def offer(number: int, score: float, method: Method) -> None:
            name = self.names[number]
            if allowed is not None and name.party_type not in allowed:
                return
            current = best.get(name.owner)
            if current is None or score > current.score:
                best[name.owner] = NameMatch(name.owner, name, score, method)

        for named in name_forms(query):
            key = sort_key(named.tokens)
            for number in self._weak.get(key, ()):
                offer(number, 100.0, "weak_exact")
            for form in self._candidates(named.tokens, allowed):
                scored = self._score(named, key, form)
                if scored is not None and scored[0] >= threshold:
                    offer(form.name, *scored)
        return sorted(best.values(), key=lambda m: (-m.score, m.owner))
