"""Durations as playbooks and the config write them: ``14d``, ``12h``, ``30m``, ``45s``."""

from __future__ import annotations

import datetime as dt
import re

_DURATION = re.compile(r"^(\d+)([dhms])$")
_UNITS = {"d": "days", "h": "hours", "m": "minutes", "s": "seconds"}


def parse_duration(text: str) -> dt.timedelta:
    """``14d`` / ``12h`` / ``30m`` / ``45s`` → timedelta (a bare number is refused: units matter)."""
    match = _DURATION.match(str(text).strip())
    if not match:
        raise ValueError(f"duration {text!r} must look like 14d, 12h, 30m or 45s")
    return dt.timedelta(**{_UNITS[match.group(2)]: int(match.group(1))})
