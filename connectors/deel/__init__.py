"""Deel connector: people (with personal details and bank accounts), contracts and invoices.

Copy this folder to add the next REST vendor: ``config.py`` (typed settings), ``mapping.py`` (pure
payload → record functions), ``streams.py`` (endpoint, paginator, mapping hook), ``connector.py``
(manifest, ``check``, ``read``, webhook hooks), ``webhook.py`` (scheme and payload → records),
``holds.py`` (the manual payout-hold task, for a vendor without a hold API). Registered through the
``hiresentry.connectors`` entry point ``deel``; ``docs/writing-a-connector.md`` walks through it.
"""

from hiresentry.connectors.deel.config import DeelConfig
from hiresentry.connectors.deel.connector import MANIFEST, DeelConnector

__all__ = ["MANIFEST", "DeelConfig", "DeelConnector"]
