"""BambooHR payloads → canonical records: small pure functions, one per record kind.

Field names are BambooHR's documented ones (``firstName``, ``dateOfBirth``, ``address1``,
``zipcode``, ``homeEmail``, ``mobilePhone``, ``employmentHistoryStatus``, ``lastChanged`` …), as
``GET /api/v1/employees/{id}?fields=…`` returns them: a flat object of strings. BambooHR's quirks
handled here: empty dates come as ``"0000-00-00"``; countries come as names ("United States");
currency fields come as ``"85000.00 USD"`` (or an object with ``value``/``currency``); the list
endpoint names the id ``employeeId`` where Get Employee names it ``id``.

``remote_data`` is the item minus demographics and the tax id, passed through the core's scrubber
here, so identifiers (phones, emails, birth date) are redacted before the record exists.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from pydantic import SecretStr

from hiresentry.core.model import Address, Engagement, Worker
from hiresentry.core.model.scrub import scrub

_DROP = frozenset({"gender", "ethnicity", "maritalStatus", "marital", "eeo", "veteranStatus", "photoUrl"})
_EMPTY_DATES = frozenset({"0000-00-00", "0000-00-00 00:00:00"})
_MONEY = re.compile(r"^\s*(?P<cur1>[A-Z]{3})?\s*[^\d\-]?\s*(?P<amount>-?[\d,]+(?:\.\d+)?)\s*(?P<cur2>[A-Z]{3})?\s*$")


def text(value: Any) -> str | None:
    """A stripped string, or None for missing/blank values."""
    if value is None:
        return None
    result = str(value).strip()
    return result or None


def join_name(*parts: Any) -> str | None:
    """Name parts as one string, skipping missing parts."""
    return text(" ".join(p for p in (text(x) for x in parts) if p))


def day(value: Any) -> dt.date | None:
    """A BambooHR date (``YYYY-MM-DD``; ``0000-00-00`` means none); a date-time keeps its date.

    The error names the expected form, never the value (it may be a birth date, and problems are logged).
    """
    raw = text(value)
    if raw is None or raw in _EMPTY_DATES:
        return None
    try:
        return dt.date.fromisoformat(raw[:10])
    except ValueError:
        raise ValueError("not a date (expected YYYY-MM-DD)") from None


def timestamp(value: Any) -> dt.datetime | None:
    """An ISO 8601 date-time (``Z`` or offset; naive is UTC); None when missing or empty."""
    raw = text(value)
    if raw is None or raw in _EMPTY_DATES:
        return None
    try:
        parsed = dt.datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        raise ValueError("not a date-time (expected ISO 8601)") from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)


def money(value: Any) -> tuple[Decimal | None, str | None]:
    """``"85000.00 USD"``, ``"USD 85,000"``, ``{"value": "85000", "currency": "USD"}`` → (amount, currency).

    An unreadable pay rate is not a reason to refuse the employee: it becomes (None, None) and
    stays in ``remote_data``.
    """
    if isinstance(value, Mapping):
        amount, currency = value.get("value"), text(value.get("currency"))
        try:
            return (Decimal(str(amount)) if text(amount) else None), currency
        except InvalidOperation:
            return None, currency
    raw = text(value)
    match = _MONEY.match(raw) if raw else None
    if match is None:
        return None, None
    try:
        amount_ = Decimal(match["amount"].replace(",", ""))
    except InvalidOperation:
        return None, None
    return amount_, match["cur1"] or match["cur2"]


def _unique(values: Iterable[str | None]) -> list[str]:
    return list(dict.fromkeys(v for v in values if v))


def employee_id(item: Mapping[str, Any]) -> str:
    """The employee id of a list item (``employeeId``), a directory entry or Get Employee (``id``)."""
    found = text(item.get("id")) or text(item.get("employeeId"))
    if found is None:
        raise ValueError("employee has no id")
    return found


def kept(item: Mapping[str, Any], drop: Iterable[str] = ()) -> dict[str, Any]:
    """The part of a payload worth keeping as ``remote_data``, already scrubbed."""
    gone = _DROP | set(drop)
    result: dict[str, Any] = scrub({k: v for k, v in item.items() if k not in gone})
    return result


def _address(employee: Mapping[str, Any]) -> Address | None:
    address = Address(
        line1=text(employee.get("address1")),
        line2=text(employee.get("address2")),
        city=text(employee.get("city")),
        region=text(employee.get("state")),
        postal_code=text(employee.get("zipcode")),
        country=text(employee.get("country")),
    )
    return None if address.is_empty() and address.country is None else address


def worker(
    source: str,
    employee: Mapping[str, Any],
    *,
    tax_id_field: str | None = "ssn",
    changed_at: dt.datetime | None = None,
) -> Worker:
    """Get Employee's object → :class:`Worker`; ``changed_at`` is the delta's ``lastChanged``, if any."""
    legal = join_name(employee.get("firstName"), employee.get("middleName"), employee.get("lastName"))
    if legal is None:
        raise ValueError("employee has no first or last name")
    tax_id = text(employee.get(tax_id_field)) if tax_id_field else None
    linkedin = text(employee.get("linkedIn")) or text(employee.get("linkedinUrl"))
    return Worker(
        source=source,
        remote_id=employee_id(employee),
        remote_data=kept(employee, [tax_id_field] if tax_id_field else []),
        modified_at=timestamp(employee.get("lastChanged")) or changed_at,
        legal_name=legal,
        preferred_name=text(employee.get("preferredName")),
        date_of_birth=day(employee.get("dateOfBirth")) or day(employee.get("birthDate")),
        emails=_unique(text(employee.get(k)) for k in ("homeEmail", "workEmail")),
        phones=_unique(text(employee.get(k)) for k in ("mobilePhone", "homePhone", "workPhone")),
        home_address=_address(employee),
        claimed_country=text(employee.get("country")),
        tax_id=SecretStr(tax_id) if tax_id else None,
        profile_urls=[linkedin] if linkedin else [],
    )


def _is_contractor(employee: Mapping[str, Any]) -> bool:
    status = (text(employee.get("employmentHistoryStatus")) or "").lower()
    pay_type = (text(employee.get("payType")) or "").lower()
    return "contract" in status or pay_type == "contract"


def engagement(
    source: str, employee: Mapping[str, Any], organization: str | None, *, changed_at: dt.datetime | None = None
) -> Engagement:
    """Get Employee's object → the employee's :class:`Engagement` with the company (remote id = employee id).

    Starts at ``hireDate`` (or ``originalHireDate``); ends at ``terminationDate`` when that is not
    before the start (a rehire keeps the old termination date until HR clears it).
    """
    worker_id = employee_id(employee)
    start = day(employee.get("hireDate")) or day(employee.get("originalHireDate"))
    end = day(employee.get("terminationDate"))
    if end is not None and start is not None and end < start:
        end = None
    rate, currency = money(employee.get("payRate"))
    return Engagement(
        source=source,
        remote_id=worker_id,
        remote_data=kept(
            {k: employee.get(k) for k in ("jobTitle", "department", "division", "location", "payType", "status")}
        ),
        modified_at=timestamp(employee.get("lastChanged")) or changed_at,
        worker_remote_id=worker_id,
        client_org=organization,
        type="contractor" if _is_contractor(employee) else "employee",
        status=text(employee.get("employmentHistoryStatus")) or text(employee.get("status")),
        start_date=start,
        end_date=end,
        rate=rate,
        currency=currency,
    )


def deleted_engagement(source: str, worker_id: str, changed_at: dt.datetime | None) -> Engagement:
    """The tombstone of an employee BambooHR reports as ``Deleted`` (their engagement ends).

    The identity claim (:class:`Worker`) is kept: an identity once presented stays evidence, and
    BambooHR no longer tells us the employee's name to rewrite it with.
    """
    return Engagement(
        source=source,
        remote_id=worker_id,
        remote_data={"action": "Deleted"},
        modified_at=changed_at,
        worker_remote_id=worker_id,
        status="deleted",
        deleted=True,
    )
