"""Payoneer payload → record mapping, on realistic payloads (pure functions, no HTTP).

The payloads follow the public material cited in ``connectors/payoneer/mapping.py``: the v2 payee
details and payees report of the ``payoneer_api_client`` README, the v4 ``{"result": ...}`` wrapper
and status objects of the Payee Status page and the Go client's tests. Where those say nothing (bank
numbers under ``payout_method.details``) the payload is our documented choice, as in the fake.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from hiresentry.connectors.base import Checkpoint
from hiresentry.connectors.payoneer import mapping
from hiresentry.connectors.payoneer.streams import ReportPaginator, ReportWindow
from hiresentry.core.model import PayoutMethod
from hiresentry.core.store import CursorUpdate

# GET payees/{id}/details of the v2 program API, as the payoneer_api_client README shows it.
V2_DETAILS: dict[str, Any] = {
    "type": "INDIVIDUAL",
    "status": "ACTIVE",
    "registration_date": "2016-01-22",
    "contact": {
        "first_name": "Lena",
        "last_name": "Vogel",
        "email": "lena.vogel@example.org",
        "mobile": "+49 151 23456789",
        "phone": "",
    },
    "address": {
        "country": "DE",
        "state": "",
        "zip_code": "10115",
        "address_line_1": "Lindenstrasse 4",
        "address_line_2": "Hinterhaus",
        "city": "Berlin",
    },
    "payout_method": {"type": "BANK", "currency": "USD"},
}

# A row of GET reports/payees_status (same README), with its payouts.
REPORT_ROW: dict[str, Any] = {
    "payee_id": "ID123",
    "status": "Active",
    "registration_date": "2018-01-19",
    "payout_method": "BANK",
    "total_amount": 282.08,
    "payouts": [
        {
            "client_reference_id": "ABC123",
            "date": "2018-01-23T09:21:28",
            "amount": 55.1,
            "currency": "USD",
            "description": "TEST",
            "status": "Funded",
        },
        {
            "client_reference_id": "test123456",
            "date": "2018-01-24T08:40:06",
            "amount": 25.22,
            "currency": "USD",
            "description": "TEST",
            "status": "Cancelled",
        },
        {
            "client_reference_id": "test123456",
            "date": "2018-01-24T08:41:03",
            "amount": 25.22,
            "currency": "USD",
            "description": "Payment test123456 refunded",
            "status": "Refund",
        },
        {
            "client_reference_id": "PO-2018-02",
            "date": "2018-02-01T07:00:00",
            "amount": 120,
            "currency": "USD",
            "description": "February",
            "status": "Pending Payee Approval",
        },
    ],
}

IBAN = "DE89 3704 0044 0532 0130 00"

# A v4 details answer ({"result": ...}, status object, account id) with bank numbers (our choice of place).
V4_DETAILS: dict[str, Any] = {
    "result": {
        "payee_id": "PYE-77",
        "type": "INDIVIDUAL",
        "status": {"type": 1, "description": "Active"},
        "registration_date": "2025-01-10",
        "account_id": "3743532",
        "contact": {
            "first_name": "Omar",
            "last_name": "Haddad",
            "email": "omar@example.net",
            "date_of_birth": "1990-05-17",
        },
        "address": {"address_line_1": "9 Rue Blanche", "city": "Paris", "zip_code": "75009", "country": "FRA"},
        "payout_method": {
            "type": "BANK",
            "currency": "EUR",
            "details": {"account_name": "Omar Haddad", "iban": IBAN, "swift": "COBADEFFXXX", "country": "DE"},
        },
    }
}


def test_v2_details_and_report_row_make_a_worker() -> None:
    worker = mapping.worker("payoneer", REPORT_ROW, V2_DETAILS)
    assert worker.remote_id == "ID123"
    assert worker.legal_name == "Lena Vogel"
    assert worker.emails == ["lena.vogel@example.org"]
    assert worker.phones == ["+49 151 23456789"]
    assert worker.home_address is not None
    assert (worker.home_address.line1, worker.home_address.line2) == ("Lindenstrasse 4", "Hinterhaus")
    assert (worker.home_address.city, worker.home_address.postal_code) == ("Berlin", "10115")
    assert worker.claimed_country == "DE"
    # remote_data keeps the payload minus identifiers and without the nested payouts
    assert worker.remote_data["details"]["contact"]["email"] == "[redacted]"
    assert worker.remote_data["details"]["contact"]["mobile"] == "[redacted]"
    assert "payouts" not in worker.remote_data["report"]


def test_v4_details_with_iban_make_a_bank_payout_account() -> None:
    details = mapping.result(V4_DETAILS)
    worker = mapping.worker("payoneer", {"payee_id": "PYE-77"}, details)
    assert (worker.legal_name, worker.date_of_birth, worker.claimed_country) == (
        "Omar Haddad",
        dt.date(1990, 5, 17),
        "FR",
    )
    assert "account_id" not in worker.remote_data["details"]
    account = mapping.payout_account("payoneer", "PYE-77", details)
    assert account is not None
    assert account.remote_id == "PYE-77:bank"
    assert account.method is PayoutMethod.BANK
    assert account.iban is not None and account.iban.get_secret_value() == IBAN.replace(" ", "")
    assert (account.bic, account.bank_country, account.holder_name) == ("COBADEFFXXX", "DE", "Omar Haddad")
    assert (account.holder_type, account.worker_remote_id) == ("individual", "PYE-77")
    assert account.first_seen == dt.datetime(2025, 1, 10, tzinfo=dt.UTC)
    assert "0532" not in repr(account) and account.remote_data["details"]["iban"] == "[redacted]"


def test_ach_details_give_account_and_routing_numbers() -> None:
    details = {
        "type": "INDIVIDUAL",
        "contact": {"first_name": "Foo", "last_name": "Bar"},
        "payout_method": {
            "type": "iACH",
            "currency": "USD",
            "details": {"account_name": "Foo Bar", "account_number": "123456789", "routing_number": "121042882"},
        },
    }
    account = mapping.payout_account("payoneer", "p1", details)
    assert account is not None and account.method is PayoutMethod.BANK
    assert account.account_number is not None and account.account_number.get_secret_value() == "123456789"
    assert account.routing_number == "121042882"
    assert account.remote_id == "p1:iach"


def test_payoneer_balance_is_keyed_by_the_prefixed_account_id_and_email() -> None:
    details = {
        "type": "COMPANY",
        "account_id": "3743532",
        "contact": {"email": "billing@kestrel.example"},
        "company": {"name": "Kestrel Dev GmbH"},
        "payout_method": {"type": "PAYONEER", "currency": "USD"},
    }
    account = mapping.payout_account("payoneer", "p9", details)
    assert account is not None and account.method is PayoutMethod.PAYONEER
    assert account.account_number is not None
    assert account.account_number.get_secret_value() == "PAYONEER-3743532"  # never hashes like a bank account
    assert (account.email, account.holder_type) == ("billing@kestrel.example", "business")
    worker = mapping.worker("payoneer", {"payee_id": "p9"}, details)
    assert worker.legal_name == "Kestrel Dev GmbH"  # a company payee without a contact name


def test_paypal_and_number_less_bank_methods() -> None:
    paypal = {
        "contact": {"email": "x@example.com"},
        "payout_method": {"type": "PAYPAL", "details": {"email": "pp@example.com"}},
    }
    account = mapping.payout_account("payoneer", "p2", paypal)
    assert account is not None and (account.method, account.email, account.account_number) == (
        PayoutMethod.PAYPAL,
        "pp@example.com",
        None,
    )
    # The v2 details say only {"type": "BANK", "currency": "USD"}: nothing to compare, no record.
    assert mapping.payout_account("payoneer", "ID123", V2_DETAILS) is None
    assert mapping.payout_account("payoneer", "ID123", {"contact": {}}) is None


def test_report_payouts_become_payments_with_hold_refs_only_while_pending() -> None:
    built = [mapping.payment("payoneer", "ID123", p) for p in mapping.payouts(REPORT_ROW)]
    funded, cancelled, refund, pending = built
    assert refund is None  # money returning to the program, not a payment to the worker
    assert funded is not None and cancelled is not None and pending is not None
    assert (funded.remote_id, funded.amount, funded.currency, funded.status) == (
        "ABC123",
        Decimal("55.1"),
        "USD",
        "Funded",
    )
    assert funded.paid_at == dt.datetime(2018, 1, 23, 9, 21, 28, tzinfo=dt.UTC) and funded.hold_ref is None
    assert cancelled.hold_ref is None and cancelled.paid_at is None
    assert pending.hold_ref == "PO-2018-02" and pending.due_date == dt.date(2018, 2, 1)
    assert pending.worker_remote_id == "ID123"


@pytest.mark.parametrize(
    ("status", "pending", "paid"),
    [
        ("Pending", True, False),
        ("Pending Payee Approval", True, False),
        ({"type": 0, "description": "Pending"}, True, False),
        ("Transferred", False, True),
        ("Funded", False, True),
        ("Cancelled", False, False),
        ("Processing", False, False),  # in flight: not cancellable, so never reported as held
        (None, False, False),
    ],
)
def test_status_classes(status: Any, pending: bool, paid: bool) -> None:
    assert (mapping.is_pending(status), mapping.is_paid(status)) == (pending, paid)


def test_malformed_items_raise_for_the_stream_to_report() -> None:
    with pytest.raises(ValueError, match="no contact or company name"):
        mapping.worker("payoneer", {"payee_id": "p1"}, {"contact": {"email": "a@example.com"}})
    with pytest.raises(ValueError, match="payee_id"):
        mapping.worker("payoneer", {}, None)
    with pytest.raises(KeyError):
        mapping.payment("payoneer", "p1", {"client_reference_id": "r1", "amount": 10, "status": "Pending"})
    bad = {"payout_method": {"type": "BANK", "details": {"iban": "DE00 0000 0000 0000 0000 00"}}}
    with pytest.raises(ValueError, match="IBAN"):
        mapping.payout_account("payoneer", "p1", bad)


def test_report_paginator_goes_on_only_while_the_body_says_so() -> None:
    paginator = ReportPaginator()
    assert paginator.params(None, 50) == {"page": 1, "page_size": 50}
    rows = [{}] * 2
    assert paginator.next_position(None, 2, {"result": {"payees": rows, "total_pages": 3}}, rows) == "2"
    assert paginator.next_position("3", 2, {"result": {"payees": rows, "total_pages": 3}}, rows) is None
    # an API that ignores page/page_size (no total_pages): one page, never a loop
    assert paginator.next_position(None, 2, {"payees": rows}, rows) is None


def test_report_window_first_resumed_and_next_pass() -> None:
    today, start = dt.date(2025, 3, 5), dt.date(2024, 1, 1)
    first = ReportWindow.for_pass(Checkpoint(1), None, today, start, 1)
    assert (first.start, first.end) == (start, today)
    stamped = first.stamp(CursorUpdate("payoneer", "payees", Checkpoint(1, "3", False).encode()))
    resumed = ReportWindow.for_pass(Checkpoint(1, "3"), stamped.value, dt.date(2025, 3, 9), start, 1)
    assert resumed == first  # a resumed pass keeps its window, so its pages stay the same pages
    done = first.stamp(CursorUpdate("payoneer", "payees", Checkpoint(1, None, True).encode()))
    nxt = ReportWindow.for_pass(Checkpoint(2), done.value, dt.date(2025, 3, 9), start, 1)
    assert (nxt.start, nxt.end) == (dt.date(2025, 3, 4), dt.date(2025, 3, 9))
