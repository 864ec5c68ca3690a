"""Merge HRIS common models → canonical records: small pure functions.

Field names follow Merge's HRIS v1 spec (``shared/specs/merge/merge_hris_v1.yaml``): ``Employee``,
``Location``, ``Employment``, ``BankInfo``, ``PayrollRun``, ``EmployeePayrollRun``. Times come as
``2021-10-16 00:00:00+00:00`` or ISO 8601; dates of birth and employment dates are date-times whose
date part is meant. ``remote_was_deleted`` becomes ``deleted``.

Sensitive fields (``ssn`` with ``include_sensitive_fields``, bank ``account_number``) go only into
``SecretStr`` fields, which the store turns into keyed hashes. A value that is masked
(``XXX-XX-1234``, ``****6789``) is treated as absent, never hashed: two different accounts ending in
the same digits would otherwise look shared. ``remote_data`` drops what hiresentry must not hold
(gender, ethnicity, marital status, the third-party ``remote_data`` blob, custom fields whose
meaning is unknown) and is scrubbed.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from pydantic import SecretStr

from hiresentry.core.model import Address, Engagement, Payment, PayoutAccount, PayoutMethod, Worker
from hiresentry.core.model.records import country_code
from hiresentry.core.model.scrub import scrub

_DROP_ALWAYS = frozenset({"remote_data", "field_mappings", "custom_fields"})
_DROP_EMPLOYEE = _DROP_ALWAYS | {"ssn", "gender", "ethnicity", "marital_status", "date_of_birth", "avatar"}
_DROP_BANK = _DROP_ALWAYS | {"account_number", "routing_number"}
_MASKED = re.compile(r"[*•]|[xX]{2,}")
CONTRACTOR_TYPES = frozenset({"CONTRACTOR", "FREELANCE"})


def text(value: Any) -> str | None:
    """A stripped string (numbers become their text), or None for missing/blank values."""
    if value is None or isinstance(value, Mapping | list | bool):
        return None
    result = str(value).strip()
    return result or None


def timestamp(value: Any) -> dt.datetime | None:
    """A Merge date-time; naive values are taken as UTC."""
    raw = text(value)
    if raw is None:
        return None
    parsed = dt.datetime.fromisoformat(raw.replace("Z", "+00:00"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)


def marker(value: Any) -> str | None:
    """A change time as sortable UTC text, the watermark's currency."""
    stamp = timestamp(value)
    return stamp.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if stamp else None


def day(value: Any) -> dt.date | None:
    """The date part of a Merge date or date-time."""
    raw = text(value)
    if raw is None:
        return None
    return dt.date.fromisoformat(raw[:10])


def money(value: Any) -> Decimal | None:
    """A decimal amount, or None."""
    raw = text(value)
    try:
        return Decimal(raw) if raw is not None else None
    except InvalidOperation:
        raise ValueError("amount is not a number") from None


def country(value: Any) -> str | None:
    """ISO alpha-2 from Merge's country (alpha-2 by its enum, alpha-3 in its examples); None if unknown."""
    try:
        return country_code(text(value))
    except ValueError:
        return None


def unmasked(value: Any) -> str | None:
    """A sensitive value as sent, or None if it is missing or masked (never hash a mask)."""
    raw = text(value)
    if raw is None or _MASKED.search(raw):
        return None
    return raw


def kept(item: Mapping[str, Any], drop: frozenset[str]) -> dict[str, Any]:
    """The part of an item kept as ``remote_data``, scrubbed."""
    result: dict[str, Any] = scrub({k: v for k, v in item.items() if k not in drop})
    return result


def address(location: Mapping[str, Any] | None) -> Address | None:
    """A Merge ``Location`` → :class:`Address` (None when empty)."""
    if not location:
        return None
    found = Address(
        line1=text(location.get("street_1")),
        line2=text(location.get("street_2")),
        city=text(location.get("city")),
        region=text(location.get("state")),
        postal_code=text(location.get("zip_code")),
        country=country(location.get("country")),
    )
    return None if found.is_empty() else found


def _required(item: Mapping[str, Any], key: str, what: str) -> str:
    value = text(item.get(key))
    if value is None:
        raise ValueError(f"{what} has no {key}")
    return value


def worker(source: str, employee: Mapping[str, Any], home: Mapping[str, Any] | None = None) -> Worker:
    """``Employee`` (+ its home ``Location``) → :class:`Worker`."""
    remote_id = _required(employee, "id", "employee")
    deleted = employee.get("remote_was_deleted") is True
    legal = " ".join(p for p in (text(employee.get("first_name")), text(employee.get("last_name"))) if p)
    legal = legal or text(employee.get("display_full_name")) or ""
    if not legal:
        if not deleted:
            raise ValueError("employee has no first, last or display name")
        legal = f"(deleted employee {remote_id})"
    display = text(employee.get("display_full_name"))
    mobile = text(employee.get("mobile_phone_number"))
    ssn = unmasked(employee.get("ssn"))
    home_address = address(home)
    return Worker(
        source=source,
        remote_id=remote_id,
        remote_data=kept(employee, _DROP_EMPLOYEE),
        modified_at=timestamp(employee.get("modified_at")),
        deleted=deleted,
        legal_name=legal,
        preferred_name=display if display and display != legal else None,
        date_of_birth=day(employee.get("date_of_birth")),
        emails=list(
            dict.fromkeys(e for e in (text(employee.get("work_email")), text(employee.get("personal_email"))) if e)
        ),
        phones=[mobile] if mobile else [],
        home_address=home_address,
        claimed_country=home_address.country if home_address else None,
        tax_id=SecretStr(ssn) if ssn else None,
    )


def engagement(source: str, employment: Mapping[str, Any]) -> Engagement:
    """``Employment`` → :class:`Engagement` (``CONTRACTOR``/``FREELANCE`` are contractors)."""
    kind = (text(employment.get("employment_type")) or "").upper().replace(" ", "_")
    return Engagement(
        source=source,
        remote_id=_required(employment, "id", "employment"),
        remote_data=kept(employment, _DROP_ALWAYS),
        modified_at=timestamp(employment.get("modified_at")),
        deleted=employment.get("remote_was_deleted") is True,
        worker_remote_id=_required(employment, "employee", "employment"),
        type="contractor" if kind in CONTRACTOR_TYPES else "employee",
        start_date=day(employment.get("effective_date")),
        rate=money(employment.get("pay_rate")),
        currency=text(employment.get("pay_currency")),
    )


def payout_account(source: str, bank: Mapping[str, Any]) -> PayoutAccount:
    """``BankInfo`` → :class:`PayoutAccount`; a masked or missing account number is refused (unless deleted)."""
    account = unmasked(bank.get("account_number"))
    deleted = bank.get("remote_was_deleted") is True
    if account is None and text(bank.get("account_number")) is not None and not deleted:
        raise ValueError("account_number is masked: Merge returned no full number (check the key's sensitive fields)")
    return PayoutAccount(
        source=source,
        remote_id=_required(bank, "id", "bank info"),
        remote_data=kept(bank, _DROP_BANK),
        modified_at=timestamp(bank.get("modified_at")),
        deleted=deleted,
        worker_remote_id=_required(bank, "employee", "bank info"),
        method=PayoutMethod.BANK,
        account_number=SecretStr(account) if account else None,
        routing_number=unmasked(bank.get("routing_number")),
        first_seen=timestamp(bank.get("remote_created_at")),
    )


def payment(
    source: str, run: Mapping[str, Any], payroll_run: Mapping[str, Any] | None, currency: str | None
) -> Payment:
    """``EmployeePayrollRun`` (+ its ``PayrollRun``) → :class:`Payment`: the net pay, else the gross pay."""
    amount = money(run.get("net_pay"))
    if amount is None:
        amount = money(run.get("gross_pay"))
    if amount is None:
        raise ValueError("payroll run has neither net_pay nor gross_pay")
    if currency is None:
        raise ValueError("currency unknown: no employment with pay_currency and no payroll_currency configured")
    state = text((payroll_run or {}).get("run_state"))
    check_date = day(run.get("check_date"))
    remote = kept(run, _DROP_ALWAYS | {"earnings", "deductions", "taxes"})
    if payroll_run:
        remote["payroll_run_state"], remote["payroll_run_type"] = state, text(payroll_run.get("run_type"))
    return Payment(
        source=source,
        remote_id=_required(run, "id", "employee payroll run"),
        remote_data=remote,
        modified_at=timestamp(run.get("modified_at")),
        deleted=run.get("remote_was_deleted") is True,
        worker_remote_id=_required(run, "employee", "employee payroll run"),
        amount=amount,
        currency=currency,
        status=state.lower() if state else None,
        due_date=check_date,
        paid_at=dt.datetime.combine(check_date, dt.time(), dt.UTC) if check_date and state == "PAID" else None,
    )
