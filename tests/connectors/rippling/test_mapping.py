"""Rippling payload → canonical record mapping, for both APIs, on realistic payloads.

The legacy payload is the ``/employees`` example of Rippling's official legacy spec (2021); the
REST payload is our realistic ``/workers`` item (``conftest.REST_WORKERS_EXAMPLE``; the REST spec
has no examples) shaped by the spec's ``Worker`` and ``User`` schemas. No network.
"""

from __future__ import annotations

import copy
import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from hiresentry.connectors.rippling import mapping
from tests.connectors.rippling.conftest import REST_WORKERS_EXAMPLE

LEGACY: dict[str, Any] = {
    "id": "5c8f7f06c592917aeee1ea9f",
    "name": "Parashuram Joshi",
    "preferredFirstName": "Parashuram",
    "firstName": "Parashuram",
    "employmentType": "SALARIED_FT",
    "companyEmploymentType": {"id": "5d7278593ca04e1dadf27346", "isContractor": None, "label": "Salaried, full-time"},
    "lastName": "Joshi",
    "phoneNumber": "819-729-4862",
    "photo": "https://s3-us-west-2.amazonaws.com/com.rippling.images/4728f747",
    "dob": "2020-03-01",
    "ssn": None,
    "phone": "819-729-4862",
    "filingStatus": "SINGLE",
    "title": "Software Engineer",
    "compensation": {
        "currency": "USD",
        "annualSalary": "143333.00",
        "salaryPerUnit": "143333.00",
        "salaryUnit": "YEAR",
    },
    "department": "Engineering",
    "workLocation": {"city": "Salem", "zip": "97317", "streetLine1": "4000 Mission Street Southeast", "country": "US"},
    "address": None,
    "flsaStatus": "non-exempt",
    "personalEmail": "x@testrippling.com",
    "customFields": {"How will this employee be classified for EEO reporting?": "Professionals"},
    "ein": "123121111",
    "endDate": None,
    "updatedAt": "2020-08-11T21:59:23+0000",
    "createdAt": "2019-03-18T11:20:38+0000",
    "startDate": "2019-03-29",
    "employeeNumber": 11,
    "roleState": "ACTIVE",
    "workEmail": "parashuram@aamirkhan.co.in",
    "manager": "5d3777868a9f4e2b5e467fc9",
}
REST: dict[str, Any] = REST_WORKERS_EXAMPLE["results"][0]


def test_a_legacy_employee() -> None:
    worker = mapping.legacy_worker("rippling", LEGACY)
    assert (worker.remote_id, worker.legal_name, worker.preferred_name) == (
        "5c8f7f06c592917aeee1ea9f",
        "Parashuram Joshi",
        "Parashuram Joshi",
    )
    assert worker.emails == ["x@testrippling.com", "parashuram@aamirkhan.co.in"]
    assert worker.phones == ["819-729-4862"]
    assert worker.date_of_birth == dt.date(2020, 3, 1)
    assert worker.home_address is None  # the work location is not a home address
    assert worker.modified_at == dt.datetime(2020, 8, 11, 21, 59, 23, tzinfo=dt.UTC)  # "+0000" read right
    assert worker.tax_id is None
    for dropped in ("compensation", "customFields", "photo", "filingStatus", "ssn"):
        assert dropped not in worker.remote_data
    assert worker.remote_data["personalEmail"] == "[redacted]"
    engagement = mapping.legacy_engagement("rippling", LEGACY)
    assert (engagement.type, engagement.status, engagement.start_date) == ("employee", "active", dt.date(2019, 3, 29))
    assert (engagement.rate, engagement.currency) == (Decimal("143333.00"), "USD")


def test_a_legacy_contractor_with_home_address_and_ssn() -> None:
    contractor = {
        **LEGACY,
        "employmentType": "CONTRACTOR",
        "address": {"streetLine1": "12 Elm St", "city": "Austin", "state": "TX", "zip": "78701", "country": "US"},
        "ssn": "123-45-6789",
        "gender": "MALE",
    }
    worker = mapping.legacy_worker("rippling", contractor)
    assert worker.home_address is not None and worker.home_address.city == "Austin"
    assert worker.claimed_country == "US"
    assert worker.tax_id is not None and worker.tax_id.get_secret_value() == "123456789"
    assert "gender" not in worker.remote_data
    assert mapping.legacy_engagement("rippling", contractor).type == "contractor"
    flagged = {**LEGACY, "companyEmploymentType": {"isContractor": True}}
    assert mapping.legacy_engagement("rippling", flagged).type == "contractor"
    assert mapping.legacy_worker("rippling", {**LEGACY, "ssn": "XXX-XX-6789"}).tax_id is None


def test_a_rest_worker() -> None:
    worker = mapping.rest_worker("rippling", REST)
    assert (worker.remote_id, worker.legal_name, worker.preferred_name) == (
        "64d2a1c0f1e9a40011223344",
        "Mina Sato",
        None,
    )
    assert worker.emails == ["mina@acme.example", "mina.sato@example.com"]
    assert worker.phones == ["+14155550176"]
    assert worker.home_address is not None
    assert (worker.home_address.line1, worker.home_address.city, worker.home_address.country) == (
        "500 Howard St",
        "San Francisco",
        "US",
    )
    assert (worker.claimed_country, worker.claimed_timezone) == ("US", "America/Los_Angeles")
    assert worker.modified_at == dt.datetime(2026, 2, 11, 9, 30, tzinfo=dt.UTC)
    engagement = mapping.rest_engagement("rippling", REST)
    assert (engagement.type, engagement.status, engagement.start_date) == ("contractor", "active", dt.date(2024, 9, 1))


def test_rest_demographics_and_citizenship_are_not_kept() -> None:
    item = {**REST, "race": "OTHER", "ethnicity": "ASIAN", "gender": "FEMALE", "citizenship": "JP"}
    kept = mapping.rest_worker("rippling", item).remote_data["worker"]
    assert not {"race", "ethnicity", "gender", "citizenship", "user"} & set(kept)


def test_a_rest_worker_without_the_user_expanded_has_no_name() -> None:
    with pytest.raises(ValueError, match="no name"):
        mapping.rest_worker("rippling", {k: v for k, v in REST.items() if k != "user"})


def test_a_rest_worker_with_preferred_names_and_a_vague_timezone() -> None:
    item = copy.deepcopy(REST)
    item["user"]["name"] = {"given_name": "Hyun", "family_name": "Kim", "preferred_given_name": "Henry"}
    item["user"]["timezone"] = "PST"
    worker = mapping.rest_worker("rippling", item)
    assert (worker.legal_name, worker.preferred_name, worker.claimed_timezone) == ("Hyun Kim", "Henry Kim", None)


@pytest.mark.parametrize(
    ("function", "payload"),
    [
        (mapping.legacy_worker, {**LEGACY, "firstName": None, "lastName": None, "name": None}),
        (mapping.legacy_worker, {**LEGACY, "dob": "01/03/2020"}),
        (mapping.legacy_engagement, {**LEGACY, "compensation": {"salaryPerUnit": "lots"}}),
        (mapping.rest_worker, {**REST, "country": "Narnia"}),
    ],
)
def test_malformed_payloads_raise(function: Any, payload: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        function("rippling", payload)
