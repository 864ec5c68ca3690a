"""HiBob mapping from realistic payloads, and configuration (no network).

Payloads follow HiBob's spec and documentation: the nested machine format of a people search (root
fields at the top, categories nested, list fields as item ids), the flat field-path format HiBob's
own example uses (``"/root/firstName": {"value": …}``), a ``humanReadable`` copy, bank-account
entries and payroll-history employment entries. They are our own fixtures, not captured traffic.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from pydantic import SecretStr, ValidationError

from hiresentry.connectors.hibob import HiBobConfig, mapping
from hiresentry.connectors.hibob.config import FIELD_PATHS

AMY: dict[str, Any] = {
    "id": "3332883911884669725",
    "firstName": "Amy",
    "surname": "Miles",
    "fullName": "Amy Miles",
    "displayName": "Amy M.",
    "email": "amy.miles@acme.example",
    "companyId": 636192,
    "personal": {"birthDate": "1990-05-12", "gender": "Female", "nationality": ["1644513820829"]},
    "home": {"privateEmail": "amy@example.org", "mobilePhone": "+44 7700 900123", "privatePhone": ""},
    "work": {"workPhone": "+44 20 7946 0000", "workMobile": None, "title": "Engineer"},
    "address": {
        "line1": "10 Downing St",
        "line2": None,
        "city": "London",
        "postCode": "SW1A 2AA",
        "country": "1644513820829",
        "usaState": None,
    },
    "about": {"socialData": {"linkedin": "https://www.linkedin.com/in/amymiles"}, "hobbies": ["yoga"]},
    "humanReadable": {"address": {"country": "United Kingdom"}, "personal": {"birthDate": "12/05/1990"}},
}


def test_a_nested_employee_with_readable_values() -> None:
    worker = mapping.worker("bob", AMY, FIELD_PATHS)
    assert (worker.remote_id, worker.legal_name, worker.preferred_name) == (
        "3332883911884669725",
        "Amy Miles",
        "Amy M.",
    )
    assert worker.date_of_birth == dt.date(1990, 5, 12)  # the machine value, not the readable "12/05/1990"
    assert worker.emails == ["amy.miles@acme.example", "amy@example.org"]
    assert worker.phones == ["+44 7700 900123", "+44 20 7946 0000"]
    assert worker.home_address is not None
    assert (worker.home_address.line1, worker.home_address.postal_code) == ("10 Downing St", "SW1A 2AA")
    assert worker.claimed_country == worker.home_address.country == "GB"  # readable name, not the list item id
    assert worker.profile_urls == ["https://www.linkedin.com/in/amymiles"]
    assert worker.tax_id is None  # no tax id path by default


def test_remote_data_drops_personal_about_and_the_readable_copy() -> None:
    data = mapping.worker("bob", AMY, FIELD_PATHS).remote_data
    assert {"personal", "about", "humanReadable"}.isdisjoint(data)
    assert data["home"]["mobilePhone"] == data["email"] == "[redacted]"
    assert data["work"]["title"] == "Engineer"


def test_the_flat_field_path_shape_of_hibobs_own_example() -> None:
    flat = {
        "/root/id": {"value": "3332883884017713938"},
        "/root/firstName": {"value": "Zoe"},
        "/root/surname": {"value": "Clark"},
        "/root/email": {"value": "zoe.clark@acme.example"},
        "/personal/birthDate": {"value": "1985-01-30"},
        "/address/country": {"value": "1644513820830", "humanReadable": "Spain"},
        "/identification/ssn": {"value": "078-05-1120"},
    }
    worker = mapping.worker("bob", flat, {**FIELD_PATHS, "tax_id": "identification.ssn"})
    assert (worker.remote_id, worker.legal_name) == ("3332883884017713938", "Zoe Clark")
    assert worker.date_of_birth == dt.date(1985, 1, 30)
    assert worker.claimed_country == "ES"
    assert worker.tax_id is not None
    assert worker.tax_id.get_secret_value() == "078-05-1120"
    assert "/personal/birthDate" not in worker.remote_data


@pytest.mark.parametrize(
    ("employee", "error"),
    [
        ({"firstName": "No", "surname": "Id"}, "no id"),
        ({"id": "1"}, "no name"),
        ({**AMY, "personal": {"birthDate": "12/05/1990"}}, r"not a date \(expected YYYY-MM-DD\)"),
        ({**AMY, "email": "amy at acme"}, "not an email address"),
    ],
)
def test_malformed_employees_are_refused_with_the_cause(employee: dict[str, Any], error: str) -> None:
    with pytest.raises(ValueError, match=error):
        mapping.worker("bob", employee, FIELD_PATHS)


def test_fingerprints_change_with_any_searched_value() -> None:
    changed = {**AMY, "home": {**AMY["home"], "mobilePhone": "+44 7700 900999"}}
    assert mapping.digest(AMY) == mapping.digest(dict(reversed(list(AMY.items()))))  # key order is irrelevant
    assert mapping.digest(AMY) != mapping.digest(changed)


def test_a_bank_account_entry() -> None:
    entry = {
        "id": 1001,
        "bankAccountType": "Checking",
        "bankName": "NatWest",
        "iban": "GB29 NWBK 6016 1331 9268 19",
        "bicOrSwift": "NWBKGB2L",
        "accountNumber": None,
        "routingNumber": None,
        "allocation": "remaining",
        "useForBonus": True,
    }
    account = mapping.payout_account("bob", "3332883911884669725", entry)
    assert (account.remote_id, account.worker_remote_id) == ("3332883911884669725/1001", "3332883911884669725")
    assert account.iban is not None
    assert (account.iban.get_secret_value(), account.bic) == ("GB29NWBK60161331926819", "NWBKGB2L")
    assert account.remote_data["iban"] == "[redacted]"
    us = mapping.payout_account("bob", "7", {"id": 3, "accountNumber": "000123456", "routingNumber": "121000358"})
    assert us.account_number is not None
    assert (us.account_number.get_secret_value(), us.routing_number) == ("000123456", "121000358")
    with pytest.raises(ValueError, match="no id"):
        mapping.payout_account("bob", "7", {"iban": "GB29NWBK60161331926819"})


def test_payroll_history_entries_become_dated_engagements() -> None:
    employee = {
        "id": "42",
        "payroll": {
            "employmentType": [
                {"id": 1, "effectiveDate": "2021-01-04", "endEffectiveDate": "2022-12-31", "contract": "Freelance"},
                {
                    "id": 2,
                    "effectiveDate": "2023-01-01",
                    "contract": "Permanent",
                    "weeklyHours": 37.5,
                    "isCurrent": True,
                },
            ],
            "salary": {"id": 9, "effectiveDate": "2023-01-01", "base": {"value": 60000, "currency": "GBP"}},
        },
    }
    past, current = mapping.engagements("bob", employee, "Acme Ltd")
    assert (past.remote_id, past.type, past.end_date) == ("42/employmentType/1", "contractor", dt.date(2022, 12, 31))
    assert (current.type, current.status, current.hours_per_week) == ("employee", "current", 37.5)
    assert current.start_date == dt.date(2023, 1, 1)
    assert mapping.engagements("bob", {"id": "43", "payroll": {}}, None) == []  # salary tables are not engagements
    with pytest.raises(ValueError, match="no id"):
        mapping.engagements("bob", {"payroll": {}}, None)


# -- configuration ---------------------------------------------------------------------------------

BASE: dict[str, Any] = {"service_user_id": "SERVICE-1", "service_user_token": SecretStr("token-123")}


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        ({"fields": {"ssn": "identification.ssn"}}, "unknown fields"),
        ({"fields": {"tax_id": "identification/ssn"}}, "not Bob field paths"),
        ({"fields": {"id": None}}, "fields.id cannot be removed"),
        ({"streams": []}, "nothing to read"),
        ({"base_url": "http://api.hibob.com/v1"}, "https://"),
        ({"service_user_token": SecretStr(" ")}, "empty"),
    ],
)
def test_configuration_errors_name_their_cause(changes: dict[str, Any], error: str) -> None:
    with pytest.raises(ValidationError, match=error):
        HiBobConfig.model_validate(BASE | changes)


def test_search_fields_follow_the_field_map() -> None:
    config = HiBobConfig.model_validate(BASE | {"fields": {"tax_id": "identification.ssn", "linkedin": None}})
    assert "identification.ssn" in config.search_fields
    assert "about.socialData.linkedin" not in config.search_fields
    assert config.search_fields[0] == "root.id"
