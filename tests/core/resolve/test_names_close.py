"""``names_close``: typing differences are close, replaced names are not (pure function)."""

from __future__ import annotations

import pytest

from hiresentry.core.keys.names import names_close, names_compatible


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Kylie Stanley", "Kyqie Stanleu"),  # a typo in each token
        ("Jacob Green", "Ja Cob Green"),  # a token split in two
        ("Reegan Sporn", "Sporn Reeg An"),  # split and reordered
        ("Katherine Novak", "Nowak, Katherine"),
        ("J. Okafor", "Jude Okafor"),  # an initial
        ("Elton", "Elton Smith"),  # a missing name part
    ],
)
def test_typing_differences_are_close(a: str, b: str) -> None:
    assert names_close(a, b)
    assert names_close(b, a)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Madeline Lowe", "Beau Lowe"),  # another given name: another claimed identity
        ("Fernanda Lima", "Fernanda Rodrigues"),  # joining tokens must not make a shared first name win
        ("Susan Turner", "Susan Taylor"),
        ("Ethan Brooks", "Ryan Cole"),
        ("J K", "John Kim"),  # initials only
        ("-", "John Kim"),  # no tokens
    ],
)
def test_replaced_or_unrelated_names_are_not_close(a: str, b: str) -> None:
    assert not names_close(a, b)
    assert not names_close(b, a)


def test_existing_compatibility_is_unchanged() -> None:
    assert names_compatible("SMITH, WILLIAM J", "Bill Smith")
    assert not names_compatible("Kim Min-jun", "Jonathan Reyes")
