"""Reading export files line by line into plain dicts, with the line number of each.

JSON Lines is read as is. CSV follows documented conventions (docs/export-format.md): dotted
column names build nested objects (``home_address.city``), list fields hold ``|``-separated values,
and an empty cell means "not given". Parsing problems are returned per line, never raised, so one
bad line cannot stop the rest of a file from loading.
"""

from __future__ import annotations

import csv
import json
import typing
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hiresentry.core.model import Record

LIST_SEPARATOR = "|"


@dataclass(frozen=True)
class Line:
    """One data line: its 1-based line number and either the parsed object or why it failed."""

    number: int
    data: dict[str, Any] | None
    error: str | None = None


def _list_fields(model: type[Record]) -> frozenset[str]:
    names = set()
    for name, info in model.model_fields.items():
        if typing.get_origin(info.annotation) is list:
            names.add(name)
    return frozenset(names)


def read_jsonl(path: Path) -> Iterator[Line]:
    """Objects of a JSON Lines file; blank lines are skipped."""
    with path.open("r", encoding="utf-8") as handle:
        for number, raw in enumerate(handle, start=1):
            text = raw.strip()
            if not text:
                continue
            try:
                data = json.loads(text)
            except json.JSONDecodeError as exc:
                yield Line(number, None, f"not valid JSON ({exc.msg} at column {exc.colno})")
                continue
            if not isinstance(data, dict):
                yield Line(number, None, f"expected a JSON object, got {type(data).__name__}")
                continue
            yield Line(number, data)


def _nest(row: dict[str, str], list_fields: frozenset[str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for column, cell in row.items():
        if column is None:
            raise ValueError("more cells than header columns")
        if cell is None or cell == "":
            continue
        head, _, tail = column.partition(".")
        value: Any = cell.split(LIST_SEPARATOR) if head in list_fields and not tail else cell
        if tail:
            out.setdefault(head, {})[tail] = value
        else:
            out[head] = value
    return out


def read_csv(path: Path, model: type[Record]) -> Iterator[Line]:
    """Objects of a CSV file with a header row; line numbers count the header as line 1."""
    list_fields = _list_fields(model)
    with path.open("r", encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        for row in reader:
            number = reader.line_num
            try:
                yield Line(number, _nest(row, list_fields))
            except ValueError as exc:
                yield Line(number, None, str(exc))
