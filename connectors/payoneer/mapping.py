"""Payoneer payloads → canonical records: small pure functions, one per record kind.

Payoneer publishes its Mass Payouts reference only to partners, so every shape here is taken from
public third-party material, and where sources disagree the functions accept each variant:

- payee details ``{type, status, registration_date, contact{first_name, last_name, email, mobile,
  phone}, address{country, state, zip_code, address_line_1, address_line_2, city}, payout_method{type,
  currency}}`` and the payees report rows ``{payee_id, status, registration_date, payout_method,
  payouts[{client_reference_id, date, amount, currency, description, status}]}``: README of
  github.com/Drengel1990/payoneer_api_client (a client of the v2 program API);
- v4 answers wrapped in ``{"result": ...}``, payee status ``{"type": 1|0|99, "description":
  "Active"|"Pending"|"Inactive"}`` and payout status values ``Transferred``/``Cancelled``:
  developers.qodex.ai/payoneer-mass-payout-api (Get Payee Status) and the tests of
  github.com/pcriv/go-payoneer (``pkg/payoneer/payouts_test.go``);
- bank details ``BankName, AccountName, AccountNumber, RoutingNumber`` (legacy
  ``PayoutMethodDetails``): README of github.com/tophatter/payoneer-api-ruby.

Our choice where nothing public says: the v4 details carry bank numbers under
``payout_method.details`` (``account_name, account_number, routing_number, iban, swift, bank_name,
country``); without numbers a bank payout method yields no :class:`PayoutAccount` (there is no
identifier to compare). ``Refund`` rows of the report (money returning to the program after a
cancellation) are not payments to the worker and are skipped.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from pydantic import SecretStr

from hiresentry.core.model import Address, Payment, PayoutAccount, PayoutMethod, Worker
from hiresentry.core.model.scrub import scrub

BANK_TYPES = frozenset(
    {"bank", "iach", "ach", "local_bank", "bank_transfer", "wire", "direct_deposit", "direct deposit"}
)
PAYONEER_TYPES = frozenset({"payoneer", "payoneer_account", "holding_account", "prepaid_card", "balance", "card"})
PAID_STATUSES = frozenset({"transferred", "funded", "completed", "paid", "loaded", "delivered"})
SKIPPED_STATUSES = frozenset({"refund", "refunded"})
"""Report rows that return money to the program (after a cancellation) rather than pay the worker."""

_DROP_DETAILS = frozenset({"account_id"})  # kept only as the hashed account identifier


def text(value: Any) -> str | None:
    """A stripped string, or None for missing/blank values."""
    if value is None:
        return None
    result = str(value).strip()
    return result or None


def result(body: Any) -> Any:
    """The payload of a v4 answer (``{"result": ...}``), or the body itself (v2 answers are bare)."""
    if isinstance(body, Mapping) and isinstance(body.get("result"), Mapping):
        return body["result"]
    return body


def section(parent: Mapping[str, Any], key: str) -> Mapping[str, Any]:
    """``parent[key]`` if it is an object, else an empty one (vendors send null or omit it)."""
    value = parent.get(key)
    return value if isinstance(value, Mapping) else {}


def join_name(*parts: Any) -> str | None:
    """Given + family name as one string, skipping missing parts."""
    return text(" ".join(p for p in (text(x) for x in parts) if p))


def timestamp(value: Any) -> dt.datetime | None:
    """A Payoneer date or date-time (``2018-01-24T08:40:06.053``, ``…Z``, ``2025-03-01``); naive is UTC."""
    raw = text(value)
    if raw is None:
        return None
    parsed = dt.datetime.fromisoformat(raw.replace("Z", "+00:00"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)


def day(value: Any) -> dt.date | None:
    """The date part of a Payoneer date or date-time."""
    stamp = timestamp(value)
    return stamp.date() if stamp else None


def status_text(value: Any) -> str | None:
    """A status given as text (``"ACTIVE"``) or as ``{"type": 1, "description": "Active"}``."""
    if isinstance(value, Mapping):
        return text(value.get("description")) or text(value.get("type"))
    return text(value)


def is_pending(status: Any) -> bool:
    """True for payout statuses Payoneer can still cancel (``Pending``, ``Pending Payee Approval``, …).

    Conservative: anything that does not say pending (in flight, transferred, unknown) is treated as
    beyond cancellation, so hiresentry never reports a hold it could not make.
    """
    value = (status_text(status) or "").lower()
    return value.startswith("pending")


def is_paid(status: Any) -> bool:
    """True for payout statuses meaning the money reached the payee's Payoneer balance or bank."""
    return (status_text(status) or "").lower() in PAID_STATUSES


def _kept(item: Mapping[str, Any] | None, drop: frozenset[str] = frozenset()) -> dict[str, Any]:
    kept: dict[str, Any] = scrub({k: v for k, v in (item or {}).items() if k not in drop})
    return kept


def _address(raw: Any) -> Address | None:
    if not isinstance(raw, Mapping):
        return None
    address = Address(
        line1=text(raw.get("address_line_1") or raw.get("address1")),
        line2=text(raw.get("address_line_2") or raw.get("address2")),
        city=text(raw.get("city")),
        region=text(raw.get("state")),
        postal_code=text(raw.get("zip_code") or raw.get("zip")),
        country=text(raw.get("country")),
    )
    return None if address.is_empty() and address.country is None else address


def worker(source: str, row: Mapping[str, Any], details: Mapping[str, Any] | None) -> Worker:
    """Payees-report row + ``/payees/{id}/details`` result → :class:`Worker`.

    A company payee without a contact person's name takes the company's name as its legal name.
    """
    payee_id = text(row.get("payee_id")) or text((details or {}).get("payee_id"))
    if payee_id is None:
        raise ValueError("payee has no payee_id")
    info: Mapping[str, Any] = details or {}
    contact = section(info, "contact")
    company = section(info, "company")
    name = join_name(contact.get("first_name"), contact.get("last_name")) or text(company.get("name"))
    if name is None:
        raise ValueError("payee details carry no contact or company name")
    address = _address(info.get("address"))
    phones = [text(contact.get(k)) for k in ("mobile", "phone")]
    return Worker(
        source=source,
        remote_id=payee_id,
        remote_data={
            "report": _kept({k: v for k, v in row.items() if k != "payouts"}),
            "details": _kept(info, _DROP_DETAILS) if details else None,
        },
        legal_name=name,
        date_of_birth=day(contact.get("date_of_birth")),
        emails=[e for e in [text(contact.get("email"))] if e],
        phones=list(dict.fromkeys(p for p in phones if p)),
        home_address=address,
        claimed_country=address.country if address else None,
    )


def payout_account(source: str, payee_id: str, details: Mapping[str, Any]) -> PayoutAccount | None:
    """``payout_method`` of the payee details → :class:`PayoutAccount`; None without an identifier.

    Bank numbers become ``SecretStr`` (the store keeps only keyed hashes); a Payoneer balance is
    identified by the payee's Payoneer ``account_id``, kept as ``PAYONEER-<account_id>`` so that it
    can never hash like a bank account number, and by the contact email.
    """
    method = details.get("payout_method")
    if not isinstance(method, Mapping):
        return None
    kind = (text(method.get("type")) or "").lower()
    bank = section(method, "details")
    contact = section(details, "contact")
    holder_name = text(bank.get("account_name")) or join_name(contact.get("first_name"), contact.get("last_name"))
    holder_type = {"individual": "individual", "company": "business", "business": "business"}.get(
        (text(details.get("type")) or "").lower()
    )
    common: dict[str, Any] = {
        "source": source,
        "remote_id": f"{payee_id}:{kind or 'unknown'}",
        "remote_data": _kept(method),
        "worker_remote_id": payee_id,
        "holder_name": holder_name,
        "holder_type": holder_type,
        "first_seen": timestamp(details.get("registration_date")),
    }
    if kind in BANK_TYPES:
        iban, number = text(bank.get("iban")), text(bank.get("account_number"))
        if iban is None and number is None:
            return None
        return PayoutAccount(
            **common,
            method=PayoutMethod.BANK,
            iban=SecretStr(iban) if iban else None,
            account_number=SecretStr(number) if number else None,
            routing_number=text(bank.get("routing_number")) or text(bank.get("bank_code")),
            bic=text(bank.get("swift")) or text(bank.get("bic")),
            bank_country=text(bank.get("country")),
        )
    account_id = text(details.get("account_id"))
    email = text(bank.get("email")) or text(contact.get("email"))
    if account_id is None and email is None:
        return None
    payout_kind = PayoutMethod.PAYPAL if kind == "paypal" else PayoutMethod.PAYONEER
    if kind not in PAYONEER_TYPES and kind != "paypal":
        payout_kind = PayoutMethod.OTHER
    return PayoutAccount(
        **common,
        method=payout_kind,
        email=email,
        account_number=SecretStr(f"PAYONEER-{account_id}")
        if account_id and payout_kind is not PayoutMethod.PAYPAL
        else None,
    )


def payment(source: str, payee_id: str, payout: Mapping[str, Any]) -> Payment | None:
    """One ``payouts[]`` row of the report → :class:`Payment`; None for a ``Refund`` row.

    ``client_reference_id`` (our side's id, unique per program) is the payment id and, while the
    payout is pending, its ``hold_ref``: ``POST /payouts/{client_reference_id}/cancel`` stops it.
    """
    status = status_text(payout.get("status"))
    if (status or "").lower() in SKIPPED_STATUSES:
        return None
    reference = text(payout.get("client_reference_id")) or text(payout.get("payout_id"))
    if reference is None:
        raise ValueError("payout has neither client_reference_id nor payout_id")
    amount = payout.get("amount")
    if amount in (None, ""):
        raise KeyError("amount")
    when = timestamp(payout.get("date") or payout.get("payout_date"))
    return Payment(
        source=source,
        remote_id=reference,
        remote_data=_kept(payout),
        worker_remote_id=payee_id,
        amount=Decimal(str(amount)),
        currency=str(payout["currency"]),
        status=status,
        due_date=when.date() if when and is_pending(status) else None,
        paid_at=when if is_paid(status) else None,
        hold_ref=reference if is_pending(status) else None,
    )


def payouts(row: Mapping[str, Any]) -> Iterable[Mapping[str, Any]]:
    """The ``payouts[]`` rows of one report row (an absent list is no payouts)."""
    found = row.get("payouts")
    return [p for p in found if isinstance(p, Mapping)] if isinstance(found, list) else []
