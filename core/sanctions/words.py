"""Word lists written as text: ``words("a b c")`` is ``frozenset({"a", "b", "c"})``."""

from __future__ import annotations


def words(text: str) -> frozenset[str]:
    """The whitespace-separated words of ``text`` as a set (long vocabularies stay readable)."""
    return frozenset(text.split())
