"""Recall on the shipped list: every DPRK-program entry is found from a damaged query and by each alias.

For each entry of the bundled extract, a deterministic perturbation of its name - the middle
character of its longest word dropped, the words in reverse order, the case swapped - must find the
entry at the default threshold, among the parties of its own type. Each alias as written must find
it too (strong and weak aliases alike).
"""

from __future__ import annotations

from hiresentry.core.sanctions import DEFAULT_THRESHOLD, SdnList
from hiresentry.core.sanctions.index import ListIndex


def perturb(name: str) -> str:
    """``KIM, Sang Man`` → ``mAN sAG kim``: one character dropped, order reversed, case swapped."""
    words = name.replace(",", " ").split()
    longest = max(range(len(words)), key=lambda i: (len(words[i]), -i))
    word = words[longest]
    middle = len(word) // 2
    words[longest] = word[:middle] + word[middle + 1 :]
    return " ".join(reversed(words)).swapcase()


def test_perturbation_is_what_it_says() -> None:
    assert perturb("KIM, Sang Man") == "mAN sAG kim"
    assert perturb("YANBIAN SILVERSTAR NETWORK TECHNOLOGY CO., LTD.") == "ltd. co. technology network silvestar yanbian"


def test_every_entry_is_found_from_a_damaged_name(bundled: SdnList, index: ListIndex) -> None:
    missed = []
    for owner, entry in enumerate(bundled.entries):
        query = perturb(entry.name)
        if owner not in {m.owner for m in index.names.search(query, DEFAULT_THRESHOLD, {entry.type})}:
            missed.append(f"{entry.ent_num} {entry.name!r} as {query!r}")
    assert not missed, f"{len(missed)} of {len(bundled.entries)} entries missed: {missed[:10]}"
    assert len(bundled.entries) == 593


def test_every_entry_is_found_by_each_alias(bundled: SdnList, index: ListIndex) -> None:
    missed = []
    aliases = 0
    for owner, entry in enumerate(bundled.entries):
        for alias in entry.aliases:
            aliases += 1
            if owner not in {m.owner for m in index.names.search(alias.name, DEFAULT_THRESHOLD)}:
                missed.append(f"{entry.ent_num} by {alias.name!r}")
    assert not missed, missed[:10]
    assert aliases > 500
