"""``hiresentry playbooks``: run, list, validate and dry-run playbooks; list, approve and renew holds."""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from hiresentry.app import wiring
from hiresentry.app.common import ConfigOption, JsonOption, err, load, out
from hiresentry.app.flows import run_playbooks
from hiresentry.core.cases.view import CaseView
from hiresentry.core.errors import ApprovalRefusedError
from hiresentry.playbooks.durations import parse_duration
from hiresentry.playbooks.registry import action_classes, known_indicators, params_models
from hiresentry.playbooks.render_state import hold_line
from hiresentry.playbooks.tester import SIMULATED_EVENTS, dry_run, simulated_event
from hiresentry.playbooks.validate import validate_text

playbooks_app = typer.Typer(
    no_args_is_help=True, pretty_exceptions_show_locals=False, help="Run, check and dry-run playbooks; decide holds."
)
holds_app = typer.Typer(no_args_is_help=True, pretty_exceptions_show_locals=False, help="Payout holds and approvals.")
playbooks_app.add_typer(holds_app, name="holds")

AsOption = Annotated[str, typer.Option("--as", help="the approver (must be on approvals.approvers)")]


@playbooks_app.command("run")
def playbooks_run(
    config: ConfigOption = None,
    monitor: Annotated[bool, typer.Option("--monitor", help="decide and audit, call nothing")] = False,
) -> None:
    """Run the configured playbooks over the open cases."""
    cfg = load(config)
    store = wiring.open_store(cfg)
    report = run_playbooks(store, cfg, out, "monitor" if monitor else None)
    if report.count("failed"):
        raise typer.Exit(1)


@playbooks_app.command("list")
def playbooks_list(config: ConfigOption = None) -> None:
    """The configured playbooks, validated."""
    for playbook in wiring.playbooks(load(config)):
        actions = ", ".join(step.name for step in playbook.actions)
        on, least = ", ".join(playbook.trigger.on), playbook.trigger.at_least.value
        out.print(f"[bold]{playbook.id}[/] ({playbook.mode}): on {on}, at least {least} → {actions}", highlight=False)


@playbooks_app.command("validate")
def playbooks_validate(files: Annotated[list[Path], typer.Argument(help="playbook YAML files")]) -> None:
    """Check playbook files; every problem is printed as FILE:LINE: field: message."""
    models, known, failed = params_models(), known_indicators(), False
    for path in files:
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            err.print(f"{path}: cannot read: {exc.strerror or exc}", highlight=False)
            failed = True
            continue
        playbook, problems = validate_text(text, str(path), models, known)
        for problem in problems:
            err.print(problem, highlight=False, soft_wrap=True)
        if playbook is not None:
            out.print(
                f"{path}: OK ({playbook.id}, {len(playbook.actions)} action(s), {playbook.mode})",
                highlight=False,
                soft_wrap=True,
            )
        failed = failed or bool(problems)
    if failed:
        raise typer.Exit(1)


@playbooks_app.command("test")
def playbooks_test(
    file: Annotated[Path, typer.Argument(help="playbook YAML file")],
    case: Annotated[Path, typer.Option("--case", help="a case as `hiresentry cases show --json` prints it")],
    event: Annotated[str | None, typer.Option(help=f"simulate an event first: {', '.join(SIMULATED_EVENTS)}")] = None,
) -> None:
    """Dry-run a playbook against one case: each check and each action it would take, and why.

    Exit code 0 when the playbook would act, 1 when it would not, 2 when the input is invalid.
    """
    playbook, problems = validate_text(file.read_text(encoding="utf-8"), str(file), params_models(), known_indicators())
    if playbook is None:
        for problem in problems:
            err.print(problem, highlight=False, soft_wrap=True)
        raise typer.Exit(2)
    view = _read_case(case)
    actions: dict[str, Any] = {name: cls() for name, cls in action_classes().items()}
    try:
        simulated = simulated_event(event, view) if event else None
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from None
    result = dry_run(playbook, view, actions, simulated)
    for line in result.lines:
        out.print(line, highlight=False, markup=False, soft_wrap=True)
    raise typer.Exit(0 if result.matched else 1)


def _read_case(path: Path) -> CaseView:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        err.print(f"{path}: cannot read the case JSON: {exc}", highlight=False)
        raise typer.Exit(2) from None
    if isinstance(data, dict) and isinstance(data.get("cases"), list) and len(data["cases"]) == 1:
        data = data["cases"][0]
    try:
        return CaseView.model_validate(data)
    except ValueError as exc:
        err.print(f"{path}: not a case as `hiresentry cases show --json` prints it: {exc}", highlight=False)
        raise typer.Exit(2) from None


@holds_app.command("list")
def holds_list(
    config: ConfigOption = None,
    case: Annotated[str | None, typer.Option(help="only this case (dedup key)")] = None,
    show_all: Annotated[bool, typer.Option("--all", help="also released and expired holds")] = False,
    as_json: JsonOption = False,
) -> None:
    """Payout holds as they stand: pending ones say so (the vendor has not confirmed them)."""
    service = wiring.hold_service(load(config), wiring.open_store(load(config)))
    statuses = None if show_all else ("pending", "held", "release_requested", "releasing")
    holds = service.gate.holds(case, statuses)
    if as_json:
        sys.stdout.write(json.dumps({"holds": [h.model_dump(mode="json") for h in holds]}, indent=2) + "\n")
        return
    table = Table(title=f"{len(holds)} payout hold(s)")
    for column in ("id", "case", "hold"):
        table.add_column(column)
    for hold in holds:
        table.add_row(str(hold.id), hold.dedup_key, hold_line(hold))
    out.print(table)


@holds_app.command("approve")
def holds_approve(hold_id: int, approver: AsOption, config: ConfigOption = None) -> None:
    """Approve releasing a hold; a second, different approver releases it."""
    cfg = load(config)
    store = wiring.open_store(cfg)
    service = wiring.hold_service(cfg, store, wiring.build_connectors(cfg, (), store))
    try:
        hold = service.approve_release(hold_id, approver, "cli", dt.datetime.now(dt.UTC))
    except ApprovalRefusedError as exc:
        err.print(f"refused: {exc}", highlight=False, soft_wrap=True)
        raise typer.Exit(1) from None
    out.print(f"hold {hold.id}: {hold_line(hold)}", highlight=False, soft_wrap=True)


@holds_app.command("renew")
def holds_renew(
    hold_id: int,
    approver: AsOption,
    config: ConfigOption = None,
    duration: Annotated[str | None, typer.Option("--for", help="e.g. 14d (default approvals.renew_for)")] = None,
) -> None:
    """Keep holding (voids release approvals given so far)."""
    cfg = load(config)
    try:
        length = parse_duration(duration) if duration else None
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from None
    service = wiring.hold_service(cfg, wiring.open_store(cfg))
    try:
        hold = service.renew(hold_id, approver, dt.datetime.now(dt.UTC), length)
    except ApprovalRefusedError as exc:
        err.print(f"refused: {exc}", highlight=False, soft_wrap=True)
        raise typer.Exit(1) from None
    out.print(f"hold {hold.id}: {hold_line(hold)}", highlight=False, soft_wrap=True)
