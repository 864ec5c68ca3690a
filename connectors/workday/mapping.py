"""Workday payloads → canonical records: REST staffing ``/workers`` items and RaaS report rows.

REST items (staffing v6) are small: ``id`` (the Workday ID), ``workerId`` (Employee or Contingent
Worker ID), ``descriptor`` (the name), ``person.email``/``person.phone``, ``workerType``,
``primaryJob`` and ``additionalJobs``. Identity in depth (legal name parts, birth date, home address,
national id, previous employers) and bank details come from RaaS custom reports, whose columns each
tenant names itself: the report's ``columns`` say where each canonical field is.

Report values are what RaaS renders as JSON: text, numbers, references as their descriptor text,
multi-instance fields as lists, and group columns as lists of objects (``Email_group: [{Email: …}]``).
Dates may carry Workday's offset suffix (``1985-04-12-07:00``). Workers are keyed by ``workerId`` in
both APIs (a report's ``id`` column should be the Employee ID), so a report's identity and the REST
jobs meet on one worker.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

from pydantic import SecretStr

from hiresentry.core.model import Address, Engagement, PayoutAccount, PayoutMethod, Worker
from hiresentry.core.model.scrub import scrub

_DROP = frozenset({"Gender", "Ethnicity", "Marital_Status", "Race", "Religion", "Disability", "Veteran_Status"})


def text(value: Any) -> str | None:
    """A stripped string, or None for missing/blank values."""
    if value is None or isinstance(value, Mapping | list):
        return None
    result = str(value).strip()
    return result or None


def day(value: Any) -> dt.date | None:
    """A Workday date: ``YYYY-MM-DD``, optionally with Workday's offset suffix or a time part.

    The error names the expected form, never the value (it may be a birth date, and problems are logged).
    """
    raw = text(value)
    if raw is None:
        return None
    try:
        return dt.date.fromisoformat(raw[:10])
    except ValueError:
        raise ValueError("not a date (expected YYYY-MM-DD)") from None


def timestamp(value: Any) -> dt.datetime | None:
    """A Workday date-time (offset or ``Z``; naive is UTC); a bare date is midnight UTC."""
    raw = text(value)
    if raw is None:
        return None
    if len(raw) == 10 or (len(raw) > 10 and raw[10] in "+-"):
        return dt.datetime.combine(day(raw) or dt.date.min, dt.time(), dt.UTC)
    try:
        parsed = dt.datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        raise ValueError("not a date-time (expected ISO 8601)") from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)


def iana_timezone(value: Any) -> str | None:
    """The value if it names an IANA zone, else None: Workday's time zone descriptors ("GMT-08:00
    Pacific Time") are labels, not places, and a vague zone must not cost the identity record."""
    raw = text(value)
    if raw is None or "/" not in raw:
        return None
    try:
        zoneinfo.ZoneInfo(raw)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return None
    return raw


def _dig(value: Any, path: Sequence[str]) -> Iterator[Any]:
    """Every value at ``path`` below ``value``, descending into lists on the way."""
    if isinstance(value, list):
        for element in value:
            yield from _dig(element, path)
        return
    if not path:
        yield value
        return
    if isinstance(value, Mapping):
        yield from _dig(value.get(path[0]), path[1:])


def values(row: Mapping[str, Any], column: str | list[str]) -> list[str]:
    """Every non-blank text a column (or list of columns; ``Group.Column`` for group columns) holds."""
    columns = [column] if isinstance(column, str) else column
    found: list[str] = []
    for name in columns:
        for value in _dig(row, name.split(".")):
            item = text(value)
            if item is not None:
                found.append(item)
    return list(dict.fromkeys(found))


def first(row: Mapping[str, Any], column: str | list[str] | None) -> str | None:
    """The first text a column holds, or None."""
    if not column:
        return None
    found = values(row, column)
    return found[0] if found else None


def kept(row: Mapping[str, Any]) -> dict[str, Any]:
    """The part of a payload worth keeping as ``remote_data``, already scrubbed."""
    result: dict[str, Any] = scrub({k: v for k, v in row.items() if k not in _DROP})
    return result


def _join(*parts: str | None) -> str | None:
    return text(" ".join(p for p in parts if p))


# -- RaaS report rows ----------------------------------------------------------------------------


def report_worker(source: str, row: Mapping[str, Any], columns: Mapping[str, str | list[str]]) -> Worker:
    """A workers report row → :class:`Worker`, reading each field from its configured column."""
    worker_id = first(row, columns.get("id"))
    if worker_id is None:
        raise ValueError(f"row has no id in column {columns.get('id')!r}")

    def col(name: str) -> str | None:
        return first(row, columns.get(name))

    def cols(name: str) -> list[str]:
        column = columns.get(name)
        return values(row, column) if column else []

    legal = col("legal_name") or _join(col("first_name"), col("middle_name"), col("last_name"))
    if legal is None:
        raise ValueError("row has no legal name (nor first/last name columns)")
    address = Address(
        line1=col("address_line1"),
        line2=col("address_line2"),
        city=col("city"),
        region=col("region"),
        postal_code=col("postal_code"),
        country=col("country"),
    )
    tax_id = col("tax_id")
    return Worker(
        source=source,
        remote_id=worker_id,
        remote_data=kept(row),
        modified_at=timestamp(col("modified_at")),
        legal_name=legal,
        preferred_name=col("preferred_name"),
        date_of_birth=day(col("date_of_birth")),
        emails=cols("emails"),
        phones=cols("phones"),
        home_address=None if address.is_empty() and address.country is None else address,
        claimed_country=col("country"),
        claimed_timezone=iana_timezone(col("timezone")),
        tax_id=SecretStr(tax_id) if tax_id else None,
        prior_employers=cols("prior_employers"),
        profile_urls=cols("profile_urls"),
    )


def report_payout_account(source: str, row: Mapping[str, Any], columns: Mapping[str, str | list[str]]) -> PayoutAccount:
    """A payment-elections report row → :class:`PayoutAccount` (raw numbers as ``SecretStr``)."""

    def col(name: str) -> str | None:
        return first(row, columns.get(name))

    account_id, worker_id = col("id"), col("worker_id")
    if account_id is None or worker_id is None:
        raise ValueError(f"row needs an id ({columns.get('id')!r}) and a worker ({columns.get('worker_id')!r})")
    iban, number = col("iban"), col("account_number")
    return PayoutAccount(
        source=source,
        remote_id=account_id,
        remote_data=kept(row),
        modified_at=timestamp(col("modified_at")),
        worker_remote_id=worker_id,
        method=PayoutMethod.BANK,
        holder_name=col("holder_name"),
        iban=SecretStr(iban) if iban else None,
        account_number=SecretStr(number) if number else None,
        routing_number=col("routing_number"),
        bic=col("bic"),
        bank_country=col("bank_country"),
    )


# -- REST staffing /workers ----------------------------------------------------------------------


def rest_worker_id(item: Mapping[str, Any]) -> str:
    """The Employee/Contingent Worker ID of a ``/workers`` item (what reports key workers by)."""
    worker_id = text(item.get("workerId"))
    if worker_id is None:
        raise ValueError("worker has no workerId")
    return worker_id


def rest_worker(source: str, item: Mapping[str, Any]) -> Worker:
    """A ``/workers`` item → :class:`Worker` (name, work email and phone: all REST staffing has)."""
    name = text(item.get("descriptor"))
    if name is None:
        raise ValueError("worker has no descriptor (name)")
    found = item.get("person")
    person: Mapping[str, Any] = found if isinstance(found, Mapping) else {}
    return Worker(
        source=source,
        remote_id=rest_worker_id(item),
        remote_data=kept(item),
        legal_name=name,
        emails=[e for e in [text(person.get("email"))] if e],
        phones=[p for p in [text(person.get("phone"))] if p],
    )


def _is_contingent(item: Mapping[str, Any]) -> bool:
    kind = item.get("workerType")
    label = (text(kind.get("descriptor")) if isinstance(kind, Mapping) else text(kind)) or ""
    return "contingent" in label.lower() or "contractor" in label.lower()


def _jobs(item: Mapping[str, Any]) -> Iterable[tuple[Mapping[str, Any], bool]]:
    primary = item.get("primaryJob")
    if isinstance(primary, Mapping):
        yield primary, True
    for job in item.get("additionalJobs") or []:
        if isinstance(job, Mapping):
            yield job, False


def rest_engagements(
    source: str, item: Mapping[str, Any], organization: str | None, hire_date: dt.date | None
) -> list[Engagement]:
    """A ``/workers`` item's jobs → one :class:`Engagement` each (remote id = the job's id).

    The hire date (``/serviceDates``) starts the primary job; additional jobs carry no date in
    REST staffing. A worker without jobs still gets one engagement keyed by the worker.
    """
    worker_id = rest_worker_id(item)
    contingent = _is_contingent(item)
    found: list[Engagement] = []
    for job, primary in _jobs(item):
        job_id = text(job.get("id")) or f"{worker_id}:{'primary' if primary else len(found)}"
        found.append(
            Engagement(
                source=source,
                remote_id=job_id,
                remote_data=kept(job),
                worker_remote_id=worker_id,
                client_org=organization,
                type="contractor" if contingent else "employee",
                start_date=hire_date if primary else None,
            )
        )
    if not found:
        found.append(
            Engagement(
                source=source,
                remote_id=worker_id,
                remote_data={},
                worker_remote_id=worker_id,
                client_org=organization,
                type="contractor" if contingent else "employee",
                start_date=hire_date,
            )
        )
    return found
