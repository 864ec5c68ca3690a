"""The one exception tree of hiresentry.

Every error hiresentry raises on purpose derives from :class:`HiresentryError`, so a caller (the
CLI, the HTTP service, a worker) can catch one class and still tell the causes apart. Messages name
the cause and the thing it concerns (a file and line, a connector and endpoint, a config key) and
never carry secret values or raw PII: they end up in logs, tickets and terminals.

    HiresentryError
    ├── ConfigError                     bad or missing configuration
    │   └── SecretResolutionError       an ``env:``/``vault:`` reference could not be resolved
    ├── StoreError                      the store cannot be opened, migrated or written
    │   └── KeyMismatchError            the store was written with a different link-key secret
    ├── InputError                      a record or file from outside is not acceptable
    │   ├── RecordValidationError       one record is malformed (names file/line or source/id)
    │   ├── WebhookRejectedError        a webhook delivery failed its signature, time or replay check
    │   └── ApprovalRefusedError        a hold decision was refused (approver not allowed, twice, wrong state)
    ├── ConnectorError                  a vendor connector failed (carries a stable ``code``)
    │   ├── ConnectorAuthError          credentials refused                  (invalid_auth)
    │   ├── ConnectorForbiddenError     credentials lack a scope             (forbidden_scope)
    │   ├── ConnectorUnavailableError   vendor unreachable or kept failing   (cannot_connect)
    │   ├── RateLimitedError            vendor kept throttling past our patience (rate_limited)
    │   │   └── RateLimitPenaltyError   a vendor error-rate penalty was hit or is about to be (rate_limited)
    │   └── VendorResponseError         a fatal 4xx or a body we cannot read (unknown)
    ├── CatalogueError                  an indicator definition is invalid
    ├── PlaybookError                   a playbook file is invalid
    │   └── PlaybookValidationError     ... with the file and the field at fault
    └── ActionError                     a playbook action failed while executing
        └── ActionRetryableError        ... but may succeed if tried again later
            └── ActionThrottledError    ... the target said when (``retry_after`` seconds)
"""

from __future__ import annotations


class HiresentryError(Exception):
    """Base class of every error hiresentry raises deliberately."""


class ConfigError(HiresentryError):
    """Configuration is missing, malformed or inconsistent."""


class SecretResolutionError(ConfigError):
    """A secret reference (``env:NAME``, ``vault:PATH#KEY``) could not be resolved."""


class StoreError(HiresentryError):
    """The store could not be opened, migrated or written."""


class KeyMismatchError(StoreError):
    """The store's link-key fingerprint differs from the configured key's."""


class InputError(HiresentryError):
    """Input from outside (a file, a record, a request) is not acceptable."""


class RecordValidationError(InputError):
    """One input record is malformed; ``location`` says where it came from."""

    def __init__(self, location: str, reason: str) -> None:
        super().__init__(f"{location}: {reason}")
        self.location = location
        self.reason = reason


class WebhookRejectedError(InputError):
    """A webhook delivery was refused; ``reason`` is a stable code (bad_signature, stale, replayed, ...)."""

    def __init__(self, connector: str, reason: str, message: str) -> None:
        super().__init__(f"[{connector}] webhook rejected ({reason}): {message}")
        self.connector = connector
        self.reason = reason


class ApprovalRefusedError(InputError):
    """A decision on a payout hold was refused: approver not allow-listed, the same one twice, or wrong state."""


class ConnectorError(HiresentryError):
    """A connector failed; ``code`` is one of the stable check() failure codes."""

    code = "unknown"

    def __init__(self, connector: str, message: str) -> None:
        super().__init__(f"[{connector}] {message}")
        self.connector = connector


class ConnectorAuthError(ConnectorError):
    """The vendor refused the credentials (HTTP 401)."""

    code = "invalid_auth"


class ConnectorForbiddenError(ConnectorError):
    """The credentials are valid but lack a scope or permission (HTTP 403)."""

    code = "forbidden_scope"


class ConnectorUnavailableError(ConnectorError):
    """The vendor could not be reached, or kept answering 5xx after every retry."""

    code = "cannot_connect"


class RateLimitedError(ConnectorError):
    """The vendor kept answering 429 after every retry we allowed."""

    code = "rate_limited"


class RateLimitPenaltyError(RateLimitedError):
    """A vendor's error-rate penalty (IP block, penalty window) was hit or would be: stop, do not retry."""


class VendorResponseError(ConnectorError):
    """The vendor answered a fatal 4xx, or a body that does not have the documented shape."""

    code = "unknown"


class CatalogueError(HiresentryError):
    """An indicator definition (YAML or function) is invalid or inconsistent."""


class PlaybookError(HiresentryError):
    """A playbook cannot be loaded or run."""


class PlaybookValidationError(PlaybookError):
    """A playbook file is invalid; the message names the file and the field."""


class ActionError(HiresentryError):
    """A playbook action failed while executing against its target system."""


class ActionRetryableError(ActionError):
    """A playbook action failed in a way that may succeed later (throttling, outage)."""


class ActionThrottledError(ActionRetryableError):
    """The target throttled or is down and said when to come back (``retry_after`` seconds)."""

    def __init__(self, message: str, retry_after: float) -> None:
        super().__init__(message)
        self.retry_after = retry_after
