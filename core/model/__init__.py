"""The canonical record model every connector maps into (DESIGN §3)."""

from hiresentry.core.model.records import (
    KIND_MODELS,
    AccessEvent,
    Address,
    Device,
    Engagement,
    HiringSignal,
    Payment,
    PayoutAccount,
    PayoutMethod,
    Record,
    RecordKind,
    Worker,
)

__all__ = [
    "KIND_MODELS",
    "AccessEvent",
    "Address",
    "Device",
    "Engagement",
    "HiringSignal",
    "Payment",
    "PayoutAccount",
    "PayoutMethod",
    "Record",
    "RecordKind",
    "Worker",
]
