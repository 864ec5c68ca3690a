"""Shared machinery every connector builds on: contract, sync loop, registry, HTTP, auth, paging,
budgets and webhooks. ``docs/writing-a-connector.md`` walks through using them.

OAuth2 (:mod:`.oauth`, :mod:`.token_store`), the next-link and GraphQL paginators (:mod:`.next_link`,
:mod:`.graphql`) and webhook replay protection (:mod:`.webhook_replay`) are imported from their
modules; they pull in ``cryptography`` or the store, which a pull-only connector does not need.
"""

from hiresentry.connectors.base.auth import (
    AuthChain,
    BasicAuth,
    BearerAuth,
    HeaderAuth,
    Refreshable,
    tenant_header,
    version_header,
)
from hiresentry.connectors.base.connector import (
    CAPABILITIES,
    Batch,
    CheckResult,
    Connector,
    ConnectorConfig,
    Manifest,
    ManualHold,
    ManualLever,
    RecordProblem,
    Runtime,
    check_code,
)
from hiresentry.connectors.base.http import HttpClient, JsonResponse, RetryPolicy
from hiresentry.connectors.base.paginate import (
    BodyCursorPaginator,
    Checkpoint,
    OffsetPaginator,
    Page,
    PageNumberPaginator,
    PageRequest,
    PageTokenPaginator,
    Paginator,
    RestStream,
    plan_pass,
)
from hiresentry.connectors.base.ratelimit import (
    Budgets,
    ErrorRateGuard,
    PenaltyRule,
    RateLimitPolicy,
    ResetHeader,
    TokenBucket,
    per_minute,
    shared_bucket,
)
from hiresentry.connectors.base.sync import SyncReport, sync
from hiresentry.connectors.base.webhook_schemes import register_scheme, schemes, verifier_for
from hiresentry.connectors.base.webhooks import VerifiedDelivery, WebhookRequest, WebhookVerifier

__all__ = [
    "CAPABILITIES",
    "AuthChain",
    "BasicAuth",
    "Batch",
    "BearerAuth",
    "BodyCursorPaginator",
    "Budgets",
    "CheckResult",
    "Checkpoint",
    "Connector",
    "ConnectorConfig",
    "ErrorRateGuard",
    "HeaderAuth",
    "HttpClient",
    "JsonResponse",
    "Manifest",
    "ManualHold",
    "ManualLever",
    "OffsetPaginator",
    "Page",
    "PageNumberPaginator",
    "PageRequest",
    "PageTokenPaginator",
    "Paginator",
    "PenaltyRule",
    "RateLimitPolicy",
    "RecordProblem",
    "Refreshable",
    "ResetHeader",
    "RestStream",
    "RetryPolicy",
    "Runtime",
    "SyncReport",
    "TokenBucket",
    "VerifiedDelivery",
    "WebhookRequest",
    "WebhookVerifier",
    "check_code",
    "per_minute",
    "plan_pass",
    "register_scheme",
    "schemes",
    "shared_bucket",
    "sync",
    "tenant_header",
    "verifier_for",
    "version_header",
]
