"""Reading the population from SQLite through the driver gives exactly SQLAlchemy's typed values."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from hiresentry.core.model import AccessEvent, Device, Engagement, HiringSignal, Payment, PayoutAccount, Worker
from hiresentry.core.population import FRAME_TABLES, Population, _frame, frame_schema
from hiresentry.core.store import Store

T = dt.datetime(2026, 10, 1, 12, 30, 5, 123456, tzinfo=dt.UTC)


def test_driver_reads_equal_sqlalchemy_reads_and_see_uncheckpointed_writes(store: Store) -> None:
    store.ingest(
        [
            Worker(source="hr", remote_id="E1", legal_name="Daniel Park", date_of_birth="1990-01-02", modified_at=T,
                   prior_employers=["Initech"], emails=["d@x.example"], phones=["+14155550142"],
                   home_address="88 Pine St, Seattle, WA 98101"),
            Worker(source="hr", remote_id="E2", legal_name="Li Wei"),
            PayoutAccount(source="hr", remote_id="A1", worker_remote_id="E1", method="bank", pooled=True,
                          iban="DE89 3704 0044 0532 0130 00", first_seen=T),
            Payment(source="hr", remote_id="P1", worker_remote_id="E1", amount="12.50", currency="usd", paid_at=T),
            Engagement(source="hr", remote_id="G1", worker_remote_id="E1", rate="85", currency="USD"),
            Device(source="hr", remote_id="D1", worker_remote_id="E1", remote_access_tools=["AnyDesk"]),
            HiringSignal(source="hr", remote_id="H1", worker_remote_id="E2", signal="camera_refused"),
        ]
    )  # fmt: skip
    store.ingest([AccessEvent(source="hr", remote_id="S1", worker_remote_id="E1", time=T, is_proxy=True)])
    pop = Population.from_store(store)
    with store.engine.connect() as conn:
        expected = {
            name: _frame(table, [tuple(r) for r in conn.execute(select(*[table.c[n] for n in frame_schema(table)]))])
            for name, table in FRAME_TABLES.items()
        }
    expected_pop = Population.from_frames(expected, store.hasher)
    for name in FRAME_TABLES:
        got, want = getattr(pop, name), getattr(expected_pop, name)
        assert got.equals(want), name
    assert pop.access_events.height == 1  # the last write is visible (still in the WAL, not checkpointed)
