"""MergeConnector on the wire against our stateful local fake of Merge (pytest-httpserver).

The fake (``fake_merge.py``) is our own fixture speaking the JSON shapes of Merge's HRIS v1 spec; it
exists because the spec's Prism mock is stateless (see ``test_contract_prism.py``). These tests
cover what only a stateful server can show: cursor walks over several pages, ``modified_after``
re-syncs recorded by the fake, deletions, 429 with ``Retry-After``, the error-rate guard that stops
before Merge's IP block, ``check()`` codes, sensitive fields and a sync into a real store. No test
sleeps: the connector's ``sleep`` records the delays, and its clock is fixed.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from pydantic import SecretStr

from hiresentry.connectors.base import sync
from hiresentry.connectors.base.incremental import Watermark
from hiresentry.core.errors import RateLimitPenaltyError
from hiresentry.core.model import Engagement, Payment, PayoutAccount, Worker
from hiresentry.core.store import Store
from tests.connectors.merge.conftest import Sleeps, make
from tests.connectors.merge.fake_merge import FakeMerge

STREAM_PATHS = ("/employees", "/employments", "/bank-info", "/employee-payroll-runs")


def records(connector_batches: list) -> list:  # type: ignore[type-arg]
    return [r for b in connector_batches for r in b.records]


# -- paging ------------------------------------------------------------------------------------------


def test_every_stream_walks_its_cursor_pages(fake_merge: tuple[FakeMerge, str]) -> None:
    fake, url = fake_merge
    batches = list(make(url, payroll_currency="EUR").read({}))
    assert [p.get("cursor") for p in fake.requests_to("/employees")] == [None, "Mg==", "NA=="]  # three pages
    assert all(p["include_sensitive_fields"] == "true" for p in fake.requests_to("/employees"))
    assert all(p["include_deleted_data"] == "true" for path in STREAM_PATHS for p in fake.requests_to(path))
    assert len(fake.requests_to("/employee-payroll-runs")) == 5
    assert len(fake.requests_to("/locations")) == 3  # read once, for every employee's home address
    assert [path for path, _p in fake.log if path.startswith("/payroll-runs/")] == [
        "/payroll-runs/run-0",
        "/payroll-runs/run-1",
    ]
    found = records(batches)
    counts = {kind: sum(isinstance(r, kind) for r in found) for kind in (Worker, Engagement, PayoutAccount, Payment)}
    assert counts == {Worker: 5, Engagement: 5, PayoutAccount: 5, Payment: 10}
    assert [p for b in batches for p in b.problems] == []


def test_payments_take_the_employees_currency_and_run_state(fake_merge: tuple[FakeMerge, str]) -> None:
    _fake, url = fake_merge
    batches = list(make(url).read({}))
    payments = {r.remote_id: r for r in records(batches) if isinstance(r, Payment)}
    assert (payments["epr-0-0"].currency, payments["epr-0-0"].status) == ("USD", "paid")
    assert payments["epr-0-0"].paid_at == dt.datetime(2025, 3, 1, tzinfo=dt.UTC)
    assert (payments["epr-2-1"].status, payments["epr-2-1"].paid_at) == ("approved", None)
    # Employees 1 and 3 have no pay currency in Merge and none is configured: refused, with the reason.
    refused = sorted(p.location for b in batches for p in b.problems)
    assert refused == [f"merge:/employee-payroll-runs item id=epr-{i}-{r}" for i in (1, 3) for r in (0, 1)]
    assert all("payroll_currency" in p.reason for b in batches for p in b.problems)


def test_currency_is_asked_for_when_employments_were_not_read(fake_merge: tuple[FakeMerge, str]) -> None:
    fake, url = fake_merge
    list(make(url, streams=["employee_payroll_runs"], payroll_currency="EUR").read({}))
    asked = [p["employee_id"] for p in fake.requests_to("/employments")]
    assert asked == [f"emp-{i}" for i in range(5)]  # once per employee, not once per payroll run


# -- throttling and penalties ----------------------------------------------------------------------------


def test_429_with_retry_after_then_200(fake_merge: tuple[FakeMerge, str]) -> None:
    fake, url = fake_merge
    fake.fail("/bank-info", 429, headers={"Retry-After": "12"})
    sleeps = Sleeps()
    batches = list(make(url, sleeps=sleeps, streams=["bank_info"]).read({}))
    assert sleeps.retries() == [12.0]
    assert sum(isinstance(r, PayoutAccount) for r in records(batches)) == 5


def test_the_error_rate_guard_stops_before_merges_ip_block(fake_merge: tuple[FakeMerge, str]) -> None:
    fake, url = fake_merge
    connector = make(url, max_attempts=10)
    fake.fail("/account-details", 500, times=10)
    assert connector.check().code == "cannot_connect"  # 10 failing requests so far
    fake.fail("/employees", 500, times=40)
    with pytest.raises(RateLimitPenaltyError, match="20 failing requests in 10 s"):
        list(connector.read({}))
    assert len(fake.requests_to("/employees")) == 5  # stopped at 15 failures: the 16th was never sent
    assert connector.check().code == "rate_limited"


# -- check() -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "category", "code", "words"),
    [
        ("RELINK_NEEDED", "hris", "invalid_auth", "relinked through Merge Link"),
        ("INCOMPLETE", "hris", "cannot_connect", "incomplete"),
        ("COMPLETE", "ats", "forbidden_scope", "not HRIS"),
    ],
)
def test_check_reads_the_linked_accounts_state(
    fake_merge: tuple[FakeMerge, str], status: str, category: str, code: str, words: str
) -> None:
    fake, url = fake_merge
    fake.account.update(status=status, category=category)
    result = make(url).check()
    assert (result.ok, result.code) == (False, code)
    assert words in result.message


def test_check_codes_from_http(fake_merge: tuple[FakeMerge, str]) -> None:
    fake, url = fake_merge
    assert make(url).check().ok
    wrong = make(url, account_token=SecretStr("someone-elses-token")).check()
    assert (wrong.code, "someone-elses-token" in wrong.message) == ("invalid_auth", False)
    assert make(url, api_key=SecretStr("revoked-api-key-000")).check().code == "invalid_auth"
    fake.fail("/account-details", 403, body={"detail": "Your plan does not include this category."})
    assert make(url).check().code == "forbidden_scope"
    fake.fail("/account-details", 429, times=3)
    assert make(url, max_attempts=3).check().code == "rate_limited"


# -- incremental re-sync, deletions and the store -------------------------------------------------------


def test_incremental_resync_sends_modified_after(fake_merge: tuple[FakeMerge, str], store: Store) -> None:
    fake, url = fake_merge
    report = sync(make(url, payroll_currency="EUR"), store)
    assert report.written == {"workers": 5, "engagements": 5, "payout_accounts": 5, "payments": 10}
    assert Watermark.decode(store.cursors("merge")["employees"]).high == "2025-02-01T12:00:00Z"  # type: ignore[union-attr]

    fake.log.clear()
    later = dt.datetime(2025, 4, 1, 9, 0, tzinfo=dt.UTC)
    fake.touch("/employees", "emp-2", later, last_name="Renamed")
    fake.touch("/bank-info", "bank-4", later, remote_was_deleted=True)
    report = sync(make(url, payroll_currency="EUR"), store)
    assert [p["modified_after"] for p in fake.requests_to("/employees")] == ["2025-02-01T11:55:00Z"]
    assert [p["modified_after"] for p in fake.requests_to("/bank-info")] == ["2025-02-01T11:55:00Z"]
    # What changed (employee 2, bank 4) plus what sits inside the 5-minute overlap (employee 4's records).
    assert report.written == {"workers": 2, "engagements": 1, "payout_accounts": 1, "payments": 2}
    with store.engine.connect() as conn:
        deleted = conn.exec_driver_sql("SELECT remote_id FROM payout_accounts WHERE deleted").fetchall()
        names = {r[0] for r in conn.exec_driver_sql("SELECT legal_name FROM workers")}
    assert deleted == [("bank-4",)] and "Given2 Renamed" in names
    assert Watermark.decode(store.cursors("merge")["employees"]).high == "2025-04-01T09:00:00Z"  # type: ignore[union-attr]


def test_full_passes_when_incremental_is_off(fake_merge: tuple[FakeMerge, str], store: Store) -> None:
    fake, url = fake_merge
    sync(make(url, incremental=False, streams=["employees"]), store)
    fake.log.clear()
    sync(make(url, incremental=False, streams=["employees"]), store)
    assert [p.get("cursor") for p in fake.requests_to("/employees")] == [None, "Mg==", "NA=="]
    assert all("modified_after" not in p for p in fake.requests_to("/employees"))


def test_sensitive_fields_reach_the_store_only_as_keyed_hashes(
    fake_merge: tuple[FakeMerge, str], store: Store, store_path: Path
) -> None:
    fake, url = fake_merge
    fake.models["/bank-info"][1]["account_number"] = "XXXXXX4321"  # masked by the HR system
    report = sync(make(url, payroll_currency="EUR"), store)
    (problem,) = report.problems
    assert problem.location == "merge:/bank-info item id=bank-1" and "masked" in problem.reason
    with store.engine.connect() as conn:
        tax_keys = [r[0] for r in conn.exec_driver_sql("SELECT tax_key FROM workers ORDER BY remote_id")]
        account_keys = [r[0] for r in conn.exec_driver_sql("SELECT account_key FROM payout_accounts")]
    assert all(tax_keys) and len(set(tax_keys)) == 5 and len(set(account_keys)) == 4
    store.close()
    raw = b"".join(p.read_bytes() for p in store_path.parent.glob(store_path.name + "*"))
    for value in ("123-45-6782", "000123453", "4321", "PREFER_NOT_TO_DISCLOSE", "X223456", "vendor payload"):
        assert value.encode() not in raw


def test_without_sensitive_fields_no_tax_ids(fake_merge: tuple[FakeMerge, str]) -> None:
    fake, url = fake_merge
    workers = [
        r
        for r in records(list(make(url, include_sensitive_fields=False, streams=["employees"]).read({})))
        if isinstance(r, Worker)
    ]
    assert len(workers) == 5 and all(w.tax_id is None for w in workers)
    assert all("include_sensitive_fields" not in p for p in fake.requests_to("/employees"))
