"""Where the screened list comes from: the bundled DPRK extract, OFAC files, or another extract.

The real OFAC files are not part of the product. What ships is a **derived** file,
``data/sdn_dprk.json``: the entries the DPRK program filter keeps, parsed and joined by
:func:`.sdn.load_sdn` from the snapshot in ``../shared/data/ofac`` (``data/SOURCE.md`` says which
files, their hashes and how to regenerate it: ``hiresentry sanctions extract``). So screening works
out of the box, and a newer list is one setting away (``sdn_path`` to an ``sdn.csv``, a folder
holding one, or another extract; ``aux_paths`` for alias/address/comment folders).

Loading and indexing are cached per process, keyed by the paths, their size and modification
time and the filter, so every indicator run and every CLI check reuses one index.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from hiresentry.core.errors import ConfigError, InputError
from hiresentry.core.sanctions.index import ListIndex, sdn_index
from hiresentry.core.sanctions.model import LoadReport, SdnEntry
from hiresentry.core.sanctions.sdn import DPRK_PROGRAMS, DPRK_REMARKS_MARKERS, SdnList, load_sdn, with_remarks

EXTRACT_FORMAT = "hiresentry/sdn-extract/1"
BUNDLED = "sdn_dprk.json"


def bundled_path() -> Path:
    """The shipped extract (DPRK-related entries of the stored OFAC snapshot)."""
    return Path(str(resources.files("hiresentry.core.sanctions.data").joinpath(BUNDLED)))


def write_extract(sdn: SdnList, path: Path, source: str) -> None:
    """Write ``sdn`` as an extract file; ``source`` says in words where the input came from.

    Entries are stored as the joined list rows (fields, ``Remarks``, strong aliases, addresses),
    one JSON object per line; identifiers and weak aliases are re-parsed from ``Remarks`` when the
    extract is read, so the extract and the CSV files go through one parser.
    """
    head = {"format": EXTRACT_FORMAT, "source": source, "report": sdn.report.model_dump(mode="json")}
    lines = [
        json.dumps(
            e.model_dump(
                mode="json",
                exclude_defaults=True,
                exclude={"identifiers": True},
            )
            | {
                "aliases": [
                    a.model_dump(mode="json", exclude_defaults=True) for a in e.aliases if a.strength == "strong"
                ]
            },
            ensure_ascii=False,
            separators=(",", ":"),
        )
        for e in sdn.entries
    ]
    text = json.dumps(head, ensure_ascii=False, indent=1)[:-2] + ',\n "entries": [\n' + ",\n".join(lines) + "\n]}\n"
    path.write_text(text, encoding="utf-8")


def read_extract(path: Path) -> SdnList:
    """Read an extract written by :func:`write_extract`; refuse anything else clearly."""
    try:
        document: Any = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InputError(f"{path}: cannot read the SDN extract ({exc.strerror or exc})") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(f"{path}: not a JSON SDN extract ({exc})") from None
    if not isinstance(document, dict) or document.get("format") != EXTRACT_FORMAT:
        raise InputError(f"{path}: not an SDN extract (expected format {EXTRACT_FORMAT!r})")
    try:
        report = LoadReport.model_validate(document["report"])
        entries = tuple(with_remarks(SdnEntry.model_validate(e)) for e in document["entries"])
    except (KeyError, TypeError, ValidationError) as exc:
        raise InputError(f"{path}: the SDN extract is malformed: {exc}") from None
    return SdnList(entries, report)


def refilter(sdn: SdnList, programs: Sequence[str], markers: Sequence[str], where: Path) -> SdnList:
    """Narrow an extract to ``programs``/``markers``; it cannot give back what it left out."""
    missing = (set(programs) - set(sdn.report.programs)) | (set(markers) - set(sdn.report.remarks_markers))
    if missing:
        raise ConfigError(
            f"{where} holds only programs {', '.join(sdn.report.programs)} (and remarks markers "
            f"{', '.join(sdn.report.remarks_markers) or 'none'}); for {', '.join(sorted(missing))} point "
            "sdn_path at the full OFAC sdn.csv"
        )
    wanted = set(programs)
    kept = tuple(e for e in sdn.entries if wanted & set(e.programs) or any(m in (e.remarks or "") for m in markers))
    return SdnList(kept, sdn.report) if len(kept) != len(sdn.entries) else sdn


def _stamp(path: Path) -> tuple[str, int, int]:
    try:
        stat = path.stat()
    except OSError:
        return str(path), -1, -1
    return str(path.resolve()), stat.st_size, stat.st_mtime_ns


def _aux_stamps(paths: Sequence[Path]) -> tuple[tuple[str, int, int], ...]:
    return tuple(_stamp(p / n) for p in paths for n in ("alt.csv", "add.csv", "sdn_comments.csv"))


@lru_cache(maxsize=8)
def _load(
    sdn_path: str | None,
    aux_paths: tuple[str, ...],
    programs: tuple[str, ...],
    markers: tuple[str, ...],
    _stamps: tuple[Any, ...],
) -> SdnList:
    if sdn_path is None:
        path = bundled_path()
        return refilter(read_extract(path), programs, markers, path)
    path = Path(sdn_path).expanduser()
    if path.suffix.lower() == ".json":
        return refilter(read_extract(path), programs, markers, path)
    csv_path = path / "sdn.csv" if path.is_dir() else path
    return load_sdn(csv_path, [Path(p).expanduser() for p in aux_paths], programs, markers)


def load_list(
    sdn_path: str | None = None,
    aux_paths: Sequence[str] = (),
    programs: Sequence[str] = DPRK_PROGRAMS,
    remarks_markers: Sequence[str] = DPRK_REMARKS_MARKERS,
) -> SdnList:
    """The configured list, loaded once per process (reloaded when a file changes)."""
    base = Path(sdn_path).expanduser() if sdn_path else bundled_path()
    stamps = (_stamp(base), _stamp(base / "sdn.csv"), _aux_stamps([Path(p) for p in aux_paths]))
    return _load(sdn_path, tuple(aux_paths), tuple(programs), tuple(remarks_markers), stamps)


@lru_cache(maxsize=8)
def _index(sdn: SdnList) -> ListIndex:
    return sdn_index(sdn.entries)


def list_index(sdn: SdnList) -> ListIndex:
    """The screening index of a loaded list, built once per list object."""
    return _index(sdn)
