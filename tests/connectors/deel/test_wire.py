"""DeelConnector on the wire against a stateful local fake of Deel (pytest-httpserver).

The fake (``fake_deel.py``) is our own fixture speaking the JSON shapes of Deel's spec; it exists
because the spec's Prism mock is stateless (see ``test_contract_prism.py``). These tests cover what
only a stateful server can show: retries with the delays Deel asked for, walking several pages,
resuming a sync from committed checkpoints, and links between streams. No test sleeps: the
connector gets a fake ``sleep`` that records the requested delays.
"""

from __future__ import annotations

import logging
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr

from hiresentry.connectors.base import Checkpoint, sync
from hiresentry.connectors.deel import DeelConfig, DeelConnector
from hiresentry.core.errors import ConnectorUnavailableError
from hiresentry.core.keys import LinkKeyHasher
from hiresentry.core.model import Engagement, Payment, PayoutAccount, Worker
from hiresentry.core.store import Store
from hiresentry.core.store.store import sqlite_url
from tests.connectors.deel.fake_deel import FakeDeel


class Sleeps(list[float]):
    """The delays the connector asked to sleep; budget pacing (microseconds at 10⁶ rps) filtered out."""

    def retries(self) -> list[float]:
        return [s for s in self if s >= 0.05]


def make(base_url: str, sleeps: list[float], token: str = "fake-token-XYZ", **overrides: Any) -> DeelConnector:
    raw = {
        "base_url": base_url,
        "token": SecretStr(token),
        "rate_limit_per_second": 1_000_000,
        "page_size": 2,
    }
    return DeelConnector("deel", DeelConfig.model_validate(raw | overrides), sleep=sleeps.append)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = Store.open(sqlite_url(tmp_path / "s.db"), LinkKeyHasher(SecretStr("k" * 32)))
    yield opened
    opened.close()


# -- check ---------------------------------------------------------------------------------------


def test_check_ok_and_failure_codes(fake_deel: tuple[FakeDeel, str]) -> None:
    fake, url = fake_deel
    assert make(url, Sleeps()).check().ok
    assert make(url, Sleeps(), token="wrong").check().code == "invalid_auth"
    fake.fail("/people", 403)
    assert make(url, Sleeps()).check().code == "forbidden_scope"
    fake.fail("/people", 429, times=5)
    assert make(url, Sleeps(), max_attempts=3).check().code == "rate_limited"


def test_check_when_nothing_listens() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        closed_port = sock.getsockname()[1]
    result = make(f"http://127.0.0.1:{closed_port}/rest/v2", Sleeps(), max_attempts=2).check()
    assert (result.ok, result.code) == (False, "cannot_connect")


# -- retries ---------------------------------------------------------------------------------------


def test_429_with_retry_after_then_200(fake_deel: tuple[FakeDeel, str]) -> None:
    fake, url = fake_deel
    fake.fail("/people", 429, headers={"Retry-After": "3"})
    sleeps = Sleeps()
    records = [r for b in make(url, sleeps).read({}) for r in b.records]
    assert sleeps.retries() == [3.0]
    assert len([r for r in records if isinstance(r, Worker)]) == 5
    assert [p["offset"] for p in fake.requests_to("/people")] == ["0", "0", "2", "4"]


def test_500_then_200(fake_deel: tuple[FakeDeel, str]) -> None:
    fake, url = fake_deel
    fake.fail("/contracts", 500)
    sleeps = Sleeps()
    records = [r for b in make(url, sleeps).read({}) for r in b.records]
    (delay,) = sleeps.retries()
    assert 0.5 <= delay <= 1.0  # jittered first backoff step
    assert len([r for r in records if isinstance(r, Engagement)]) == 5


# -- pagination and mapping ------------------------------------------------------------------------


def test_pages_of_every_stream(fake_deel: tuple[FakeDeel, str]) -> None:
    fake, url = fake_deel
    batches = list(make(url, Sleeps()).read({}))
    assert [p["offset"] for p in fake.requests_to("/people")] == ["0", "2", "4"]
    assert [p.get("after_cursor") for p in fake.requests_to("/contracts")] == [None, "cur2", "cur4"]
    assert [p["offset"] for p in fake.requests_to("/invoices")] == ["0", "2"]
    assert len(batches) == 3 + 3 + 2
    assert all(len(b.cursors) == 1 for b in batches)
    records = [r for b in batches for r in b.records]
    assert sum(isinstance(r, Worker) for r in records) == 5
    assert sum(isinstance(r, PayoutAccount) for r in records) == 5
    assert sum(isinstance(r, Engagement) for r in records) == 5
    assert sum(isinstance(r, Payment) for r in records) == 3
    assert fake.requests_to("/contracts/c0") == []  # the contracts stream already told us


def test_mapping_links_streams(fake_deel: tuple[FakeDeel, str]) -> None:
    _fake, url = fake_deel
    records = [r for b in make(url, Sleeps()).read({}) for r in b.records]
    worker = next(r for r in records if isinstance(r, Worker) and r.remote_id == "p1")
    assert worker.legal_name == "Given1 Family1"
    assert worker.preferred_name == "G1"
    assert str(worker.date_of_birth) == "1990-01-02"
    assert worker.emails == ["worker1@example.com", "private1@example.net"]
    assert worker.phones == ["+48600000001"]
    assert worker.claimed_country == "PL"
    assert worker.claimed_timezone == "Europe/Warsaw"
    assert worker.home_address is not None
    assert worker.home_address.line1 == "1 Home St"
    assert "demographics" not in worker.remote_data["personal"]
    assert "nationalities" not in worker.remote_data["person"]
    account = next(r for r in records if isinstance(r, PayoutAccount) and r.worker_remote_id == "p1")
    assert account.iban is not None
    assert account.bic == "COBADEFFXXX"
    assert account.bank_country == "DE"
    engagement = next(r for r in records if isinstance(r, Engagement) and r.remote_id == "c1")
    assert (engagement.worker_remote_id, engagement.client_org, engagement.type) == (
        "p1",
        "Platform",
        "contractor",
    )
    payment = next(r for r in records if isinstance(r, Payment) and r.remote_id == "inv1")
    assert (payment.worker_remote_id, payment.engagement_remote_id, str(payment.amount)) == (
        "p1",
        "c1",
        "1000.00",
    )


def test_malformed_items_become_problems_and_the_rest_loads(fake_deel: tuple[FakeDeel, str]) -> None:
    fake, url = fake_deel
    fake.people[2] = {"id": "p2"}  # no name anywhere, and no personal record
    del fake.personal["p2"]
    fake.banks["p3"][0]["iban"] = "DE00123456789012345678"  # bad checksum
    fake.invoices[0]["contract_id"] = "c-gone"
    batches = list(make(url, Sleeps()).read({}))
    problems = {p.location: p.reason for b in batches for p in b.problems}
    assert set(problems) == {
        "deel:/people item id=p2",
        "deel:/gp/workers/p3/banks item id=b3",
        "deel:/invoices item id=inv0",
    }
    assert "DE00123456789012345678" not in " ".join(problems.values())
    assert "not a valid IBAN" in problems["deel:/gp/workers/p3/banks item id=b3"]
    workers = [r.remote_id for b in batches for r in b.records if isinstance(r, Worker)]
    assert workers == ["p0", "p1", "p3", "p4"]
    assert fake.requests_to("/contracts/c-gone") == [{}]


# -- resuming --------------------------------------------------------------------------------------


def test_resume_after_a_failure_mid_sync(fake_deel: tuple[FakeDeel, str], store: Store) -> None:
    fake, url = fake_deel
    fake.fail("/contracts", 500, times=99, when=lambda q: q.get("after_cursor") == "cur2")
    with pytest.raises(ConnectorUnavailableError):
        sync(make(url, Sleeps(), max_attempts=2), store)

    # What committed before the failure stays, with the checkpoints that cover it.
    assert (store.count("workers"), store.count("payout_accounts"), store.count("engagements")) == (5, 5, 2)
    cursors = {k: Checkpoint.decode(v) for k, v in store.cursors("deel").items()}
    assert cursors == {"people": Checkpoint(1, None, True), "contracts": Checkpoint(1, "cur2", False)}

    fake.faults.clear()
    fake.log.clear()
    report = sync(make(url, Sleeps()), store)
    assert fake.requests_to("/people") == []  # the finished stream is not fetched again
    assert [p.get("after_cursor") for p in fake.requests_to("/contracts")] == ["cur2", "cur4"]
    # Invoices of contracts committed before the failure are linked through /contracts/{id}.
    assert fake.requests_to("/contracts/c0") == [{}]
    assert report.problems == []
    counts = {t: store.count(t) for t in ("workers", "payout_accounts", "engagements", "payments")}
    assert counts == {"workers": 5, "payout_accounts": 5, "engagements": 5, "payments": 3}
    assert all(cp is not None and cp.done for cp in map(Checkpoint.decode, store.cursors("deel").values()))

    # The pass is complete, so the next sync is a new full pass; upserts keep it duplicate-free.
    fake.log.clear()
    sync(make(url, Sleeps()), store)
    assert [p["offset"] for p in fake.requests_to("/people")] == ["0", "2", "4"]
    assert {t: store.count(t) for t in counts} == counts
    assert {Checkpoint.decode(v).pass_no for v in store.cursors("deel").values()} == {2}  # type: ignore[union-attr]


# -- secrets ---------------------------------------------------------------------------------------


def test_no_token_or_account_number_in_logs(
    fake_deel: tuple[FakeDeel, str], store: Store, caplog: pytest.LogCaptureFixture
) -> None:
    fake, url = fake_deel
    caplog.set_level(logging.DEBUG)
    fake.banks["p3"][0]["iban"] = "DE00123456789012345678"
    fake.fail("/invoices", 503, times=99)
    with pytest.raises(ConnectorUnavailableError) as raised:
        sync(make(url, Sleeps(), max_attempts=2), store)
    secrets = ["fake-token-XYZ", "DE00123456789012345678", *(b[0]["iban"] for b in fake.banks.values())]
    for secret in secrets:
        assert secret not in caplog.text
        assert secret not in str(raised.value)
    assert "record refused" in caplog.text
    assert "retry 1 of 1" in caplog.text
