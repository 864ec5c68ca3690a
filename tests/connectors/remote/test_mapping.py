"""Remote payload → canonical record mapping, on realistic payloads. No network.

The first employment is the ``Employment`` example of Remote's spec (its forms are empty); the
second is a German contractor whose country-specific forms are filled the way Remote's JSON-schema
forms name their fields. Contractor invoices are not in the spec copy: that payload follows
Remote's SDK shape as summarised in ``shared/reference/connectors.md`` §2.2 (our own fixture).
"""

from __future__ import annotations

import copy
import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from hiresentry.connectors.remote import mapping
from tests.connectors.remote.fake_remote import employment, iban, invoice

SPEC_EXAMPLE: dict[str, Any] = {
    "address_details": {},
    "administrative_details": {},
    "bank_account_details": [],
    "basic_information": {},
    "billing_address_details": {},
    "company_id": "e31adae1-company-id-af5fba7dd803",
    "contract_details": {},
    "country": {"code": "AUT", "name": "Austria"},
    "created_at": "2021-11-11T18:44:39",
    "emergency_contact_details": {},
    "files": [],
    "full_name": "Jane Smith",
    "id": "20a72f86-employment-id-9e4942a902ff",
    "job_title": "Engineer",
    "personal_details": {},
    "personal_email": "jane@smith.com",
    "provisional_start_date": "2021-07-03",
    "status": "created",
    "type": "employee",
    "updated_at": "2021-11-11T18:44:39",
    "user_status": "active",
}


def test_the_specs_employment_example() -> None:
    worker = mapping.worker("remote", SPEC_EXAMPLE)
    assert (worker.remote_id, worker.legal_name, worker.claimed_country) == (
        "20a72f86-employment-id-9e4942a902ff",
        "Jane Smith",
        "AT",  # from the alpha-3 code
    )
    assert worker.emails == ["jane@smith.com"]
    assert worker.home_address is None  # an empty address form is no address
    assert worker.modified_at == dt.datetime(2021, 11, 11, 18, 44, 39, tzinfo=dt.UTC)
    engagement = mapping.engagement("remote", SPEC_EXAMPLE)
    assert (engagement.type, engagement.status, engagement.start_date, engagement.client_org) == (
        "employee",
        "created",
        dt.date(2021, 7, 3),
        "e31adae1-company-id-af5fba7dd803",
    )
    assert mapping.payout_accounts("remote", SPEC_EXAMPLE) == []


def test_a_contractor_with_filled_country_forms() -> None:
    item = employment(7)
    worker = mapping.worker("remote", item)
    assert (worker.legal_name, worker.date_of_birth, worker.phones) == (
        "Given7 Family7",
        dt.date(1992, 4, 8),
        ["+4915112345007"],
    )
    assert worker.emails == ["given7@example.net", "given7@acme.example"]
    assert worker.home_address is not None
    assert (worker.home_address.line1, worker.home_address.city, worker.home_address.country) == (
        "Torstraße 8",
        "Berlin",
        "DE",
    )
    assert worker.tax_id is not None and worker.tax_id.get_secret_value() == "12345678907"
    kept = worker.remote_data
    assert "nationality" not in kept["personal_details"] and "sex" not in kept["personal_details"]
    assert kept["personal_details"]["date_of_birth"] == "[redacted]"
    assert not {"emergency_contact_details", "administrative_details", "bank_account_details"} & set(kept["employment"])
    assert mapping.engagement("remote", item).type == "contractor"
    (account,) = mapping.payout_accounts("remote", item)
    assert account.iban is not None and account.iban.get_secret_value() == iban(7)
    assert (account.holder_name, account.bic, account.bank_country, account.worker_remote_id) == (
        "Given7 Family7",
        "DEUTDEBBXXX",
        "DE",
        item["id"],
    )
    assert account.remote_id == f"{item['id']}:bank:0:{iban(7)[-4:]}"
    assert account.remote_data["iban"] == "[redacted]"


def test_forms_with_other_field_names() -> None:
    item = copy.deepcopy(employment(1))
    item["personal_details"] = {"legal_name": "Ana Lima", "birth_date": "1988-01-30", "mobile_number": "+5511987654321"}
    item["address_details"] = {
        "address_line_1": "Rua A 1",
        "town": "São Paulo",
        "zip_code": "01000-000",
        "country": "BRA",
    }
    item["bank_account_details"] = [
        {"beneficiary_name": "Ana Lima", "account_number": "12345-6", "bank_code": "341", "country_code": "BR"}
    ]
    worker = mapping.worker("remote", item)
    assert (worker.legal_name, worker.preferred_name, worker.date_of_birth) == (
        "Ana Lima",
        "Given1 Family1",
        dt.date(1988, 1, 30),
    )
    assert worker.home_address is not None and worker.home_address.country == "BR"
    (account,) = mapping.payout_accounts("remote", item)
    assert (account.holder_name, account.routing_number, account.bank_country) == ("Ana Lima", "341", "BR")


def test_contractor_invoices() -> None:
    paid = mapping.payment(
        "remote",
        invoice(
            3,
            "emp-1",
            "2026-02-01",
            status="paid_out",
            approved_at="2026-02-03T10:00:00",
            paid_out_at="2026-02-05T09:30:00",
        ),
    )
    assert (paid.amount, paid.currency, paid.status, paid.approved) == (Decimal("4500"), "EUR", "paid_out", True)
    assert paid.paid_at == dt.datetime(2026, 2, 5, 9, 30, tzinfo=dt.UTC)
    assert (paid.worker_remote_id, paid.engagement_remote_id, paid.hold_ref) == ("emp-1", "emp-1", None)
    issued = mapping.payment("remote", invoice(4, "emp-1", "2026-02-01"))
    assert issued.approved is None
    yen = mapping.payment("remote", invoice(5, "emp-2", "2026-02-01", amount=120000, currency="jpy"))
    assert (yen.amount, yen.currency) == (Decimal("120000"), "JPY")
    decimal_text = mapping.payment("remote", invoice(6, "emp-2", "2026-02-01", amount="1250.50"))
    assert decimal_text.amount == Decimal("1250.50")


@pytest.mark.parametrize(
    ("function", "payload"),
    [
        (mapping.payment, invoice(1, "e", "2026-01-01", currency=None)),
        (mapping.payment, invoice(1, "e", "2026-01-01", amount=None)),
        (mapping.payment, invoice(1, None, "2026-01-01")),  # type: ignore[arg-type]
        (mapping.worker, {**SPEC_EXAMPLE, "full_name": None}),
        (mapping.payout_accounts, {**SPEC_EXAMPLE, "bank_account_details": [{"account_holder": "x"}]}),
        (mapping.payout_accounts, {**SPEC_EXAMPLE, "bank_account_details": [{"iban": "DE00123456789012345678"}]}),
    ],
)
def test_malformed_payloads_raise(function: Any, payload: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        function("remote", payload)
