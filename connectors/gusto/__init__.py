"""Gusto Embedded connector: contractors, masked bank accounts, contractor payments, events, webhooks.

``config.py`` (typed settings), ``mapping.py`` (pure payload → record functions), ``streams.py``
(full-pass endpoints), ``changes.py`` (events → what to read back; incremental reads and webhooks),
``holds.py`` (cancel pending contractor payments while ``may_cancel``), ``webhook.py`` (the
``X-Gusto-Signature`` scheme), ``connector.py`` (manifest, ``check``, ``read``, hold). Registered
through the ``hiresentry.connectors`` entry point ``gusto``; see ``docs/connectors/gusto.md``.
"""

from hiresentry.connectors.gusto.config import GustoConfig
from hiresentry.connectors.gusto.connector import MANIFEST, GustoConnector

__all__ = ["MANIFEST", "GustoConfig", "GustoConnector"]
