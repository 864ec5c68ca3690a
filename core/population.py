"""The population: every record kind as a columnar frame, ready for set-based evaluation.

Indicators never loop over records; they join and group these frames (Polars). Each frame carries
``wid``, the row number of the owning worker record in ``workers``, so that joins are on integers;
after resolution ``workers`` also carries ``pid``, the person the record was resolved to.

The same frames are built from the store (a full screen) and from in-memory records (the golden
tests of the indicator catalogue), through the same row builder, so a golden test exercises
exactly the code path production does.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import polars as pl
from sqlalchemy import JSON, Boolean, Column, Date, DateTime, Float, Integer, Table, select

from hiresentry.core.keys import LinkKeyHasher
from hiresentry.core.model import Record
from hiresentry.core.store import Store, schema
from hiresentry.core.store.rows import Row, RowBuilder, build_rows

FRAME_TABLES: dict[str, Table] = {**schema.RECORD_TABLES, "worker_keys": schema.worker_keys}
SKIPPED_COLUMNS = frozenset({"id", "remote_data", "ingested_at"})


def _dtype(column: Column[Any]) -> pl.DataType:
    kind = column.type
    if isinstance(kind, Boolean):
        return pl.Boolean()
    if isinstance(kind, Integer):
        return pl.Int64()
    if isinstance(kind, Float):
        return pl.Float64()
    if isinstance(kind, DateTime):
        return pl.Datetime("us", "UTC")
    if isinstance(kind, Date):
        return pl.Date()
    if isinstance(kind, JSON):
        return pl.List(pl.Utf8())
    return pl.Utf8()


def frame_schema(table: Table) -> dict[str, pl.DataType]:
    """Polars schema of the columns of ``table`` that the core reads."""
    return {c.name: _dtype(c) for c in table.columns if c.name not in SKIPPED_COLUMNS}


def _frame(table: Table, rows: Sequence[tuple[Any, ...]]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema=frame_schema(table), orient="row")


def _frame_from_dicts(table: Table, rows: Sequence[Mapping[str, Any]]) -> pl.DataFrame:
    names = list(frame_schema(table))
    return _frame(table, [tuple(row.get(n) for n in names) for row in rows])


@dataclass(frozen=True)
class Population:
    """All live (not deleted) records as frames; see the module docstring for the columns."""

    workers: pl.DataFrame
    worker_keys: pl.DataFrame
    engagements: pl.DataFrame
    payout_accounts: pl.DataFrame
    payments: pl.DataFrame
    access_events: pl.DataFrame
    devices: pl.DataFrame
    hiring_signals: pl.DataFrame
    hasher: LinkKeyHasher | None = field(default=None, repr=False, compare=False)
    """The link-key hasher the frames were keyed with: lets an indicator key outside lists (SDN wallets)."""

    @classmethod
    def from_frames(cls, frames: Mapping[str, pl.DataFrame], hasher: LinkKeyHasher | None = None) -> Population:
        """Attach ``wid`` to every frame and drop deleted records."""
        workers = (
            frames["workers"]
            .filter(~pl.col("deleted"))
            .with_row_index("wid")
            .with_columns(pl.col("wid").cast(pl.Int64), pl.format("{}/{}", "source", "remote_id").alias("ref"))
        )
        owner = workers.select("wid", "source", pl.col("remote_id").alias("worker_remote_id"))

        def owned(name: str) -> pl.DataFrame:
            frame = frames[name]
            if "deleted" in frame.columns:
                frame = frame.filter(~pl.col("deleted"))
            frame = frame.join(owner, on=["source", "worker_remote_id"], how="inner")
            if "remote_id" in frame.columns:
                frame = frame.with_columns(pl.format("{}/{}", "source", "remote_id").alias("ref"))
            return frame

        return cls(
            workers=workers,
            worker_keys=owned("worker_keys"),
            engagements=owned("engagements"),
            payout_accounts=owned("payout_accounts"),
            payments=owned("payments"),
            access_events=owned("access_events"),
            devices=owned("devices"),
            hiring_signals=owned("hiring_signals"),
            hasher=hasher,
        )

    @classmethod
    def from_rows(
        cls, tables: Mapping[str, list[Row]], worker_keys: list[Row], hasher: LinkKeyHasher | None = None
    ) -> Population:
        """Frames from row dicts as the row builder makes them."""
        frames = {name: _frame_from_dicts(table, tables.get(name, [])) for name, table in schema.RECORD_TABLES.items()}
        frames["worker_keys"] = _frame_from_dicts(schema.worker_keys, worker_keys)
        return cls.from_frames(frames, hasher)

    @classmethod
    def from_records(cls, records: Iterable[Record], hasher: LinkKeyHasher) -> Population:
        """Frames from in-memory canonical records (golden tests, previews)."""
        rows = build_rows(records, RowBuilder(hasher, now=dt.datetime(2000, 1, 1, tzinfo=dt.UTC)))
        return cls.from_rows(rows.tables, rows.worker_keys, hasher)

    @classmethod
    def from_store(cls, store: Store) -> Population:
        """Frames of every record in the store, read in bulk."""
        frames: dict[str, pl.DataFrame] = {}
        with store.engine.connect() as conn:
            for name, table in FRAME_TABLES.items():
                columns = [table.c[n] for n in frame_schema(table)]
                result = conn.execute(select(*columns))
                frames[name] = _frame(table, [tuple(row) for row in result])
        return cls.from_frames(frames, store.hasher)

    def with_persons(self, assignment: pl.DataFrame) -> Population:
        """A copy whose ``workers`` carries ``pid`` from ``assignment`` (columns wid, pid)."""
        return replace(self, workers=self.workers.join(assignment, on="wid", how="left"))

    @property
    def persons(self) -> pl.DataFrame:
        """wid → pid (requires resolution to have run)."""
        return self.workers.select("wid", "pid")

    def size(self) -> int:
        """Number of records of every kind together."""
        return sum(
            f.height
            for f in (
                self.workers,
                self.engagements,
                self.payout_accounts,
                self.payments,
                self.access_events,
                self.devices,
                self.hiring_signals,
            )
        )
