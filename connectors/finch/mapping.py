"""Finch payloads → canonical records: small pure functions.

Field names follow Finch's employer spec (``shared/specs/finch/employer/openapi.yaml``, API version
2020-09-17): ``/employer/directory`` items, ``/employer/individual`` and ``/employer/employment``
bodies (one per individual, same id), ``/employer/payment`` items and the ``pay_statements`` of
``/employer/pay-statement``. Finch splits identity (individual) from employment, as hiresentry does.

**Money is in cents** (``{"amount": 10000000, "currency": "usd"}`` is 100,000.00 USD). An SSN
(asked for only with ``include_ssn``) goes only into ``Worker.tax_id``, a ``SecretStr`` the store
turns into a keyed hash; ``encrypted_ssn`` is never used. ``remote_data`` keeps neither gender,
ethnicity nor the SSN, and is scrubbed.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from pydantic import SecretStr

from hiresentry.core.model import Address, Engagement, Payment, Worker
from hiresentry.core.model.records import country_code
from hiresentry.core.model.scrub import scrub

_DROP_INDIVIDUAL = frozenset(
    {"ssn", "encrypted_ssn", "gender", "ethnicity", "dob", "residence", "emails", "phone_numbers"}
)
_DROP_EMPLOYMENT = frozenset({"custom_fields", "income_history", "first_name", "middle_name", "last_name"})
_MASKED = re.compile(r"[*•]|[xX]{2,}")
CENT = Decimal(100)


def text(value: Any) -> str | None:
    """A stripped string (numbers become their text), or None for missing/blank values."""
    if value is None or isinstance(value, Mapping | list | bool):
        return None
    result = str(value).strip()
    return result or None


def day(value: Any) -> dt.date | None:
    """A Finch date (``YYYY-MM-DD``; a date-time's date part)."""
    raw = text(value)
    return dt.date.fromisoformat(raw[:10]) if raw else None


def cents(money: Any) -> tuple[Decimal, str] | None:
    """A Finch money object → (amount in currency units, upper-case currency); None if absent."""
    if not isinstance(money, Mapping) or money.get("amount") is None:
        return None
    currency = text(money.get("currency"))
    if currency is None:
        raise ValueError("amount without a currency")
    return Decimal(str(money["amount"])) / CENT, currency.upper()


def _country(value: Any) -> str | None:
    try:
        return country_code(text(value))
    except ValueError:
        return None


def address(value: Any) -> Address | None:
    """A Finch location (``line1``, ``line2``, ``city``, ``state``, ``postal_code``, ``country``)."""
    if not isinstance(value, Mapping):
        return None
    found = Address(
        line1=text(value.get("line1")),
        line2=text(value.get("line2")),
        city=text(value.get("city")),
        region=text(value.get("state")),
        postal_code=text(value.get("postal_code")),
        country=_country(value.get("country")),
    )
    return None if found.is_empty() else found


def _values(entries: Any) -> list[str]:
    return list(dict.fromkeys(v for e in entries or [] if isinstance(e, Mapping) and (v := text(e.get("data")))))


def _name(item: Mapping[str, Any]) -> str | None:
    return text(" ".join(p for p in (text(item.get(k)) for k in ("first_name", "middle_name", "last_name")) if p))


def worker(source: str, individual: Mapping[str, Any], directory: Mapping[str, Any] | None = None) -> Worker:
    """``/employer/individual`` body (+ its directory item) → :class:`Worker`."""
    remote_id = text(individual.get("id"))
    if remote_id is None:
        raise ValueError("individual has no id")
    legal = _name(individual) or (_name(directory) if directory else None)
    if legal is None:
        raise ValueError("individual has no name")
    ssn = text(individual.get("ssn"))
    residence = address(individual.get("residence"))
    kept = {k: v for k, v in individual.items() if k not in _DROP_INDIVIDUAL}
    if directory:
        kept["directory"] = {k: directory.get(k) for k in ("department", "manager", "is_active") if k in directory}
    return Worker(
        source=source,
        remote_id=remote_id,
        remote_data=scrub(kept),
        legal_name=legal,
        preferred_name=text(individual.get("preferred_name")),
        date_of_birth=day(individual.get("dob")),
        emails=_values(individual.get("emails")),
        phones=_values(individual.get("phone_numbers")),
        home_address=residence,
        claimed_country=residence.country if residence else None,
        tax_id=SecretStr(ssn) if ssn and not _MASKED.search(ssn) else None,
    )


def engagement(source: str, employment: Mapping[str, Any]) -> Engagement:
    """``/employer/employment`` body → :class:`Engagement` (``employment.type`` contractor or employee)."""
    remote_id = text(employment.get("id"))
    if remote_id is None:
        raise ValueError("employment has no id")
    kind = employment.get("employment") if isinstance(employment.get("employment"), Mapping) else {}
    income = cents(employment.get("income"))
    active = employment.get("is_active")
    department = employment.get("department")
    return Engagement(
        source=source,
        remote_id=remote_id,
        remote_data=scrub({k: v for k, v in employment.items() if k not in _DROP_EMPLOYMENT}),
        worker_remote_id=remote_id,
        client_org=text(department.get("name")) if isinstance(department, Mapping) else None,
        type="contractor" if text((kind or {}).get("type")) == "contractor" else "employee",
        status=None if active is None else ("active" if active else "inactive"),
        start_date=day(employment.get("start_date")),
        end_date=day(employment.get("end_date")),
        rate=income[0] if income else None,
        currency=income[1] if income else None,
    )


def payments(source: str, payment: Mapping[str, Any], statements: Iterable[Mapping[str, Any]]) -> list[Payment]:
    """One Finch payment and its pay statements → one :class:`Payment` per statement (net pay, else gross)."""
    payment_id = text(payment.get("id"))
    if payment_id is None:
        raise ValueError("payment has no id")
    pay_date = day(payment.get("pay_date"))
    found: list[Payment] = []
    seen: dict[str, int] = {}
    for statement in statements:
        individual = text(statement.get("individual_id"))
        if individual is None:
            raise ValueError(f"a pay statement of payment {payment_id} has no individual_id")
        money = cents(statement.get("net_pay")) or cents(statement.get("gross_pay"))
        if money is None:
            raise ValueError(f"the pay statement of {individual} in payment {payment_id} has no net or gross pay")
        key = f"{payment_id}/{individual}"
        seen[key] = seen.get(key, 0) + 1
        period = payment.get("pay_period") if isinstance(payment.get("pay_period"), Mapping) else {}
        kept = {
            k: v for k, v in statement.items() if k in ("type", "payment_method", "total_hours", "gross_pay", "net_pay")
        }
        found.append(
            Payment(
                source=source,
                remote_id=key if seen[key] == 1 else f"{key}/{seen[key]}",
                remote_data=scrub({**kept, "payment_id": payment_id, "pay_period": period}),
                worker_remote_id=individual,
                engagement_remote_id=individual,
                amount=money[0],
                currency=money[1],
                status="paid",
                due_date=pay_date,
                paid_at=dt.datetime.combine(pay_date, dt.time(), dt.UTC) if pay_date else None,
            )
        )
    return found
