"""Papaya Global connector: beneficiaries (with bank details) and payment instructions.

``config.py`` (typed settings), ``auth.py`` (API key + secret → 24 h JWT), ``mapping.py`` (pure
payload → record functions), ``window.py`` (full or incremental passes), ``streams.py`` (payments,
open payments by id, beneficiaries), ``holds.py`` (un-approve / re-approve pending payments: the
``payout.hold`` and ``payout.release`` capabilities), ``connector.py`` (manifest, ``check``,
``read``, ``hold``, ``release``). Registered through the ``hiresentry.connectors`` entry point
``papaya``; see ``docs/connectors/papaya.md``.
"""

from hiresentry.connectors.papaya.config import PapayaConfig
from hiresentry.connectors.papaya.connector import MANIFEST, PapayaConnector

__all__ = ["MANIFEST", "PapayaConfig", "PapayaConnector"]
