"""Payoneer connector: payees (with payout method) and payouts of a Mass Payouts program.

``config.py`` (typed settings), ``mapping.py`` (pure payload → record functions), ``streams.py``
(the date-windowed payees report), ``holds.py`` (cancel pending payouts: the ``payout.hold``
capability), ``connector.py`` (manifest, OAuth2 client credentials, ``check``, ``read``, ``hold``).
Registered through the ``hiresentry.connectors`` entry point ``payoneer``; see
``docs/connectors/payoneer.md``.
"""

from hiresentry.connectors.payoneer.config import PayoneerConfig
from hiresentry.connectors.payoneer.connector import MANIFEST, PayoneerConnector

__all__ = ["MANIFEST", "PayoneerConfig", "PayoneerConnector"]
