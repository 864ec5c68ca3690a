"""Run one connector into the store, committing every batch with its cursors."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from hiresentry.connectors.base.connector import Connector, ConnectorConfig, RecordProblem
from hiresentry.core.store import Store

log = logging.getLogger(__name__)


@dataclass
class SyncReport:
    """What a sync wrote and what it refused."""

    instance: str
    written: dict[str, int] = field(default_factory=dict)
    stale: int = 0
    batches: int = 0
    problems: list[RecordProblem] = field(default_factory=list)

    @property
    def total(self) -> int:
        """Records written over all kinds."""
        return sum(self.written.values())


def sync(
    connector: Connector[ConnectorConfig],
    store: Store,
    on_batch: Callable[[SyncReport], None] | None = None,
) -> SyncReport:
    """Read ``connector`` from its committed cursors and ingest batch by batch.

    Each batch is one transaction (records + cursors): if the vendor fails mid-sync, the batches
    already committed stay, and the next run resumes from their cursors.
    """
    report = SyncReport(connector.instance)
    state = store.cursors(connector.instance)
    for batch in connector.read(state):
        result = store.ingest(batch.records, batch.cursors)
        report.batches += 1
        report.stale += result.stale
        for kind, count in result.written.items():
            report.written[kind] = report.written.get(kind, 0) + count
        for problem in batch.problems:
            log.warning("%s: record refused: %s", connector.instance, problem)
        report.problems.extend(batch.problems)
        if on_batch is not None:
            on_batch(report)
    return report
