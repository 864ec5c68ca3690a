"""The flows commands share: sync sources, screen the store, run the playbooks."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from rich.console import Console

from hiresentry.app import wiring
from hiresentry.app.common import progress_bar
from hiresentry.app.config import AppConfig, SourceSettings
from hiresentry.app.console import print_outcomes, print_sync
from hiresentry.connectors.base import SyncReport, sync
from hiresentry.core.screen import STEPS, ScreenResult, screen
from hiresentry.core.store import Store
from hiresentry.playbooks.engine import PlaybookEngine, RunReport


def run_sync(store: Store, config: AppConfig, extra: Sequence[SourceSettings], console: Console) -> list[SyncReport]:
    """Sync every configured source (and ``extra`` ones) into the store, with a progress bar."""
    connectors = wiring.build_connectors(config, extra, store)
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
    connectors = wiring.build_connectors(config, (), store)  # their hold capabilities and manual tasks
    actions = wiring.build_actions(config, store, connectors)
    engine = PlaybookEngine(store, wiring.playbooks(config), actions, mode or config.playbooks.mode)
    report = engine.run()
    print_outcomes(console, report.outcomes)
    matched = sum(1 for d in report.decisions if d[2])
    console.print(
        f"playbooks: {matched} match(es) over {len({d[0] for d in report.decisions})} case(s); "
        f"{report.count('done')} done, {report.count('monitored')} previewed (monitor), "
        f"{report.count('retry')} to retry, {report.count('failed')} failed"
    )
    return report
