"""Rippling payloads → canonical records, for both of Rippling's APIs.

- **Legacy Platform API** (``shared/specs/rippling/rippling_platform_v1_legacy.yaml``, 2021):
  ``GET /employees`` items carry camelCase fields (``firstName``, ``personalEmail``, ``dob``,
  ``ssn``, ``address{streetLine1,…}``, ``employmentType``, ``roleState``, ``updatedAt``); which of
  them are filled depends on the scopes granted.
- **New REST API** (``rippling_rest_api.yaml``, 2025 copy): ``GET /workers`` items with snake_case
  fields; identity (names, emails, phones, addresses, time zone) sits on the expanded ``user``.

Both become one :class:`Worker` (identity claim) and one :class:`Engagement` (the employment, a
contractor when Rippling says so) per person. Demographics (gender, race, ethnicity), citizenship
and compensation details are dropped from ``remote_data``: hiresentry must not keep them, and a
score must never see them. Functions raise ``ValueError``/``KeyError`` for malformed items.
"""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from pydantic import SecretStr

from hiresentry.core.model import Address, Engagement, Worker
from hiresentry.core.model.scrub import scrub

_DROP_LEGACY = frozenset(
    {
        "gender",
        "identifiedGender",
        "ssn",
        "compensation",
        "customFields",
        "hsaCompatiblePlanStatus",
        "photo",
        "smallPhoto",
        "filingStatus",
    }
)
_DROP_REST = frozenset(
    {
        "gender",
        "race",
        "ethnicity",
        "citizenship",
        "compensation",
        "custom_fields",
        "manager",
        "legal_entity",
        "teams",
        "level",
        "department",
        "user",
    }
)
_TZ_OFFSET = re.compile(r"([+-]\d{2})(\d{2})$")


def text(value: Any) -> str | None:
    """A stripped string, or None for missing/blank values."""
    if value is None:
        return None
    result = str(value).strip()
    return result or None


def join_name(*parts: Any) -> str | None:
    """Name parts as one string, skipping missing ones."""
    return text(" ".join(p for p in (text(x) for x in parts) if p))


def timestamp(value: Any) -> dt.datetime | None:
    """A Rippling date-time: ISO 8601 with ``Z``, ``+00:00`` or ``+0000``; naive ones are UTC."""
    raw = text(value)
    if raw is None:
        return None
    raw = _TZ_OFFSET.sub(r"\1:\2", raw.replace("Z", "+00:00"))
    parsed = dt.datetime.fromisoformat(raw)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)


def day(value: Any) -> dt.date | None:
    """A date from a ``YYYY-MM-DD`` (or date-time) field."""
    raw = text(value)
    return dt.date.fromisoformat(raw[:10]) if raw else None


def iana_timezone(value: Any) -> str | None:
    """The value if it names an IANA zone, else None (a vague zone must not cost the identity record)."""
    raw = text(value)
    if raw is None or "/" not in raw:
        return None
    try:
        zoneinfo.ZoneInfo(raw)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return None
    return raw


def _unique(values: Iterable[str | None]) -> list[str]:
    return list(dict.fromkeys(v for v in values if v))


def _kept(item: Mapping[str, Any], drop: frozenset[str]) -> dict[str, Any]:
    result: dict[str, Any] = scrub({k: v for k, v in item.items() if k not in drop})
    return result


def _ssn(value: Any) -> SecretStr | None:
    """A full SSN (nine digits); masked or partial forms are no key."""
    digits = re.sub(r"\D", "", text(value) or "")
    return SecretStr(digits) if len(digits) == 9 else None


def _decimal(value: Any) -> Decimal | None:
    raw = text(value)
    if raw is None:
        return None
    try:
        return Decimal(raw)
    except InvalidOperation:
        raise ValueError(f"not an amount: {raw!r}") from None


# -- legacy Platform API ------------------------------------------------------------------------------


def _legacy_address(raw: Any) -> Address | None:
    if not isinstance(raw, Mapping):
        return None
    address = Address(
        line1=text(raw.get("streetLine1")),
        line2=text(raw.get("streetLine2")),
        city=text(raw.get("city")),
        region=text(raw.get("state")),
        postal_code=text(raw.get("zip")),
        country=text(raw.get("country")),
    )
    return None if address.is_empty() else address


def legacy_is_contractor(employee: Mapping[str, Any]) -> bool:
    """``employmentType: CONTRACTOR``, or a company employment type flagged as contractor."""
    kind = employee.get("companyEmploymentType")
    flagged = isinstance(kind, Mapping) and kind.get("isContractor") is True
    return text(employee.get("employmentType")) == "CONTRACTOR" or flagged


def legacy_worker(source: str, employee: Mapping[str, Any]) -> Worker:
    """``GET /employees`` item → :class:`Worker` (the SSN, when the scope grants it, becomes the tax id)."""
    legal = join_name(employee.get("firstName"), employee.get("lastName")) or text(employee.get("name"))
    if legal is None:
        raise ValueError("employee has no name")
    preferred = text(employee.get("preferredFirstName"))
    address = _legacy_address(employee.get("address"))
    return Worker(
        source=source,
        remote_id=str(employee["id"]),
        remote_data=_kept(employee, _DROP_LEGACY),
        modified_at=timestamp(employee.get("updatedAt")),
        legal_name=legal,
        preferred_name=join_name(preferred, employee.get("lastName")) if preferred else None,
        date_of_birth=day(employee.get("dob")),
        emails=_unique([text(employee.get("personalEmail")), text(employee.get("workEmail"))]),
        phones=_unique([text(employee.get("phone")), text(employee.get("phoneNumber"))]),
        home_address=address,
        claimed_country=address.country if address else None,
        tax_id=_ssn(employee.get("ssn")),
    )


def legacy_engagement(source: str, employee: Mapping[str, Any]) -> Engagement:
    """``GET /employees`` item → :class:`Engagement` with the company."""
    pay = _object(employee.get("compensation"))
    rate = _decimal(pay.get("salaryPerUnit"))
    unit = text(pay.get("salaryUnit"))
    return Engagement(
        source=source,
        remote_id=str(employee["id"]),
        remote_data={
            "employmentType": employee.get("employmentType"),
            "roleState": employee.get("roleState"),
            "title": employee.get("title"),
            "department": employee.get("department"),
            "salaryUnit": unit,
        },
        modified_at=timestamp(employee.get("updatedAt")),
        worker_remote_id=str(employee["id"]),
        type="contractor" if legacy_is_contractor(employee) else "employee",
        status=(text(employee.get("roleState")) or "").lower() or None,
        start_date=day(employee.get("startDate")),
        end_date=day(employee.get("endDate")),
        rate=rate,
        currency=text(pay.get("currency")) if rate is not None else None,
    )


# -- new REST API ---------------------------------------------------------------------------------------


def _rest_address(entries: Any, kind: str) -> Address | None:
    for entry in entries if isinstance(entries, list) else []:
        if isinstance(entry, Mapping) and text(entry.get("type")) == kind:
            address = Address(
                line1=text(entry.get("street_address")) or text(entry.get("formatted")),
                city=text(entry.get("locality")),
                region=text(entry.get("region")),
                postal_code=text(entry.get("postal_code")),
                country=text(entry.get("country")),
            )
            if not address.is_empty():
                return address
    return None


def _object(value: Any) -> Mapping[str, Any]:
    """An expanded sub-object, or an empty one when it is absent (not expanded) or not an object."""
    return value if isinstance(value, Mapping) else {}


def _values(entries: Any) -> list[str | None]:
    return [text(e.get("value")) for e in entries if isinstance(e, Mapping)] if isinstance(entries, list) else []


def rest_worker(source: str, worker: Mapping[str, Any]) -> Worker:
    """``GET /workers`` item (with ``expand=user``) → :class:`Worker`."""
    user = _object(worker.get("user"))
    name = _object(user.get("name"))
    legal = join_name(name.get("given_name"), name.get("middle_name"), name.get("family_name"))
    legal = legal or text(name.get("formatted")) or text(user.get("display_name"))
    if legal is None:
        raise ValueError("worker has no name (expand=user gives it)")
    given = text(name.get("preferred_given_name"))
    preferred = join_name(given, name.get("preferred_family_name") or name.get("family_name")) if given else None
    emails = [text(worker.get("personal_email")), text(worker.get("work_email")), *_values(user.get("emails"))]
    return Worker(
        source=source,
        remote_id=str(worker["id"]),
        remote_data={
            "worker": _kept(worker, _DROP_REST),
            "user": _kept(user, frozenset({"photos"})) if user else None,
        },
        modified_at=timestamp(worker.get("updated_at")),
        legal_name=legal,
        preferred_name=preferred if preferred and preferred != legal else None,
        date_of_birth=day(worker.get("date_of_birth")),
        emails=_unique(emails),
        phones=_unique(_values(user.get("phone_numbers"))),
        home_address=_rest_address(user.get("addresses"), "HOME"),
        claimed_country=text(worker.get("country")),
        claimed_timezone=iana_timezone(user.get("timezone")),
    )


def rest_engagement(source: str, worker: Mapping[str, Any]) -> Engagement:
    """``GET /workers`` item → :class:`Engagement`; a contractor when the employment type says so."""
    kind = _object(worker.get("employment_type"))
    return Engagement(
        source=source,
        remote_id=str(worker["id"]),
        remote_data={
            "status": worker.get("status"),
            "title": worker.get("title"),
            "employment_type": {k: kind.get(k) for k in ("label", "type", "amount_worked")} if kind else None,
            "termination_details": worker.get("termination_details"),
        },
        modified_at=timestamp(worker.get("updated_at")),
        worker_remote_id=str(worker["id"]),
        client_org=text(worker.get("legal_entity_id")),
        type="contractor" if text(kind.get("type")) == "CONTRACTOR" else "employee",
        status=(text(worker.get("status")) or "").lower() or None,
        start_date=day(worker.get("start_date")),
        end_date=day(worker.get("end_date")),
    )
