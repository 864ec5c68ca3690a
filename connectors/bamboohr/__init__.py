"""BambooHR connector: employees (identity and employment) from BambooHR's public API.

A full pass lists employees (the cursor-paginated ``/api/v1/employees`` or the directory) and reads
each with Get Employee; later syncs read only what ``/employees/changed?since=`` names. Webhooks are
verified with the registry's ``bamboohr`` scheme. Registered through the ``hiresentry.connectors``
entry point ``bamboohr``; ``docs/connectors/bamboohr.md`` describes config and mapping.
"""

from hiresentry.connectors.bamboohr.config import BambooHRConfig
from hiresentry.connectors.bamboohr.connector import MANIFEST, BambooHRConnector

__all__ = ["MANIFEST", "BambooHRConfig", "BambooHRConnector"]
