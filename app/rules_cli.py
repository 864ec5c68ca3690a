"""``hiresentry rules``: list, show, check and test the indicator catalogue."""

from __future__ import annotations

import typer
import yaml
from rich.console import Console
from rich.table import Table

from hiresentry.core.indicators import check, load_catalogue, load_specs
from hiresentry.core.indicators.golden import run_all
from hiresentry.core.indicators.registry import functions

rules_app = typer.Typer(no_args_is_help=True, help="The indicator catalogue.")
out = Console()


@rules_app.command("list")
def rules_list() -> None:
    """Every indicator: id, severity, weight, maturity, title."""
    table = Table(title="indicators")
    for column in ("id", "severity", "weight", "maturity", "title"):
        table.add_column(column)
    for spec in load_specs():
        table.add_row(spec.id, spec.severity, f"{spec.weight:g}", spec.maturity, spec.title)
    out.print(table)


@rules_app.command("show")
def rules_show(indicator_id: str) -> None:
    """One indicator's full definition (YAML), including false positives and golden tests."""
    for spec in load_specs():
        if spec.id == indicator_id:
            out.print(yaml.safe_dump(spec.model_dump(mode="json"), sort_keys=False, allow_unicode=True))
            return
    out.print(f"no indicator {indicator_id}")
    raise typer.Exit(1)


@rules_app.command("check")
def rules_check() -> None:
    """Check the catalogue: unique ids, functions, golden tests, known inputs, no origin-only rules."""
    problems = check(load_specs(), functions())
    for problem in problems:
        out.print(f"[red]✗[/] {problem}", highlight=False)
    if problems:
        raise typer.Exit(1)
    out.print("catalogue OK")


@rules_app.command("test")
def rules_test(indicator_id: str | None = typer.Argument(None, help="only this indicator")) -> None:
    """Run the golden tests (positive and negative samples) of the catalogue."""
    indicators = load_catalogue()
    if indicator_id:
        indicators = [i for i in indicators if i.id == indicator_id]
        if not indicators:
            out.print(f"no indicator {indicator_id}")
            raise typer.Exit(1)
    results = run_all(indicators)
    for result in results:
        mark = "[green]✓[/]" if result.passed else "[red]✗[/]"
        out.print(f"{mark} {result.indicator}: {result.case} — {result.detail}", highlight=False)
    failed = sum(1 for r in results if not r.passed)
    out.print(f"{len(results) - failed} passed, {failed} failed")
    if failed:
        raise typer.Exit(1)
