"""Gusto payloads → canonical records: small pure functions, one per record kind.

Field names follow Gusto's Embedded API spec (``shared/specs/gusto``, API version 2025-06-15).
Functions raise ``ValueError``/``KeyError`` on a malformed item (the stream turns that into a
``RecordProblem``).

**Masked bank accounts.** Gusto never returns a contractor's full account number: only
``hidden_account_number`` (``XXXX1207``) and the routing number (the full number comes only as
``encrypted_account_number`` under an extra scope, encrypted with a key Gusto hands out
separately). Hashing the masked number as if it were the account would make every two accounts at
one bank with the same last four digits look *shared* (one pair in 10,000, so a near certainty in a
few hundred contractors), which is exactly the evidence ``PAY-SHARED-ACCOUNT`` escalates on. The
account identifier is therefore Gusto's bank-account uuid followed by the masked number: it never
joins two Gusto records by coincidence, and its tail is still the real last four shown to analysts.

**No change times.** Gusto objects carry a ``version`` (an opaque digest), not an update time, so
records have no ``modified_at``; the connector decides what changed from Gusto's events instead.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from pydantic import SecretStr

from hiresentry.core.model import Address, Engagement, Payment, PayoutAccount, PayoutMethod, Worker
from hiresentry.core.model.scrub import scrub

CURRENCY = "USD"
"""Gusto pays in US dollars only."""

_DROP_CONTRACTOR = frozenset({"ein", "member_portal_invitation_status", "partner_portal_invitation_status"})


def text(value: Any) -> str | None:
    """A stripped string, or None for missing/blank values."""
    if value is None:
        return None
    result = str(value).strip()
    return result or None


def join_name(*parts: Any) -> str | None:
    """Name parts as one string, skipping missing ones."""
    return text(" ".join(p for p in (text(x) for x in parts) if p))


def day(value: Any) -> dt.date | None:
    """A ``YYYY-MM-DD`` date (the time part of a date-time, if any, is dropped)."""
    raw = text(value)
    return dt.date.fromisoformat(raw[:10]) if raw else None


def money(value: Any) -> Decimal:
    """A Gusto amount (a decimal string such as ``"740.00"``); missing counts as zero."""
    raw = text(value)
    return Decimal(raw) if raw else Decimal("0")


def kept(item: Mapping[str, Any] | None, drop: Iterable[str] = ()) -> dict[str, Any]:
    """What of a raw payload is kept as ``remote_data``: scrubbed, minus what we must not keep."""
    dropped = set(drop)
    result: dict[str, Any] = scrub({k: v for k, v in (item or {}).items() if k not in dropped})
    return result


def _address(raw: Any) -> Address | None:
    if not isinstance(raw, Mapping):
        return None
    address = Address(
        line1=text(raw.get("street_1")),
        line2=text(raw.get("street_2")),
        city=text(raw.get("city")),
        region=text(raw.get("state")),
        postal_code=text(raw.get("zip")),
        country=text(raw.get("country")) or "US",
    )
    return None if address.is_empty() else address


def _ein(contractor: Mapping[str, Any]) -> SecretStr | None:
    """A business contractor's EIN when Gusto shows it in full (masked forms are useless as keys)."""
    ein = text(contractor.get("ein"))
    if ein is None or "x" in ein.lower() or "*" in ein:
        return None
    return SecretStr(ein)


def is_business(contractor: Mapping[str, Any]) -> bool:
    """Gusto's ``type``: ``Business`` contractors are companies, ``Individual`` ones people."""
    return text(contractor.get("type")) == "Business"


def worker(source: str, contractor: Mapping[str, Any]) -> Worker:
    """``GET /v1/companies/{id}/contractors`` item (or ``/v1/contractors/{uuid}``) → :class:`Worker`.

    An individual's legal name is first, middle initial and last name; a business contractor's is
    its business name, and its EIN (when shown in full) is the tax id.
    """
    business = is_business(contractor)
    if business:
        legal = text(contractor.get("business_name"))
    elif join_name(contractor.get("first_name"), contractor.get("last_name")) is None:
        legal = None  # a middle initial alone is no name
    else:
        legal = join_name(contractor.get("first_name"), contractor.get("middle_initial"), contractor.get("last_name"))
    if legal is None:
        raise ValueError("contractor has no name (first/last name or business name)")
    address = _address(contractor.get("address"))
    email = text(contractor.get("email"))
    return Worker(
        source=source,
        remote_id=str(contractor["uuid"]),
        remote_data=kept(contractor, _DROP_CONTRACTOR),
        legal_name=legal,
        emails=[email] if email else [],
        home_address=address,
        claimed_country=address.country if address else None,
        tax_id=_ein(contractor) if business else None,
    )


def engagement(source: str, contractor: Mapping[str, Any]) -> Engagement:
    """The contractor's engagement with the company (Gusto keeps one contractor record per company)."""
    active = contractor.get("is_active")
    dismissed = day(contractor.get("dismissal_date"))
    status = "active" if active is not False else "dismissed" if dismissed else "inactive"
    hourly = text(contractor.get("hourly_rate")) if text(contractor.get("wage_type")) == "Hourly" else None
    return Engagement(
        source=source,
        remote_id=str(contractor["uuid"]),
        remote_data={
            k: contractor.get(k)
            for k in ("wage_type", "onboarding_status", "onboarded", "payment_method", "department", "is_active")
        },
        worker_remote_id=str(contractor["uuid"]),
        client_org=text(contractor.get("company_name")) or text(contractor.get("company_uuid")),
        type="contractor",
        status=status,
        start_date=day(contractor.get("start_date")),
        end_date=dismissed,
        rate=Decimal(hourly) if hourly else None,
        currency=CURRENCY if hourly else None,
    )


def payout_accounts(source: str, details: Mapping[str, Any]) -> list[PayoutAccount]:
    """``GET …/contractors/payment_details`` item → one account per direct-deposit split.

    Contractors paid by check have no account to record.
    """
    contractor_uuid = text(details.get("contractor_uuid"))
    if contractor_uuid is None:
        raise ValueError("payment details without contractor_uuid")
    if text(details.get("payment_method")) != "Direct Deposit":
        return []
    accounts = []
    for split in details.get("splits") or []:
        if not isinstance(split, Mapping):
            raise ValueError("a payment split is not an object")
        uuid = text(split.get("bank_account_uuid")) or text(split.get("uuid"))
        masked = text(split.get("hidden_account_number"))
        if uuid is None or masked is None:
            raise ValueError("a direct-deposit split lacks bank_account_uuid or hidden_account_number")
        accounts.append(
            PayoutAccount(
                source=source,
                remote_id=uuid,
                remote_data={
                    **kept(split, ("encrypted_account_number", "account_number")),
                    "masked_account": masked,  # as Gusto shows it; the scrubber would blank the original field
                    "split_by": details.get("split_by"),
                },
                worker_remote_id=contractor_uuid,
                method=PayoutMethod.BANK,
                account_number=SecretStr(f"{uuid}:{masked}"),
                routing_number=text(split.get("routing_number")),
                bank_country="US",
            )
        )
    return accounts


def payment(source: str, item: Mapping[str, Any]) -> Payment:
    """A contractor payment → :class:`Payment`; ``hold_ref`` is its uuid while Gusto may still cancel it.

    The amount is what reaches the contractor: ``wage_total`` (hours * rate + wage + bonus) plus the
    reimbursement.
    """
    uuid = text(item.get("uuid"))
    contractor_uuid = text(item.get("contractor_uuid"))
    if uuid is None or contractor_uuid is None:
        raise ValueError("contractor payment without uuid or contractor_uuid")
    return Payment(
        source=source,
        remote_id=uuid,
        remote_data=kept(item),
        worker_remote_id=contractor_uuid,
        engagement_remote_id=contractor_uuid,
        amount=money(item.get("wage_total")) + money(item.get("reimbursement")),
        currency=CURRENCY,
        status=text(item.get("status")) or ("cancellable" if item.get("may_cancel") else None),
        due_date=day(item.get("date")),
        hold_ref=uuid if item.get("may_cancel") is True else None,
    )
