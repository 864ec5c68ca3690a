"""Deel's payload → record functions, config validation and webhook signatures (no network)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from pydantic import SecretStr

from hiresentry.connectors.base import registry
from hiresentry.connectors.deel import MANIFEST, DeelConfig, DeelConnector, mapping, webhook
from hiresentry.core.errors import ConfigError


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2022-05-24T09:38:46.235Z", dt.datetime(2022, 5, 24, 9, 38, 46, 235000, tzinfo=dt.UTC)),
        ("2022-05-24 09:38:46.235000+00:00", dt.datetime(2022, 5, 24, 9, 38, 46, 235000, tzinfo=dt.UTC)),
        ("2022-05-24T09:38:46", dt.datetime(2022, 5, 24, 9, 38, 46, tzinfo=dt.UTC)),
        (None, None),
        ("", None),
    ],
)
def test_timestamps(value: str | None, expected: dt.datetime | None) -> None:
    assert mapping.timestamp(value) == expected


def test_days_from_dates_and_datetimes() -> None:
    assert mapping.day("1990-01-01") == dt.date(1990, 1, 1)
    assert mapping.day("1990-01-01T00:00:00.000Z") == dt.date(1990, 1, 1)
    with pytest.raises(ValueError, match="Invalid isoformat"):
        mapping.day("01/02/1990")


def test_only_iana_time_zones_are_claimed() -> None:
    assert mapping.iana_timezone("Asia/Seoul") == "Asia/Seoul"
    assert mapping.iana_timezone("EST") is None
    assert mapping.iana_timezone("Mars/Olympus") is None


def test_worker_falls_back_to_the_list_item_without_personal_details() -> None:
    person = {
        "id": "p1",
        "full_name": "Kim Lee",
        "birth_date": "1991-02-03T00:00:00.000Z",
        "emails": [
            {"type": "work", "value": "kim@example.com"},
            {"type": "work", "value": "kim@example.com"},
        ],
        "addresses": [{"streetAddress": "1 Way", "locality": "Austin", "region": "TX", "country": "US"}],
        "country": "USA",
        "timezone": "CST",
    }
    worker = mapping.worker("deel", person, None)
    assert worker.legal_name == "Kim Lee"
    assert worker.date_of_birth == dt.date(1991, 2, 3)
    assert worker.emails == ["kim@example.com"]
    assert worker.home_address is not None
    assert worker.home_address.city == "Austin"
    assert (worker.claimed_country, worker.claimed_timezone) == ("US", None)
    assert worker.remote_data["personal"] is None
    assert worker.remote_data["person"]["birth_date"] == "[redacted]"


def test_engagement_types_and_pending_contracts() -> None:
    contract = {"id": "c1", "type": "eor", "status": "in_progress", "worker": {"id": "p1"}, "client": {}}
    engagement = mapping.engagement("deel", contract)
    assert engagement is not None
    assert engagement.type == "employee"
    with_pay = contract | {"compensation_details": {"amount": 45.5, "currency_code": "EUR"}}
    paid = mapping.engagement("deel", with_pay)
    assert paid is not None
    assert (paid.rate, paid.currency) == (Decimal("45.5"), "EUR")
    assert mapping.engagement("deel", contract | {"worker": None}) is None


def test_payout_account_keeps_numbers_secret_and_drops_rib() -> None:
    bank = {
        "id": "b1",
        "account_number": "5555555555",
        "ach_routing_number": "021000021",
        "rib_number": "123",
    }
    account = mapping.payout_account("deel", "p1", bank)
    assert account.account_number is not None
    assert account.account_number.get_secret_value() == "5555555555"
    assert "5555555555" not in repr(account)
    assert account.routing_number == "021000021"
    assert "rib_number" not in account.remote_data


def test_payment_uses_amount_then_total() -> None:
    invoice = {"id": "i1", "contract_id": "c1", "amount": None, "total": "1210.50", "currency": "USD"}
    assert mapping.payment("deel", invoice, "p1").amount == Decimal("1210.50")
    with pytest.raises(ArithmeticError):
        mapping.payment("deel", invoice | {"amount": "a lot"}, "p1")


def test_config_requires_https_and_a_token_reference(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DEEL_TOKEN", "from-env")
    config = DeelConfig.model_validate({"token": "env:DEEL_TOKEN"})
    assert config.token.get_secret_value() == "from-env"
    assert config.base_url == "https://api.letsdeel.com/rest/v2"
    with pytest.raises(ConfigError, match="never inline"):
        DeelConnector.from_config("deel", {"token": "raw-token-in-file"})
    with pytest.raises(ConfigError, match=r"base_url: .*https"):
        DeelConnector.from_config("deel", {"token": SecretStr("t"), "base_url": "http://api.letsdeel.com"})
    with pytest.raises(ConfigError, match="page_sise"):
        DeelConnector.from_config("deel", {"token": SecretStr("t"), "page_sise": 10})
    with pytest.raises(ConfigError, match="token is empty"):
        DeelConnector.from_config("deel", {"token": SecretStr(" ")})


def test_registered_under_its_entry_point() -> None:
    assert registry.connector_class("deel") is DeelConnector
    assert MANIFEST.capabilities == []  # Deel has no payout hold


def test_webhook_signature() -> None:
    key, body = SecretStr("whsec"), b'{"data":{"meta":{"event_type":"contract.created"}}}'
    good = webhook.signature(key, body)
    assert webhook.verify(key, body, good)
    assert webhook.verify(key, body, good.upper())
    assert not webhook.verify(key, body + b" ", good)
    assert not webhook.verify(key, body, None)
