"""Shared machinery every connector builds on: contract, sync loop, registry (and HTTP, paging)."""

from hiresentry.connectors.base.connector import (
    Batch,
    CheckResult,
    Connector,
    ConnectorConfig,
    Manifest,
    RecordProblem,
)
from hiresentry.connectors.base.sync import SyncReport, sync

__all__ = [
    "Batch",
    "CheckResult",
    "Connector",
    "ConnectorConfig",
    "Manifest",
    "RecordProblem",
    "SyncReport",
    "sync",
]
