"""The store: opening and migrating the database, bulk ingest with cursors, bulk reads.

Why this shape:
- Migrations run on open, so a newer hiresentry never runs against an older schema.
- The link-key secret's fingerprint is recorded on first open; opening with another key fails
  loudly instead of silently producing hashes that no longer join with the stored ones.
- ``ingest`` writes a whole batch and the sync cursors that cover it in **one** transaction:
  a crash mid-batch leaves neither half the records nor a cursor that skips the other half.
- Writes are SQLAlchemy Core executemany in large batches, never ORM objects per row.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config as AlembicConfig
from sqlalchemy import Connection, Engine, Table, and_, create_engine, delete, event, func, select, tuple_
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import SQLAlchemyError

from hiresentry.core.errors import KeyMismatchError, StoreError
from hiresentry.core.keys import LinkKeyHasher
from hiresentry.core.model import Record
from hiresentry.core.store import schema
from hiresentry.core.store.bulk import sqlite_write
from hiresentry.core.store.rows import BatchRows, Row, RowBuilder, build_rows

log = logging.getLogger(__name__)

MIGRATIONS = Path(__file__).with_name("migrations")
CHUNK = 500


@dataclass(frozen=True)
class CursorUpdate:
    """A new sync position for one connector stream, committed with the records it covers."""

    connector: str
    stream: str
    value: str


@dataclass
class IngestResult:
    """What one ingest call wrote, per table; stale records were older than what is stored."""

    written: dict[str, int] = field(default_factory=dict)
    stale: int = 0

    @property
    def total(self) -> int:
        """Rows written over all tables."""
        return sum(self.written.values())


def _chunks(items: Sequence[Any], size: int = CHUNK) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def sqlite_url(path: str | Path) -> str:
    """SQLAlchemy URL of a SQLite file, creating its folder."""
    target = Path(path).expanduser().resolve()
    target.parent.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{target}"


class Store:
    """Database access for hiresentry; one instance per process, thread-safe through the engine."""

    def __init__(self, engine: Engine, hasher: LinkKeyHasher) -> None:
        self.engine = engine
        self.hasher = hasher

    @classmethod
    def open(cls, url: str, hasher: LinkKeyHasher) -> Store:
        """Connect, migrate to the latest schema and check the link-key fingerprint."""
        try:
            # a generous busy timeout: concurrent engines and workers queue for SQLite's one writer
            connect_args = {"timeout": 30} if url.startswith("sqlite") else {}
            engine = create_engine(url, future=True, connect_args=connect_args)
            if engine.dialect.name == "sqlite":
                event.listen(engine, "connect", _sqlite_pragmas)
            store = cls(engine, hasher)
            store.migrate()
            store._check_fingerprint()
        except SQLAlchemyError as exc:
            raise StoreError(f"cannot open the store at {engine.url.render_as_string()}: {exc}") from exc
        return store

    def close(self) -> None:
        """Release every pooled connection."""
        self.engine.dispose()

    def migrate(self) -> None:
        """Upgrade the schema to the newest Alembic revision (of every branch, should two coexist)."""
        config = AlembicConfig()
        config.set_main_option("script_location", str(MIGRATIONS))
        with self.engine.begin() as conn:
            config.attributes["connection"] = conn
            command.upgrade(config, "heads")

    def _check_fingerprint(self) -> None:
        fingerprint = self.hasher.fingerprint()
        with self.engine.begin() as conn:
            stored = conn.execute(
                select(schema.store_meta.c.value).where(schema.store_meta.c.key == "link_key_fingerprint")
            ).scalar_one_or_none()
            if stored is None:
                conn.execute(schema.store_meta.insert().values(key="link_key_fingerprint", value=fingerprint))
            elif stored != fingerprint:
                raise KeyMismatchError(
                    "this store was written with a different link-key secret (keys.hmac_key); "
                    "its hashes would not join with new ones. Use the original key or a new store."
                )

    # -- ingest -------------------------------------------------------------------------------

    def ingest(self, records: Iterable[Record], cursors: Sequence[CursorUpdate] = ()) -> IngestResult:
        """Upsert a batch of records and advance ``cursors``, all in one transaction.

        A record older (``modified_at``) than the stored copy is skipped and counted as stale, so a
        late webhook cannot overwrite a newer pull.
        """
        batch = list(records)
        rows = build_rows(batch, RowBuilder(self.hasher))
        result = IngestResult()
        try:
            with self.engine.begin() as conn:
                for table_name, table_rows in rows.tables.items():
                    table = schema.RECORD_TABLES[table_name]
                    fresh = self._drop_stale(conn, table, table_rows)
                    result.stale += len(table_rows) - len(fresh)
                    self._upsert(conn, table, fresh)
                    if table_name == "workers":
                        self._replace_worker_keys(conn, fresh, rows)
                    result.written[table_name] = len(fresh)
                for cursor in cursors:
                    self._write_cursor(conn, cursor)
        except SQLAlchemyError as exc:
            raise StoreError(f"ingest failed and was rolled back, nothing was written: {exc}") from exc
        return result

    def _drop_stale(self, conn: Connection, table: Table, rows: list[Row]) -> list[Row]:
        dated = {(r["source"], r["remote_id"]): r["modified_at"] for r in rows if r["modified_at"] is not None}
        if not dated:
            return rows
        stored: dict[tuple[str, str], dt.datetime] = {}
        refs = list(dated)
        for chunk in _chunks(refs):
            query = select(table.c.source, table.c.remote_id, table.c.modified_at).where(
                tuple_(table.c.source, table.c.remote_id).in_(chunk), table.c.modified_at.is_not(None)
            )
            for source, remote_id, modified in conn.execute(query):
                stored[(source, remote_id)] = modified if modified.tzinfo else modified.replace(tzinfo=dt.UTC)
        return [
            r
            for r in rows
            if (key := (r["source"], r["remote_id"])) not in stored
            or r["modified_at"] is None
            or r["modified_at"] >= stored[key]
        ]

    def _upsert(self, conn: Connection, table: Table, rows: list[Row]) -> None:
        if not rows:
            return
        if conn.dialect.name == "sqlite":
            sqlite_write(conn, table, rows, conflict=("source", "remote_id"))
            return
        dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
        stmt = dialect.insert(table)
        updated = {c.name: stmt.excluded[c.name] for c in table.columns if c.name not in ("id", "source", "remote_id")}
        stmt = stmt.on_conflict_do_update(index_elements=["source", "remote_id"], set_=updated)
        for chunk in _chunks(rows, 5000):
            conn.execute(stmt, list(chunk))

    def _replace_worker_keys(self, conn: Connection, workers: list[Row], rows: BatchRows) -> None:
        if not workers:
            return
        keep = {(w["source"], w["remote_id"]) for w in workers}
        by_source: dict[str, list[str]] = {}
        for source, remote_id in keep:
            by_source.setdefault(source, []).append(remote_id)
        table = schema.worker_keys
        for source, ids in by_source.items():
            for chunk in _chunks(ids):
                conn.execute(delete(table).where(and_(table.c.source == source, table.c.worker_remote_id.in_(chunk))))
        new_keys = [k for k in rows.worker_keys if (k["source"], k["worker_remote_id"]) in keep]
        for chunk in _chunks(new_keys, 5000):
            if conn.dialect.name == "sqlite":
                sqlite_write(conn, table, list(chunk))
            else:
                conn.execute(table.insert(), list(chunk))

    # -- cursors ------------------------------------------------------------------------------

    def _write_cursor(self, conn: Connection, cursor: CursorUpdate) -> None:
        dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
        stmt = dialect.insert(schema.sync_cursors).values(
            connector=cursor.connector,
            stream=cursor.stream,
            value=cursor.value,
            updated_at=dt.datetime.now(dt.UTC),
        )
        conn.execute(
            stmt.on_conflict_do_update(
                index_elements=["connector", "stream"],
                set_={"value": stmt.excluded.value, "updated_at": stmt.excluded.updated_at},
            )
        )

    def cursor(self, connector: str, stream: str) -> str | None:
        """The committed sync position of one stream, or None before its first sync."""
        table = schema.sync_cursors
        with self.engine.connect() as conn:
            return conn.execute(
                select(table.c.value).where(table.c.connector == connector, table.c.stream == stream)
            ).scalar_one_or_none()

    def cursors(self, connector: str) -> dict[str, str]:
        """Every committed sync position of one connector instance, by stream."""
        table = schema.sync_cursors
        with self.engine.connect() as conn:
            query = select(table.c.stream, table.c.value).where(table.c.connector == connector)
            return {stream: value for stream, value in conn.execute(query)}  # noqa: C416

    def count(self, table_name: str) -> int:
        """Number of rows in one record table (for reports and tests)."""
        table = schema.metadata.tables[table_name]
        with self.engine.connect() as conn:
            return int(conn.execute(select(func.count()).select_from(table)).scalar_one())
