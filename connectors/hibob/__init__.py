"""HiBob connector: people (identity, bank accounts) and payroll history from Bob's public API.

People are searched with configurable field paths and read in depth only when they changed; Bob's
webhooks (``Bob-Signature``, HMAC-SHA512) make a change current at once. Registered through the
``hiresentry.connectors`` entry point ``hibob``; ``docs/connectors/hibob.md`` describes config and
mapping.
"""

from hiresentry.connectors.hibob.config import HiBobConfig
from hiresentry.connectors.hibob.connector import MANIFEST, HiBobConnector

__all__ = ["MANIFEST", "HiBobConfig", "HiBobConnector"]
