"""HiBob payloads → canonical records: people search results, bank-account entries, payroll history.

Bob answers a people search in two shapes, often mixed in one employee object (HiBob's own example
does): nested categories (``{"id", "firstName", "personal": {"birthDate": …}}``, root fields at the
top) and flat field paths (``{"/personal/birthDate": {"value": …}}``). :func:`field` reads a Bob
field path (``personal.birthDate``) from either. With ``humanReadable: APPEND`` Bob adds readable
values (list items such as countries as names, not ids) under ``humanReadable``; :func:`readable`
prefers those.

``remote_data`` is the employee minus the readable copy and the personal/about categories (gender,
nationality, hobbies), passed through the core's scrubber here.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from pydantic import SecretStr

from hiresentry.core.model import Address, Engagement, PayoutAccount, PayoutMethod, Worker
from hiresentry.core.model.scrub import scrub

_DROP = frozenset({"humanReadable", "personal", "about"})
_DROP_FLAT = ("/personal/", "/about/")
_CONTRACTOR_WORDS = ("contractor", "freelanc", "consultant")
EMPLOYMENT_TABLES = frozenset({"employmentType", "employment"})
"""Payroll-history tables whose entries are employment periods (salary tables are not engagements)."""


def text(value: Any) -> str | None:
    """A stripped string, or None for missing/blank values (objects and lists are not text)."""
    if value is None or isinstance(value, Mapping | list):
        return None
    result = str(value).strip()
    return result or None


def day(value: Any) -> dt.date | None:
    """A Bob date (``YYYY-MM-DD``); the error names the form, never the value (birth dates are logged)."""
    raw = text(value)
    if raw is None:
        return None
    try:
        return dt.date.fromisoformat(raw[:10])
    except ValueError:
        raise ValueError("not a date (expected YYYY-MM-DD)") from None


def _nested(value: Any, parts: Sequence[str]) -> Any:
    for part in parts:
        if not isinstance(value, Mapping):
            return None
        value = value.get(part)
    return value


def _parts(path: str) -> list[str]:
    parts = path.split(".")
    return parts[1:] if parts[0] == "root" else parts


def field(employee: Mapping[str, Any], path: str | None) -> Any:
    """The value of Bob field ``path`` (``root.id``, ``personal.birthDate``) in either answer shape."""
    if not path:
        return None
    flat = employee.get("/" + path.replace(".", "/"))
    if isinstance(flat, Mapping) and "value" in flat:
        return flat["value"]
    return _nested(employee, _parts(path))


def readable(employee: Mapping[str, Any], path: str | None) -> Any:
    """The human-readable value of a field (a list item's name), else its machine value."""
    if not path:
        return None
    found = text(_nested(employee.get("humanReadable"), _parts(path)))
    if found is None:
        flat = employee.get("/" + path.replace(".", "/"))
        found = text(flat.get("humanReadable")) if isinstance(flat, Mapping) else None
    return found if found is not None else field(employee, path)


def employee_id(employee: Mapping[str, Any], paths: Mapping[str, str | None]) -> str:
    """The employee's Bob id."""
    found = text(field(employee, paths.get("id"))) or text(employee.get("id"))
    if found is None:
        raise ValueError("employee has no id")
    return found


def digest(employee: Mapping[str, Any]) -> str:
    """A short fingerprint of everything the search returned for one employee (change detection)."""
    canonical = json.dumps(employee, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()[:16]


def kept(employee: Mapping[str, Any]) -> dict[str, Any]:
    """The part of an employee worth keeping as ``remote_data``, already scrubbed."""
    chosen = {k: v for k, v in employee.items() if k not in _DROP and not k.startswith(_DROP_FLAT)}
    result: dict[str, Any] = scrub(chosen)
    return result


def _unique(values: Iterable[str | None]) -> list[str]:
    return list(dict.fromkeys(v for v in values if v))


def _join(*parts: str | None) -> str | None:
    return text(" ".join(p for p in parts if p))


def worker(source: str, employee: Mapping[str, Any], paths: Mapping[str, str | None]) -> Worker:
    """A people-search employee → :class:`Worker`, reading each field from its configured path."""

    def get(name: str) -> str | None:
        return text(field(employee, paths.get(name)))

    legal = _join(get("first_name"), get("surname")) or get("full_name") or get("display_name")
    if legal is None:
        raise ValueError("employee has no name")
    country = text(readable(employee, paths.get("country")))
    address = Address(
        line1=get("address_line1"),
        line2=get("address_line2"),
        city=get("city"),
        region=text(readable(employee, paths.get("region"))),
        postal_code=get("postal_code"),
        country=country,
    )
    tax_id, linkedin = get("tax_id"), get("linkedin")
    return Worker(
        source=source,
        remote_id=employee_id(employee, paths),
        remote_data=kept(employee),
        legal_name=legal,
        preferred_name=get("display_name") if get("display_name") != legal else None,
        date_of_birth=day(field(employee, paths.get("date_of_birth"))),
        emails=_unique(get(k) for k in ("work_email", "personal_email")),
        phones=_unique(get(k) for k in ("mobile_phone", "home_phone", "work_phone", "work_mobile")),
        home_address=None if address.is_empty() and address.country is None else address,
        claimed_country=country,
        tax_id=SecretStr(tax_id) if tax_id else None,
        profile_urls=[linkedin] if linkedin else [],
    )


def payout_account(source: str, worker_id: str, entry: Mapping[str, Any]) -> PayoutAccount:
    """A ``/people/{id}/bank-accounts`` entry → :class:`PayoutAccount` (remote id ``<employee>/<entry>``).

    Entry ids are only unique per employee, hence the employee in the remote id.
    """
    entry_id = text(entry.get("id"))
    if entry_id is None:
        raise ValueError("bank account entry has no id")
    iban, number = text(entry.get("iban")), text(entry.get("accountNumber"))
    return PayoutAccount(
        source=source,
        remote_id=f"{worker_id}/{entry_id}",
        remote_data=scrub(dict(entry)),
        worker_remote_id=worker_id,
        method=PayoutMethod.BANK,
        iban=SecretStr(iban) if iban else None,
        account_number=SecretStr(number) if number else None,
        routing_number=text(entry.get("routingNumber")),
        bic=text(entry.get("bicOrSwift")),
    )


def _entries(payroll: Any) -> Iterable[tuple[str, Mapping[str, Any]]]:
    if not isinstance(payroll, Mapping):
        return
    for table, value in payroll.items():
        if table not in EMPLOYMENT_TABLES:
            continue
        for entry in value if isinstance(value, list) else [value]:
            if isinstance(entry, Mapping) and entry.get("effectiveDate"):
                yield table, entry


def _hours(value: Any) -> float | None:
    try:
        hours = float(Decimal(str(value)))
    except (InvalidOperation, ValueError):
        return None
    return hours if 0 <= hours <= 168 else None


def engagements(source: str, employee: Mapping[str, Any], organization: str | None) -> list[Engagement]:
    """A ``/payroll/history`` employee → one :class:`Engagement` per employment entry (a dated period)."""
    worker_id = text(employee.get("id"))
    if worker_id is None:
        raise ValueError("payroll history employee has no id")
    found: list[Engagement] = []
    for table, entry in _entries(employee.get("payroll")):
        kind = " ".join(text(entry.get(k)) or "" for k in ("contract", "type", "salaryPayType")).lower()
        key = text(entry.get("id")) or text(entry.get("effectiveDate"))
        found.append(
            Engagement(
                source=source,
                remote_id=f"{worker_id}/{table}/{key}",
                remote_data=scrub({k: v for k, v in entry.items() if k not in ("change",)}),
                worker_remote_id=worker_id,
                client_org=organization,
                type="contractor" if any(w in kind for w in _CONTRACTOR_WORDS) else "employee",
                status="current" if entry.get("isCurrent") is True else None,
                start_date=day(entry.get("effectiveDate")),
                end_date=day(entry.get("endEffectiveDate")),
                hours_per_week=_hours(entry.get("weeklyHours")) if entry.get("weeklyHours") is not None else None,
            )
        )
    return found
