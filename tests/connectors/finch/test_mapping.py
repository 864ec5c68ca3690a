"""Finch mapping functions and config on realistic payloads (pure: no network).

Payloads are the examples of Finch's own employer spec (``shared/specs/finch/employer/openapi.yaml``),
read from the spec file: the directory item, the individual (with an SSN added, as the ``ssn`` option
returns it), the employment, the payment and its pay statement.
"""

from __future__ import annotations

import copy
import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
import yaml
from pydantic import SecretStr

from hiresentry.connectors.finch import FinchConnector, mapping
from hiresentry.connectors.finch.api import finch_code
from hiresentry.core.errors import ConfigError
from tests.contract.prism import specs_dir


def example(spec: dict[str, Any], path: str, method: str) -> Any:
    content = spec["paths"][path][method]["responses"]["200"]["content"]["application/json"]
    return content["examples"]["Success"]["value"]


@pytest.fixture(scope="module")
def examples() -> dict[str, Any]:
    with (specs_dir() / "finch/employer/openapi.yaml").open() as fh:
        spec = yaml.safe_load(fh)
    return {
        "directory": example(spec, "/employer/directory", "get")["individuals"][0],
        "individual": example(spec, "/employer/individual", "post")["responses"][0]["body"],
        "employment": example(spec, "/employer/employment", "post")["responses"][0]["body"],
        "payment": example(spec, "/employer/payment", "get")[0],
        "statements": example(spec, "/employer/pay-statement", "post")["responses"][0]["body"]["pay_statements"],
    }


def test_individual(examples: dict[str, Any]) -> None:
    individual = {**copy.deepcopy(examples["individual"]), "ssn": "123-45-6789"}
    worker = mapping.worker("finch", individual, examples["directory"])
    assert (worker.remote_id, worker.legal_name, worker.preferred_name) == (
        "5d0b10a1-a09a-430f-81f1-20be735dc5e9",
        "Jane Doe",
        "Janey",
    )
    assert worker.date_of_birth == dt.date(1970, 1, 1)
    assert worker.emails == ["jane@acme.com", "janed@personal.com"] and worker.phones == ["5051234567"]
    assert worker.home_address is not None
    assert (worker.home_address.line1, worker.home_address.line2, worker.home_address.region) == (
        "123 Main St",
        "Apt C",
        "NY",
    )
    assert worker.claimed_country == "US"
    assert worker.tax_id is not None and worker.tax_id.get_secret_value() == "123-45-6789"
    for dropped in ("ssn", "gender", "ethnicity", "dob", "residence", "emails", "phone_numbers"):
        assert dropped not in worker.remote_data
    assert worker.remote_data["directory"] == {
        "department": {"name": "Product"},
        "manager": {"id": "c205b3fa-b626-4346-bf0f-ca065ab88d31"},
        "is_active": True,
    }
    assert "123-45-6789" not in repr(worker)


def test_individual_edge_cases(examples: dict[str, Any]) -> None:
    masked = mapping.worker("finch", {**examples["individual"], "ssn": "XXX-XX-6789"})
    assert masked.tax_id is None
    nameless = {**examples["individual"], "first_name": None, "last_name": None}
    assert mapping.worker("finch", nameless, examples["directory"]).legal_name == "Jane Doe"  # from the directory
    with pytest.raises(ValueError, match="no name"):
        mapping.worker("finch", nameless)


def test_employment(examples: dict[str, Any]) -> None:
    engagement = mapping.engagement("finch", examples["employment"])
    assert (engagement.remote_id, engagement.worker_remote_id) == ("5d0b10a1-a09a-430f-81f1-20be735dc5e9",) * 2
    assert (engagement.type, engagement.status, engagement.client_org) == ("employee", "active", "Product")
    assert (engagement.rate, engagement.currency) == (Decimal("100000"), "USD")  # 10,000,000 cents a year
    assert (engagement.start_date, engagement.end_date) == (dt.date(2017, 6, 30), None)
    assert "custom_fields" not in engagement.remote_data and "income_history" not in engagement.remote_data
    contractor = {**examples["employment"], "employment": {"type": "contractor", "subtype": None}, "is_active": False}
    assert (mapping.engagement("finch", contractor).type, mapping.engagement("finch", contractor).status) == (
        "contractor",
        "inactive",
    )


def test_pay_statements(examples: dict[str, Any]) -> None:
    (payment,) = mapping.payments("finch", examples["payment"], examples["statements"])
    assert payment.remote_id == "20aa7cf2-949d-4d4e-9c01-499b59501ded/be7b048c-a6f3-4194-a017-2f537d4f3565"
    assert (payment.amount, payment.currency, payment.status) == (Decimal("1800"), "USD", "paid")
    assert payment.due_date == dt.date(2019, 8, 22)
    assert payment.paid_at == dt.datetime(2019, 8, 22, tzinfo=dt.UTC)
    assert payment.remote_data["payment_method"] == "check" and "taxes" not in payment.remote_data
    twice = mapping.payments("finch", examples["payment"], examples["statements"] * 2)
    assert [p.remote_id.count("/") for p in twice] == [1, 2]  # a second statement of one person stays distinct
    gross_only = [{**examples["statements"][0], "net_pay": None}]
    assert mapping.payments("finch", examples["payment"], gross_only)[0].amount == Decimal("2300")
    with pytest.raises(ValueError, match="no net or gross pay"):
        mapping.payments("finch", examples["payment"], [{**gross_only[0], "gross_pay": None}])


def test_money_and_codes() -> None:
    assert mapping.cents({"amount": 12345, "currency": "eur"}) == (Decimal("123.45"), "EUR")
    assert mapping.cents(None) is None
    with pytest.raises(ValueError, match="without a currency"):
        mapping.cents({"amount": 1})
    assert finch_code({"name": "authentication_error", "finch_code": "reauthenticate_user"}) == "reauthenticate_user"
    assert finch_code({"name": "invalid_token_error"}) == "invalid_token_error"


def test_config_validation() -> None:
    base = {"access_token": SecretStr("t" * 12)}
    config = FinchConnector.from_config("f", base).config
    assert config.product_rate_per_minute["payment"] == 12.0 and config.read_timeout == 360.0
    merged = FinchConnector.from_config("f", {**base, "product_rate_per_minute": {"payment": 6}}).config
    assert merged.product_rate_per_minute == {**config.product_rate_per_minute, "payment": 6.0}
    for bad in ({"api_version": "2020/09/17"}, {"base_url": "http://api.tryfinch.com"}, {"streams": ["benefits"]}):
        with pytest.raises(ConfigError):
            FinchConnector.from_config("f", {**base, **bad})
    with pytest.raises(ConfigError, match="references"):
        FinchConnector.from_config("f", {"access_token": "inline-token"})
