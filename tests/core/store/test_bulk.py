"""The SQLite bulk writer stores exactly what SQLAlchemy's own insert would (real SQLite files)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy import select

from hiresentry.core.keys import LinkKeyHasher
from hiresentry.core.model import AccessEvent, Device, Payment, PayoutAccount, Worker
from hiresentry.core.store import Store, schema, sqlite_url
from hiresentry.core.store.bulk import sqlite_write
from hiresentry.core.store.rows import RowBuilder, build_rows

T = dt.datetime(2026, 10, 1, 12, 30, 5, tzinfo=dt.timezone(dt.timedelta(hours=2)))


def test_driver_path_and_sqlalchemy_path_read_back_identically(tmp_path: Path, hasher: LinkKeyHasher) -> None:
    records = [
        Worker(source="hr", remote_id="E1", legal_name="Daniel Park", date_of_birth="1990-01-02", modified_at=T,
               prior_employers=["Initech", "Globex"], emails=["d@x.example"], phones=["+14155550142"]),
        Worker(source="hr", remote_id="E2", legal_name="Li Wei"),
        PayoutAccount(source="hr", remote_id="A1", worker_remote_id="E1", method="bank", pooled=True,
                      iban="DE89 3704 0044 0532 0130 00", first_seen=T),
        Payment(source="hr", remote_id="P1", worker_remote_id="E1", amount="12.50", currency="usd", paid_at=T,
                due_date="2026-10-31"),
        AccessEvent(source="hr", remote_id="S1", worker_remote_id="E1", time=T.replace(microsecond=0), is_proxy=True),
        Device(source="hr", remote_id="D1", worker_remote_id="E1", remote_access_tools=["AnyDesk"]),
    ]  # fmt: skip
    rows = build_rows(records, RowBuilder(hasher, now=T))
    stores = [Store.open(sqlite_url(tmp_path / f"{n}.db"), hasher) for n in ("driver", "orm")]
    with stores[0].engine.begin() as conn:
        for name, table_rows in rows.tables.items():
            sqlite_write(conn, schema.RECORD_TABLES[name], table_rows, conflict=("source", "remote_id"))
        sqlite_write(conn, schema.worker_keys, rows.worker_keys)
    with stores[1].engine.begin() as conn:
        for name, table_rows in rows.tables.items():
            conn.execute(schema.RECORD_TABLES[name].insert(), table_rows)
        conn.execute(schema.worker_keys.insert(), rows.worker_keys)
    for table in [*(schema.RECORD_TABLES[n] for n in rows.tables), schema.worker_keys]:
        read = []
        for store in stores:
            with store.engine.connect() as conn:
                read.append([r._asdict() for r in conn.execute(select(table).order_by(table.c.id))])
        diff = [(k, a[k], b[k]) for a, b in zip(read[0], read[1], strict=True) for k in a if a[k] != b[k]]
        assert diff == [], table.name
        assert read[0], table.name
    for store in stores:
        store.close()
