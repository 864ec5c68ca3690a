"""Personio payloads → canonical records: small pure functions for API v1 and v2.

**v1** (``GET /v1/company/employees``) sends every field as ``{label, value, type, universal_id}``
under ``attributes``; standard fields have fixed keys (``first_name``, ``hire_date``,
``employment_type`` …), a company's own fields are ``dynamic_<n>`` whose meaning is only in their
``universal_id`` (``iban``) or their label ("IBAN", "Date of birth", "Steuer-ID"). Dates are
midnight *company time* expressed in UTC (``2014-11-08 23:00:00+00:00`` is 9 November in Berlin),
so they are read in the company's zone. **v2** (``GET /v2/persons``) is flat JSON; custom fields are
``custom_attributes[] {id, label, value, type, global_id}``; employments come from
``/v2/persons/{id}/employments``.

Sensitive values (IBAN, tax id, social security number) go only into ``SecretStr`` fields, which
the store turns into keyed hashes. ``remote_data`` is an allow-list of plain fields: a company's own
attributes are never kept there, since their keys (``dynamic_21827``) say nothing a scrubber could
recognise, and gender and nationality are not kept at all.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from pydantic import SecretStr

from hiresentry.core.model import Address, Engagement, PayoutAccount, PayoutMethod, Worker
from hiresentry.core.model.records import country_code
from hiresentry.core.model.scrub import scrub

# What a company's own attribute means, by universal/global id or by (lower-cased) label.
_KINDS: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    "iban": (frozenset({"iban"}), frozenset({"iban"})),
    "bic": (frozenset({"bic", "swift"}), frozenset({"bic", "swift", "bic/swift", "swift/bic", "swift code"})),
    "dob": (
        frozenset({"date_of_birth", "birthday", "dob", "birth_date"}),
        frozenset({"date of birth", "birthday", "birth date", "geburtsdatum", "geburtstag"}),
    ),
    "tax_id": (
        frozenset({"tax_id", "tax_identification_number", "tax_number"}),
        frozenset({"tax id", "tax number", "steuer-id", "steuer id", "steueridentifikationsnummer", "steuernummer"}),
    ),
    "ssn": (
        frozenset({"social_security_number", "ssn"}),
        frozenset({"social security number", "sozialversicherungsnummer", "ssn"}),
    ),
    "phone": (
        frozenset({"phone", "mobile_phone", "private_phone", "phone_private", "mobile"}),
        frozenset({"phone", "mobile", "mobile phone", "private phone", "telefon", "handy", "phone number"}),
    ),
    "email": (
        frozenset({"private_email", "personal_email"}),
        frozenset({"private email", "personal email", "private e-mail", "e-mail (privat)"}),
    ),
    "street": (frozenset({"street", "address"}), frozenset({"street", "address", "straße", "strasse"})),
    "city": (frozenset({"city"}), frozenset({"city", "stadt", "ort"})),
    "postal_code": (frozenset({"zip_code", "postal_code"}), frozenset({"zip code", "postal code", "postcode", "plz"})),
    "country": (frozenset({"country"}), frozenset({"country", "land"})),
}

V1_KEPT = frozenset(
    {
        "id", "first_name", "last_name", "preferred_name", "status", "position", "employment_type",
        "hire_date", "contract_end_date", "termination_date", "termination_type", "last_working_day",
        "created_at", "last_modified_at", "subcompany", "office", "department", "team", "supervisor",
        "weekly_working_hours",
    }
)  # fmt: skip
V2_DROPPED = frozenset({"custom_attributes", "gender", "profile_picture", "email"})


def text(value: Any) -> str | None:
    """A stripped string, or None for missing/blank values (numbers become their text)."""
    if value is None or isinstance(value, Mapping | list):
        return None
    result = str(value).strip()
    return result or None


def join_name(*parts: Any) -> str | None:
    """Name parts as one string, skipping missing ones."""
    return text(" ".join(p for p in (text(x) for x in parts) if p))


def timestamp(value: Any) -> dt.datetime | None:
    """A Personio date-time (``2020-11-18 17:33:55+01:00``, ``…Z``); naive values are taken as UTC."""
    raw = text(value)
    if raw is None:
        return None
    parsed = dt.datetime.fromisoformat(raw.replace("Z", "+00:00"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)


def marker(value: Any) -> str | None:
    """A change time as sortable UTC text (``2020-11-18T16:33:55Z``), the watermark's currency."""
    stamp = timestamp(value)
    return stamp.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if stamp else None


def day(value: Any, zone: str = "UTC") -> dt.date | None:
    """A date: ``YYYY-MM-DD`` as is; a date-time read in ``zone`` (v1's midnight-company-time dates)."""
    raw = text(value)
    if raw is None:
        return None
    if len(raw) == 10:
        return dt.date.fromisoformat(raw)
    stamp = timestamp(raw)
    return stamp.astimezone(zoneinfo.ZoneInfo(zone)).date() if stamp else None


def country(value: Any) -> str | None:
    """ISO alpha-2 for a country code or English name; None for anything else ("Deutschland")."""
    try:
        return country_code(text(value))
    except ValueError:
        return None


def amount(value: Any) -> Decimal | None:
    """A positive decimal amount, or None (Personio sends 0 for "not set")."""
    try:
        number = Decimal(str(value)) if text(value) is not None else None
    except InvalidOperation:
        return None
    return number if number is not None and number > 0 else None


def _kind(key: str | None, label: str | None) -> str | None:
    key_l, label_l = (key or "").strip().lower(), (label or "").strip().lower()
    for kind, (keys, labels) in _KINDS.items():
        if key_l in keys or label_l in labels:
            return kind
    return None


def custom_fields(entries: Iterable[tuple[str | None, str | None, Any]]) -> dict[str, str]:
    """Meaningful values of a company's own fields: ``(universal id, label, value)`` → kind → text."""
    found: dict[str, str] = {}
    for key, label, value in entries:
        kind = _kind(key, label)
        shown = text(value)
        if kind is not None and shown is not None and kind not in found:
            found[kind] = shown
    return found


def _address(fields: Mapping[str, str]) -> Address | None:
    address = Address(
        line1=fields.get("street"),
        city=fields.get("city"),
        postal_code=fields.get("postal_code"),
        country=country(fields.get("country")),
    )
    return None if address.is_empty() else address


def _payout(
    source: str, worker_id: str, fields: Mapping[str, str], modified: dt.datetime | None
) -> PayoutAccount | None:
    if "iban" not in fields:
        return None
    return PayoutAccount(
        source=source,
        remote_id=f"{worker_id}/iban",
        remote_data={"from": "employee attribute (iban)"},
        modified_at=modified,
        worker_remote_id=worker_id,
        method=PayoutMethod.BANK,
        iban=SecretStr(fields["iban"]),
        bic=fields.get("bic"),
    )


def _worker(
    source: str,
    worker_id: str,
    names: tuple[Any, Any, Any],
    email: Any,
    fields: Mapping[str, str],
    remote_data: dict[str, Any],
    modified: dt.datetime | None,
    zone: str,
) -> Worker:
    first, last, preferred = names
    legal = join_name(first, last)
    if legal is None:
        raise ValueError("no first or last name")
    secret = fields.get("tax_id") or fields.get("ssn")
    return Worker(
        source=source,
        remote_id=worker_id,
        remote_data=scrub(remote_data),
        modified_at=modified,
        legal_name=legal,
        preferred_name=text(preferred) if text(preferred) != legal else None,
        date_of_birth=day(fields.get("dob"), zone),
        emails=list(dict.fromkeys(e for e in (text(email), fields.get("email")) if e)),
        phones=[fields["phone"]] if "phone" in fields else [],
        home_address=_address(fields),
        tax_id=SecretStr(secret) if secret else None,
    )


# -- v1 ---------------------------------------------------------------------------------------------


def v1_value(employee: Mapping[str, Any], key: str) -> Any:
    """``attributes[key].value`` of a v1 employee (None if absent)."""
    entry = (employee.get("attributes") or {}).get(key)
    return entry.get("value") if isinstance(entry, Mapping) else None


def v1_id(employee: Mapping[str, Any]) -> str:
    """The employee id of a v1 item (``attributes.id.value``)."""
    value = text(v1_value(employee, "id"))
    if value is None:
        raise ValueError("employee has no id")
    return value


def v1_marker(employee: Mapping[str, Any]) -> str | None:
    """The change marker of a v1 employee: ``last_modified_at`` as UTC text."""
    return marker(v1_value(employee, "last_modified_at"))


def _v1_fields(employee: Mapping[str, Any]) -> dict[str, str]:
    attrs = employee.get("attributes") or {}
    entries = [
        (e.get("universal_id"), e.get("label"), e.get("value"))
        for k, e in attrs.items()
        if isinstance(e, Mapping) and k.startswith("dynamic_")
    ]
    return custom_fields(entries)


def _v1_name(value: Any) -> str | None:
    """The ``name`` of a v1 object value (``{"type": "Subcompany", "attributes": {"name": …}}``)."""
    if isinstance(value, Mapping):
        return text((value.get("attributes") or {}).get("name"))
    return None


def _v1_kept(employee: Mapping[str, Any]) -> dict[str, Any]:
    attrs = employee.get("attributes") or {}
    kept: dict[str, Any] = {}
    for key in sorted(V1_KEPT & set(attrs)):
        value = attrs[key].get("value") if isinstance(attrs[key], Mapping) else None
        if isinstance(value, Mapping):  # objects: keep type, id and name only
            inner = value.get("attributes") or {}
            sub = inner.get("id")
            value = {
                "type": value.get("type"),
                "id": sub.get("value") if isinstance(sub, Mapping) else sub,
                "name": inner.get("name"),
            }
        kept[key] = value
    return kept


def v1_worker(source: str, employee: Mapping[str, Any], zone: str = "Europe/Berlin") -> Worker:
    """A v1 employee → :class:`Worker` (identity fields; IBAN and tax ids only as secrets)."""
    fields = _v1_fields(employee)
    return _worker(
        source,
        v1_id(employee),
        (v1_value(employee, "first_name"), v1_value(employee, "last_name"), v1_value(employee, "preferred_name")),
        v1_value(employee, "email"),
        fields,
        _v1_kept(employee),
        timestamp(v1_value(employee, "last_modified_at")),
        zone,
    )


def v1_engagement(source: str, employee: Mapping[str, Any], zone: str = "Europe/Berlin") -> Engagement:
    """A v1 employee's employment → :class:`Engagement` (``external`` employment type = contractor)."""
    worker_id = v1_id(employee)
    salary, hourly = amount(v1_value(employee, "fix_salary")), amount(v1_value(employee, "hourly_salary"))
    pay_key = "fix_salary" if salary is not None else "hourly_salary"
    pay_entry = (employee.get("attributes") or {}).get(pay_key)
    hours = text(v1_value(employee, "weekly_working_hours"))
    kind = (text(v1_value(employee, "employment_type")) or "").lower()
    return Engagement(
        source=source,
        remote_id=worker_id,
        remote_data=scrub(_v1_kept(employee)),
        modified_at=timestamp(v1_value(employee, "last_modified_at")),
        worker_remote_id=worker_id,
        client_org=_v1_name(v1_value(employee, "subcompany")),
        type="contractor" if kind == "external" else "employee",
        status=text(v1_value(employee, "status")),
        start_date=day(v1_value(employee, "hire_date"), zone),
        end_date=day(v1_value(employee, "termination_date"), zone)
        or day(v1_value(employee, "contract_end_date"), zone),
        rate=salary if salary is not None else hourly,
        currency=text(pay_entry.get("currency")) if isinstance(pay_entry, Mapping) and (salary or hourly) else None,
        hours_per_week=float(hours) if hours is not None else None,
    )


def v1_payout_account(source: str, employee: Mapping[str, Any]) -> PayoutAccount | None:
    """The salary account of a v1 employee, if a company attribute holds an IBAN."""
    return _payout(source, v1_id(employee), _v1_fields(employee), timestamp(v1_value(employee, "last_modified_at")))


# -- v2 ---------------------------------------------------------------------------------------------


def _v2_fields(person: Mapping[str, Any]) -> dict[str, str]:
    entries = [
        (e.get("global_id") or e.get("id"), e.get("label"), e.get("value"))
        for e in person.get("custom_attributes") or []
        if isinstance(e, Mapping)
    ]
    return custom_fields(entries)


def v2_worker(source: str, person: Mapping[str, Any]) -> Worker:
    """A v2 person → :class:`Worker`."""
    person_id = text(person.get("id"))
    if person_id is None:
        raise ValueError("person has no id")
    kept = {k: v for k, v in person.items() if k not in V2_DROPPED}
    return _worker(
        source,
        person_id,
        (person.get("first_name"), person.get("last_name"), person.get("preferred_name")),
        person.get("email"),
        _v2_fields(person),
        kept,
        timestamp(person.get("updated_at")),
        "UTC",
    )


def v2_payout_account(source: str, person: Mapping[str, Any]) -> PayoutAccount | None:
    """The salary account of a v2 person, if a custom attribute holds an IBAN."""
    person_id = text(person.get("id"))
    if person_id is None:
        raise ValueError("person has no id")
    return _payout(source, person_id, _v2_fields(person), timestamp(person.get("updated_at")))


def _ref(value: Any, key: str = "id") -> str | None:
    return text(value.get(key)) if isinstance(value, Mapping) else None


def v2_engagement(source: str, person_id: str, employment: Mapping[str, Any]) -> Engagement:
    """A v2 employment → :class:`Engagement` (type ``EXTERNAL`` = contractor)."""
    termination = employment.get("termination") if isinstance(employment.get("termination"), Mapping) else {}
    hours = text(employment.get("weekly_working_hours"))
    return Engagement(
        source=source,
        remote_id=str(employment["id"]),
        remote_data=scrub({k: v for k, v in employment.items() if k not in ("supervisor",)}),
        modified_at=timestamp(employment.get("updated_at")),
        worker_remote_id=_ref(employment.get("person")) or person_id,
        client_org=_ref(employment.get("legal_entity"), "name") or _ref(employment.get("legal_entity")),
        type="contractor" if (text(employment.get("type")) or "").upper() == "EXTERNAL" else "employee",
        status=text(employment.get("status")),
        start_date=day(employment.get("employment_start_date")),
        end_date=day((termination or {}).get("termination_date"))
        or day(employment.get("employment_end_date"))
        or day(employment.get("contract_end_date")),
        hours_per_week=float(hours) if hours is not None else None,
    )
