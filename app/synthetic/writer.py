"""Export writer: one file per (source, record kind), in the format the export connector reads.

Column sets come from the canonical models themselves (every field except ``source``, which the
connector instance supplies, and ``remote_data``, which the connector fills with the raw line), so the
files cannot drift from ``core.model``. Records are plain dicts serialised with the C JSON encoder and
written in large chunks: building a pydantic model per record would cost more than the whole rest of
the generation (DESIGN §9), and the tests validate a sample of every file against the models instead.

``hr/workers`` is written as CSV to exercise that path: nested ``Address`` fields become dotted columns
(``home_address.city``), list fields one ``|``-separated cell, ``None`` an empty cell, booleans
``true``/``false``.
"""

from __future__ import annotations

import csv
import json
import types
import typing
from pathlib import Path
from typing import IO, Any

from hiresentry.core.model import KIND_MODELS, Address, RecordKind

SOURCE_KINDS: dict[str, tuple[RecordKind, ...]] = {
    "hr": ("workers", "engagements", "devices", "hiring_signals"),
    "payroll": ("workers", "engagements", "payout_accounts", "payments"),
    "idp": ("workers", "access_events", "devices"),
}
CSV_FILES: frozenset[tuple[str, RecordKind]] = frozenset({("hr", "workers")})
_NOT_EXPORTED = frozenset({"source", "remote_data"})
_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))
_CHUNK = 8192


def _is_address(annotation: Any) -> bool:
    return annotation is Address or (isinstance(annotation, types.UnionType) and Address in typing.get_args(annotation))


def columns(kind: RecordKind) -> dict[str, Any]:
    """Exported field names of ``kind`` in model order, each with the value written when not set."""
    out: dict[str, Any] = {}
    for name, field in KIND_MODELS[kind].model_fields.items():
        if name not in _NOT_EXPORTED:
            out[name] = field.get_default(call_default_factory=True)
    return out


def csv_header(kind: RecordKind) -> list[str]:
    """CSV header of ``kind``: field names, with ``Address`` fields expanded to dotted columns."""
    header: list[str] = []
    model_fields = KIND_MODELS[kind].model_fields
    for name in columns(kind):
        if _is_address(model_fields[name].annotation):
            header.extend(f"{name}.{part}" for part in Address.model_fields)
        else:
            header.append(name)
    return header


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, list):
        return "|".join(value)
    return str(value)


class _File:
    """One output file: a header-complete template per line and a buffer of encoded lines."""

    def __init__(self, path: Path, kind: RecordKind, as_csv: bool) -> None:
        self.handle: IO[str] = path.open("w", encoding="utf-8", newline="")
        self.template = columns(kind)
        self.buffer: list[str] = []
        self.count = 0
        self.csv: Any = None
        if as_csv:
            self.csv = csv.writer(self.handle, lineterminator="\n")
            self.csv.writerow(csv_header(kind))
            fields = KIND_MODELS[kind].model_fields
            self.address_fields = {n for n in self.template if _is_address(fields[n].annotation)}
            self.address_parts = tuple(Address.model_fields)
            self.rows: list[list[str]] = []

    def add(self, record: dict[str, Any]) -> None:
        full = self.template.copy()
        full.update(record)
        self.count += 1
        if self.csv is not None:
            row: list[str] = []
            for name, value in full.items():
                if name in self.address_fields:
                    row.extend(_cell((value or {}).get(part)) for part in self.address_parts)
                else:
                    row.append(_cell(value))
            self.rows.append(row)
            if len(self.rows) >= _CHUNK:
                self.flush()
            return
        self.buffer.append(_ENCODER.encode(full))
        if len(self.buffer) >= _CHUNK:
            self.flush()

    def flush(self) -> None:
        if self.csv is not None:
            self.csv.writerows(self.rows)
            self.rows.clear()
        elif self.buffer:
            self.handle.write("\n".join(self.buffer))
            self.handle.write("\n")
            self.buffer.clear()

    def close(self) -> None:
        self.flush()
        self.handle.close()


class ExportWriter:
    """Writes ``out_dir/<source>/<kind>.jsonl`` (or ``.csv``) for every kind a source exports."""

    def __init__(self, out_dir: Path) -> None:
        self._files: dict[tuple[str, str], _File] = {}
        for source, kinds in SOURCE_KINDS.items():
            folder = out_dir / source
            folder.mkdir(parents=True, exist_ok=True)
            for kind in kinds:
                as_csv = (source, kind) in CSV_FILES
                path = folder / f"{kind}.{'csv' if as_csv else 'jsonl'}"
                self._files[(source, kind)] = _File(path, kind, as_csv)

    def add(self, source: str, kind: RecordKind, record: dict[str, Any]) -> None:
        """Queue one record; fields it does not set are written with the model's default."""
        self._files[(source, kind)].add(record)

    def counts(self) -> dict[str, dict[str, int]]:
        """Records written so far, per source and kind."""
        out: dict[str, dict[str, int]] = {}
        for (source, kind), file in self._files.items():
            out.setdefault(source, {})[kind] = file.count
        return out

    def close(self) -> None:
        """Flush and close every file."""
        for file in self._files.values():
            file.close()
