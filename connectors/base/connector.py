"""The connector contract: manifest, typed config, ``check()`` and ``read()``.

Modelled on Airbyte's spec/check/read and Singer's streams: a connector declares what it is
(:class:`Manifest`), validates its config with a pydantic model (secrets as ``SecretValue``),
answers a connection test with a stable failure code, and yields :class:`Batch` es of canonical
records together with the cursor positions they reach. The caller (``sync``) commits each batch and
its cursors in one transaction, so an interrupted sync resumes exactly where the last commit ended.

Everything a connector needs from its surroundings that tests want to replace (the HTTP session,
sleep, clocks, where OAuth tokens and seen webhook ids are kept) arrives as one :class:`Runtime`
through :meth:`Connector.from_config`, so a connector never reaches for globals.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar, Generic, Literal, Self, TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from hiresentry.core.errors import ConfigError, ConnectorError
from hiresentry.core.model import Record, RecordKind
from hiresentry.core.store import CursorUpdate

if TYPE_CHECKING:
    import requests

    from hiresentry.connectors.base.token_store import TokenStore
    from hiresentry.connectors.base.webhook_replay import SeenEvents
    from hiresentry.connectors.base.webhooks import VerifiedDelivery, WebhookVerifier

CheckCode = Literal["invalid_auth", "cannot_connect", "forbidden_scope", "rate_limited", "unknown"]
_CHECK_CODES: dict[str, CheckCode] = {
    "invalid_auth": "invalid_auth",
    "forbidden_scope": "forbidden_scope",
    "cannot_connect": "cannot_connect",
    "rate_limited": "rate_limited",
}

CAPABILITIES: dict[str, str] = {
    "payout.hold": "stops pending payouts to a worker through the vendor's API",
    "payout.release": "undoes a payout hold through the vendor's API",
    "account.suspend": "suspends or disables the worker's account (IdPs)",
}
"""Capabilities a manifest may declare; the wiring hands such connectors to the matching actions."""


def check_code(exc: ConnectorError) -> CheckCode:
    """The stable ``check()`` failure code of a connector error (``unknown`` if it has none)."""
    return _CHECK_CODES.get(exc.code, "unknown")


class ManualLever(BaseModel):
    """One thing a person can do in the vendor's product (or API) to stop money reaching a worker."""

    model_config = ConfigDict(frozen=True)

    action: str
    how: str
    api: str | None = None
    scope: str | None = None


class ManualHold(BaseModel):
    """What a human must do to hold payouts where the vendor has no hold API (a payout task's text)."""

    model_config = ConfigDict(frozen=True)

    summary: str
    levers: list[ManualLever]

    def task_text(self, worker: str) -> str:
        """The task description for holding payouts to ``worker`` (a record reference, no PII)."""
        lines = [self.summary, f"Worker: {worker}", "Levers, in order of preference:"]
        for n, lever in enumerate(self.levers, 1):
            line = f"{n}. {lever.action}: {lever.how}"
            if lever.api:
                scope = f", scope {lever.scope}" if lever.scope else ""
                line += f" [API: {lever.api}{scope}]"
            lines.append(line)
        return "\n".join(lines)


class Manifest(BaseModel):
    """What a connector is and can do; shown by ``hiresentry connectors list``.

    ``webhook`` names a scheme of the webhook verifier registry (``deel``, ``gusto``, ``finch``, …)
    or is None for a connector that only pulls. ``manual_hold`` is the human task a payout hold
    names when the vendor offers no ``payout.hold`` capability.
    """

    model_config = ConfigDict(frozen=True)

    name: str
    title: str
    record_kinds: list[RecordKind]
    auth: str
    webhook: str | None = None
    capabilities: list[str] = []
    manual_hold: ManualHold | None = None

    @field_validator("capabilities")
    @classmethod
    def _known_capabilities(cls, value: list[str]) -> list[str]:
        unknown = sorted(set(value) - set(CAPABILITIES))
        if unknown:
            raise ValueError(f"unknown capabilities {unknown}; known: {sorted(CAPABILITIES)}")
        return value


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@dataclass(frozen=True)
class Runtime:
    """What a connector takes from its surroundings; tests replace any part of it.

    ``session``: the ``requests`` session (None: a new one). ``sleep``, ``now`` and ``jitter``:
    waiting, the wall clock and backoff jitter. ``token_store``: where OAuth2 tokens live
    (the store-backed one in production). ``seen_events``: webhook ids already accepted.
    """

    session: requests.Session | None = None
    sleep: Callable[[float], None] = time.sleep
    now: Callable[[], dt.datetime] = _utcnow
    jitter: Callable[[], float] = random.random
    token_store: TokenStore | None = None
    seen_events: SeenEvents | None = None


class ConnectorConfig(BaseModel):
    """Base of every connector's config model: unknown keys are errors, not silently ignored."""

    model_config = ConfigDict(extra="forbid", frozen=True)


@dataclass(frozen=True)
class CheckResult:
    """Outcome of a connection test."""

    ok: bool
    code: CheckCode | None = None
    message: str = ""

    @classmethod
    def failure(cls, exc: ConnectorError) -> CheckResult:
        """A failed check carrying the error's stable code and its (secret-free) message."""
        return cls(ok=False, code=check_code(exc), message=str(exc))


@dataclass(frozen=True)
class RecordProblem:
    """A record that could not be accepted, and why; the rest of its batch is still loaded."""

    location: str
    reason: str

    def __str__(self) -> str:
        return f"{self.location}: {self.reason}"


@dataclass
class Batch:
    """Records to commit together, with the cursor positions they reach and the records refused."""

    records: list[Record] = field(default_factory=list)
    cursors: list[CursorUpdate] = field(default_factory=list)
    problems: list[RecordProblem] = field(default_factory=list)


ConfigT = TypeVar("ConfigT", bound=ConnectorConfig)


class Connector(ABC, Generic[ConfigT]):
    """Base class of every connector; one instance per configured source."""

    manifest: ClassVar[Manifest]
    config_model: ClassVar[type[ConnectorConfig]]

    def __init__(self, instance: str, config: ConfigT, *, runtime: Runtime | None = None) -> None:
        self.instance = instance
        self.config = config
        self.runtime = runtime or Runtime()

    @classmethod
    def from_config(cls, instance: str, raw: Mapping[str, Any], runtime: Runtime | None = None) -> Self:
        """Validate ``raw`` (from the YAML config) and build the connector with ``runtime``."""
        try:
            config = cls.config_model.model_validate(dict(raw))
        except ValidationError as exc:
            problems = "; ".join(
                f"{'.'.join(str(p) for p in err['loc']) or '(root)'}: {err['msg']}" for err in exc.errors()
            )
            raise ConfigError(f"source {instance!r} ({cls.manifest.name}): {problems}") from None
        if runtime is None:
            return cls(instance, config)  # type: ignore[arg-type]
        return cls(instance, config, runtime=runtime)  # type: ignore[arg-type]

    @abstractmethod
    def check(self) -> CheckResult:
        """Test the connection and credentials; never raises for vendor failures."""

    @abstractmethod
    def read(self, state: Mapping[str, str]) -> Iterator[Batch]:
        """Yield batches from the positions in ``state`` (stream → committed cursor value)."""

    def webhook_verifier(self) -> WebhookVerifier | None:
        """The verifier of this source's webhook deliveries; None if it takes none or has no secret."""
        return None

    def webhook_batch(self, delivery: VerifiedDelivery) -> Batch:
        """Records carried by one verified delivery.

        The default is an empty batch: the delivery only tells the service that something changed,
        and the next sync reads it. Connectors whose payloads carry whole resources map them here.
        """
        return Batch()
