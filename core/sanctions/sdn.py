"""Loading the OFAC SDN list: join the four legacy CSV files, keep the DPRK-related entries.

**Joining files of different dates.** ``sdn.csv`` is the list; ``alt.csv`` (aliases), ``add.csv``
(addresses) and ``sdn_comments.csv`` (the rest of ``Remarks`` that OFAC cuts at 1,000 characters)
add to its entries by ``ent_num``. They may come from other snapshots than ``sdn.csv`` (the stored
copies here do), so the join is defined row by row:

- auxiliary folders are given in order of preference (the closest in date to ``sdn.csv`` first);
  files sitting next to ``sdn.csv`` come before all of them;
- a row whose ``ent_num`` is not in ``sdn.csv`` is ignored (a party listed later, or delisted
  earlier) and counted as ``ignored_unknown_entry``;
- an alias or address row whose key (``ent_num`` + ``alt_num``/``Add_num``) an earlier folder
  already gave is counted as ``superseded``; otherwise it is joined. Aliases and addresses of a
  party therefore are the union over the folders;
- an overflow row is appended only to a ``Remarks`` that was actually cut off (1,000 characters),
  from the first folder that has one; others are counted ``ignored_not_truncated``.

**Program filter.** An entry is kept when one of its programs is in ``programs`` (default: the
DPRK tags present in the file: DPRK, DPRK2, DPRK3, DPRK4, DPRK-NKSPEA) or its remarks contain one
of ``remarks_markers`` (default: "North Korea Sanctions Regulations", which brings in the DPRK
entries listed only under NPWMD, such as Korea Kwangson Banking Corp and Sim Hyon Sop). Both are
configurable; the :class:`LoadReport` says how many entries each kept.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from hiresentry.core.errors import InputError, RecordValidationError
from hiresentry.core.keys.names import name_key
from hiresentry.core.sanctions.csvfile import CsvFile, CsvRow, read_csv
from hiresentry.core.sanctions.model import (
    Alias,
    AliasType,
    EntryType,
    FileReport,
    LoadReport,
    SdnAddress,
    SdnEntry,
)
from hiresentry.core.sanctions.remarks import parse_remarks

DPRK_PROGRAMS: tuple[str, ...] = ("DPRK", "DPRK2", "DPRK3", "DPRK4", "DPRK-NKSPEA")
DPRK_REMARKS_MARKERS: tuple[str, ...] = ("North Korea Sanctions Regulations",)
REMARKS_CUT_AT = 1000
AUX_FILES = ("alt.csv", "add.csv", "sdn_comments.csv")
_TYPES: dict[str | None, EntryType] = {
    None: "entity",
    "individual": "individual",
    "vessel": "vessel",
    "aircraft": "aircraft",
}
_ALIAS_TYPES: dict[str, AliasType] = {"aka": "aka", "fka": "fka", "nka": "nka"}


@dataclass(frozen=True, eq=False)
class SdnList:
    """The kept entries and the report of how they were read (hashed by identity, for caches)."""

    entries: tuple[SdnEntry, ...]
    report: LoadReport


def split_programs(value: str | None) -> tuple[str, ...]:
    """``"DPRK3] [DPRK4"`` → ``("DPRK3", "DPRK4")``."""
    if not value:
        return ()
    return tuple(p.strip(" []") for p in value.split("] [") if p.strip(" []"))


def _number(row: CsvRow, column: int, path: Path, what: str) -> int:
    value = row.cells[column]
    if value is None or not value.isdigit():
        raise RecordValidationError(f"{path}:{row.line}", f"{what} {value!r} is not a number")
    return int(value)


class _Joiner:
    """Collects auxiliary rows per ent_num, counting what happens to each row."""

    def __init__(self, sdn_rows: dict[int, CsvRow]) -> None:
        self.sdn = sdn_rows
        self.aliases: dict[int, dict[int, Alias]] = {}
        self.addresses: dict[int, dict[int, SdnAddress]] = {}
        self.overflow: dict[int, str] = {}
        self.reports: list[FileReport] = []

    def add_file(self, kind: str, data: CsvFile) -> None:
        joined = unknown = superseded = not_cut = 0
        for row in data.rows:
            ent = row.ent_num
            if ent not in self.sdn:
                unknown += 1
                continue
            if kind == "sdn_comments.csv":
                if ent in self.overflow:
                    superseded += 1
                elif len(self.sdn[ent].raw[11]) < REMARKS_CUT_AT:
                    not_cut += 1
                else:
                    self.overflow[ent] = row.raw[1]
                    joined += 1
                continue
            key = _number(row, 1, data.path, "alt_num" if kind == "alt.csv" else "Add_num")
            target: dict[int, Alias] | dict[int, SdnAddress]
            target = self.aliases.setdefault(ent, {}) if kind == "alt.csv" else self.addresses.setdefault(ent, {})
            if key in target:
                superseded += 1
                continue
            if kind == "alt.csv":
                self.aliases[ent][key] = self._alias(row, key, data.path)
            else:
                self.addresses[ent][key] = SdnAddress(
                    add_num=key, address=row.cells[2], city=row.cells[3], country=row.cells[4], remarks=row.cells[5]
                )
            joined += 1
        self.reports.append(
            FileReport(
                file=_label(data.path),
                sha256=data.sha256,
                rows=len(data.rows),
                joined=joined,
                ignored_unknown_entry=unknown,
                superseded=superseded,
                ignored_not_truncated=not_cut,
            )
        )

    @staticmethod
    def _alias(row: CsvRow, alt_num: int, path: Path) -> Alias:
        alias_type = _ALIAS_TYPES.get((row.cells[2] or "").lower())
        if alias_type is None:
            raise RecordValidationError(f"{path}:{row.line}", f"alt_type {row.cells[2]!r} is not aka, fka or nka")
        if not row.cells[3]:
            raise RecordValidationError(f"{path}:{row.line}", "alt_name is empty")
        return Alias(name=row.cells[3], type=alias_type, strength="strong", alt_num=alt_num)


def _label(path: Path) -> str:
    """``<folder>/<file>``: enough to say which snapshot a count is about, without local paths."""
    return f"{path.parent.name}/{path.name}"


def with_remarks(entry: SdnEntry) -> SdnEntry:
    """``entry`` with its identifiers and weak aliases parsed from its ``Remarks``.

    Weak aliases equal (after normalisation) to the name or a strong alias are left out.
    """
    parsed = parse_remarks(entry.remarks)
    strong = [a for a in entry.aliases if a.strength == "strong"]
    seen = {name_key(entry.name)} | {name_key(a.name) for a in strong}
    weak: list[Alias] = []
    for alias in parsed.aliases:
        if name_key(alias.name) not in seen:
            seen.add(name_key(alias.name))
            weak.append(alias)
    return entry.model_copy(update={"aliases": (*strong, *weak), "identifiers": parsed.identifiers})


def _entry(row: CsvRow, path: Path, joiner: _Joiner, remarks: str | None) -> SdnEntry:
    ent = row.ent_num
    if row.cells[1] is None:
        raise RecordValidationError(f"{path}:{row.line}", "SDN_Name is empty")
    kind = _TYPES.get(row.cells[2])
    if kind is None:
        raise RecordValidationError(f"{path}:{row.line}", f"SDN_Type {row.cells[2]!r} is not known")
    aliases = joiner.aliases.get(ent, {})
    addresses = joiner.addresses.get(ent, {})
    entry = SdnEntry(
        ent_num=ent,
        name=row.cells[1],
        type=kind,
        programs=split_programs(row.cells[3]),
        title=row.cells[4],
        call_sign=row.cells[5],
        vessel_type=row.cells[6],
        tonnage=row.cells[7],
        grt=row.cells[8],
        vessel_flag=row.cells[9],
        vessel_owner=row.cells[10],
        remarks=remarks,
        aliases=tuple(aliases[k] for k in sorted(aliases)),
        addresses=tuple(addresses[k] for k in sorted(addresses)),
    )
    return with_remarks(entry)


def aux_folders(sdn_csv: Path, aux_dirs: Iterable[Path]) -> list[Path]:
    """The auxiliary folders in order of preference: next to ``sdn.csv`` first, then as given."""
    folders: list[Path] = []
    for folder in (sdn_csv.parent, *aux_dirs):
        if folder.resolve() not in [f.resolve() for f in folders]:
            folders.append(folder)
    return folders


def load_sdn(
    sdn_csv: Path,
    aux_dirs: Sequence[Path] = (),
    programs: Sequence[str] = DPRK_PROGRAMS,
    remarks_markers: Sequence[str] = DPRK_REMARKS_MARKERS,
) -> SdnList:
    """Parse ``sdn_csv`` with the auxiliary files of ``aux_dirs`` and keep the filtered entries."""
    sdn = read_csv(sdn_csv, "sdn.csv")
    rows: dict[int, CsvRow] = {}
    for row in sdn.rows:
        if row.ent_num in rows:
            raise RecordValidationError(f"{sdn_csv}:{row.line}", f"ent_num {row.ent_num} appears twice")
        rows[row.ent_num] = row
    joiner = _Joiner(rows)
    for folder in aux_folders(sdn_csv, aux_dirs):
        if folder != sdn_csv.parent and not folder.is_dir():
            raise InputError(f"{folder}: the auxiliary SDN folder does not exist")
        for name in AUX_FILES:
            if (folder / name).is_file():
                joiner.add_file(name, read_csv(folder / name, name))
    wanted = frozenset(programs)
    entries: list[SdnEntry] = []
    by_program: dict[str, int] = {}
    by_marker = 0
    for ent, row in rows.items():
        remarks_raw = row.raw[11] + joiner.overflow.get(ent, "")
        remarks = None if row.cells[11] is None and ent not in joiner.overflow else remarks_raw.strip()
        matched = [p for p in split_programs(row.cells[3]) if p in wanted]
        marked = bool(remarks) and any(m in (remarks or "") for m in remarks_markers)
        if not matched and not marked:
            continue
        for program in matched:
            by_program[program] = by_program.get(program, 0) + 1
        by_marker += not matched
        entries.append(_entry(row, sdn_csv, joiner, remarks))
    report = LoadReport(
        sdn_file=FileReport(file=_label(sdn_csv), sha256=sdn.sha256, rows=len(sdn.rows), joined=len(rows)),
        aux_files=tuple(joiner.reports),
        entries_read=len(rows),
        entries_kept=len(entries),
        programs=tuple(programs),
        remarks_markers=tuple(remarks_markers),
        kept_by_program=dict(sorted(by_program.items())),
        kept_by_marker_only=by_marker,
        remarks_completed=len(joiner.overflow),
    )
    return SdnList(tuple(entries), report)
