"""Remote payloads → canonical records: small pure functions, one per record kind.

**Employments** follow Remote's spec (``shared/specs/remote``, Konfig's 2024 copy of
gateway.remote.com): ``GET /v1/employments/{id}`` returns ``data.employment`` with the summary
fields (``full_name``, ``personal_email``, ``country{code, alpha_2_code}``, ``status``, ``type``,
``updated_at``) and *country-specific* JSON-schema forms: ``personal_details``,
``address_details``, ``administrative_details`` (objects) and ``bank_account_details`` (a list).
The forms' keys differ per country, so each canonical field is looked up under the names Remote's
forms use for it (first match wins); anything else is only kept, scrubbed, in ``remote_data``.

**Contractor invoices** are not in that spec copy. Their shape is from Remote's own TypeScript SDK
as summarised in ``shared/reference/connectors.md`` §2.2 (``id, employment_id, amount, currency,
status, date, due_date, approved_at, paid_out_at, pay_out_method, number``); integer amounts are
taken as minor units (cents), as in every money field of Remote's spec (``Incentive.amount``
``50000`` = 500.00). Tests use our own fake for them.

Kept out of ``remote_data`` entirely: emergency contacts, nationality, sex/gender, marital status,
and the administrative form (tax and social-security numbers; the tax id is hashed instead).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from pydantic import SecretStr

from hiresentry.core.model import Address, Engagement, Payment, PayoutAccount, PayoutMethod, Worker
from hiresentry.core.model.scrub import scrub

ZERO_DECIMAL_CURRENCIES = frozenset(
    {"BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW", "PYG", "RWF", "UGX", "VND", "VUV", "XAF", "XOF", "XPF"}
)
"""ISO 4217 currencies without minor units: their integer amounts are whole units."""

_FORMS = (
    "personal_details",
    "address_details",
    "administrative_details",
    "bank_account_details",
    "emergency_contact_details",
    "billing_address_details",
    "contract_details",
    "basic_information",
    "files",
    "onboarding_tasks",
)
_DROP_PERSONAL = frozenset(
    {
        "nationality",
        "nationalities",
        "citizenship",
        "sex",
        "gender",
        "marital_status",
        "ethnicity",
        "religion",
        "emergency_contact",
        "emergency_contact_details",
    }
)

LEGAL_NAME_KEYS = ("legal_name", "full_legal_name")
GIVEN_NAME_KEYS = ("first_name", "given_name", "legal_first_name")
FAMILY_NAME_KEYS = ("last_name", "family_name", "surname", "legal_last_name")
BIRTH_KEYS = ("date_of_birth", "birth_date", "birthdate", "dob")
PHONE_KEYS = ("phone_number", "mobile_number", "phone", "personal_phone_number")
EMAIL_KEYS = ("personal_email", "email")
LINE1_KEYS = ("address", "address_line_1", "address_line1", "street", "street_address", "line1")
LINE2_KEYS = ("address_line_2", "address_line2", "line2")
CITY_KEYS = ("city", "town", "locality")
REGION_KEYS = ("state", "region", "province", "county")
POSTAL_KEYS = ("postal_code", "zip_code", "zip", "postcode")
COUNTRY_KEYS = ("country", "country_code", "address_country")
TAX_KEYS = (
    "tax_id",
    "tax_number",
    "taxpayer_identification_number",
    "social_security_number",
    "ssn",
    "national_insurance_number",
    "nif",
    "cpf",
    "pan",
)
HOLDER_KEYS = ("account_holder", "account_holder_name", "holder_name", "beneficiary_name", "name")
IBAN_KEYS = ("iban",)
ACCOUNT_KEYS = ("account_number", "bank_account_number")
ROUTING_KEYS = ("routing_number", "ach_routing_number", "sort_code", "bsb", "ifsc", "bank_code", "transit_number")
BIC_KEYS = ("swift_bic", "bic", "swift", "bic_swift", "swift_code")
BANK_COUNTRY_KEYS = ("bank_country", "bank_country_code", "country", "country_code")


def text(value: Any) -> str | None:
    """A stripped string, or None for missing/blank values (a form's ``{code: …}`` gives its code)."""
    if isinstance(value, Mapping):
        value = value.get("alpha_2_code") or value.get("code")
    if value is None:
        return None
    result = str(value).strip()
    return result or None


def first(form: Mapping[str, Any] | None, keys: Iterable[str]) -> str | None:
    """The first non-empty value of ``form`` under one of ``keys``."""
    for key in keys:
        found = text((form or {}).get(key))
        if found:
            return found
    return None


def join_name(*parts: Any) -> str | None:
    """Name parts as one string, skipping missing ones."""
    return text(" ".join(p for p in (text(x) for x in parts) if p))


def timestamp(value: Any) -> dt.datetime | None:
    """A Remote date-time (``2021-11-11T18:44:39``, UTC without offset; ``Z`` also accepted)."""
    raw = text(value)
    if raw is None:
        return None
    parsed = dt.datetime.fromisoformat(raw.replace("Z", "+00:00"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)


def day(value: Any) -> dt.date | None:
    """A date from a ``YYYY-MM-DD`` (or date-time) field."""
    raw = text(value)
    return dt.date.fromisoformat(raw[:10]) if raw else None


def _form(employment: Mapping[str, Any], name: str) -> Mapping[str, Any]:
    value = employment.get(name)
    return value if isinstance(value, Mapping) else {}


def _unique(values: Iterable[str | None]) -> list[str]:
    return list(dict.fromkeys(v for v in values if v))


def employment_country(employment: Mapping[str, Any]) -> str | None:
    """The employment's country (``alpha_2_code``, else the ISO alpha-3 ``code``)."""
    return text(employment.get("country"))


def _address(form: Mapping[str, Any], fallback_country: str | None) -> Address | None:
    address = Address(
        line1=first(form, LINE1_KEYS),
        line2=first(form, LINE2_KEYS),
        city=first(form, CITY_KEYS),
        region=first(form, REGION_KEYS),
        postal_code=first(form, POSTAL_KEYS),
        country=first(form, COUNTRY_KEYS) or fallback_country,
    )
    return None if address.is_empty() else address


def worker(source: str, employment: Mapping[str, Any]) -> Worker:
    """``GET /v1/employments/{id}`` ``data.employment`` → :class:`Worker`."""
    personal = _form(employment, "personal_details")
    legal = first(personal, LEGAL_NAME_KEYS) or join_name(
        first(personal, GIVEN_NAME_KEYS), first(personal, FAMILY_NAME_KEYS)
    )
    legal = legal or text(employment.get("full_name"))
    if legal is None:
        raise ValueError("employment has no name")
    country = employment_country(employment)
    tax = first(_form(employment, "administrative_details"), TAX_KEYS)
    summary = {k: v for k, v in employment.items() if k not in _FORMS}
    return Worker(
        source=source,
        remote_id=str(employment["id"]),
        remote_data={
            "employment": scrub(summary),
            "personal_details": scrub({k: v for k, v in personal.items() if k not in _DROP_PERSONAL}),
        },
        modified_at=timestamp(employment.get("updated_at")),
        legal_name=legal,
        preferred_name=text(employment.get("full_name")) if text(employment.get("full_name")) != legal else None,
        date_of_birth=day(first(personal, BIRTH_KEYS)),
        emails=_unique(
            [text(employment.get("personal_email")), first(personal, EMAIL_KEYS), text(employment.get("work_email"))]
        ),
        phones=_unique([first(personal, PHONE_KEYS)]),
        home_address=_address(_form(employment, "address_details"), country),
        claimed_country=country,
        tax_id=SecretStr(tax) if tax else None,
    )


def engagement(source: str, employment: Mapping[str, Any]) -> Engagement:
    """The employment itself → :class:`Engagement` (contractors of record are contractors)."""
    return Engagement(
        source=source,
        remote_id=str(employment["id"]),
        remote_data={
            k: employment.get(k)
            for k in ("type", "status", "employment_lifecycle_stage", "job_title", "user_status", "employment_model")
        },
        modified_at=timestamp(employment.get("updated_at")),
        worker_remote_id=str(employment["id"]),
        client_org=text(employment.get("company_id")),
        type="contractor" if text(employment.get("type")) == "contractor" else "employee",
        status=text(employment.get("status")),
        start_date=day(employment.get("provisional_start_date")),
    )


def payout_accounts(source: str, employment: Mapping[str, Any]) -> list[PayoutAccount]:
    """The employment's ``bank_account_details`` forms → payout accounts (full numbers as ``SecretStr``).

    The forms carry no id of their own. An account's ``remote_id`` is the employment, the form's
    position and the number's last four characters (what any mask shows anyway): a replaced account
    becomes a new record instead of overwriting the old one, so the history of who was paid where
    stays in the store.
    """
    accounts = []
    forms = employment.get("bank_account_details")
    for n, form in enumerate(forms if isinstance(forms, list) else []):
        if not isinstance(form, Mapping) or not form:
            continue
        iban, number = first(form, IBAN_KEYS), first(form, ACCOUNT_KEYS)
        if iban is None and number is None:
            raise ValueError(f"bank account {n} has neither an IBAN nor an account number")
        accounts.append(
            PayoutAccount(
                source=source,
                remote_id=text(form.get("id")) or f"{employment['id']}:bank:{n}:{(iban or number or '')[-4:]}",
                remote_data=scrub(dict(form)),
                modified_at=timestamp(employment.get("updated_at")),
                worker_remote_id=str(employment["id"]),
                method=PayoutMethod.BANK,
                holder_name=first(form, HOLDER_KEYS),
                iban=SecretStr(iban) if iban else None,
                account_number=SecretStr(number) if number else None,
                routing_number=first(form, ROUTING_KEYS),
                bic=first(form, BIC_KEYS),
                bank_country=first(form, BANK_COUNTRY_KEYS) or (iban[:2] if iban else None),
            )
        )
    return accounts


def amount(value: Any, currency: str) -> Decimal:
    """An invoice amount: integers are minor units (cents); decimal strings are taken as written."""
    if isinstance(value, bool) or value is None or value == "":
        raise ValueError("invoice has no amount")
    if isinstance(value, int):
        return Decimal(value) if currency in ZERO_DECIMAL_CURRENCIES else Decimal(value) / 100
    return Decimal(str(value))


_APPROVED = frozenset({"approved", "pay_out_scheduled", "processing", "paid_out", "pending_payment"})


def payment(source: str, invoice: Mapping[str, Any]) -> Payment:
    """``GET /v1/contractor-invoices`` item → :class:`Payment` (Remote has no hold, so no ``hold_ref``)."""
    employment = text(invoice.get("employment_id"))
    if employment is None:
        raise ValueError("invoice has no employment_id")
    currency = text(invoice.get("currency"))
    if currency is None:
        raise ValueError("invoice has no currency")
    status = text(invoice.get("status"))
    return Payment(
        source=source,
        remote_id=str(invoice["id"]),
        remote_data=scrub(dict(invoice)),
        modified_at=timestamp(invoice.get("updated_at")),
        worker_remote_id=employment,
        engagement_remote_id=employment,
        amount=amount(invoice.get("amount"), currency.upper()),
        currency=currency.upper(),
        status=status,
        due_date=day(invoice.get("due_date")),
        paid_at=timestamp(invoice.get("paid_out_at")),
        approved=True if invoice.get("approved_at") or status in _APPROVED else None,
    )
