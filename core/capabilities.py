"""Capability interfaces: what playbooks may ask of vendors, declared here, implemented by connectors.

Playbooks never import connectors (DESIGN §1). A connector that can stop a payout implements
:class:`PayoutHoldCapability`; the wiring hands such implementations to the payout action keyed by
source name. Where no vendor control exists, hiresentry's own payout gate (``core.gate``) holds.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from hiresentry.core.cases.view import RecordRef


@dataclass(frozen=True)
class HoldResult:
    """What a vendor hold did: its reference (to release it later) and a human description."""

    vendor_ref: str
    description: str


@runtime_checkable
class PayoutHoldCapability(Protocol):
    """A source that can stop payouts to one of its workers through its own API."""

    def hold(self, worker: RecordRef, dedup_key: str, reason: str) -> HoldResult:
        """Stop pending payouts to ``worker``; idempotent for the same ``dedup_key``."""
        ...

    def release(self, worker: RecordRef, vendor_ref: str) -> None:
        """Undo a hold made by :meth:`hold`."""
        ...


@dataclass(frozen=True)
class GateState:
    """hiresentry's own payout gate for one worker record."""

    worker: RecordRef
    held: bool
    dedup_key: str | None
    expires_at: dt.datetime | None


@dataclass(frozen=True)
class SuspendResult:
    """What an account suspension did at the identity provider."""

    vendor_ref: str
    description: str


@runtime_checkable
class AccountSuspendCapability(Protocol):
    """An identity provider that can suspend (and restore) a worker's account.

    Suspending cuts a possibly hostile insider off company systems at once, so playbooks only call
    it behind an explicit opt-in; implementations must be idempotent for the same ``dedup_key``.
    """

    def suspend(self, worker: RecordRef, dedup_key: str, reason: str) -> SuspendResult:
        """Suspend the account behind ``worker``."""
        ...

    def unsuspend(self, worker: RecordRef, vendor_ref: str) -> None:
        """Undo a suspension made by :meth:`suspend`."""
        ...
