"""Merge connector (unified HRIS API): employees, employments, bank info and payroll runs of one linked account.

``config.py`` (typed settings), ``mapping.py`` (pure common model → record functions),
``streams.py`` (cursor pages, ``modified_after`` watermarks, lookups of locations, payroll runs and
currencies), ``connector.py`` (manifest, ``check``, ``read``), ``webhook.py`` (signature scheme and
payload → records). Registered through the ``hiresentry.connectors`` entry point ``merge``;
``docs/connectors/merge.md`` describes it.
"""

from hiresentry.connectors.merge.config import MergeConfig
from hiresentry.connectors.merge.connector import MANIFEST, MergeConnector

__all__ = ["MANIFEST", "MergeConfig", "MergeConnector"]
