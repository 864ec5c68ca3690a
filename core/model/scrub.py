"""Scrub raw vendor payloads before they are kept as ``remote_data``.

Vendors return far more than hiresentry needs, including the very identifiers the store must only
keep as keyed hashes. Keeping the payload helps an investigator ("what did Deel actually say?"), so
it is kept, with every field whose *name* says it is a secret or a sensitive identifier replaced.
"""

from __future__ import annotations

import re
from typing import Any

REDACTED = "[redacted]"

_SENSITIVE = re.compile(
    r"(account_?number|acct|iban|routing|sort_?code|swift|bic|bsb|clabe|ssn|social_?security|tax_?id|"
    r"\btin\b|national_?id|passport|document_?number|phone|mobile|e_?mail|birth|dob|password|secret|token|"
    r"api_?key|signing_?key|private)",
    re.IGNORECASE,
)


def scrub(payload: Any) -> Any:
    """A copy of ``payload`` with sensitive-named fields replaced by ``"[redacted]"``."""
    if isinstance(payload, dict):
        return {
            key: (REDACTED if _SENSITIVE.search(str(key)) and value not in (None, "", [], {}) else scrub(value))
            for key, value in payload.items()
        }
    if isinstance(payload, list):
        return [scrub(item) for item in payload]
    return payload
