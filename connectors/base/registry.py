"""Find connector classes by name through the ``hiresentry.connectors`` entry-point group.

Built-in connectors register exactly as third-party ones do (pyproject ``[project.entry-points]``),
so a new connector is one folder plus one entry-point line.
"""

from __future__ import annotations

from importlib.metadata import entry_points

from hiresentry.connectors.base.connector import Connector, ConnectorConfig
from hiresentry.core.errors import ConfigError

GROUP = "hiresentry.connectors"


def available() -> dict[str, str]:
    """Connector name → ``module:Class`` of every installed connector."""
    return {ep.name: ep.value for ep in entry_points(group=GROUP)}


def connector_class(name: str) -> type[Connector[ConnectorConfig]]:
    """The connector class registered as ``name``."""
    for ep in entry_points(group=GROUP):
        if ep.name == name:
            cls = ep.load()
            if not (isinstance(cls, type) and issubclass(cls, Connector)):
                raise ConfigError(f"entry point {GROUP}:{name} does not name a Connector class")
            return cls
    known = ", ".join(sorted(available())) or "none"
    raise ConfigError(f"unknown connector {name!r} (installed: {known})")
