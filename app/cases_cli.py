"""``hiresentry cases``: list and show cases, record verdicts and suppressions."""

from __future__ import annotations

import datetime as dt
import json
import sys
from typing import Annotated

import typer
from rich.table import Table

from hiresentry.app import wiring
from hiresentry.app.common import ActorOption, ConfigOption, JsonOption, day, err, load, out
from hiresentry.app.common import actor as actor_name
from hiresentry.app.console import cases_document, print_case, print_case_table
from hiresentry.core.cases import CaseRepository, CaseView
from hiresentry.core.levels import Level
from hiresentry.core.suppressions import SuppressionRepository

cases_app = typer.Typer(no_args_is_help=True, pretty_exceptions_show_locals=False, help="Inspect and judge cases.")


@cases_app.command("list")
def cases_list(
    config: ConfigOption = None,
    level: Annotated[Level, typer.Option(help="lowest level to list")] = Level.LOW,
    as_json: JsonOption = False,
) -> None:
    """Open cases at or above a level, highest score first."""
    store = wiring.open_store(load(config))
    cases = CaseRepository(store).find(min_level=level)
    if as_json:
        sys.stdout.write(json.dumps(cases_document(cases), indent=2) + "\n")
    else:
        print_case_table(out, cases)


@cases_app.command("show")
def cases_show(dedup_key: str, config: ConfigOption = None, as_json: JsonOption = False) -> None:
    """One case with its full explanation."""
    store = wiring.open_store(load(config))
    case: CaseView | None = CaseRepository(store).get(dedup_key)
    if case is None:
        err.print(f"no case {dedup_key}")
        raise typer.Exit(1)
    if as_json:
        sys.stdout.write(json.dumps(case.model_dump(mode="json"), indent=2) + "\n")
    else:
        print_case(out, case)


@cases_app.command("judge")
def cases_judge(
    dedup_key: str,
    verdict: Annotated[str, typer.Option(help="confirmed | false_positive")],
    reason: Annotated[str, typer.Option(help="why (kept in the audit log)")],
    config: ConfigOption = None,
    actor: ActorOption = None,
) -> None:
    """Record a reviewer's verdict on a case; a false positive silences it until its evidence changes."""
    if verdict not in ("confirmed", "false_positive"):
        raise typer.BadParameter("verdict must be confirmed or false_positive")
    store = wiring.open_store(load(config))
    try:
        CaseRepository(store).judge(dedup_key, verdict, actor_name(actor), dt.datetime.now(dt.UTC), reason=reason)  # type: ignore[arg-type]
    except KeyError:
        err.print(f"no case {dedup_key}")
        raise typer.Exit(1) from None
    out.print(f"{dedup_key}: {verdict} by {actor_name(actor)}")


@cases_app.command("suppress")
def cases_suppress(
    indicator: Annotated[str, typer.Option(help="indicator id, e.g. NET-VPN-PROXY")],
    worker: Annotated[str, typer.Option(help="the worker record, SOURCE/REMOTE_ID")],
    until: Annotated[str, typer.Option(help="last day, YYYY-MM-DD (exclusive)")],
    reason: Annotated[str, typer.Option(help="why (kept in the audit log)")],
    config: ConfigOption = None,
    actor: ActorOption = None,
) -> None:
    """Stop counting one indicator for one worker until a date (scoring honours it from the next screen)."""
    cfg = load(config)
    known = {i.id for i in wiring.load_indicators(cfg)}
    if indicator not in known:
        raise typer.BadParameter(f"unknown indicator {indicator!r}")
    source, sep, remote_id = worker.partition("/")
    if not sep or not source or not remote_id:
        raise typer.BadParameter("--worker must be SOURCE/REMOTE_ID")
    repo = SuppressionRepository(wiring.open_store(cfg))
    try:
        new_id = repo.add(indicator, source, remote_id, day(until), reason, actor_name(actor), dt.datetime.now(dt.UTC))
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from None
    out.print(f"suppression {new_id}: {indicator} for {worker} until {until} ({actor_name(actor)})")


@cases_app.command("suppressions")
def cases_suppressions(config: ConfigOption = None, show_all: Annotated[bool, typer.Option("--all")] = False) -> None:
    """Suppressions in force (or every one ever made, with --all)."""
    repo = SuppressionRepository(wiring.open_store(load(config)))
    now = dt.datetime.now(dt.UTC)
    table = Table(title="suppressions")
    for column in ("id", "indicator", "worker", "until", "by", "reason", "state"):
        table.add_column(column)
    for s in repo.all() if show_all else repo.active(now):
        state = "active" if s.active(now) else ("revoked" if s.revoked_at else "expired")
        table.add_row(
            str(s.id), s.indicator, f"{s.source}/{s.worker_remote_id}", f"{s.until:%Y-%m-%d}", s.actor, s.reason, state
        )
    out.print(table)


@cases_app.command("unsuppress")
def cases_unsuppress(suppression_id: int, config: ConfigOption = None, actor: ActorOption = None) -> None:
    """Revoke a suppression early (it is kept, marked revoked)."""
    repo = SuppressionRepository(wiring.open_store(load(config)))
    try:
        repo.revoke(suppression_id, actor_name(actor), dt.datetime.now(dt.UTC))
    except KeyError as exc:
        err.print(str(exc).strip("'\""))
        raise typer.Exit(1) from None
    out.print(f"suppression {suppression_id} revoked")
