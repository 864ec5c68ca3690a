"""BambooHR mapping from realistic payloads (no network).

The payloads are shaped like BambooHR's documented Get Employee answers (flat strings, documented
field names, ``0000-00-00`` for an empty date, ``"85000.00 USD"`` pay rates, country names); they are
our own fixtures, written from BambooHR's field documentation and spec, not captured traffic.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from hiresentry.connectors.bamboohr import mapping

CHARLOTTE: dict[str, Any] = {
    "id": "123",
    "employeeNumber": "4",
    "firstName": "Charlotte",
    "middleName": "",
    "lastName": "Abbott",
    "preferredName": "Charlie",
    "dateOfBirth": "1988-07-21",
    "homeEmail": "cabbott@example.com",
    "workEmail": "cabbott@efficientoffice.com",
    "mobilePhone": "801-724-6600",
    "homePhone": "",
    "workPhone": "801-724-6600",
    "address1": "335 S 560 W",
    "address2": "",
    "city": "Lindon",
    "state": "UT",
    "zipcode": "84042",
    "country": "United States",
    "linkedIn": "https://www.linkedin.com/in/charlotte-abbott",
    "status": "Active",
    "employmentHistoryStatus": "Full-Time",
    "hireDate": "2012-03-05",
    "originalHireDate": "2011-09-01",
    "terminationDate": "0000-00-00",
    "jobTitle": "Sr. HR Administrator",
    "department": "Human Resources",
    "division": "North America",
    "location": "Lindon, Utah",
    "payRate": "85000.00 USD",
    "payType": "Salary",
    "lastChanged": "2024-05-07T19:11:42+00:00",
    "ssn": "123-45-6789",
    "gender": "Female",
}


def test_worker_carries_every_identity_field() -> None:
    worker = mapping.worker("bamboo", CHARLOTTE)
    assert (worker.source, worker.remote_id) == ("bamboo", "123")
    assert worker.legal_name == "Charlotte Abbott"
    assert worker.preferred_name == "Charlie"
    assert worker.date_of_birth == dt.date(1988, 7, 21)
    assert worker.emails == ["cabbott@example.com", "cabbott@efficientoffice.com"]
    assert worker.phones == ["801-724-6600"]  # mobile and work are the same number: kept once
    assert worker.home_address is not None
    assert (worker.home_address.line1, worker.home_address.city, worker.home_address.region) == (
        "335 S 560 W",
        "Lindon",
        "UT",
    )
    assert (worker.home_address.postal_code, worker.home_address.country) == ("84042", "US")
    assert worker.claimed_country == "US"
    assert worker.tax_id is not None
    assert worker.tax_id.get_secret_value() == "123-45-6789"
    assert worker.profile_urls == ["https://www.linkedin.com/in/charlotte-abbott"]
    assert worker.modified_at == dt.datetime(2024, 5, 7, 19, 11, 42, tzinfo=dt.UTC)


def test_remote_data_drops_demographics_and_the_tax_id_and_redacts_identifiers() -> None:
    data = mapping.worker("bamboo", CHARLOTTE).remote_data
    assert "gender" not in data
    assert "ssn" not in data
    assert data["homeEmail"] == data["mobilePhone"] == data["dateOfBirth"] == "[redacted]"
    assert data["jobTitle"] == "Sr. HR Administrator"


def test_a_custom_tax_id_field_is_used_and_dropped() -> None:
    canadian = {**CHARLOTTE, "ssn": None, "sin": "046 454 286", "country": "Canada"}
    worker = mapping.worker("bamboo", canadian, tax_id_field="sin")
    assert worker.tax_id is not None
    assert worker.tax_id.get_secret_value() == "046 454 286"
    assert "sin" not in worker.remote_data
    assert mapping.worker("bamboo", CHARLOTTE, tax_id_field=None).tax_id is None


def test_middle_name_joins_the_legal_name_and_empty_values_are_absent() -> None:
    sparse = {"id": 7, "firstName": "Ana", "middleName": "María", "lastName": "Pérez", "dateOfBirth": "0000-00-00"}
    worker = mapping.worker("bamboo", sparse)
    assert worker.remote_id == "7"
    assert worker.legal_name == "Ana María Pérez"
    assert worker.date_of_birth is None
    assert worker.home_address is None
    assert (worker.emails, worker.phones, worker.tax_id) == ([], [], None)


def test_the_list_endpoints_id_name_and_the_new_birth_date_name_are_understood() -> None:
    worker = mapping.worker(
        "bamboo", {"employeeId": "9", "firstName": "Sam", "lastName": "Park", "birthDate": "1991-02-03"}
    )
    assert (worker.remote_id, worker.date_of_birth) == ("9", dt.date(1991, 2, 3))


@pytest.mark.parametrize(
    ("item", "error"),
    [
        ({"firstName": "No", "lastName": "Id"}, "no id"),
        ({"id": "1", "firstName": " ", "lastName": None}, "no first or last name"),
        ({**CHARLOTTE, "dateOfBirth": "21/07/1988"}, r"not a date \(expected YYYY-MM-DD\)"),
        ({**CHARLOTTE, "homeEmail": "not-an-email"}, "not an email address"),
        ({**CHARLOTTE, "country": "Atlantis"}, "unknown country"),
    ],
)
def test_malformed_employees_are_refused_with_the_cause(item: dict[str, Any], error: str) -> None:
    with pytest.raises(ValueError, match=error):
        mapping.worker("bamboo", item)


def test_engagement_of_a_full_time_employee() -> None:
    engagement = mapping.engagement("bamboo", CHARLOTTE, "Efficient Office")
    assert (engagement.remote_id, engagement.worker_remote_id) == ("123", "123")
    assert engagement.type == "employee"
    assert engagement.client_org == "Efficient Office"
    assert engagement.status == "Full-Time"
    assert (engagement.start_date, engagement.end_date) == (dt.date(2012, 3, 5), None)
    assert (engagement.rate, engagement.currency) == (Decimal("85000.00"), "USD")
    assert "ssn" not in engagement.remote_data


def test_engagement_of_a_terminated_contractor() -> None:
    contractor = {
        **CHARLOTTE,
        "employmentHistoryStatus": "Contractor",
        "status": "Inactive",
        "hireDate": "0000-00-00",
        "terminationDate": "2025-01-31",
        "payRate": {"value": "55.50", "currency": "EUR"},
    }
    engagement = mapping.engagement("bamboo", contractor, "acme")
    assert engagement.type == "contractor"
    assert (engagement.start_date, engagement.end_date) == (dt.date(2011, 9, 1), dt.date(2025, 1, 31))
    assert (engagement.rate, engagement.currency) == (Decimal("55.50"), "EUR")


def test_a_rehire_keeps_no_stale_end_date() -> None:
    rehired = {**CHARLOTTE, "hireDate": "2024-06-01", "terminationDate": "2023-12-31"}
    assert mapping.engagement("bamboo", rehired, None).end_date is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("85000.00 USD", (Decimal("85000.00"), "USD")),
        ("USD 85,000", (Decimal("85000"), "USD")),
        ("$42.50", (Decimal("42.50"), None)),
        ({"value": "10", "currency": "GBP"}, (Decimal("10"), "GBP")),
        ("competitive", (None, None)),
        (None, (None, None)),
    ],
)
def test_pay_rates_in_their_several_shapes(value: Any, expected: tuple[Decimal | None, str | None]) -> None:
    assert mapping.money(value) == expected


def test_a_deleted_employee_ends_the_engagement_and_keeps_the_identity() -> None:
    when = dt.datetime(2026, 3, 2, 11, 0, tzinfo=dt.UTC)
    tombstone = mapping.deleted_engagement("bamboo", "103", when)
    assert (tombstone.remote_id, tombstone.worker_remote_id, tombstone.deleted) == ("103", "103", True)
    assert tombstone.modified_at == when
