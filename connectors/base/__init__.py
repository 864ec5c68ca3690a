"""Shared machinery every connector builds on: contract, sync loop, registry, HTTP, paging, budgets."""

from hiresentry.connectors.base.connector import (
    Batch,
    CheckResult,
    Connector,
    ConnectorConfig,
    Manifest,
    RecordProblem,
)
from hiresentry.connectors.base.http import BearerAuth, HttpClient, RetryPolicy, check_code
from hiresentry.connectors.base.paginate import (
    BodyCursorPaginator,
    Checkpoint,
    OffsetPaginator,
    PageNumberPaginator,
    Paginator,
    RestStream,
    plan_pass,
)
from hiresentry.connectors.base.ratelimit import TokenBucket, shared_bucket
from hiresentry.connectors.base.sync import SyncReport, sync

__all__ = [
    "Batch",
    "BearerAuth",
    "BodyCursorPaginator",
    "CheckResult",
    "Checkpoint",
    "Connector",
    "ConnectorConfig",
    "HttpClient",
    "Manifest",
    "OffsetPaginator",
    "PageNumberPaginator",
    "Paginator",
    "RecordProblem",
    "RestStream",
    "RetryPolicy",
    "SyncReport",
    "TokenBucket",
    "check_code",
    "plan_pass",
    "shared_bucket",
    "sync",
]
