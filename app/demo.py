"""``hiresentry demo``: the whole flow on a synthetic population, nothing external called.

Generates ~2,000 contractors in three exports (HR as CSV, payroll and identity provider as JSON
Lines) with planted scheme patterns and benign look-alikes, loads them into a fresh SQLite store,
screens, prints the top cases with their explanations, runs the shipped playbooks in monitor mode
(printing the Jira ticket, Slack message and payout hold they *would* make), and checks the result
against the generator's ground truth.
"""

from __future__ import annotations

import os
import secrets
import sys
from pathlib import Path

import typer
from pydantic import SecretStr
from rich.console import Console

from hiresentry.app import wiring
from hiresentry.app.config import AppConfig, KeySettings, PlaybookSettings, SourceSettings, StoreSettings
from hiresentry.app.console import print_case, print_case_table
from hiresentry.app.flows import run_playbooks, run_screen, run_sync
from hiresentry.app.synthetic import Truth, generate
from hiresentry.core.cases import CaseRepository, CaseView
from hiresentry.core.store import sqlite_url

TOP_CASES = 5

SOURCES = ("hr", "payroll", "idp")


def demo_key(out_dir: Path) -> SecretStr:
    """The link-key secret: ``HIRESENTRY_HMAC_KEY`` if set, else a random key kept beside the store."""
    from_env = os.environ.get("HIRESENTRY_HMAC_KEY")
    if from_env:
        return SecretStr(from_env)
    path = out_dir / "demo-hmac.key"
    if not path.exists():
        path.write_text(secrets.token_hex(32), encoding="utf-8")
        path.chmod(0o600)
    return SecretStr(path.read_text(encoding="utf-8").strip())


def check_truth(truth: Truth, cases: list[CaseView]) -> tuple[list[str], list[str]]:
    """Planted groups that no case caught, and benign groups that a case flagged."""
    by_ref: dict[str, list[CaseView]] = {}
    for case in cases:
        for worker in case.workers:
            by_ref.setdefault(str(worker), []).append(case)
    missed = []
    for group in truth.planted:
        hit = any(
            group.pattern in {e.indicator for e in case.evidence}
            for record in group.records
            for case in by_ref.get(f"{record.source}/{record.remote_id}", [])
        )
        if not hit:
            missed.append(f"{group.pattern}: {group.note}")
    flagged = [
        f"{group.pattern} look-alike: {group.note}"
        for group in truth.benign
        if any(f"{r.source}/{r.remote_id}" in by_ref for r in group.records)
    ]
    return missed, flagged


def run_demo(out_dir: Path, contractors: int, seed: int, console: Console) -> None:
    """Run the demo end to end; raises on any failure so the exit code tells."""
    out_dir = out_dir.resolve()
    exports = out_dir / "exports"
    exports.mkdir(parents=True, exist_ok=True)
    console.rule("[bold]hiresentry demo")
    console.print(f"generating {contractors} synthetic contractors (seed {seed}) into {exports}")
    truth = generate(contractors, seed, exports)
    console.print(f"planted {len(truth.planted)} scheme patterns and {len(truth.benign)} benign look-alikes")

    store_path = out_dir / "hiresentry.db"
    for stale in (
        store_path,
        store_path.with_name(store_path.name + "-wal"),
        store_path.with_name(store_path.name + "-shm"),
    ):
        stale.unlink(missing_ok=True)
    config = AppConfig(
        store=StoreSettings(url=sqlite_url(store_path)),
        keys=KeySettings(hmac_key=demo_key(out_dir)),
        sources=[SourceSettings(name=s, connector="export", config={"path": str(exports / s)}) for s in SOURCES],
        playbooks=PlaybookSettings(paths=["builtin"], mode="monitor"),
    )
    store = wiring.open_store(config)

    console.rule("[bold]1. load the exports")
    run_sync(store, config, (), console)
    console.rule("[bold]2. screen")
    run_screen(store, config, console)
    cases = CaseRepository(store).find(min_level=config.scoring.open_case_at)
    print_case_table(console, cases)
    console.rule(f"[bold]3. top {min(TOP_CASES, len(cases))} cases, explained")
    for case in cases[:TOP_CASES]:
        print_case(console, case)
    console.rule("[bold]4. shipped playbooks in monitor mode (nothing is called)")
    run_playbooks(store, config, console, "monitor")

    console.rule("[bold]5. against the generator's ground truth")
    missed, flagged = check_truth(truth, cases)
    caught = len(truth.planted) - len(missed)
    console.print(f"planted patterns caught: {caught}/{len(truth.planted)}")
    console.print(f"benign look-alikes flagged: {len(flagged)}/{len(truth.benign)}")
    for line in missed:
        console.print(f"  [red]missed[/] {line}", highlight=False)
    for line in flagged:
        console.print(f"  [red]false positive[/] {line}", highlight=False)
    config_path = out_dir / "hiresentry.yaml"
    config_path.write_text(
        f"# written by hiresentry demo\nstore:\n  url: {sqlite_url(store_path)}\n"
        "keys:\n  hmac_key: env:HIRESENTRY_HMAC_KEY\n",
        encoding="utf-8",
    )
    console.rule()
    console.print(f"store written to [bold]{store_path}[/]")
    program = Path(sys.argv[0]).resolve() if sys.argv and sys.argv[0].endswith("hiresentry") else "hiresentry"
    console.print(
        f"inspect it: HIRESENTRY_HMAC_KEY=$(cat {out_dir / 'demo-hmac.key'}) {program} cases list -c {config_path}"
        if not os.environ.get("HIRESENTRY_HMAC_KEY")
        else f"inspect it: {program} cases list -c {config_path}",
        highlight=False,
        soft_wrap=True,
    )
    store.close()
    if missed or flagged:
        # the demo is also a smoke test of the whole flow: disagreeing with the truth is a failure
        raise typer.Exit(1)
