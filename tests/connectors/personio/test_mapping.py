"""Personio mapping functions and config, on realistic payloads (pure: no network).

The v1 payload is the example of ``GET /company/employees`` from the (third-party) v1 spec in
``shared/specs/personio``, read from the spec file itself, plus a variant with the company
attributes hiresentry maps (IBAN, tax id, birth date). The v2 payloads follow Personio's v2 reference
shape (there is no v2 spec in shared/specs; they are our own).
"""

from __future__ import annotations

import copy
import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
import yaml
from pydantic import SecretStr

from hiresentry.connectors.personio import PersonioConnector, mapping
from hiresentry.connectors.personio.auth import bearer_value
from hiresentry.connectors.personio.streams import since_text
from hiresentry.core.errors import ConfigError
from tests.connectors.personio.conftest import config
from tests.contract.prism import specs_dir


@pytest.fixture(scope="module")
def spec_employee() -> dict[str, Any]:
    with (specs_dir() / "personio/personio_personnel_v1.yaml").open() as fh:
        spec = yaml.safe_load(fh)
    example = spec["paths"]["/company/employees"]["get"]["responses"]["200"]["content"]["application/json"]
    employee: dict[str, Any] = example["examples"]["response"]["value"]["data"][0]
    return employee


def with_attributes(employee: dict[str, Any], **extra: dict[str, Any]) -> dict[str, Any]:
    changed = copy.deepcopy(employee)
    changed["attributes"].update(extra)
    return changed


def test_v1_spec_example_worker(spec_employee: dict[str, Any]) -> None:
    worker = mapping.v1_worker("personio", spec_employee)
    assert (worker.remote_id, worker.legal_name) == ("1", "Alexander Bergmann")
    assert worker.preferred_name is None  # "Alexander Bergmann" again
    assert worker.emails == ["alexander.bergmann@demo.email"]
    assert worker.modified_at == dt.datetime(2020, 11, 18, 16, 33, 55, tzinfo=dt.UTC)
    # remote_data keeps plain fields only: no gender, no salary, no company attributes (IBAN, titles).
    assert "gender" not in worker.remote_data and "fix_salary" not in worker.remote_data
    assert not any(k.startswith("dynamic_") for k in worker.remote_data)
    assert "DE98" not in str(worker.remote_data)
    assert worker.remote_data["subcompany"] == {"type": "Subcompany", "id": 7033, "name": "CS Demo GmbH"}


def test_v1_spec_example_engagement(spec_employee: dict[str, Any]) -> None:
    engagement = mapping.v1_engagement("personio", spec_employee)
    assert engagement.type == "contractor"  # employment_type "external"
    assert engagement.start_date == dt.date(2014, 11, 9)  # "2014-11-08 23:00:00+00:00" is the 9th in Berlin
    assert (engagement.rate, engagement.currency, engagement.hours_per_week) == (Decimal(3000), "EUR", 40.0)
    assert (engagement.client_org, engagement.status, engagement.end_date) == ("CS Demo GmbH", "active", None)
    assert mapping.v1_engagement("personio", spec_employee, "UTC").start_date == dt.date(2014, 11, 8)


def test_v1_spec_example_iban_has_a_bad_checksum(spec_employee: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match="not a valid IBAN") as raised:
        mapping.v1_payout_account("personio", spec_employee)
    assert "8989" not in str(raised.value)


def test_v1_company_attributes_map_to_secrets(spec_employee: dict[str, Any]) -> None:
    employee = with_attributes(
        spec_employee,
        dynamic_21827={
            "label": "IBAN",
            "value": "DE89 3704 0044 0532 0130 00",
            "universal_id": "iban",
            "type": "standard",
        },
        dynamic_5={"label": "BIC", "value": "COBADEFFXXX", "universal_id": None, "type": "standard"},
        dynamic_6={"label": "Geburtsdatum", "value": "1985-02-03 00:00:00+01:00", "universal_id": None, "type": "date"},
        dynamic_7={"label": "Steuer-ID", "value": "86095742719", "universal_id": None, "type": "standard"},
        dynamic_8={
            "label": "Sozialversicherungsnummer",
            "value": "65170839J003",
            "universal_id": None,
            "type": "standard",
        },
        dynamic_9={"label": "Private email", "value": "alex@private.example", "universal_id": None, "type": "standard"},
        dynamic_10={"label": "Country", "value": "Deutschland", "universal_id": None, "type": "standard"},
        dynamic_11={"label": "City", "value": "München", "universal_id": None, "type": "standard"},
    )
    worker = mapping.v1_worker("personio", employee)
    assert worker.tax_id is not None and worker.tax_id.get_secret_value() == "86095742719"  # tax id before SSN
    assert worker.date_of_birth == dt.date(1985, 2, 3)
    assert worker.emails == ["alexander.bergmann@demo.email", "alex@private.example"]
    assert worker.home_address is not None and (worker.home_address.city, worker.home_address.country) == (
        "München",
        None,
    )
    shown = repr(worker) + str(worker.remote_data)
    for raw in ("86095742719", "65170839J003", "DE89", "1985-02-03"):
        assert raw not in shown
    account = mapping.v1_payout_account("personio", employee)
    assert account is not None and account.iban is not None
    assert account.iban.get_secret_value() == "DE89370400440532013000"
    assert (account.remote_id, account.worker_remote_id, account.bic) == ("1/iban", "1", "COBADEFFXXX")
    assert "DE89" not in repr(account)


def test_v1_without_a_name_is_refused(spec_employee: dict[str, Any]) -> None:
    employee = with_attributes(spec_employee, first_name={"value": None}, last_name={"value": " "})
    with pytest.raises(ValueError, match="no first or last name"):
        mapping.v1_worker("personio", employee)


PERSON: dict[str, Any] = {
    "id": "12345",
    "email": "lee.park@acme.example",
    "first_name": "Lee",
    "last_name": "Park",
    "preferred_name": "Lee",
    "gender": "MALE",
    "status": "ACTIVE",
    "created_at": "2024-01-02T03:04:05Z",
    "updated_at": "2025-02-03T04:05:06Z",
    "custom_attributes": [
        {"id": "dynamic_1", "global_id": "iban", "label": "IBAN", "type": "STRING", "value": "GB33BUKB20201555555555"},
        {"id": "dynamic_2", "label": "Date of birth", "type": "DATE", "value": "1991-07-08"},
        {"id": "dynamic_3", "label": "Phone", "type": "STRING", "value": "+44 20 7946 0958"},
        {"id": "dynamic_4", "label": "Social security number", "type": "STRING", "value": "QQ123456C"},
    ],
    "employments": [{"id": "e-1"}],
}


def test_v2_person() -> None:
    worker = mapping.v2_worker("personio", PERSON)
    assert (worker.remote_id, worker.legal_name, worker.preferred_name) == ("12345", "Lee Park", "Lee")
    assert worker.date_of_birth == dt.date(1991, 7, 8)
    assert worker.phones == ["+44 20 7946 0958"]
    assert worker.tax_id is not None and worker.tax_id.get_secret_value() == "QQ123456C"
    assert set(worker.remote_data) == {
        "id",
        "first_name",
        "last_name",
        "preferred_name",
        "status",
        "created_at",
        "updated_at",
        "employments",
    }
    account = mapping.v2_payout_account("personio", PERSON)
    assert account is not None and account.remote_id == "12345/iban"
    assert mapping.v2_payout_account("personio", {**PERSON, "custom_attributes": []}) is None


def test_v2_employment() -> None:
    employment = {
        "id": "e-1",
        "person": {"id": "12345"},
        "type": "EXTERNAL",
        "status": "INACTIVE",
        "employment_start_date": "2023-01-01",
        "termination": {"termination_date": "2024-06-30", "reason": "end of contract"},
        "legal_entity": {"id": "le-9"},
        "weekly_working_hours": "20",
        "updated_at": "2024-07-01T00:00:00Z",
        "supervisor": {"id": "99"},
    }
    engagement = mapping.v2_engagement("personio", "12345", employment)
    assert (engagement.type, engagement.status, engagement.client_org) == ("contractor", "INACTIVE", "le-9")
    assert (engagement.start_date, engagement.end_date) == (dt.date(2023, 1, 1), dt.date(2024, 6, 30))
    assert engagement.hours_per_week == 20.0 and "supervisor" not in engagement.remote_data


def test_markers_and_filters() -> None:
    assert mapping.marker("2020-11-18 17:33:55+01:00") == "2020-11-18T16:33:55Z"
    assert since_text("2025-03-07T09:00:00Z", dt.timedelta(hours=24), offset=False) == "2025-03-06T09:00:00"
    assert since_text("2025-03-07T09:00:00Z", dt.timedelta(0), offset=True) == "2025-03-07T09:00:00Z"
    assert since_text(None, dt.timedelta(0), offset=True) is None
    assert bearer_value("Bearer abc.def") == "abc.def"
    assert bearer_value("Basic abc") is None and bearer_value(None) is None


def test_config_validation() -> None:
    assert config().api_base == "https://api.personio.de/v1"
    assert config(api_version="v2").api_base == "https://api.personio.de/v2"
    assert config(partner_id="ACME_PARTNER").headers == {
        "X-Personio-App-ID": "HIRESENTRY",
        "X-Personio-Partner-ID": "ACME_PARTNER",
    }
    for bad in ({"app_id": "my-app"}, {"base_url": "http://api.personio.de/v1"}, {"company_timezone": "CET/Nowhere"}):
        with pytest.raises(ConfigError):
            PersonioConnector.from_config("p", {"client_id": "c", "client_secret": SecretStr("s" * 8), **bad})
    with pytest.raises(ConfigError, match="references"):
        PersonioConnector.from_config("p", {"client_id": "c", "client_secret": "inline-secret"})
    with pytest.raises(ConfigError, match=r"unexpected|extra|not permitted"):
        PersonioConnector.from_config("p", {"client_id": "c", "client_secret": SecretStr("s" * 8), "pagesize": 3})


def test_secrets_stay_masked() -> None:
    connector = PersonioConnector("p", config(client_secret=SecretStr("super-secret-value")))
    assert "super-secret-value" not in repr(connector.config) + repr(connector.client._auth)
