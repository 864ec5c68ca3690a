"""Rippling connector: legacy Platform API employees (+ terminated) and new REST API workers.

``config.py`` (typed settings, which API), ``mapping.py`` (both payload shapes → workers and
engagements), ``streams.py`` (legacy offset pages; REST ``next_link`` walk that stops at the last
sync's watermark), ``holds.py`` (the manual payout-hold task), ``connector.py`` (manifest,
``check``, ``read``). Registered through the ``hiresentry.connectors`` entry point ``rippling``;
see ``docs/connectors/rippling.md``.
"""

from hiresentry.connectors.rippling.config import RipplingConfig
from hiresentry.connectors.rippling.connector import MANIFEST, RipplingConnector

__all__ = ["MANIFEST", "RipplingConfig", "RipplingConnector"]
