"""Papaya Global payloads → canonical records: small pure functions, one per record kind.

Shapes from Papaya's Workforce Payments API reference (docs.papayaglobal.com/api-reference:
Get Beneficiaries List, Create A Beneficiary, Update Beneficiary Details, Get Payments List,
UnApprove Payment Instructions, Payment Status) and, where that reference shows less, the
api-evangelist/papaya-global OpenAPI derived from it. The two disagree on some names, so both are
read:

- beneficiary ``{type: "contact", id, entity_type: INDIVIDUAL|BUSINESS, name, active, status,
  country, currency, entity{individual_first_name, individual_last_name, date_of_birth,
  address_line_1, address_city, address_country, address_country_subdivision,
  address_postal_code}, bank_details{account_country, account_name, account_number, bank_code,
  bank_name, bank_identifier_code}}`` (docs), or ``entity{first_name, last_name, address{street,
  city, state, postal_code, country}}`` and ``bank_details{bsb, iban, swift}`` (api-evangelist);
- payment ``{id, correlation_id, purpose, source{id, type: group}|{wallet, group}, target{type:
  contact, id}|{beneficiary}, amount{type: LAND|SEND, amount}|{value, currency}, info{status,
  debit{currency, amount}, credit{currency, amount}, rate, fees}, execution{date}, approved, final}``.

Statuses (Payment Status page): ``PENDING`` (awaiting approval or its execution date),
``PROCESSING``, ``PROCESSED``, ``PARTIAL``, and the final states ``COMPLETED``, ``FAILED``,
``CANCELLED``; cancelling is possible "only when the payout is in a PENDING state", so a payment's
``hold_ref`` is its id while it is pending. ``approved`` is Papaya's authorization of the payment
instruction, not the client's approval of the work, so it is kept in ``remote_data`` and not mapped
to ``Payment.approved``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from pydantic import SecretStr

from hiresentry.core.model import Address, Payment, PayoutAccount, PayoutMethod, Worker
from hiresentry.core.model.scrub import scrub

FINAL_STATUSES = frozenset({"COMPLETED", "FAILED", "CANCELLED", "CANCELED"})
OPEN_STATUSES = ("PENDING", "PROCESSING", "PROCESSED", "PARTIAL")
"""Statuses a payment can still leave; the hold looks at these (and acts only on PENDING)."""


def text(value: Any) -> str | None:
    """A stripped string, or None for missing/blank values."""
    if value is None:
        return None
    result = str(value).strip()
    return result or None


def section(parent: Mapping[str, Any], key: str) -> Mapping[str, Any]:
    """``parent[key]`` if it is an object, else an empty one."""
    value = parent.get(key)
    return value if isinstance(value, Mapping) else {}


def first(parent: Mapping[str, Any], *keys: str) -> str | None:
    """The first non-blank of ``parent[k]`` for ``keys`` (vendors name the same thing differently)."""
    for key in keys:
        value = text(parent.get(key))
        if value is not None:
            return value
    return None


def timestamp(value: Any) -> dt.datetime | None:
    """A Papaya date (``YYYY-MM-DD``) or time stamp (``…Z``, up to nanoseconds) as an aware datetime."""
    raw = text(value)
    if raw is None:
        return None
    raw = raw.replace("Z", "+00:00")
    if "." in raw:
        head, _, rest = raw.partition(".")
        digits = "".join(c for c in rest if c.isdigit())
        raw = f"{head}.{digits[:6]}{rest[len(digits) :]}"
    parsed = dt.datetime.fromisoformat(raw)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)


def day(value: Any) -> dt.date | None:
    """The date part of a Papaya date or time stamp."""
    stamp = timestamp(value)
    return stamp.date() if stamp else None


def status(payment: Mapping[str, Any]) -> str | None:
    """``info.status`` in upper case (``PENDING``, ``COMPLETED``, …)."""
    value = text(section(payment, "info").get("status")) or text(payment.get("status"))
    return value.upper() if value else None


def is_final(value: str | None) -> bool:
    """True once a payment can no longer change (completed, failed or cancelled)."""
    return (value or "").upper() in FINAL_STATUSES


def target_of(payment: Mapping[str, Any]) -> str:
    """The beneficiary a payment goes to (``target.id`` in the docs, ``target.beneficiary`` elsewhere)."""
    target = section(payment, "target")
    found = first(target, "id", "beneficiary")
    if found is None:
        raise ValueError("payment has no target beneficiary")
    return found


def _individual(entity_type: str | None) -> bool:
    return (entity_type or "individual").lower() == "individual"


def _address(entity: Mapping[str, Any]) -> Address | None:
    nested = section(entity, "address")
    address = Address(
        line1=first(entity, "address_line_1") or first(nested, "street", "line1", "address_line_1"),
        line2=first(entity, "address_line_2") or first(nested, "line2", "address_line_2"),
        city=first(entity, "address_city") or first(nested, "city"),
        region=first(entity, "address_country_subdivision", "address_state") or first(nested, "state", "region"),
        postal_code=first(entity, "address_postal_code") or first(nested, "postal_code", "zip"),
        country=first(entity, "address_country") or first(nested, "country"),
    )
    return None if address.is_empty() and address.country is None else address


def worker(source: str, beneficiary: Mapping[str, Any]) -> Worker:
    """A beneficiary → :class:`Worker`: the person (or company) payments go to.

    ``country`` of a beneficiary is its *bank's* country, so the claimed country comes from the
    entity's address only. The display ``name`` becomes the preferred name when it differs.
    """
    remote_id = text(beneficiary.get("id"))
    if remote_id is None:
        raise ValueError("beneficiary has no id")
    entity = section(beneficiary, "entity")
    entity_type = text(beneficiary.get("entity_type"))
    person = " ".join(
        p
        for p in (
            first(entity, "individual_first_name", "first_name", "firstName"),
            first(entity, "individual_last_name", "last_name", "lastName"),
        )
        if p
    )
    business = first(entity, "business_name", "company_name", "legal_name")
    display = text(beneficiary.get("name"))
    legal = (person or business or display) if _individual(entity_type) else (business or person or display)
    if not legal:
        raise ValueError("beneficiary has no name")
    address = _address(entity)
    emails = [e for e in (first(entity, "email", "individual_email", "contact_email"),) if e]
    phones = [p for p in (first(entity, "phone", "phone_number", "individual_phone", "mobile"),) if p]
    return Worker(
        source=source,
        remote_id=remote_id,
        remote_data=scrub({k: v for k, v in beneficiary.items() if k != "bank_details"}),
        legal_name=legal,
        preferred_name=display if display and display != legal else None,
        date_of_birth=day(entity.get("date_of_birth")),
        emails=emails,
        phones=phones,
        home_address=address,
        claimed_country=address.country if address else None,
    )


def payout_account(source: str, beneficiary: Mapping[str, Any]) -> PayoutAccount | None:
    """``bank_details`` of a beneficiary → :class:`PayoutAccount`; None when it has no account number."""
    remote_id = text(beneficiary.get("id"))
    if remote_id is None:
        raise ValueError("beneficiary has no id")
    bank = section(beneficiary, "bank_details")
    iban, number = first(bank, "iban"), first(bank, "account_number")
    if iban is None and number is None:
        return None
    return PayoutAccount(
        source=source,
        remote_id=f"{remote_id}:bank",
        remote_data=scrub(dict(bank)),
        worker_remote_id=remote_id,
        method=PayoutMethod.BANK,
        holder_name=first(bank, "account_name", "name"),
        holder_type="individual" if _individual(text(beneficiary.get("entity_type"))) else "business",
        iban=SecretStr(iban) if iban else None,
        account_number=SecretStr(number) if number else None,
        routing_number=first(bank, "bank_code", "routing_number", "ach_routing_number", "bsb", "sort_code"),
        bic=first(bank, "bank_identifier_code", "swift", "swift_code", "bic"),
        bank_country=first(bank, "account_country") or text(beneficiary.get("country")),
    )


def _amount(payment: Mapping[str, Any]) -> tuple[Decimal, str]:
    """What the beneficiary receives: ``info.credit`` when present, else ``amount`` (docs or spec shape)."""
    credit = section(section(payment, "info"), "credit")
    if credit.get("amount") not in (None, "") and text(credit.get("currency")):
        return Decimal(str(credit["amount"])), str(credit["currency"])
    amount = section(payment, "amount")
    value = amount.get("amount", amount.get("value"))
    currency = text(amount.get("currency")) or text(payment.get("currency"))
    if value in (None, ""):
        raise KeyError("amount")
    if currency is None:
        raise KeyError("currency")
    return Decimal(str(value)), currency


def payment(source: str, item: Mapping[str, Any]) -> Payment:
    """A payment instruction → :class:`Payment`; ``hold_ref`` is its id while it is ``PENDING``.

    ``execution.date`` is when Papaya executes (or executed) it: the due date, and the paid time once
    the payment is ``COMPLETED`` (the API exposes no settlement time stamp).
    """
    remote_id = text(item.get("id"))
    if remote_id is None:
        raise ValueError("payment has no id")
    beneficiary = target_of(item)
    value, currency = _amount(item)
    state = status(item)
    executed = timestamp(section(item, "execution").get("date"))
    return Payment(
        source=source,
        remote_id=remote_id,
        remote_data=scrub(dict(item)),
        worker_remote_id=beneficiary,
        payout_account_remote_id=f"{beneficiary}:bank",
        amount=value,
        currency=currency,
        status=state,
        due_date=executed.date() if executed else None,
        paid_at=executed if state == "COMPLETED" else None,
        hold_ref=remote_id if state == "PENDING" else None,
    )
