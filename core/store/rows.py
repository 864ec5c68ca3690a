"""Canonical record → table rows: where raw identifiers become keyed hashes and masks.

This is the single place raw PII is turned into link keys. Everything downstream (the store, the
population frames the indicators read, explanations) sees only hashes and masked forms, so the raw
tax id or account number of a record never outlives the batch that carried it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from hiresentry.core.keys import LinkKeyHasher, mask, name_key, normalize, phonetic_key
from hiresentry.core.model import (
    AccessEvent,
    Address,
    Device,
    Engagement,
    HiringSignal,
    Payment,
    PayoutAccount,
    PayoutMethod,
    Record,
    Worker,
)
from hiresentry.core.model.scrub import scrub

Row = dict[str, Any]


def _utc(value: dt.datetime | None) -> dt.datetime | None:
    if value is None:
        return None
    if value.tzinfo is None:
        return value.replace(tzinfo=dt.UTC)
    return value.astimezone(dt.UTC)


class RowBuilder:
    """Builds the rows of one batch of records with one hasher and one ingest time."""

    def __init__(self, hasher: LinkKeyHasher, now: dt.datetime | None = None) -> None:
        self.hasher = hasher
        self.now = now or dt.datetime.now(dt.UTC)

    def _base(self, record: Record) -> Row:
        return {
            "source": record.source,
            "remote_id": record.remote_id,
            "modified_at": _utc(record.modified_at),
            "deleted": record.deleted,
            "ingested_at": self.now,
            "remote_data": scrub(record.remote_data),
        }

    def _address(self, value: Address | None) -> tuple[str | None, str | None]:
        if value is None or value.is_empty():
            return None, None
        text = normalize.address(value)
        if text is None:
            return None, None
        return self.hasher.hash("address", text), mask.address(value)

    def worker(self, record: Worker) -> tuple[Row, list[Row]]:
        """The worker row and its multi-valued key rows (emails, phones)."""
        home_key, home_masked = self._address(record.home_address)
        ship_key, ship_masked = self._address(record.ship_to_address)
        tax = record.tax_id.get_secret_value() if record.tax_id else None
        tax_norm = "".join(ch for ch in tax or "" if ch.isalnum()).upper() or None
        row = self._base(record) | {
            "legal_name": record.legal_name,
            "preferred_name": record.preferred_name,
            "name_key": name_key(record.legal_name),
            "preferred_name_key": name_key(record.preferred_name) if record.preferred_name else None,
            "name_phonetic": phonetic_key(record.legal_name),
            "date_of_birth": record.date_of_birth,
            "claimed_country": record.claimed_country,
            "claimed_timezone": record.claimed_timezone,
            "tax_key": self.hasher.hash("tax_id", tax_norm) if tax_norm else None,
            "home_addr_key": home_key,
            "home_addr_masked": home_masked,
            "ship_addr_key": ship_key,
            "ship_addr_masked": ship_masked,
            "photo_hash": record.photo_hash,
            "prior_employers": record.prior_employers,
            "profile_urls": record.profile_urls,
            "referrer_remote_id": record.referrer_remote_id,
            "agency": record.agency,
        }
        keys: dict[tuple[str, str], Row] = {}
        owner = {"source": record.source, "worker_remote_id": record.remote_id}
        for raw in record.emails:
            value = normalize.email(raw)
            if value:
                digest = self.hasher.hash("email", value)
                keys[("email", digest)] = owner | {
                    "key_type": "email",
                    "key_hash": digest,
                    "masked": mask.email(value),
                    "domain": value.partition("@")[2],
                }
        for raw in record.phones:
            value = normalize.phone(raw, record.claimed_country)
            if value:
                digest = self.hasher.hash("phone", value)
                keys[("phone", digest)] = owner | {
                    "key_type": "phone",
                    "key_hash": digest,
                    "masked": mask.phone(value),
                    "domain": None,
                }
        return row, list(keys.values())

    def payout_account(self, record: PayoutAccount) -> Row:
        """Payout account row; the account identifier is reduced to its hash and a tail mask."""
        key: str | None = None
        masked: str | None = None
        if record.method is PayoutMethod.CRYPTO and record.wallet_address:
            wallet = normalize.wallet(record.wallet_address)
            if wallet:
                key, masked = self.hasher.hash("wallet", wallet), mask.tail(wallet, 6)
        elif record.iban is not None:
            iban = record.iban.get_secret_value()  # already validated and compacted by the model
            key, masked = self.hasher.hash("payout", iban), mask.iban(iban)
        elif record.account_number is not None:
            account = normalize.bank_account(record.routing_number, record.account_number.get_secret_value())
            key, masked = self.hasher.hash("payout", account), mask.tail(account)
        elif record.email:
            value = normalize.email(record.email)
            if value:
                key = self.hasher.hash("payout", f"{record.method.value}:{value}")
                masked = f"{record.method.value} {mask.email(value)}"
        return self._base(record) | {
            "worker_remote_id": record.worker_remote_id,
            "method": record.method.value,
            "holder_name": record.holder_name,
            "holder_name_key": name_key(record.holder_name) if record.holder_name else None,
            "account_key": key,
            "account_masked": masked,
            "bank_country": record.bank_country,
            "bic": record.bic,
            "pooled": record.pooled,
            "first_seen": _utc(record.first_seen),
            "last_seen": _utc(record.last_seen),
        }

    def engagement(self, record: Engagement) -> Row:
        """Engagement row."""
        return self._base(record) | {
            "worker_remote_id": record.worker_remote_id,
            "client_org": record.client_org,
            "type": record.type,
            "status": record.status,
            "start_date": record.start_date,
            "end_date": record.end_date,
            "rate": str(record.rate) if record.rate is not None else None,
            "currency": record.currency,
            "staffing_vendor": record.staffing_vendor,
        }

    def payment(self, record: Payment) -> Row:
        """Payment row; the amount is kept as exact decimal text."""
        return self._base(record) | {
            "worker_remote_id": record.worker_remote_id,
            "engagement_remote_id": record.engagement_remote_id,
            "payout_account_remote_id": record.payout_account_remote_id,
            "amount": str(record.amount),
            "currency": record.currency.upper(),
            "status": record.status,
            "due_date": record.due_date,
            "paid_at": _utc(record.paid_at),
            "hold_ref": record.hold_ref,
        }

    def access_event(self, record: AccessEvent) -> Row:
        """Sign-in row; the IP is reduced to its egress network (hash and /24 form)."""
        prefix = normalize.egress_prefix(record.ip) if record.ip else None
        return self._base(record) | {
            "worker_remote_id": record.worker_remote_id,
            "time": _utc(record.time),
            "login": record.login,
            "egress_key": self.hasher.hash("egress", prefix) if prefix else None,
            "egress_masked": mask.ip(prefix) if prefix else None,
            "asn": record.asn,
            "country": record.country,
            "is_proxy": record.is_proxy,
            "vpn_provider": record.vpn_provider,
            "device_id": record.device_id,
            "user_agent": record.user_agent,
        }

    def device(self, record: Device) -> Row:
        """Device row; serials and the ship-to address become keys."""
        serial = normalize.serial(record.serial) if record.serial else None
        shipped = normalize.serial(record.shipped_serial) if record.shipped_serial else None
        ship_key, ship_masked = self._address(record.shipped_to_address)
        return self._base(record) | {
            "worker_remote_id": record.worker_remote_id,
            "serial_key": self.hasher.hash("serial", serial) if serial else None,
            "serial_masked": mask.tail(serial) if serial else None,
            "shipped_serial_key": self.hasher.hash("serial", shipped) if shipped else None,
            "shipped_serial_masked": mask.tail(shipped) if shipped else None,
            "shipped_to_key": ship_key,
            "shipped_to_masked": ship_masked,
            "mdm_country": record.mdm_country,
            "remote_access_tools": record.remote_access_tools,
            "peripherals": record.peripherals,
        }

    def hiring_signal(self, record: HiringSignal) -> Row:
        """Hiring-signal row."""
        return self._base(record) | {
            "worker_remote_id": record.worker_remote_id,
            "signal": record.signal,
            "observed_at": _utc(record.observed_at),
            "detail": record.detail,
        }


class BatchRows:
    """All rows of one batch, grouped by table, ready for bulk insert."""

    def __init__(self) -> None:
        self.tables: dict[str, list[Row]] = {}
        self.worker_keys: list[Row] = []

    def add(self, table: str, row: Row) -> None:
        """Queue one row for ``table``."""
        self.tables.setdefault(table, []).append(row)


def build_rows(records: Iterable[Record], builder: RowBuilder) -> BatchRows:
    """Rows for every record; the last record wins when one (source, remote_id) appears twice."""
    out = BatchRows()
    latest: dict[tuple[str, str, str], Record] = {}
    for record in records:
        latest[(record.kind, record.source, record.remote_id)] = record
    for record in latest.values():
        if isinstance(record, Worker):
            row, keys = builder.worker(record)
            out.add("workers", row)
            out.worker_keys.extend(keys)
        elif isinstance(record, PayoutAccount):
            out.add("payout_accounts", builder.payout_account(record))
        elif isinstance(record, Engagement):
            out.add("engagements", builder.engagement(record))
        elif isinstance(record, Payment):
            out.add("payments", builder.payment(record))
        elif isinstance(record, AccessEvent):
            out.add("access_events", builder.access_event(record))
        elif isinstance(record, Device):
            out.add("devices", builder.device(record))
        elif isinstance(record, HiringSignal):
            out.add("hiring_signals", builder.hiring_signal(record))
    return out


def worker_refs(rows: Sequence[Row]) -> list[tuple[str, str]]:
    """(source, remote_id) of worker rows, for replacing their key rows."""
    return [(r["source"], r["remote_id"]) for r in rows]
