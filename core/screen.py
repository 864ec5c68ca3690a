"""One screen of the whole population: load → resolve → indicators → score → network → cases.

Every step is set-based over the whole population; the only Python loops run over hits and
cases, which are few. ``progress`` lets a caller (the CLI's progress bar) follow the steps.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import polars as pl

from hiresentry.core.cases import CaseChange, CaseDraft, CaseRepository, build_drafts
from hiresentry.core.cases.network_cases import build_network_drafts
from hiresentry.core.incremental import affected_persons, sub_population
from hiresentry.core.indicators import Indicator, evaluate
from hiresentry.core.levels import Level, LevelThresholds
from hiresentry.core.model import Record, Worker
from hiresentry.core.network import DEFAULT_PARAMS as NETWORK_PARAMS
from hiresentry.core.network import Network, build_network
from hiresentry.core.population import Population
from hiresentry.core.resolve import Resolution, resolve
from hiresentry.core.score import score
from hiresentry.core.store import Store
from hiresentry.core.suppressions import Suppression, SuppressionRepository, apply_suppressions

STEPS = ("load", "resolve", "indicators", "score", "network", "cases")
Progress = Callable[[str], None]


@dataclass
class ScreenStats:
    """Sizes and per-step timings (seconds) of one screen."""

    records: int = 0
    workers: int = 0
    persons: int = 0
    evidence: int = 0
    cases: int = 0
    networks: int = 0
    seconds: dict[str, float] = field(default_factory=dict)


@dataclass
class ScreenResult:
    """What a screen computed and what it changed in the store."""

    drafts: list[CaseDraft]
    changes: list[CaseChange]
    stats: ScreenStats
    evidence: pl.DataFrame
    resolution: Resolution
    network: Network


@dataclass
class Assessment:
    """Everything computed about a population, before anything is written."""

    drafts: list[CaseDraft]
    evidence: pl.DataFrame
    resolution: Resolution
    network: Network


def assess(
    pop: Population,
    indicators: Sequence[Indicator],
    thresholds: LevelThresholds,
    open_at: Level,
    progress: Progress | None = None,
    stats: ScreenStats | None = None,
    network_params: Mapping[str, Any] | None = None,
    suppressions: Sequence[Suppression] = (),
    resolution: Resolution | None = None,
) -> Assessment:
    """Resolve, evaluate, score and link a population; return case drafts (nothing is written).

    With ``resolution`` given, ``pop`` already carries its ``pid`` column (an incremental run
    resolves the whole population and assesses only the affected part of it).
    """
    stats = stats or ScreenStats()
    step = _Stepper(stats, progress)
    if resolution is None:
        with step("resolve"):
            resolution = resolve(pop)
            pop = pop.with_persons(resolution.persons)
    with step("indicators"):
        evidence = apply_suppressions(evaluate(indicators, pop), pop.workers, list(suppressions))
    with step("score"):
        scores = score(evidence, thresholds)
        drafts: list[CaseDraft] = list(build_drafts(pop, evidence, scores, open_at))
    with step("network"):
        network = build_network(pop, network_params)
        networks = build_network_drafts(pop, network, evidence, thresholds, open_at)
    stats.workers = pop.workers.height
    stats.persons = resolution.persons["pid"].n_unique() if resolution.persons.height else 0
    stats.evidence = evidence.height
    stats.networks = len(networks)
    return Assessment([*drafts, *networks], evidence, resolution, network)


def screen(
    store: Store,
    indicators: Sequence[Indicator],
    thresholds: LevelThresholds,
    open_at: Level,
    now: dt.datetime | None = None,
    progress: Progress | None = None,
    network_params: Mapping[str, Any] | None = None,
    touched: Collection[tuple[str, str]] | None = None,
) -> ScreenResult:
    """Screen the store and save the resulting cases.

    ``touched`` (worker refs ``(source, remote_id)`` whose records changed) makes the run
    incremental: the whole population is resolved, but only the persons a change can affect
    (``core.incremental``) are evaluated, and only their cases are written or cleared.
    """
    now = now or dt.datetime.now(dt.UTC)
    stats = ScreenStats()
    step = _Stepper(stats, progress)
    with step("load"):
        pop = Population.from_store(store)
    stats.records = pop.size()
    active = SuppressionRepository(store).active(now)
    if touched is None:
        found = assess(pop, indicators, thresholds, open_at, progress, stats, network_params, active)
        scope = None
    else:
        with step("resolve"):
            resolution = resolve(pop)
            pop = pop.with_persons(resolution.persons)
            part = sub_population(pop, _affected(pop, touched, indicators, network_params))
            scope = set(zip(part.workers["source"].to_list(), part.workers["remote_id"].to_list(), strict=True))
        found = assess(part, indicators, thresholds, open_at, progress, stats, network_params, active, resolution)
    with step("cases"):
        changes = CaseRepository(store).save(found.drafts, now, full_run=touched is None, scope=scope)
    stats.cases = len(found.drafts)
    return ScreenResult(found.drafts, changes, stats, found.evidence, found.resolution, found.network)


def _affected(
    pop: Population,
    touched: Collection[tuple[str, str]],
    indicators: Sequence[Indicator],
    network_params: Mapping[str, Any] | None,
) -> set[int]:
    """Persons related to the touched worker records (see ``core.incremental``)."""
    wanted = pl.DataFrame(
        {"source": [t[0] for t in touched], "remote_id": [t[1] for t in touched]},
        schema={"source": pl.Utf8, "remote_id": pl.Utf8},
    )
    seeds = pop.workers.join(wanted, on=["source", "remote_id"], how="semi")["pid"].to_list()
    # only VPNs every relating consumer approves are corporate egress that relates no one
    network_approved = (network_params or {}).get("approved_vpn_providers", NETWORK_PARAMS["approved_vpn_providers"])
    lists = [{p.lower() for p in network_approved}]
    lists += [
        {p.lower() for p in i.parameters["approved_vpn_providers"]}
        for i in indicators
        if i.enabled and "approved_vpn_providers" in i.parameters
    ]
    return affected_persons(pop, seeds, set.intersection(*lists))


def touched_workers(records: Iterable[Record]) -> set[tuple[str, str]]:
    """Worker refs a batch of records touches (a record of any kind touches its worker).

    A profile record may name a worker of another source (``worker_source``): that worker is touched.
    """
    return {
        (
            getattr(r, "worker_source", None) or r.source,
            r.remote_id if isinstance(r, Worker) else str(getattr(r, "worker_remote_id", r.remote_id)),
        )
        for r in records
    }


class _Stepper:
    """Times named steps into ``stats.seconds`` and reports them to ``progress``."""

    def __init__(self, stats: ScreenStats, progress: Progress | None) -> None:
        self.stats = stats
        self.progress = progress
        self._name = ""
        self._start = 0.0

    def __call__(self, name: str) -> _Stepper:
        self._name = name
        return self

    def __enter__(self) -> None:
        self._start = time.perf_counter()

    def __exit__(self, *exc: object) -> None:
        self.stats.seconds[self._name] = time.perf_counter() - self._start
        if self.progress and exc[0] is None:
            self.progress(self._name)
