"""Reading one OFAC legacy CSV file strictly.

The format (OFAC's "legacy" SDN CSV, as published and as stored in ``../shared/data/ofac``): no
header row; comma-separated with ``"`` quoting; CRLF line ends; ASCII (read as UTF-8, of which it
is a subset); a trailing Ctrl-Z (0x1A) byte; ``-0-`` (usually followed by a space) as the null
value. Column counts per file:

=====================  ====  ==========================================================================
file                   cols  columns
=====================  ====  ==========================================================================
``sdn.csv``            12    ent_num, SDN_Name, SDN_Type, Program, Title, Call_Sign, Vess_type, Tonnage,
                             GRT, Vess_flag, Vess_owner, Remarks
``add.csv``            6     ent_num, Add_num, Address, City/State/Province/Postal Code, Country, Add_remarks
``alt.csv``            5     ent_num, alt_num, alt_type, alt_name, alt_remarks
``sdn_comments.csv``   2     ent_num, Remarks_Extended
=====================  ====  ==========================================================================

A file that cannot be decoded, is not CSV, or has a row with the wrong number of columns or a
non-numeric ``ent_num`` is refused as a whole with an error naming the file and line: a sanctions
list read half-way would screen silently against less than it claims.
"""

from __future__ import annotations

import csv
import hashlib
import io
from dataclasses import dataclass
from pathlib import Path

from hiresentry.core.errors import InputError, RecordValidationError

NULL = "-0-"
CTRL_Z = "\x1a"
COLUMNS: dict[str, int] = {"sdn.csv": 12, "add.csv": 6, "alt.csv": 5, "sdn_comments.csv": 2}


@dataclass(frozen=True)
class CsvRow:
    """One row: its physical line number (for error messages), its cells (nulls as ``None``) and
    the untrimmed text (a cut-off ``Remarks`` may end in the space its overflow continues after)."""

    line: int
    cells: tuple[str | None, ...]
    raw: tuple[str, ...]

    @property
    def ent_num(self) -> int:
        """The first column as an integer (checked when the file is read)."""
        return int(self.cells[0] or 0)


@dataclass(frozen=True)
class CsvFile:
    """A whole file: where it came from, its SHA-256 and its rows."""

    path: Path
    sha256: str
    rows: tuple[CsvRow, ...]


def cell(value: str) -> str | None:
    """Trimmed cell text; ``None`` for the null token and for empty cells."""
    text = value.strip()
    return None if text in ("", NULL) else text


def read_csv(path: Path, kind: str) -> CsvFile:
    """Read and check ``path`` as the OFAC file ``kind`` (a key of :data:`COLUMNS`)."""
    columns = COLUMNS[kind]
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot read the {kind} file ({exc.strerror or exc})") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise RecordValidationError(f"{path}:{line}", f"not UTF-8/ASCII text (byte {exc.start})") from None
    text = text.rstrip(CTRL_Z)
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise RecordValidationError(f"{path}:{line}", "contains a NUL byte; not an OFAC CSV file")
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    rows: list[CsvRow] = []
    try:
        for values in reader:
            line = reader.line_num
            if len(values) != columns:
                raise RecordValidationError(
                    f"{path}:{line}", f"{len(values)} columns, a {kind} row has {columns} (is this the right file?)"
                )
            cells = tuple(cell(v) for v in values)
            if cells[0] is None or not cells[0].isdigit():
                raise RecordValidationError(f"{path}:{line}", f"ent_num {values[0]!r} is not a number")
            rows.append(CsvRow(line, cells, tuple(values)))
    except csv.Error as exc:
        raise RecordValidationError(f"{path}:{reader.line_num}", f"not valid CSV ({exc})") from None
    if not rows and kind == "sdn.csv":
        raise InputError(f"{path}: the {kind} file has no rows (an empty download?)")
    return CsvFile(path, hashlib.sha256(raw).hexdigest(), tuple(rows))
