"""The connector contract: manifest, typed config, ``check()`` and ``read()``.

Modelled on Airbyte's spec/check/read and Singer's streams: a connector declares what it is
(:class:`Manifest`), validates its config with a pydantic model (secrets as ``SecretValue``),
answers a connection test with a stable failure code, and yields :class:`Batch` es of canonical
records together with the cursor positions they reach. The caller (``sync``) commits each batch and
its cursors in one transaction, so an interrupted sync resumes exactly where the last commit ended.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar, Generic, Literal, Self, TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError

from hiresentry.core.errors import ConfigError
from hiresentry.core.model import Record, RecordKind
from hiresentry.core.store import CursorUpdate

CheckCode = Literal["invalid_auth", "cannot_connect", "forbidden_scope", "rate_limited", "unknown"]


class Manifest(BaseModel):
    """What a connector is and can do; shown by ``hiresentry connectors list``."""

    model_config = ConfigDict(frozen=True)

    name: str
    title: str
    record_kinds: list[RecordKind]
    auth: str
    webhook: str | None = None
    capabilities: list[str] = []


class ConnectorConfig(BaseModel):
    """Base of every connector's config model: unknown keys are errors, not silently ignored."""

    model_config = ConfigDict(extra="forbid", frozen=True)


@dataclass(frozen=True)
class CheckResult:
    """Outcome of a connection test."""

    ok: bool
    code: CheckCode | None = None
    message: str = ""


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

    def __init__(self, instance: str, config: ConfigT) -> None:
        self.instance = instance
        self.config = config

    @classmethod
    def from_config(cls, instance: str, raw: Mapping[str, Any]) -> Self:
        """Validate ``raw`` (from the YAML config) and build the connector."""
        try:
            config = cls.config_model.model_validate(dict(raw))
        except ValidationError as exc:
            problems = "; ".join(
                f"{'.'.join(str(p) for p in err['loc']) or '(root)'}: {err['msg']}" for err in exc.errors()
            )
            raise ConfigError(f"source {instance!r} ({cls.manifest.name}): {problems}") from None
        return cls(instance, config)  # type: ignore[arg-type]

    @abstractmethod
    def check(self) -> CheckResult:
        """Test the connection and credentials; never raises for vendor failures."""

    @abstractmethod
    def read(self, state: Mapping[str, str]) -> Iterator[Batch]:
        """Yield batches from the positions in ``state`` (stream → committed cursor value)."""
