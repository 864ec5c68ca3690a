"""Papaya payload → record mapping, on realistic payloads (pure functions, no HTTP).

The payloads are the examples of Papaya's API reference (docs.papayaglobal.com: Create A Beneficiary
response, UnApprove Payment Instructions response) and of the api-evangelist/papaya-global spec
derived from it (``examples/create-beneficiary.json``, ``examples/create-payment.json``), which name
some fields differently; the mapping reads both.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from hiresentry.connectors.papaya import mapping
from hiresentry.connectors.papaya.window import SyncWindow, Tracker, plan_window
from hiresentry.core.model import PayoutMethod
from hiresentry.core.store import CursorUpdate

# docs.papayaglobal.com, Create A Beneficiary: request entity + response bank details.
DOCS_BENEFICIARY: dict[str, Any] = {
    "type": "contact",
    "id": "GHXY5QuJRxSIrfkfcaBzUg",
    "entity_type": "INDIVIDUAL",
    "name": "Johny Smith",
    "currency": "USD",
    "country": "US",
    "user_tags": {"department": "R&D", "cost_center": "US"},
    "entity": {
        "individual_first_name": "Smith",
        "individual_last_name": "Johny",
        "date_of_birth": "1970-01-01",
        "address_line_1": "944 Fairfield Street",
        "address_city": "Los Angeles",
        "address_country": "US",
        "address_country_subdivision": "CA",
        "address_postal_code": "90210",
    },
    "bank_details": {
        "account_country": "US",
        "account_name": "John Smith",
        "account_number": "1234567",
        "bank_code": "123456789",
        "bank_name": "Bank of America ",
        "bank_identifier_code": "BOFAUS22XXX",
    },
}

# api-evangelist/papaya-global examples/create-beneficiary.json (response): nested address, BSB.
SPEC_BENEFICIARY: dict[str, Any] = {
    "id": "ben_a1b2c3d4-e5f6-7890-abcd-ef1234567890",
    "type": "beneficiary",
    "entity_type": "individual",
    "active": True,
    "name": "Jane Doe",
    "country": "AU",
    "currency": "AUD",
    "entity": {
        "first_name": "Jane",
        "last_name": "Doe",
        "date_of_birth": "1985-06-15",
        "address": {
            "street": "123 George Street",
            "city": "Sydney",
            "state": "NSW",
            "postal_code": "2000",
            "country": "AU",
        },
    },
    "bank_details": {"account_name": "Jane Doe", "bsb": "062-000", "account_number": "12345678"},
}

# docs.papayaglobal.com, UnApprove Payment Instructions: the response example (a payment).
DOCS_PAYMENT: dict[str, Any] = {
    "id": "awrJqByRRdmEBXSWRr_elg",
    "purpose": "SALA",
    "source": {"id": "1573c466-53ba-46e7-a7f2-b6d49c79716b", "type": "group"},
    "target": {"type": "contact", "id": "9"},
    "info": {
        "debit": {"currency": "USD", "amount": 3456.98431},
        "status": "PROCESSING",
        "credit": {"currency": "AUD", "amount": 5000},
        "rate": 1.44634732,
        "fees": 0,
    },
    "amount": {"type": "LAND", "amount": 5000},
    "execution": {"date": "2024-03-10T09:09:51Z"},
    "final": {"is_final": True, "expected": "2024-03-06T05:00:00Z"},
    "attachments": [],
    "approved": True,
    "user_tags": {},
}

# api-evangelist/papaya-global examples/create-payment.json (response).
SPEC_PAYMENT: dict[str, Any] = {
    "id": "pay_fedcba98-7654-3210-0123-456789abcdef",
    "correlation_id": "payroll-2026-06-001",
    "description": "June 2026 salary payment",
    "purpose": "salary",
    "source": {"wallet": "wlt_9f8e7d6c", "group": "grp_1a2b3c4d"},
    "target": {"beneficiary": "ben_a1b2c3d4-e5f6-7890-abcd-ef1234567890"},
    "amount": {"value": 5000.00, "currency": "AUD"},
    "execution": {"date": "2026-06-30"},
    "approved": False,
    "final": False,
    "info": {"status": "pending", "funding": {}, "rate": 1.0, "fees": {}},
}


def test_docs_beneficiary_makes_a_worker_and_a_bank_account() -> None:
    worker = mapping.worker("papaya", DOCS_BENEFICIARY)
    assert (worker.remote_id, worker.legal_name, worker.preferred_name) == (
        "GHXY5QuJRxSIrfkfcaBzUg",
        "Smith Johny",
        "Johny Smith",
    )
    assert worker.date_of_birth == dt.date(1970, 1, 1)
    assert worker.home_address is not None
    assert (worker.home_address.line1, worker.home_address.region, worker.home_address.postal_code) == (
        "944 Fairfield Street",
        "CA",
        "90210",
    )
    assert worker.claimed_country == "US"
    assert "bank_details" not in worker.remote_data and worker.remote_data["entity"]["date_of_birth"] == "[redacted]"
    account = mapping.payout_account("papaya", DOCS_BENEFICIARY)
    assert account is not None and account.method is PayoutMethod.BANK
    assert account.remote_id == "GHXY5QuJRxSIrfkfcaBzUg:bank"
    assert account.account_number is not None and account.account_number.get_secret_value() == "1234567"
    assert (account.routing_number, account.bic, account.bank_country) == ("123456789", "BOFAUS22XXX", "US")
    assert (account.holder_name, account.holder_type) == ("John Smith", "individual")
    assert account.remote_data["account_number"] == "[redacted]" and "'1234567'" not in repr(account)


def test_spec_shaped_beneficiary_is_read_too() -> None:
    worker = mapping.worker("papaya", SPEC_BENEFICIARY)
    assert (worker.legal_name, worker.preferred_name, worker.claimed_country) == ("Jane Doe", None, "AU")
    assert worker.home_address is not None and worker.home_address.city == "Sydney"
    account = mapping.payout_account("papaya", SPEC_BENEFICIARY)
    assert account is not None and (account.routing_number, account.bank_country) == ("062-000", "AU")


def test_business_beneficiary_with_iban() -> None:
    item = {
        "id": "B7",
        "entity_type": "BUSINESS",
        "name": "Northwind",
        "country": "DE",
        "entity": {"business_name": "Northwind Labs LLC", "address_country": "DE"},
        "bank_details": {"account_name": "Northwind Labs LLC", "iban": "DE89 3704 0044 0532 0130 00"},
    }
    worker = mapping.worker("papaya", item)
    assert (worker.legal_name, worker.preferred_name) == ("Northwind Labs LLC", "Northwind")
    account = mapping.payout_account("papaya", item)
    assert account is not None and account.holder_type == "business"
    assert account.iban is not None and account.iban.get_secret_value() == "DE89370400440532013000"
    assert mapping.payout_account("papaya", {"id": "B8", "bank_details": {"account_name": "x"}}) is None


def test_payments_map_credit_amount_status_and_hold_ref() -> None:
    processing = mapping.payment("papaya", DOCS_PAYMENT)
    assert (processing.remote_id, processing.worker_remote_id, processing.payout_account_remote_id) == (
        "awrJqByRRdmEBXSWRr_elg",
        "9",
        "9:bank",
    )
    assert (processing.amount, processing.currency, processing.status) == (Decimal("5000"), "AUD", "PROCESSING")
    assert processing.hold_ref is None and processing.paid_at is None  # with the bank: not stoppable
    assert processing.due_date == dt.date(2024, 3, 10)
    assert processing.approved is None  # Papaya's approval authorizes the instruction, not the work
    pending = mapping.payment("papaya", SPEC_PAYMENT)
    assert (pending.amount, pending.currency, pending.status) == (Decimal("5000.0"), "AUD", "PENDING")
    assert pending.hold_ref == pending.remote_id and pending.worker_remote_id.startswith("ben_")
    completed = mapping.payment("papaya", {**DOCS_PAYMENT, "info": {**DOCS_PAYMENT["info"], "status": "COMPLETED"}})
    assert completed.paid_at == dt.datetime(2024, 3, 10, 9, 9, 51, tzinfo=dt.UTC)


def test_malformed_items_raise_for_the_stream_to_report() -> None:
    with pytest.raises(ValueError, match="no target"):
        mapping.payment("papaya", {"id": "p1", "amount": {"value": 1, "currency": "USD"}})
    with pytest.raises(KeyError):
        mapping.payment("papaya", {"id": "p1", "target": {"id": "b"}, "amount": {"value": 1}})
    with pytest.raises(ValueError, match="no name"):
        mapping.worker("papaya", {"id": "b1", "entity": {}})
    bad = {"id": "b1", "bank_details": {"iban": "DE00 0000 0000 0000 0000 00"}}
    with pytest.raises(ValueError, match="IBAN"):
        mapping.payout_account("papaya", bad)


@pytest.mark.parametrize(
    ("status", "final"),
    [
        ("PENDING", False),
        ("PROCESSING", False),
        ("PROCESSED", False),
        ("PARTIAL", False),
        ("COMPLETED", True),
        ("FAILED", True),
        ("CANCELLED", True),
    ],
)
def test_final_states_follow_the_payment_status_page(status: str, final: bool) -> None:
    assert mapping.is_final(status) is final


def test_plan_full_then_incremental_then_full_again() -> None:
    t0 = dt.datetime(2025, 3, 3, 9, tzinfo=dt.UTC)
    week, overlap = dt.timedelta(days=7), dt.timedelta(minutes=10)
    first = plan_window({}, 1, t0, week, overlap)
    assert first.full and first.filters() == {} and first.recheck == ()
    tracker = Tracker()
    tracker.note("pay-1", "ben-1", still_open=True)
    tracker.note("pay-2", "ben-2", still_open=False)
    state = {
        "window": first.encode(),
        "payments": tracker.stamp(CursorUpdate("papaya", "payments", '{"pass": 1, "next": null, "done": true}')).value,
    }
    assert plan_window(state, 1, t0 + dt.timedelta(hours=1), week, overlap) == first  # resuming pass 1
    second = plan_window(state, 2, t0 + dt.timedelta(days=1), week, overlap)
    assert (second.full, second.recheck) == (False, ("pay-1",))
    assert second.filters() == {"request_from": "2025-03-03T08:50:00Z", "request_until": "2025-03-04T09:00:00Z"}
    assert SyncWindow.decode(second.encode()) == second
    later = plan_window({**state, "window": second.encode()}, 3, t0 + dt.timedelta(days=7), week, overlap)
    assert later.full  # a week after the last full pass
