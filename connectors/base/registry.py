"""Find connector classes by name through the ``hiresentry.connectors`` entry-point group.

Built-in connectors register exactly as third-party ones do (pyproject ``[project.entry-points]``),
so a new connector is one folder plus one entry-point line, in this project or in its own package.
A third-party package that fails to import must not take ``connectors list`` down with it: the
listing shows it as broken and names the error; only asking for *that* connector fails.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib.metadata import EntryPoint, entry_points

from hiresentry.connectors.base.connector import Connector, ConnectorConfig, Manifest
from hiresentry.core.errors import ConfigError

GROUP = "hiresentry.connectors"


@dataclass(frozen=True)
class Listing:
    """One installed connector: its entry point, and its manifest or why it could not be loaded."""

    name: str
    target: str
    manifest: Manifest | None = None
    error: str | None = None


def _entry_points() -> dict[str, EntryPoint]:
    """Name → entry point; the same target seen twice (one package on two paths) counts once."""
    found: dict[str, EntryPoint] = {}
    for ep in entry_points(group=GROUP):
        known = found.get(ep.name)
        if known is not None and known.value != ep.value:
            raise ConfigError(
                f"two installed packages register connector {ep.name!r}: {known.value} and {ep.value}; uninstall one"
            )
        found.setdefault(ep.name, ep)
    return found


def available() -> dict[str, str]:
    """Connector name → ``module:Class`` of every installed connector."""
    return {name: ep.value for name, ep in _entry_points().items()}


def _load(ep: EntryPoint) -> type[Connector[ConnectorConfig]]:
    cls = ep.load()
    if not (isinstance(cls, type) and issubclass(cls, Connector)):
        raise ConfigError(f"entry point {GROUP}:{ep.name} does not name a Connector class")
    if getattr(cls, "manifest", None) is None or cls.manifest.name != ep.name:
        raise ConfigError(f"entry point {GROUP}:{ep.name} names a connector whose manifest is not {ep.name!r}")
    return cls


def connector_class(name: str) -> type[Connector[ConnectorConfig]]:
    """The connector class registered as ``name``."""
    ep = _entry_points().get(name)
    if ep is None:
        known = ", ".join(sorted(available())) or "none"
        raise ConfigError(f"unknown connector {name!r} (installed: {known})")
    return _load(ep)


def listings() -> list[Listing]:
    """Every installed connector with its manifest, sorted by name; broken ones carry their error."""
    result: list[Listing] = []
    for name, ep in sorted(_entry_points().items()):
        try:
            result.append(Listing(name, ep.value, manifest=_load(ep).manifest))
        except Exception as exc:  # a broken plugin is shown, not fatal
            result.append(Listing(name, ep.value, error=f"{type(exc).__name__}: {exc}"))
    return result
