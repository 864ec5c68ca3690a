"""Deel payloads → canonical records: small pure functions, one per record kind.

Field names follow Deel's OpenAPI spec (``shared/specs/deel/deel_openapi.yaml``, v1.25.0). The
functions raise ``ValueError``/``KeyError`` on a malformed item (the stream turns that into a
``RecordProblem``) and are lenient only where Deel is known to be loose: dates come as ``date``,
``date-time`` or ``"YYYY-MM-DD HH:MM:SS+00:00"``; time zones come as abbreviations ("EST") as well
as IANA names.

What goes into ``remote_data``: the raw item minus what hiresentry must not keep at all
(demographics such as ethnicity and gender, nationality, emergency contacts, colleagues' details,
French RIB numbers), passed through the core's scrubber right here, so that fields named like
secrets or identifiers (account numbers, IBANs, phones, birth dates, tax ids) are redacted before
the record exists: a record is logged or printed long before the store would scrub it.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from pydantic import SecretStr

from hiresentry.core.model import Address, Engagement, Payment, PayoutAccount, PayoutMethod, Worker
from hiresentry.core.model.scrub import scrub

EMPLOYEE_CONTRACT_TYPES = frozenset({"eor", "employee", "global_payroll", "hris_direct_employee", "peo"})
"""Deel contract types that employ the worker (through Deel or directly); the rest are contractors."""

_DROP_PERSON = frozenset({"nationalities", "direct_manager", "direct_reports", "department"})
_DROP_PERSONAL = frozenset({"demographics", "emergency_contacts", "nationalities", "ooo"})
_DROP_BANK = frozenset({"rib_number"})


def _kept(item: Mapping[str, Any] | None, drop: frozenset[str] = frozenset()) -> dict[str, Any]:
    """The part of a raw payload worth keeping as ``remote_data``, already scrubbed."""
    kept: dict[str, Any] = scrub({k: v for k, v in (item or {}).items() if k not in drop})
    return kept


def text(value: Any) -> str | None:
    """A stripped string, or None for missing/blank values."""
    if value is None:
        return None
    result = str(value).strip()
    return result or None


def join_name(*parts: Any) -> str | None:
    """Given + family name as one string, skipping missing parts."""
    return text(" ".join(p for p in (text(x) for x in parts) if p))


def timestamp(value: Any) -> dt.datetime | None:
    """A Deel date-time (``…Z``, ``+00:00`` or space-separated); naive values are taken as UTC."""
    raw = text(value)
    if raw is None:
        return None
    parsed = dt.datetime.fromisoformat(raw.replace("Z", "+00:00"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)


def day(value: Any) -> dt.date | None:
    """A date from a Deel ``date`` or ``date-time`` field (the time part, if any, is dropped)."""
    raw = text(value)
    if raw is None:
        return None
    if len(raw) == 10:
        return dt.date.fromisoformat(raw)
    stamp = timestamp(raw)
    return stamp.date() if stamp else None


def iana_timezone(value: Any) -> str | None:
    """The value if it names an IANA zone, else None: Deel also sends abbreviations like "EST"
    that are not places, and a vague zone must not cost us the whole identity record."""
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


def _phone(entry: Mapping[str, Any]) -> str | None:
    number = text(entry.get("phone_number"))
    if number is None:
        return None
    dial = text(entry.get("dial_code")) or ""
    return number if number.startswith("+") else f"{dial}{number}"


def _personal_address(entries: Any, kind: str) -> Address | None:
    for entry in entries if isinstance(entries, list) else []:
        if isinstance(entry, Mapping) and str(entry.get("type", "")).upper() == kind:
            return Address(
                line1=text(entry.get("street")),
                city=text(entry.get("city")),
                region=text(entry.get("state")),
                postal_code=text(entry.get("zip")),
                country=text(entry.get("country")),
            )
    return None


def _people_address(entries: Any) -> Address | None:
    for entry in entries if isinstance(entries, list) else []:
        if isinstance(entry, Mapping):
            return Address(
                line1=text(entry.get("streetAddress")),
                city=text(entry.get("locality")),
                region=text(entry.get("region")),
                postal_code=text(entry.get("postalCode")),
                country=text(entry.get("country")),
            )
    return None


def worker(source: str, person: Mapping[str, Any], personal: Mapping[str, Any] | None) -> Worker:
    """``GET /people`` item + ``GET /people/{id}/personal`` ``data`` → :class:`Worker`.

    Legal names, birth date, phones and typed addresses come from the personal record when Deel
    returns one (only it has them); the list item fills in what is missing.
    """
    details = personal or {}
    legal = join_name(details.get("legal_first_name"), details.get("legal_last_name"))
    legal = legal or text(person.get("full_name")) or join_name(person.get("first_name"), person.get("last_name"))
    if legal is None:
        raise ValueError("no legal or full name")
    emails = [e.get("value") for e in person.get("emails") or [] if isinstance(e, Mapping)]
    emails += [details.get("personal_email"), details.get("work_email")]
    phones = [_phone(p) for p in details.get("phone_numbers") or [] if isinstance(p, Mapping)]
    return Worker(
        source=source,
        remote_id=str(person["id"]),
        remote_data={
            "person": _kept(person, _DROP_PERSON),
            "personal": _kept(personal, _DROP_PERSONAL) if personal else None,
        },
        modified_at=timestamp(person.get("updated_at")),
        legal_name=legal,
        preferred_name=text(details.get("preferred_name"))
        or join_name(person.get("preferred_first_name"), person.get("preferred_last_name")),
        date_of_birth=day(details.get("date_of_birth")) or day(person.get("birth_date")),
        emails=_unique(text(e) for e in emails),
        phones=_unique(phones),
        home_address=_personal_address(details.get("addresses"), "HOME") or _people_address(person.get("addresses")),
        ship_to_address=_personal_address(details.get("addresses"), "POSTAL"),
        claimed_country=text(person.get("country")),
        claimed_timezone=iana_timezone(person.get("timezone")),
    )


def engagement(source: str, contract: Mapping[str, Any]) -> Engagement | None:
    """``GET /contracts`` item → :class:`Engagement`; None for a contract no worker has joined yet."""
    person = contract.get("worker")
    worker_id = text(person.get("id")) if isinstance(person, Mapping) else None
    if worker_id is None:
        return None
    team = (contract.get("client") or {}).get("team") or {}
    pay = contract.get("compensation_details") or {}  # only on /contracts/{id}; used when present
    amount = pay.get("amount")
    return Engagement(
        source=source,
        remote_id=str(contract["id"]),
        remote_data=_kept(contract),
        modified_at=timestamp(contract.get("updated_at")),
        worker_remote_id=worker_id,
        client_org=text(team.get("name")) or text(team.get("id")),
        type="employee" if contract.get("type") in EMPLOYEE_CONTRACT_TYPES else "contractor",
        status=text(contract.get("status")),
        start_date=day(contract.get("start_date")),
        end_date=day(contract.get("termination_date")),
        rate=Decimal(str(amount)) if amount not in (None, "") else None,
        currency=text(pay.get("currency_code")),
    )


def payout_account(source: str, worker_id: str, bank: Mapping[str, Any]) -> PayoutAccount:
    """``GET /gp/workers/{id}/banks`` item → :class:`PayoutAccount` (raw numbers as ``SecretStr``)."""
    iban = text(bank.get("iban"))
    account = text(bank.get("account_number"))
    return PayoutAccount(
        source=source,
        remote_id=str(bank["id"]),
        remote_data=_kept(bank, _DROP_BANK),
        modified_at=timestamp(bank.get("updated_at")),
        worker_remote_id=worker_id,
        method=PayoutMethod.BANK,
        holder_name=text(bank.get("full_name")),
        iban=SecretStr(iban) if iban else None,
        account_number=SecretStr(account) if account else None,
        routing_number=text(bank.get("ach_routing_number")) or text(bank.get("sort_code")),
        bank_country=text(bank.get("bank_country_code")),
        bic=text(bank.get("swift_bic")),
        first_seen=timestamp(bank.get("created_at")),
    )


def payment(source: str, invoice: Mapping[str, Any], worker_id: str) -> Payment:
    """``GET /invoices`` row → :class:`Payment`; the worker comes from the invoice's contract.

    ``amount`` is the invoiced work; ``total`` (used when ``amount`` is null) adds VAT and fees.
    Deel has no API to hold a payment, so ``hold_ref`` stays empty.
    """
    value = invoice.get("amount")
    if value in (None, ""):
        value = invoice["total"]
    return Payment(
        source=source,
        remote_id=str(invoice["id"]),
        remote_data=_kept(invoice),
        worker_remote_id=worker_id,
        engagement_remote_id=text(invoice.get("contract_id")),
        amount=Decimal(str(value)),
        currency=str(invoice["currency"]),
        status=text(invoice.get("status")),
        due_date=day(invoice.get("due_date")),
        paid_at=timestamp(invoice.get("paid_at")),
    )
