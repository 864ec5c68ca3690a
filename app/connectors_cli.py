"""``hiresentry connectors list`` and ``hiresentry check NAME``: what is installed, and does a source work.

``connectors list`` reads the ``hiresentry.connectors`` entry points (built-in and third-party alike)
and shows each manifest: record kinds, auth, webhook scheme, capabilities, and whether a payout hold
is a manual task. A plugin that fails to import is listed with its error instead of breaking the list.

``check NAME`` builds the configured source ``NAME`` (``sources:`` in the config file) and runs its
connection test. Exit codes: 0 connected, 1 the test failed (the stable code says why:
``invalid_auth``, ``cannot_connect``, ``forbidden_scope``, ``rate_limited``, ``unknown``), 2 the
configuration is wrong (unknown source or connector, invalid settings, unresolvable secret).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from hiresentry.app.config import AppConfig, SourceSettings, load_config
from hiresentry.app.wiring import open_store
from hiresentry.connectors.base import CheckResult, Connector, ConnectorConfig, Runtime
from hiresentry.connectors.base.registry import connector_class, listings
from hiresentry.connectors.base.token_store import SqlTokenStore, TokenCipher
from hiresentry.connectors.base.webhook_schemes import schemes
from hiresentry.core.errors import ConfigError, ConnectorError, HiresentryError

connectors_app = typer.Typer(no_args_is_help=True, pretty_exceptions_show_locals=False, help="Installed connectors.")
out = Console()
err = Console(stderr=True)

ConfigOption = Annotated[
    Path | None,
    typer.Option("--config", "-c", envvar="HIRESENTRY_CONFIG", help="YAML config file", exists=False),
]
JsonOption = Annotated[bool, typer.Option("--json", help="print one JSON document on stdout")]


def _rows() -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    found = listings()  # loading a plugin may register its webhook scheme: list schemes afterwards
    known = schemes()
    for item in found:
        if item.manifest is None:
            rows.append({"name": item.name, "target": item.target, "error": item.error})
            continue
        m = item.manifest
        rows.append(
            {
                "name": item.name,
                "title": m.title,
                "record_kinds": list(m.record_kinds),
                "auth": m.auth,
                "webhook": m.webhook,
                "webhook_scheme": known.get(m.webhook) if m.webhook else None,
                "capabilities": list(m.capabilities),
                "manual_hold": m.manual_hold is not None,
                "target": item.target,
            }
        )
    return rows


@connectors_app.command("list")
def connectors_list(as_json: JsonOption = False) -> None:
    """Every installed connector: name, title, record kinds, auth, webhook scheme, capabilities."""
    rows = _rows()
    if as_json:
        typer.echo(json.dumps(rows, indent=2))
        return
    table = Table(title="connectors")
    for column in ("name", "title", "record kinds", "auth", "webhook", "capabilities"):
        table.add_column(column, overflow="fold")
    for row in rows:
        if "error" in row:
            table.add_row(row["name"], f"[red]cannot load[/] {row['target']}: {row['error']}", "", "", "", "")
            continue
        capabilities = ", ".join(row["capabilities"]) or ("manual hold task" if row["manual_hold"] else "—")
        webhook = row["webhook"] or "—"
        if row["webhook"] and row["webhook_scheme"] is None:
            webhook += " (unregistered scheme)"
        table.add_row(row["name"], row["title"], ", ".join(row["record_kinds"]), row["auth"], webhook, capabilities)
    out.print(table)


def _source(config: AppConfig, name: str) -> SourceSettings:
    for source in config.sources:
        if source.name == name:
            return source
    known = ", ".join(s.name for s in config.sources) or "none configured"
    raise ConfigError(f"no source named {name!r} in the config (sources: {known})")


def _runtime(config: AppConfig, cls: type[Connector[ConnectorConfig]]) -> Runtime:
    """OAuth2 connectors keep tokens in the store; everything else needs nothing from outside."""
    if not cls.manifest.auth.startswith("oauth2"):
        return Runtime()
    store = open_store(config)
    return Runtime(token_store=SqlTokenStore(store.engine, TokenCipher(config.keys.hmac_key)))


def run_check(config: AppConfig, name: str) -> tuple[SourceSettings, CheckResult]:
    """Build source ``name`` and run its connection test (configuration problems raise ConfigError)."""
    source = _source(config, name)
    cls = connector_class(source.connector)
    connector = cls.from_config(source.name, source.config, _runtime(config, cls))
    try:
        return source, connector.check()
    except ConnectorError as exc:  # check() should not raise, but a third-party one might
        return source, CheckResult.failure(exc)


def check_command(
    name: Annotated[str, typer.Argument(help="a source name from the config's 'sources:' list")],
    config: ConfigOption = None,
    as_json: JsonOption = False,
) -> None:
    """Run the connection test of the configured source NAME (exit 0 ok, 1 failed, 2 config error)."""
    try:
        source, result = run_check(load_config(config), name)
    except HiresentryError as exc:
        err.print(f"[red]error:[/] {exc}", highlight=False)
        raise typer.Exit(2) from None
    if as_json:
        document = {"source": source.name, "connector": source.connector, **vars(result)}
        typer.echo(json.dumps(document, indent=2))
    elif result.ok:
        out.print(f"[green]ok[/] {source.name} ({source.connector}): {result.message}", highlight=False)
    else:
        out.print(f"[red]{result.code}[/] {source.name} ({source.connector}): {result.message}", highlight=False)
    raise typer.Exit(0 if result.ok else 1)


connectors_app.command("check")(check_command)
