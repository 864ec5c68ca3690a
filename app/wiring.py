"""Wiring: the one place that knows connectors, core and playbooks together (DESIGN §1).

Everything here turns configuration into objects: the store with its link-key hasher, connector
instances, the loaded indicator catalogue, actions with their settings and the capabilities that
connectors offer to the payout action.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from hiresentry.app.config import AppConfig, SourceSettings
from hiresentry.connectors.base import Connector, ConnectorConfig, Runtime
from hiresentry.connectors.base.registry import connector_class
from hiresentry.connectors.base.token_store import SqlTokenStore, TokenCipher
from hiresentry.connectors.base.webhook_replay import SqlSeenEvents
from hiresentry.connectors.github.directory import ReadsWorkers, StoreWorkerDirectory
from hiresentry.core.capabilities import AccountSuspendCapability, PayoutHoldCapability
from hiresentry.core.errors import ConfigError
from hiresentry.core.gate import PayoutGate
from hiresentry.core.indicators import Indicator, load_catalogue
from hiresentry.core.keys import LinkKeyHasher
from hiresentry.core.store import Store
from hiresentry.playbooks.actions.base import Action
from hiresentry.playbooks.actions.jira import EnsureTicket
from hiresentry.playbooks.actions.payout import PayoutHold
from hiresentry.playbooks.actions.slack import Escalate
from hiresentry.playbooks.actions.suspend import AccountSuspend
from hiresentry.playbooks.holds import HoldService
from hiresentry.playbooks.registry import action_classes, load_playbooks
from hiresentry.playbooks.schema import Playbook


def open_store(config: AppConfig) -> Store:
    """The configured store, migrated, with the configured link-key secret."""
    return Store.open(config.store.url, LinkKeyHasher(config.keys.hmac_key))


def parse_source_option(text: str) -> SourceSettings:
    """``export:PATH`` or ``export:NAME=PATH`` from the command line → a source definition."""
    kind, sep, rest = text.partition(":")
    if not sep or kind != "export" or not rest:
        raise ConfigError(f"--source {text!r}: expected export:PATH or export:NAME=PATH")
    name, eq, path = rest.partition("=")
    if not eq:
        path, name = rest, Path(rest.rstrip("/")).name or "export"
    return SourceSettings(name=name, connector="export", config={"path": path})


def runtime(config: AppConfig, store: Store) -> Runtime:
    """What connectors share in production: OAuth tokens and seen webhook ids kept in the store."""
    return Runtime(
        token_store=SqlTokenStore(store.engine, TokenCipher(config.keys.hmac_key)),
        seen_events=SqlSeenEvents(store.engine),
    )


def build_connectors(
    config: AppConfig, extra: Sequence[SourceSettings] = (), store: Store | None = None
) -> list[Connector[ConnectorConfig]]:
    """Connector instances for the configured sources plus ``extra`` ones; names must be unique."""
    sources = [*config.sources, *extra]
    names = [s.name for s in sources]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise ConfigError(f"source names must be unique; repeated: {', '.join(duplicates)}")
    shared = runtime(config, store) if store is not None else None
    built = [connector_class(s.connector).from_config(s.name, s.config, shared) for s in sources]
    return with_worker_directory(built, store)


def with_worker_directory(
    connectors: Sequence[Connector[ConnectorConfig]], store: Store | None
) -> list[Connector[ConnectorConfig]]:
    """Connectors that enrich other sources' workers (GitHub) get the store's workers, and go last.

    They read the workers already in the store when they start, so they sync after every source
    that loads workers (configured or given on the command line), whatever the config's order.
    """
    readers = [c for c in connectors if isinstance(c, ReadsWorkers)]
    if store is not None:
        directory = StoreWorkerDirectory(store.engine)
        for connector in readers:
            connector.use_worker_directory(directory)
    return [c for c in connectors if not isinstance(c, ReadsWorkers)] + readers


def load_indicators(config: AppConfig) -> list[Indicator]:
    """The checked catalogue with the config's per-indicator overrides."""
    return load_catalogue(config.indicators)


def hold_capabilities(connectors: Sequence[Connector[ConnectorConfig]]) -> dict[str, PayoutHoldCapability]:
    """Source name → connector, for connectors that can hold payouts through their vendor."""
    return {c.instance: c for c in connectors if isinstance(c, PayoutHoldCapability)}


def suspend_capabilities(connectors: Sequence[Connector[ConnectorConfig]]) -> dict[str, AccountSuspendCapability]:
    """Source name → connector, for identity providers that can suspend accounts."""
    return {c.instance: c for c in connectors if isinstance(c, AccountSuspendCapability)}


def hold_service(config: AppConfig, store: Store, connectors: Sequence[Connector[ConnectorConfig]] = ()) -> HoldService:
    """Payout holds with the sources' hold capabilities and the approver allow-list."""
    return HoldService(PayoutGate(store), hold_capabilities(connectors), config.approvals)


def manual_tasks(connectors: Sequence[Connector[ConnectorConfig]]) -> dict[str, Callable[[str], str]]:
    """Source name → its manual payout-hold task, for sources whose vendor has no hold API."""
    return {c.instance: c.manifest.manual_hold.task_text for c in connectors if c.manifest.manual_hold is not None}


def build_actions(
    config: AppConfig, store: Store, connectors: Sequence[Connector[ConnectorConfig]] = ()
) -> dict[str, Action[Any]]:
    """Every installed action, built with its settings (missing settings only block execution)."""
    links = config.playbooks.case_url
    actions: dict[str, Action[Any]] = {
        EnsureTicket.name: EnsureTicket(config.jira, case_url=links),
        Escalate.name: Escalate(config.slack, case_url=links),
        PayoutHold.name: PayoutHold(
            holds=hold_service(config, store, connectors), manual_tasks=manual_tasks(connectors)
        ),
        AccountSuspend.name: AccountSuspend(suspend_capabilities(connectors), enabled=config.account_suspend.enabled),
    }
    for name, cls in action_classes().items():
        if name not in actions:
            actions[name] = cls()  # third-party actions configure themselves
    return actions


def playbooks(config: AppConfig) -> list[Playbook]:
    """The configured playbooks."""
    return load_playbooks(config.playbooks.paths)
