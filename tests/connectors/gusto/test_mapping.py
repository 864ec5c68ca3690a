"""Gusto payload → canonical record mapping, on Gusto's own example payloads.

The payloads are the ``x-examples`` of Gusto's Embedded spec (API 2025-06-15): the individual and
the business contractor, the payment-details list (check and direct deposit, masked account) and
a contractor payment. No network: these are the pure mapping functions.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from hiresentry.connectors.gusto import mapping
from hiresentry.core.keys import LinkKeyHasher
from hiresentry.core.store.rows import RowBuilder

INDIVIDUAL: dict[str, Any] = {
    "address": {
        "city": "Coral Springs",
        "country": "USA",
        "state": "FL",
        "street_1": "621 Jast Row",
        "street_2": "Apt. 281",
        "zip": "33065",
    },
    "business_name": None,
    "company_uuid": "b7457fec-3b76-43bb-9c6e-69cca4688942",
    "department": "Engineering",
    "dismissal_date": None,
    "ein": None,
    "email": "keira.west@mckenzie.org",
    "first_name": "Kory",
    "has_ein": False,
    "has_ssn": True,
    "hourly_rate": "60.00",
    "is_active": True,
    "last_name": "Gottlieb",
    "middle_initial": "P",
    "onboarded": True,
    "onboarding_status": "onboarding_completed",
    "payment_method": "Direct Deposit",
    "start_date": "2022-01-01",
    "type": "Individual",
    "uuid": "c9fc1ad3-c107-4e7b-aa21-2dd4b00a7a07",
    "version": "63859768485e218ccf8a449bb60f14ed",
    "wage_type": "Hourly",
    "work_state": "FL",
}
BUSINESS: dict[str, Any] = {
    "address": {
        "city": "Port Charlotte",
        "country": "USA",
        "state": "FL",
        "street_1": "1625 Bednar Center",
        "street_2": "Apt. 480",
        "zip": "33954",
    },
    "business_name": "Labadie-Stroman",
    "company_uuid": "0ec4ae6e-e436-460d-b63c-94a14503d16f",
    "dismissal_date": None,
    "ein": "XX-XXX0001",
    "email": "jonatan@kerluke.info",
    "first_name": None,
    "has_ein": True,
    "hourly_rate": "0.00",
    "is_active": True,
    "last_name": None,
    "start_date": "2022-01-01",
    "type": "Business",
    "uuid": "c7c0659c-21a6-4b4e-b74c-9252576fc68c",
    "wage_type": "Fixed",
}
DETAILS: list[dict[str, Any]] = [
    {
        "contractor_uuid": "e3d9487a-4ecb-49a3-b6ff-cf03ba7278b6",
        "first_name": "Yael",
        "last_name": "Kuvalis",
        "payment_method": "Check",
        "split_by": None,
        "splits": None,
    },
    {
        "contractor_uuid": "577b6307-66e9-4926-a769-91f5c8b578aa",
        "first_name": "Autumn",
        "last_name": "Connelly",
        "payment_method": "Direct Deposit",
        "split_by": "Percentage",
        "splits": [
            {
                "bank_account_uuid": "0aca4500-8ba4-48fc-adce-677fe7926b7b",
                "name": "Cayman Island Checking",
                "hidden_account_number": "XXXX1545",
                "account_number": None,
                "encrypted_account_number": None,
                "routing_number": "055003201",
                "priority": 1,
                "split_amount": 100,
                "account_type": "Checking",
            }
        ],
    },
]
PAYMENT: dict[str, Any] = {
    "uuid": "04552eb9-7829-4b18-ae96-6983552948df",
    "contractor_uuid": "bc57832c-d8bc-43a7-ae99-3a03380ff037",
    "bonus": "20.0",
    "date": "2020-10-19",
    "hours": "40.0",
    "payment_method": "Direct Deposit",
    "reimbursement": "100.0",
    "hourly_rate": "18.0",
    "may_cancel": True,
    "status": "Funded",
    "wage": "0.0",
    "wage_type": "Hourly",
    "wage_total": "740.00",
}


def test_an_individual_contractor() -> None:
    worker = mapping.worker("gusto", INDIVIDUAL)
    assert (worker.remote_id, worker.legal_name) == ("c9fc1ad3-c107-4e7b-aa21-2dd4b00a7a07", "Kory P Gottlieb")
    assert worker.emails == ["keira.west@mckenzie.org"]
    assert worker.home_address is not None
    assert (worker.home_address.line1, worker.home_address.line2) == ("621 Jast Row", "Apt. 281")
    assert (worker.home_address.city, worker.home_address.region, worker.home_address.country) == (
        "Coral Springs",
        "FL",
        "US",
    )
    assert worker.claimed_country == "US"
    assert worker.tax_id is None
    assert worker.modified_at is None  # Gusto objects carry a version digest, not a change time
    assert worker.remote_data["email"] == "[redacted]"
    engagement = mapping.engagement("gusto", INDIVIDUAL)
    assert (engagement.worker_remote_id, engagement.type, engagement.status) == (
        worker.remote_id,
        "contractor",
        "active",
    )
    assert (engagement.rate, engagement.currency, engagement.start_date) == (
        Decimal("60.00"),
        "USD",
        dt.date(2022, 1, 1),
    )
    assert engagement.client_org == "b7457fec-3b76-43bb-9c6e-69cca4688942"


def test_a_business_contractor_keeps_only_a_full_ein() -> None:
    masked = mapping.worker("gusto", BUSINESS)
    assert masked.legal_name == "Labadie-Stroman"
    assert masked.tax_id is None  # "XX-XXX0001" is Gusto's mask, not a key
    assert "ein" not in masked.remote_data
    full = mapping.worker("gusto", {**BUSINESS, "ein": "12-3456789"})
    assert full.tax_id is not None and full.tax_id.get_secret_value() == "12-3456789"
    fixed = mapping.engagement("gusto", {**BUSINESS, "company_name": "Acme Robots Inc"})
    assert (fixed.rate, fixed.client_org) == (None, "Acme Robots Inc")


def test_a_dismissed_contractor() -> None:
    engagement = mapping.engagement("gusto", {**INDIVIDUAL, "is_active": False, "dismissal_date": "2025-11-30"})
    assert (engagement.status, engagement.end_date) == ("dismissed", dt.date(2025, 11, 30))


def test_payment_details_become_masked_accounts_that_never_join_by_coincidence(hasher: LinkKeyHasher) -> None:
    assert mapping.payout_accounts("gusto", DETAILS[0]) == []  # paid by check: no account
    (account,) = mapping.payout_accounts("gusto", DETAILS[1])
    assert (account.remote_id, account.worker_remote_id) == (
        "0aca4500-8ba4-48fc-adce-677fe7926b7b",
        "577b6307-66e9-4926-a769-91f5c8b578aa",
    )
    assert (account.routing_number, account.bank_country, account.iban) == ("055003201", "US", None)
    assert account.remote_data["masked_account"] == "XXXX1545"
    assert account.remote_data["name"] == "Cayman Island Checking"
    assert "encrypted_account_number" not in account.remote_data

    # Another contractor at the same bank whose account also ends in 1545 is a different account.
    other_split = {**DETAILS[1]["splits"][0], "bank_account_uuid": "11111111-2222-4333-8444-555555555555"}
    (other,) = mapping.payout_accounts("gusto", {**DETAILS[1], "contractor_uuid": "x", "splits": [other_split]})
    rows = RowBuilder(hasher)
    mine, theirs = rows.payout_account(account), rows.payout_account(other)
    assert mine["account_key"] != theirs["account_key"]
    assert mine["account_masked"] == theirs["account_masked"] == "••••1545"
    # The same Gusto account read twice keys the same.
    assert rows.payout_account(mapping.payout_accounts("gusto", DETAILS[1])[0])["account_key"] == mine["account_key"]


def test_a_contractor_payment() -> None:
    paid = mapping.payment("gusto", PAYMENT)
    assert (paid.remote_id, paid.worker_remote_id, paid.engagement_remote_id) == (
        "04552eb9-7829-4b18-ae96-6983552948df",
        "bc57832c-d8bc-43a7-ae99-3a03380ff037",
        "bc57832c-d8bc-43a7-ae99-3a03380ff037",
    )
    assert (paid.amount, paid.currency, paid.status, paid.due_date) == (
        Decimal("840.00"),
        "USD",
        "Funded",
        dt.date(2020, 10, 19),
    )
    assert paid.hold_ref == "04552eb9-7829-4b18-ae96-6983552948df"  # may_cancel: Gusto can still stop it
    assert mapping.payment("gusto", {**PAYMENT, "may_cancel": False}).hold_ref is None


@pytest.mark.parametrize(
    ("function", "payload", "message"),
    [
        (mapping.worker, {**INDIVIDUAL, "first_name": None, "last_name": None}, "no name"),
        (mapping.payment, {**PAYMENT, "uuid": None}, "without uuid"),
        (mapping.payout_accounts, {**DETAILS[1], "contractor_uuid": None}, "without contractor_uuid"),
        (mapping.worker, {**INDIVIDUAL, "address": {**INDIVIDUAL["address"], "country": "Atlantis"}}, "country"),
    ],
)
def test_malformed_payloads_raise(function: Any, payload: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        function("gusto", payload)
