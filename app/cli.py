"""The ``hiresentry`` command line: thin wiring over connectors, core and playbooks."""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated, Literal

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)

from hiresentry.app import wiring
from hiresentry.app.config import AppConfig, SourceSettings, load_config
from hiresentry.app.console import cases_document, print_case, print_case_table, print_outcomes, print_sync
from hiresentry.app.rules_cli import rules_app
from hiresentry.connectors.base import SyncReport, sync
from hiresentry.core.cases import CaseRepository, CaseView
from hiresentry.core.errors import ConfigError, HiresentryError
from hiresentry.core.levels import Level
from hiresentry.core.screen import STEPS, ScreenResult, screen
from hiresentry.core.store import Store
from hiresentry.playbooks.engine import PlaybookEngine, RunReport

app = typer.Typer(
    no_args_is_help=True,
    add_completion=False,
    help="Keep DPRK remote IT workers out of your contractor base.",
)
cases_app = typer.Typer(no_args_is_help=True, pretty_exceptions_show_locals=False, help="Inspect cases.")
playbooks_app = typer.Typer(
    no_args_is_help=True, pretty_exceptions_show_locals=False, help="Run and inspect playbooks."
)
app.add_typer(cases_app, name="cases")
app.add_typer(playbooks_app, name="playbooks")
app.add_typer(rules_app, name="rules")

ConfigOption = Annotated[
    Path | None,
    typer.Option("--config", "-c", envvar="HIRESENTRY_CONFIG", help="YAML config file", exists=False),
]
JsonOption = Annotated[bool, typer.Option("--json", help="print one JSON document on stdout")]

out = Console()
err = Console(stderr=True)


def _config(path: Path | None) -> AppConfig:
    return load_config(path)


def progress_bar(console: Console) -> Progress:
    """The progress bar every long command shows (on stderr when stdout carries JSON)."""
    return Progress(
        SpinnerColumn(),
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=False,
    )


def run_sync(store: Store, config: AppConfig, extra: Sequence[SourceSettings], console: Console) -> list[SyncReport]:
    """Sync every configured source (and ``extra`` ones) into the store, with a progress bar."""
    connectors = wiring.build_connectors(config, extra)
    reports = []
    with progress_bar(console) as bar:
        task = bar.add_task("loading sources", total=len(connectors))
        for connector in connectors:
            bar.update(task, description=f"loading {connector.instance}")
            reports.append(
                sync(
                    connector,
                    store,
                    on_batch=lambda r: bar.update(task, description=f"loading {r.instance}: {r.total} records"),
                )
            )
            bar.advance(task)
    for report in reports:
        print_sync(console, report)
    return reports


def run_screen(store: Store, config: AppConfig, console: Console) -> ScreenResult:
    """Screen the whole store with a progress bar over the steps."""
    indicators = wiring.load_indicators(config)
    with progress_bar(console) as bar:
        task = bar.add_task("screening", total=len(STEPS))
        result = screen(
            store,
            indicators,
            config.scoring.levels,
            config.scoring.open_case_at,
            progress=lambda step: bar.update(task, advance=1, description=f"screening: {step} done"),
        )
    stats = result.stats
    console.print(
        f"screened {stats.records} records: {stats.workers} worker records → {stats.persons} people, "
        f"{stats.evidence} evidence items, {stats.cases} cases ({stats.networks} networks) "
        f"at {config.scoring.open_case_at.value} or above "
        f"({sum(stats.seconds.values()):.1f} s)"
    )
    return result


def run_playbooks(
    store: Store, config: AppConfig, console: Console, mode: Literal["active", "monitor"] | None
) -> RunReport:
    """Run the configured playbooks over every open case and print what they did."""
    engine = PlaybookEngine(
        store, wiring.playbooks(config), wiring.build_actions(config, store), mode or config.playbooks.mode
    )
    report = engine.run()
    print_outcomes(console, report.outcomes)
    matched = sum(1 for d in report.decisions if d[2])
    console.print(
        f"playbooks: {matched} match(es) over {len({d[0] for d in report.decisions})} case(s); "
        f"{report.count('done')} done, {report.count('monitored')} previewed (monitor), "
        f"{report.count('retry')} to retry, {report.count('failed')} failed"
    )
    return report


@app.command("sync")
def sync_command(config: ConfigOption = None) -> None:
    """Pull every configured source into the store (incremental, resumable)."""
    cfg = _config(config)
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
    cfg = _config(config)
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


@cases_app.command("list")
def cases_list(
    config: ConfigOption = None,
    level: Annotated[Level, typer.Option(help="lowest level to list")] = Level.LOW,
    as_json: JsonOption = False,
) -> None:
    """Open cases at or above a level, highest score first."""
    store = wiring.open_store(_config(config))
    cases = CaseRepository(store).find(min_level=level)
    if as_json:
        sys.stdout.write(json.dumps(cases_document(cases), indent=2) + "\n")
    else:
        print_case_table(out, cases)


@cases_app.command("show")
def cases_show(dedup_key: str, config: ConfigOption = None, as_json: JsonOption = False) -> None:
    """One case with its full explanation."""
    store = wiring.open_store(_config(config))
    case: CaseView | None = CaseRepository(store).get(dedup_key)
    if case is None:
        err.print(f"no case {dedup_key}")
        raise typer.Exit(1)
    if as_json:
        sys.stdout.write(json.dumps(case.model_dump(mode="json"), indent=2) + "\n")
    else:
        print_case(out, case)


@playbooks_app.command("run")
def playbooks_run(
    config: ConfigOption = None,
    monitor: Annotated[bool, typer.Option("--monitor", help="decide and audit, call nothing")] = False,
) -> None:
    """Run the configured playbooks over the open cases."""
    cfg = _config(config)
    store = wiring.open_store(cfg)
    report = run_playbooks(store, cfg, out, "monitor" if monitor else None)
    if report.count("failed"):
        raise typer.Exit(1)


@playbooks_app.command("list")
def playbooks_list(config: ConfigOption = None) -> None:
    """The configured playbooks, validated."""
    for playbook in wiring.playbooks(_config(config)):
        actions = ", ".join(step.name for step in playbook.actions)
        out.print(f"[bold]{playbook.id}[/] ({playbook.mode}): at least {playbook.trigger.at_least.value} → {actions}")


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
