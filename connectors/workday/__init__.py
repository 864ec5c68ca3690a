"""Workday connector: REST staffing ``/workers`` and RaaS custom reports (identity, payment elections).

Each tenant defines its own reports, so report columns are configured per report
(:class:`~hiresentry.connectors.workday.config.ReportConfig`). Registered through the
``hiresentry.connectors`` entry point ``workday``; ``docs/connectors/workday.md`` describes config,
the recommended report layout and the mapping.
"""

from hiresentry.connectors.workday.config import ReportConfig, WorkdayConfig
from hiresentry.connectors.workday.connector import MANIFEST, WorkdayConnector

__all__ = ["MANIFEST", "ReportConfig", "WorkdayConfig", "WorkdayConnector"]
