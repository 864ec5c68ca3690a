"""Terminal and JSON output of cases, sync reports and action previews."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich.console import Console
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from hiresentry.connectors.base import SyncReport
from hiresentry.core.cases import CaseView
from hiresentry.core.levels import Level
from hiresentry.playbooks.engine import ActionOutcome

LEVEL_STYLE = {
    Level.INFO: "dim",
    Level.LOW: "cyan",
    Level.MEDIUM: "yellow",
    Level.HIGH: "bold red",
    Level.CRITICAL: "bold white on red",
}


def case_document(case: CaseView) -> dict[str, Any]:
    """The JSON form of one case (the ``screen --json`` contract)."""
    return {
        "dedup_key": case.dedup_key,
        "level": case.level.value,
        "score": case.score,
        "summary": case.summary,
        "workers": [{"source": w.source, "remote_id": w.remote_id} for w in case.workers],
        "evidence": [
            {
                "indicator": e.indicator,
                "title": e.title,
                "weight": e.weight,
                "explanation": e.explanation,
                "records": [str(r) for r in e.records],
                "keys": e.keys,
            }
            for e in case.evidence
        ],
    }


def cases_document(cases: Sequence[CaseView]) -> dict[str, Any]:
    """``{"cases": [...]}``: what ``screen --json`` and ``cases list --json`` print."""
    return {"cases": [case_document(c) for c in cases]}


def print_sync(console: Console, report: SyncReport, max_problems: int = 10) -> None:
    """One line per source, plus the first refused records with file, line and reason."""
    kinds = ", ".join(f"{n} {k}" for k, n in sorted(report.written.items())) or "nothing new"
    console.print(f"[bold]{report.instance}[/]: {report.total} records written ({kinds})")
    if report.stale:
        console.print(f"  {report.stale} records older than the stored copy were skipped")
    for problem in report.problems[:max_problems]:
        console.print(f"  [red]refused[/] {problem}", highlight=False)
    if len(report.problems) > max_problems:
        console.print(f"  … and {len(report.problems) - max_problems} more refused records")


def print_case_table(console: Console, cases: Sequence[CaseView]) -> None:
    """A compact table: key, level, score, indicators, names."""
    table = Table(title=f"{len(cases)} case(s)", show_lines=False)
    for column in ("dedup key", "level", "score", "indicators", "workers"):
        table.add_column(column)
    for case in cases:
        table.add_row(
            case.dedup_key,
            Text(case.level.value, style=LEVEL_STYLE[case.level]),
            f"{case.score:g}",
            ", ".join(dict.fromkeys(e.indicator for e in case.evidence)),
            ", ".join(case.display_names),
        )
    console.print(table)


def print_case(console: Console, case: CaseView) -> None:
    """A case with its full explanation: indicators, records, masked shared keys, score terms."""
    lines = Text()
    lines.append(f"{case.level.value.upper()}  score {case.score:g}", style=LEVEL_STYLE[case.level])
    lines.append(f"   {', '.join(case.display_names)}\n")
    lines.append(f"records: {', '.join(map(str, case.workers))}\n", style="dim")
    for item in case.evidence:
        lines.append(f"\n+{item.weight:g}  {item.indicator}", style="bold")
        lines.append(f"  {item.title}\n")
        lines.append(f"      {item.explanation}\n")
        lines.append(f"      records: {', '.join(map(str, item.records))}", style="dim")
        if item.keys:
            lines.append(f"   identifiers (masked): {', '.join(item.keys)}", style="dim")
        lines.append("\n")
    console.print(Panel(lines, title=f"case {case.dedup_key}", title_align="left", expand=True))


def print_outcomes(console: Console, outcomes: Sequence[ActionOutcome]) -> None:
    """What each action did, or in monitor mode would have done."""
    for outcome in outcomes:
        head = f"[{outcome.mode}] {outcome.action} for {outcome.dedup_key}: {outcome.outcome}"
        if outcome.preview is not None:
            body = Text(outcome.preview.summary + "\n\n", style="bold")
            body.append(outcome.preview.body)
            console.print(Panel(body, title=head, title_align="left"))
        elif outcome.error:
            console.print(f"[red]{head}[/]: {outcome.error}", highlight=False)
        else:
            console.print(f"{head} {dict(outcome.result or {})}", highlight=False)
