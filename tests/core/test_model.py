"""The canonical model validates what connectors hand it and hides raw identifiers."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from hiresentry.core.model import PayoutAccount, Worker
from hiresentry.core.model.scrub import scrub


def test_country_and_timezone_are_normalised() -> None:
    w = Worker(
        source="hr",
        remote_id=7,
        legal_name="A B",
        claimed_country="United States",
        claimed_timezone="America/Chicago",
    )
    assert w.claimed_country == "US"
    assert w.remote_id == "7"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("claimed_country", "Atlantis", "unknown country"),
        ("claimed_timezone", "Mars/Olympus", "unknown IANA time zone"),
        ("emails", ["no-at-sign"], "not an email address"),
        ("surname", "x", "Extra inputs are not permitted"),
    ],
)
def test_invalid_worker_fields_name_the_cause(field: str, value: object, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        Worker.model_validate({"source": "hr", "remote_id": "1", "legal_name": "A B", field: value})


def test_tax_id_and_account_numbers_never_show_in_repr() -> None:
    w = Worker(source="hr", remote_id="1", legal_name="A B", tax_id="123-45-6789")
    p = PayoutAccount(
        source="p", remote_id="1", worker_remote_id="1", method="bank", iban="DE89 3704 0044 0532 0130 00"
    )
    assert "6789" not in repr(w) and "6789" not in str(w.model_dump())
    assert "0130" not in repr(p)
    assert p.iban is not None and p.iban.get_secret_value() == "DE89370400440532013000"


def test_bad_iban_and_missing_account_are_refused() -> None:
    with pytest.raises(ValidationError, match="not a valid IBAN"):
        PayoutAccount(source="p", remote_id="1", worker_remote_id="1", method="bank", iban="DE00 0000")
    with pytest.raises(ValidationError, match="needs its account identifier"):
        PayoutAccount(source="p", remote_id="1", worker_remote_id="1", method="crypto")


def test_scrub_redacts_sensitive_names_recursively() -> None:
    payload = {
        "id": 1,
        "bank": {"account_number": "123", "iban": "DE89", "name": "x"},
        "phones": ["+1"],
        "items": [{"ssn": "1"}],
    }
    assert scrub(payload) == {
        "id": 1,
        "bank": {"account_number": "[redacted]", "iban": "[redacted]", "name": "x"},
        "phones": "[redacted]",
        "items": [{"ssn": "[redacted]"}],
    }


def test_common_short_country_names_are_understood() -> None:
    for name, code in [("Russia", "RU"), ("Turkey", "TR"), ("Ivory Coast", "CI"), ("UK", "GB"), ("South Korea", "KR")]:
        assert Worker(source="s", remote_id="1", legal_name="A B", claimed_country=name).claimed_country == code
