"""Workday mapping from realistic payloads, and report configuration (no network).

REST items follow the staffing v6 spec's ``workerData`` shape; RaaS rows (no public spec) follow
how Workday renders a custom report as JSON (descriptors as text, dates with an offset suffix,
group columns as lists of objects). Both are our own fixtures, not captured traffic.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from pydantic import SecretStr, ValidationError

from hiresentry.connectors.workday import ReportConfig, WorkdayConfig, mapping
from hiresentry.connectors.workday.config import REPORT_FIELDS

WORKER_COLUMNS = REPORT_FIELDS["workers"]
ACCOUNT_COLUMNS = REPORT_FIELDS["payout_accounts"]

LOGAN: dict[str, Any] = {
    "Employee_ID": "21001",
    "Legal_Name": "Logan McNeil",
    "Preferred_Name": "Logan McNeil",
    "Date_of_Birth": "1979-06-04-07:00",
    "Home_Email": "logan.mcneil@example.com",
    "Work_Email": "lmcneil@workday.net",
    "Home_Phone": "+1 (415) 555-0134",
    "Mobile_Phone": ["+1 (415) 555-0199", "+1 (415) 555-0134"],
    "Home_Address_Line_1": "3939 The Embarcadero",
    "Home_City": "San Francisco",
    "Home_Region": "California",
    "Home_Postal_Code": "94111",
    "Home_Country": "United States of America",
    "Time_Zone": "GMT-08:00 Pacific Time (US & Canada)",
    "National_ID": "444-55-6666",
    "Previous_Employers_group": [
        {"Company": "Globex Corporation", "Start_Date": "2010-01-01-08:00"},
        {"Company": "Initech", "Start_Date": "2006-03-01-08:00"},
    ],
    "Gender": "Female",
    "Last_Updated": "2026-03-01T08:15:00.000-08:00",
}


def test_a_workers_report_row_with_the_default_columns() -> None:
    worker = mapping.report_worker("wd", LOGAN, WORKER_COLUMNS)
    assert (worker.remote_id, worker.legal_name, worker.preferred_name) == ("21001", "Logan McNeil", "Logan McNeil")
    assert worker.date_of_birth == dt.date(1979, 6, 4)  # Workday's offset suffix is not part of the date
    assert worker.emails == ["logan.mcneil@example.com", "lmcneil@workday.net"]
    assert worker.phones == ["+1 (415) 555-0134", "+1 (415) 555-0199"]  # multi-instance column, deduplicated
    assert worker.home_address is not None
    assert (worker.home_address.line1, worker.home_address.postal_code) == ("3939 The Embarcadero", "94111")
    assert (worker.home_address.country, worker.claimed_country) == ("US", "US")
    assert worker.claimed_timezone is None  # a label, not an IANA zone: dropped, the row is kept
    assert worker.tax_id is not None
    assert worker.tax_id.get_secret_value() == "444-55-6666"
    assert worker.prior_employers == ["Globex Corporation", "Initech"]
    assert worker.modified_at == dt.datetime(2026, 3, 1, 16, 15, tzinfo=dt.UTC)
    assert "Gender" not in worker.remote_data
    assert worker.remote_data["Date_of_Birth"] == worker.remote_data["Home_Email"] == "[redacted]"


def test_a_tenant_with_its_own_column_names_and_group_columns() -> None:
    row = {
        "Worker": "Ana Pérez",
        "Employee_ID": "30007",
        "First_Name": "Ana",
        "Last_Name": "Pérez García",
        "Birth_Date": "1992-11-30",
        "Email_Addresses_group": [{"Email_Address": "ana@example.es"}, {"Email_Address": "aperez@acme.example"}],
        "Phone_Numbers_group": [{"Phone": "+34 612 345 678"}],
        "Address": {"Line_1": "Calle Mayor 1", "City": "Madrid", "Country": "ES"},
        "Time_Zone_ID": "Europe/Madrid",
        "Previous_Employer": "Acme Iberia S.L.",
    }
    columns = ReportConfig(
        name="identity",
        path="ISU/Identity",
        kind="workers",
        fields={
            "legal_name": [],
            "first_name": "First_Name",
            "middle_name": [],
            "last_name": "Last_Name",
            "date_of_birth": "Birth_Date",
            "emails": "Email_Addresses_group.Email_Address",
            "phones": "Phone_Numbers_group.Phone",
            "address_line1": "Address.Line_1",
            "city": "Address.City",
            "country": "Address.Country",
            "timezone": "Time_Zone_ID",
            "prior_employers": "Previous_Employer",
        },
    ).columns
    worker = mapping.report_worker("wd", row, columns)
    assert worker.legal_name == "Ana Pérez García"
    assert worker.emails == ["ana@example.es", "aperez@acme.example"]
    assert worker.phones == ["+34 612 345 678"]
    assert worker.home_address is not None
    assert (worker.home_address.city, worker.home_address.country) == ("Madrid", "ES")
    assert worker.claimed_timezone == "Europe/Madrid"
    assert worker.prior_employers == ["Acme Iberia S.L."]


@pytest.mark.parametrize(
    ("row", "error"),
    [
        ({**LOGAN, "Employee_ID": " "}, "no id in column 'Employee_ID'"),
        ({"Employee_ID": "1"}, "no legal name"),
        ({**LOGAN, "Date_of_Birth": "06/04/1979"}, r"not a date \(expected YYYY-MM-DD\)"),
        ({**LOGAN, "Home_Email": "logan at example"}, "not an email address"),
    ],
)
def test_malformed_rows_are_refused_with_the_cause(row: dict[str, Any], error: str) -> None:
    with pytest.raises(ValueError, match=error):
        mapping.report_worker("wd", row, WORKER_COLUMNS)


def test_a_payment_election_row_becomes_a_bank_account() -> None:
    row = {
        "Payment_Election_ID": "PE-88",
        "Employee_ID": "21001",
        "Account_Holder": "Logan McNeil",
        "IBAN": "GB33 BUKB 2020 1555 5555 55",
        "BIC": "BUKBGB22",
        "Bank_Country": "United Kingdom",
        "Last_Updated": "2026-02-01",
    }
    account = mapping.report_payout_account("wd", row, ACCOUNT_COLUMNS)
    assert (account.remote_id, account.worker_remote_id, account.method) == ("PE-88", "21001", "bank")
    assert account.iban is not None
    assert account.iban.get_secret_value() == "GB33BUKB20201555555555"
    assert (account.bic, account.bank_country) == ("BUKBGB22", "GB")
    assert account.modified_at == dt.datetime(2026, 2, 1, tzinfo=dt.UTC)
    assert account.remote_data["IBAN"] == "[redacted]"
    us = mapping.report_payout_account(
        "wd",
        {"Payment_Election_ID": "PE-1", "Employee_ID": "2", "Account_Number": "000123", "Routing_Number": "121000358"},
        ACCOUNT_COLUMNS,
    )
    assert us.account_number is not None
    assert (us.account_number.get_secret_value(), us.routing_number) == ("000123", "121000358")
    with pytest.raises(ValueError, match="needs an id"):
        mapping.report_payout_account("wd", {"Payment_Election_ID": "PE-2", "IBAN": "x"}, ACCOUNT_COLUMNS)


REST_ITEM: dict[str, Any] = {
    "id": "3aa5550b7fe348b98d7b5741afc65534",
    "descriptor": "Logan McNeil",
    "workerId": "21001",
    "workerType": {"id": "d7c1e2c5c01d1000138d97d80e5a0000", "descriptor": "Employee"},
    "person": {"id": "9e1f0c0a", "email": "lmcneil@workday.net", "phone": "+1 (415) 555-0134"},
    "primaryJob": {"id": "b1e1f7d1", "businessTitle": "Chief Executive Officer", "descriptor": "CEO"},
    "additionalJobs": [{"id": "c2", "businessTitle": "Board Member"}],
}


def test_a_rest_worker_and_its_jobs() -> None:
    worker = mapping.rest_worker("wd", REST_ITEM)
    assert (worker.remote_id, worker.legal_name) == ("21001", "Logan McNeil")
    assert (worker.emails, worker.phones) == (["lmcneil@workday.net"], ["+1 (415) 555-0134"])
    primary, extra = mapping.rest_engagements("wd", REST_ITEM, "acme", dt.date(2013, 1, 7))
    assert (primary.remote_id, primary.worker_remote_id, primary.type) == ("b1e1f7d1", "21001", "employee")
    assert (primary.start_date, extra.start_date, extra.client_org) == (dt.date(2013, 1, 7), None, "acme")


def test_a_contingent_worker_without_jobs_still_has_an_engagement() -> None:
    item = {"workerId": "C-7", "descriptor": "Sam Park", "workerType": {"descriptor": "Contingent Worker"}}
    (engagement,) = mapping.rest_engagements("wd", item, None, None)
    assert (engagement.remote_id, engagement.type) == ("C-7", "contractor")
    with pytest.raises(ValueError, match="no workerId"):
        mapping.rest_worker("wd", {"descriptor": "No Id"})


def test_values_flatten_lists_and_groups_and_skip_objects() -> None:
    row = {"A": ["x", "", "y", "x"], "G": [{"B": "1"}, {"B": ["2", "3"]}, {"C": "no"}], "O": {"descriptor": "z"}}
    assert mapping.values(row, ["A", "G.B", "O", "Missing"]) == ["x", "y", "1", "2", "3"]
    assert mapping.first(row, "O.descriptor") == "z"


# -- configuration ---------------------------------------------------------------------------------

BASE: dict[str, Any] = {
    "host": "wd2-impl-services1.workday.com",
    "tenant": "acme",
    "client_id": "c",
    "client_secret": SecretStr("s"),
}


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        (
            {"reports": [{"name": "x", "path": "a/b", "kind": "workers", "fields": {"ssn": "SSN"}}]},
            "unknown workers fields",
        ),
        (
            {
                "reports": [
                    {
                        "name": "x",
                        "path": "a/b",
                        "kind": "workers",
                        "fields": {"modified_at": []},
                        "changed_since_prompt": "P",
                    }
                ]
            },
            "needs a 'modified_at' column",
        ),
        ({"reports": [{"name": "x", "path": "a/b/c", "kind": "workers"}]}, "<report owner>/<report name>"),
        ({"reports": [{"name": "x", "path": "../b", "kind": "workers"}]}, "<report owner>/<report name>"),
        ({"client_id": None}, "rest_workers needs client_id"),
        ({"rest_workers": False}, "nothing to read"),
        (
            {
                "reports": [
                    {"name": "a", "path": "o/a", "kind": "workers"},
                    {"name": "b", "path": "o/b", "kind": "workers"},
                ]
            },
            "at most one workers report",
        ),
        ({"reports": [{"name": "workers", "path": "o/a", "kind": "payout_accounts"}]}, "not 'workers'"),
        ({"isu_username": "ISU"}, "together"),
        ({"rest_base_url": "http://wd.example.com/ccx"}, "https://"),
    ],
)
def test_configuration_errors_name_their_cause(changes: dict[str, Any], error: str) -> None:
    with pytest.raises(ValidationError, match=error):
        WorkdayConfig.model_validate(BASE | changes)


def test_default_urls_follow_the_tenant() -> None:
    config = WorkdayConfig.model_validate(BASE)
    assert config.rest_url == "https://wd2-impl-services1.workday.com/ccx/api/staffing/v6/acme"
    assert config.raas_url == "https://wd2-impl-services1.workday.com/ccx/service/customreport2/acme"
    assert config.oauth_token_url == "https://wd2-impl-services1.workday.com/ccx/oauth2/acme/token"
