"""The ``hiresentry`` command line: thin wiring over connectors, core and playbooks."""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path
from typing import Annotated

import typer

from hiresentry.app import wiring
from hiresentry.app.cases_cli import cases_app
from hiresentry.app.common import ConfigOption, JsonOption, err, load, out
from hiresentry.app.connectors_cli import check_command, connectors_app
from hiresentry.app.console import cases_document, print_case_table
from hiresentry.app.flows import run_screen, run_sync
from hiresentry.app.playbooks_cli import playbooks_app
from hiresentry.app.resolve_cli import resolve_command
from hiresentry.app.rules_cli import rules_app
from hiresentry.app.sanctions_cli import sanctions_app
from hiresentry.core.cases import CaseRepository
from hiresentry.core.errors import ConfigError, HiresentryError

app = typer.Typer(
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_show_locals=False,
    help="Keep DPRK remote IT workers out of your contractor base.",
)
app.add_typer(cases_app, name="cases")
app.add_typer(playbooks_app, name="playbooks")
app.add_typer(rules_app, name="rules")
app.add_typer(connectors_app, name="connectors")
app.command("check")(check_command)
app.add_typer(sanctions_app, name="sanctions")
app.command("resolve")(resolve_command)


@app.command("sync")
def sync_command(config: ConfigOption = None) -> None:
    """Pull every configured source into the store (incremental, resumable)."""
    cfg = load(config)
    if not cfg.sources:
        raise ConfigError("no sources configured (add a 'sources:' list to the config)")
    store = wiring.open_store(cfg)
    reports = run_sync(store, cfg, (), out)
    if any(r.problems for r in reports):
        raise typer.Exit(1)


@app.command("screen")
def screen_command(
    config: ConfigOption = None,
    source: Annotated[
        list[str] | None, typer.Option("--source", help="export:PATH or export:NAME=PATH (repeatable)")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Load the given sources, screen everyone in the store and list the cases."""
    cfg = load(config)
    console = err if as_json else out
    store = wiring.open_store(cfg)
    extra = [wiring.parse_source_option(s) for s in source or []]
    if extra or cfg.sources:
        run_sync(store, cfg, extra, console)
    run_screen(store, cfg, console)
    cases = CaseRepository(store).find(min_level=cfg.scoring.open_case_at)
    if as_json:
        sys.stdout.write(json.dumps(cases_document(cases), indent=2) + "\n")
    else:
        print_case_table(out, cases)


@app.command("demo")
def demo_command(
    out_dir: Annotated[Path, typer.Option("--out", help="folder for the generated exports and the store")] = Path(
        "hiresentry-demo"
    ),
    contractors: Annotated[int, typer.Option(help="synthetic contractors to generate")] = 2000,
    seed: Annotated[int, typer.Option(help="random seed of the synthetic population")] = 2026,
) -> None:
    """Run the whole flow on synthetic data: exports → store → screen → cases → playbooks (monitor)."""
    from hiresentry.app.demo import run_demo

    run_demo(out_dir, contractors, seed, out)


def main() -> None:
    """Console-script entry point: turn hiresentry errors into one clear line and an exit code.

    Typer handles usage errors, ``--help`` and ``typer.Exit`` itself (standalone mode); anything
    else propagates here. Tracebacks never show local variables, which could hold secrets.
    """
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    try:
        app()
    except HiresentryError as exc:
        err.print(f"[red]error:[/] {exc}", highlight=False)
        sys.exit(2 if isinstance(exc, ConfigError) else 1)
