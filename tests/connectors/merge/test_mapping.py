"""Merge mapping functions and config on realistic payloads (pure: no network).

Payloads are the examples of Merge's own HRIS v1 spec (``shared/specs/merge/merge_hris_v1.yaml``),
read from the spec file, plus variants for what the examples do not show (masked values, missing
names, live records).
"""

from __future__ import annotations

import copy
import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
import yaml
from pydantic import SecretStr

from hiresentry.connectors.merge import MergeConnector, mapping
from hiresentry.core.errors import ConfigError
from tests.contract.prism import specs_dir

_Loader: Any = yaml.CSafeLoader if yaml.__with_libyaml__ else yaml.SafeLoader


class _TextTimes(_Loader):
    """Keep timestamps as the text the spec wrote (as Prism serves them)."""


_TextTimes.yaml_implicit_resolvers = {
    k: [(tag, rx) for tag, rx in v if tag != "tag:yaml.org,2002:timestamp"]
    for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


@pytest.fixture(scope="module")
def examples() -> dict[str, dict[str, Any]]:
    with (specs_dir() / "merge/merge_hris_v1.yaml").open() as fh:
        schemas = yaml.load(fh, Loader=_TextTimes)["components"]["schemas"]
    return {
        name: schemas[name]["example"]
        for name in ("Employee", "Location", "Employment", "BankInfo", "EmployeePayrollRun", "PayrollRun")
    }


def live(item: dict[str, Any], **changes: Any) -> dict[str, Any]:
    """The example as a record that still exists (the spec's examples all say remote_was_deleted)."""
    return {**copy.deepcopy(item), "remote_was_deleted": False, **changes}


def test_employee_with_home_location(examples: dict[str, dict[str, Any]]) -> None:
    worker = mapping.worker("merge", live(examples["Employee"], ssn="987-65-4321"), examples["Location"])
    assert (worker.remote_id, worker.legal_name, worker.preferred_name) == (
        "0958cbc6-6040-430a-848e-aafacbadf4ae",
        "Greg Hirsch",
        "Cousin Greg Hirsch",
    )
    assert worker.emails == ["greg@merge.dev", "greg@gmail.com"]
    assert worker.date_of_birth == dt.date(1990, 11, 10)
    assert worker.modified_at == dt.datetime(2021, 10, 16, tzinfo=dt.UTC)
    assert worker.home_address is not None and worker.home_address.country == "US"  # "USA" in the example
    assert (worker.home_address.line1, worker.home_address.city) == ("2920 Broadway", "New York")
    assert worker.claimed_country == "US" and not worker.deleted
    assert worker.tax_id is not None and worker.tax_id.get_secret_value() == "987-65-4321"
    for dropped in ("ssn", "gender", "ethnicity", "marital_status", "date_of_birth", "remote_data", "custom_fields"):
        assert dropped not in worker.remote_data
    assert worker.remote_data["work_email"] == "[redacted]"
    assert "987-65-4321" not in repr(worker)


@pytest.mark.parametrize("masked", ["XXX-XX-7890", "***-**-7890", "•••••7890"])
def test_masked_ssn_is_no_tax_id(examples: dict[str, dict[str, Any]], masked: str) -> None:
    assert mapping.worker("merge", live(examples["Employee"], ssn=masked)).tax_id is None


def test_employee_without_a_name(examples: dict[str, dict[str, Any]]) -> None:
    nameless = live(examples["Employee"], first_name=None, last_name="", display_full_name=None)
    with pytest.raises(ValueError, match="no first, last or display name"):
        mapping.worker("merge", nameless)
    gone = mapping.worker("merge", {**nameless, "remote_was_deleted": True})
    assert gone.deleted and gone.legal_name.startswith("(deleted employee")


def test_employment(examples: dict[str, dict[str, Any]]) -> None:
    engagement = mapping.engagement("merge", live(examples["Employment"]))
    assert (engagement.worker_remote_id, engagement.type) == ("0958cbc6-6040-430a-848e-aafacbadf4ae", "employee")
    assert (engagement.rate, engagement.currency, engagement.start_date) == (
        Decimal("50000.0"),
        "USD",
        dt.date(2023, 10, 6),
    )
    contractor = mapping.engagement("merge", live(examples["Employment"], employment_type="FREELANCE"))
    assert contractor.type == "contractor"
    with pytest.raises(ValueError, match="employment has no employee"):
        mapping.engagement("merge", live(examples["Employment"], employee=None))


def test_bank_info(examples: dict[str, dict[str, Any]]) -> None:
    account = mapping.payout_account("merge", live(examples["BankInfo"]))
    assert account.account_number is not None and account.account_number.get_secret_value() == "439291590"
    assert (account.routing_number, account.worker_remote_id) == ("089690059", "a3617eb4-dfe3-426f-921e-a65fc1661e10")
    assert account.first_seen == dt.datetime(2021, 12, 6, 10, 11, 26, tzinfo=dt.UTC)
    assert account.remote_data["bank_name"] == "Chase" and "account_number" not in account.remote_data
    with pytest.raises(ValueError, match="masked"):
        mapping.payout_account("merge", live(examples["BankInfo"], account_number="*****1590"))
    with pytest.raises(ValueError, match="account identifier"):
        mapping.payout_account("merge", live(examples["BankInfo"], account_number=None))
    assert mapping.payout_account("merge", {**examples["BankInfo"], "account_number": None}).deleted


def test_employee_payroll_run(examples: dict[str, dict[str, Any]]) -> None:
    payment = mapping.payment("merge", live(examples["EmployeePayrollRun"]), examples["PayrollRun"], "USD")
    assert (payment.amount, payment.currency, payment.status) == (Decimal("865.78"), "USD", "paid")
    assert payment.due_date == dt.date(2020, 11, 10)
    assert payment.paid_at == dt.datetime(2020, 11, 10, tzinfo=dt.UTC)
    assert payment.remote_data["payroll_run_type"] == "REGULAR" and "taxes" not in payment.remote_data
    gross = mapping.payment("merge", live(examples["EmployeePayrollRun"], net_pay=None), None, "EUR")
    assert (gross.amount, gross.status, gross.paid_at) == (Decimal("1342.67"), None, None)
    with pytest.raises(ValueError, match="currency unknown"):
        mapping.payment("merge", live(examples["EmployeePayrollRun"]), None, None)


def test_config_validation() -> None:
    base = {"api_key": SecretStr("k" * 10), "account_token": SecretStr("t" * 10)}
    assert MergeConnector.from_config("m", base).config.base_url == "https://api.merge.dev/api/hris/v1"
    assert MergeConnector.from_config("m", {**base, "payroll_currency": "eur"}).config.payroll_currency == "EUR"
    for bad in ({"base_url": "http://api.merge.dev"}, {"streams": ["payroll"]}, {"page_size": 500}):
        with pytest.raises(ConfigError):
            MergeConnector.from_config("m", {**base, **bad})
    with pytest.raises(ConfigError, match="references"):
        MergeConnector.from_config("m", {**base, "account_token": "inline-token"})
    connector = MergeConnector.from_config("m", base)
    assert "kkkkkkkkkk" not in repr(connector.client._auth) and "tttttttttt" not in repr(connector.client._auth)
