"""Masked forms of identifiers for humans: enough to tell two apart, not enough to misuse.

Explanations in tickets and Slack messages show these instead of the raw values, so an analyst can
see *that* two workers share an account ending 4321 without the account number travelling into
Jira's database.
"""

from __future__ import annotations

from hiresentry.core.model import Address

DOT = "•"


def email(normalised: str) -> str:
    """``j•••@example.com``: first letter of the mailbox, full provider."""
    local, _, domain = normalised.partition("@")
    return f"{local[:1]}{DOT * 3}@{domain}"


def phone(e164: str) -> str:
    """``+1•••••••0123``: calling code region and last four digits."""
    digits = e164.lstrip("+")
    head = "+" + digits[:1] if len(digits) > 8 else "+"
    return f"{head}{DOT * 7}{digits[-4:]}"


def tail(value: str, keep: int = 4) -> str:
    """``••••4321``: the last ``keep`` characters of an account, serial or wallet."""
    return f"{DOT * 4}{value[-keep:]}"


def iban(compact: str) -> str:
    """``DE••••••3000``: country and last four characters."""
    return f"{compact[:2]}{DOT * 6}{compact[-4:]}"


def address(value: Address) -> str:
    """``••• Springfield, IL, US``: street hidden, locality kept (it is what an analyst compares)."""
    locality = ", ".join(p for p in (value.city, value.region, value.country) if p)
    if not locality and value.line1:
        # free-text address: keep the trailing locality words only
        parts = [p.strip() for p in value.line1.split(",") if p.strip()]
        locality = ", ".join(parts[1:]) if len(parts) > 1 else ""
    return f"{DOT * 3} {locality}".strip()


def ip(prefix: str) -> str:
    """An egress network is already coarse (/24); show it as is."""
    return prefix
