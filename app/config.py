"""Configuration: one YAML file plus environment overrides, validated into typed models.

Precedence (highest first): ``HIRESENTRY__SECTION__KEY=value`` environment variables, the YAML
file, defaults. Values are YAML-parsed, so ``HIRESENTRY__SCORING__LEVELS__HIGH=80`` is a number.
Secrets are references (``env:NAME``, ``vault:PATH#KEY``) resolved at load time into ``SecretStr``
(core.secrets); an unresolvable reference or an unknown key is a :class:`ConfigError` naming the key.

Load order: the YAML and the environment overrides are merged; the ``vault`` section is validated
first (its own secrets are ``env:`` references or files) and installs the ``vault:`` resolver
(app.vault); only then is the rest validated, so ``vault:`` references anywhere else resolve.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from hiresentry.app.vault import VaultSettings, install_resolver
from hiresentry.core.errors import ConfigError, SecretResolutionError
from hiresentry.core.levels import Level, LevelThresholds
from hiresentry.core.secrets import SecretValue, secret_environment
from hiresentry.playbooks.actions.jira import JiraSettings
from hiresentry.playbooks.actions.slack import SlackSettings
from hiresentry.playbooks.holds import ApprovalSettings

ENV_PREFIX = "HIRESENTRY__"


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid")


class StoreSettings(_Section):
    """Where records, cases, outbox and audit log live."""

    url: str = Field(default="sqlite:///hiresentry.db", description="SQLAlchemy URL")


class KeySettings(_Section):
    """The secret that keys link-key hashes; changing it orphans every stored hash."""

    model_config = ConfigDict(extra="forbid", validate_default=True)

    hmac_key: SecretValue = Field(default="env:HIRESENTRY_HMAC_KEY")  # type: ignore[assignment]


class ScoringSettings(_Section):
    """Score → level thresholds, and from which level a case is opened."""

    levels: LevelThresholds = LevelThresholds()
    open_case_at: Level = Level.LOW


class IndicatorSettings(_Section):
    """Per-indicator switches and parameter overrides (``indicators: {ID: {...}}``)."""

    enabled: bool = True
    weight: float | None = None
    parameters: dict[str, Any] = Field(default_factory=dict)


class SourceSettings(_Section):
    """One configured connector instance."""

    name: str = Field(min_length=1, pattern=r"^[A-Za-z0-9_.-]+$")
    connector: str
    config: dict[str, Any] = Field(default_factory=dict)


class PlaybookSettings(_Section):
    """Which playbooks run and how."""

    paths: list[str] = Field(default_factory=lambda: ["builtin"], description="files/folders; 'builtin' = shipped")
    mode: Literal["active", "monitor"] | None = Field(
        default=None, description="force every playbook into this mode (None: each playbook's own)"
    )
    case_url: str | None = Field(
        default=None,
        pattern=r"^https?://\S+$",
        description="link back to a case in tickets and messages, e.g. https://hiresentry.example.com/cases/{dedup_key}",
    )


class AccountSuspendSettings(_Section):
    """The config half of the double opt-in for ``account.suspend`` (the playbook's ``confirm: true``)."""

    enabled: bool = Field(default=False, description="let playbooks suspend accounts at identity providers")


class AppConfig(_Section):
    """The whole configuration."""

    store: StoreSettings = StoreSettings()
    keys: KeySettings = Field(default_factory=KeySettings)
    scoring: ScoringSettings = ScoringSettings()
    indicators: dict[str, IndicatorSettings] = Field(default_factory=dict)
    sources: list[SourceSettings] = Field(default_factory=list)
    playbooks: PlaybookSettings = PlaybookSettings()
    jira: JiraSettings | None = None
    slack: SlackSettings | None = None
    approvals: ApprovalSettings = ApprovalSettings()
    account_suspend: AccountSuspendSettings = AccountSuspendSettings()
    vault: VaultSettings | None = None


def _deep_merge(base: dict[str, Any], override: Mapping[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), dict):
            merged[key] = _deep_merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def env_overrides(environ: Mapping[str, str]) -> dict[str, Any]:
    """``HIRESENTRY__A__B=v`` → ``{"a": {"b": v}}`` with ``v`` read as YAML."""
    out: dict[str, Any] = {}
    for name, raw in environ.items():
        if not name.startswith(ENV_PREFIX):
            continue
        path = [part.lower() for part in name[len(ENV_PREFIX) :].split("__") if part]
        if not path:
            continue
        try:
            value = yaml.safe_load(raw) if raw else raw
        except yaml.YAMLError:
            value = raw
        node = out
        for part in path[:-1]:
            node = node.setdefault(part, {})
        node[path[-1]] = value
    return out


def _format_errors(exc: ValidationError, origin: str, section: str | None = None) -> str:
    lines = [f"invalid configuration ({origin}):"]
    for err in exc.errors():
        where = ".".join(str(p) for p in ((section,) if section else ()) + tuple(err["loc"])) or "(root)"
        lines.append(f"  {where}: {err['msg']}")
    return "\n".join(lines)


def build_config(data: Mapping[str, Any], origin: str, environ: Mapping[str, str] | None = None) -> AppConfig:
    """Validate a config mapping after applying environment overrides."""
    environ = os.environ if environ is None else environ
    merged = _deep_merge(dict(data), env_overrides(environ))
    try:
        with secret_environment(environ):
            merged["vault"] = _vault_section(merged.get("vault"), origin)
            return AppConfig.model_validate(merged)
    except ValidationError as exc:
        raise ConfigError(_format_errors(exc, origin)) from None
    except SecretResolutionError as exc:
        raise SecretResolutionError(f"{origin}: {exc}") from None


def _vault_section(raw: Any, origin: str) -> VaultSettings | None:
    """Validate the ``vault`` section and install (or, without one, remove) the ``vault:`` resolver."""
    try:
        settings = None if raw is None else VaultSettings.model_validate(raw)
    except ValidationError as exc:
        raise ConfigError(_format_errors(exc, origin, "vault")) from None
    install_resolver(settings)
    return settings


def load_config(path: Path | None, environ: Mapping[str, str] | None = None) -> AppConfig:
    """Read the YAML file at ``path`` (or none) and validate it."""
    data: Any = {}
    if path is not None:
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except FileNotFoundError:
            raise ConfigError(f"config file {path} does not exist") from None
        except yaml.YAMLError as exc:
            raise ConfigError(f"config file {path} is not valid YAML: {exc}") from None
        if not isinstance(data, dict):
            raise ConfigError(f"config file {path} must hold a mapping at the top level")
    return build_config(data, str(path) if path else "environment", environ)
