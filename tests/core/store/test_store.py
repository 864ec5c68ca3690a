"""The store against a real SQLite file: migrations, bulk upsert, cursors, atomicity, no raw PII."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from pydantic import SecretStr
from sqlalchemy import select

from hiresentry.core.errors import KeyMismatchError, StoreError
from hiresentry.core.keys import LinkKeyHasher
from hiresentry.core.model import PayoutAccount, Worker
from hiresentry.core.store import CursorUpdate, Store, schema, sqlite_url
from hiresentry.core.store.rows import RowBuilder

T0 = dt.datetime(2026, 10, 1, tzinfo=dt.UTC)


def worker(
    remote_id: str = "E1", name: str = "Daniel Park", modified: dt.datetime | None = None, **extra: object
) -> Worker:
    return Worker.model_validate(
        {"source": "hr", "remote_id": remote_id, "legal_name": name, "modified_at": modified, **extra}
    )


def test_migrations_create_exactly_the_declared_schema(store: Store) -> None:
    with store.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), schema.metadata)
    assert diff == []


def test_ingest_upserts_by_source_and_remote_id(store: Store) -> None:
    store.ingest([worker(name="Daniel Park", emails=["d@x.example"])])
    result = store.ingest([worker(name="Daniel J Park", emails=["dp@x.example", "d2@x.example"])])
    assert result.written == {"workers": 1}
    with store.engine.connect() as conn:
        names = conn.execute(select(schema.workers.c.legal_name)).scalars().all()
        keys = conn.execute(select(schema.worker_keys.c.masked)).scalars().all()
    assert names == ["Daniel J Park"]
    assert sorted(keys) == ["d•••@x.example", "d•••@x.example"]  # old key replaced, not kept


def test_older_records_do_not_overwrite_newer(store: Store) -> None:
    store.ingest([worker(name="New Name", modified=T0)])
    result = store.ingest([worker(name="Old Name", modified=T0 - dt.timedelta(days=1))])
    assert result.stale == 1
    with store.engine.connect() as conn:
        assert conn.execute(select(schema.workers.c.legal_name)).scalar_one() == "New Name"


def test_cursors_commit_with_records(store: Store) -> None:
    store.ingest([worker()], [CursorUpdate("deel", "people", "offset:50")])
    assert store.cursor("deel", "people") == "offset:50"
    store.ingest([], [CursorUpdate("deel", "people", "offset:100")])
    assert store.cursors("deel") == {"people": "offset:100"}


def test_a_failing_batch_writes_nothing(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    """A crash half-way through a batch (here: while writing the cursor) rolls the whole batch back."""

    def explode(*_args: object) -> None:
        from sqlalchemy.exc import OperationalError

        raise OperationalError("INSERT", {}, Exception("disk I/O error"))

    monkeypatch.setattr(Store, "_write_cursor", explode)
    with pytest.raises(StoreError, match="rolled back"):
        store.ingest([worker("E1"), worker("E2")], [CursorUpdate("hr", "file", "x")])
    assert store.count("workers") == 0


def test_store_refuses_another_link_key(store_path: Path, store: Store) -> None:
    with pytest.raises(KeyMismatchError, match="different link-key secret"):
        Store.open(sqlite_url(store_path), LinkKeyHasher(SecretStr("another-key-0123456789abcdef")))


def test_raw_identifiers_never_reach_the_database(store: Store, store_path: Path) -> None:
    store.ingest(
        [
            worker(
                tax_id="123-45-6789",
                phones=["+1 415 555 0142"],
                emails=["secret.person@example.com"],
                remote_data={"ssn": "123-45-6789", "note": "ok"},
            ),
            PayoutAccount(
                source="hr",
                remote_id="A1",
                worker_remote_id="E1",
                method="bank",
                routing_number="021000021",
                account_number="9876543210",
            ),
        ]
    )
    store.close()
    raw = b"".join(p.read_bytes() for p in store_path.parent.glob("store.db*"))
    for secret in (b"123-45-6789", b"123456789", b"4155550142", b"9876543210", b"secret.person"):
        assert secret not in raw


def test_row_builder_keys_are_stable_across_forms(hasher: LinkKeyHasher) -> None:
    builder = RowBuilder(hasher)
    a, _ = builder.worker(worker(tax_id="123-45-6789"))
    b, _ = builder.worker(worker(tax_id="123456789"))
    assert a["tax_key"] == b["tax_key"] is not None
