"""Finch connector (unified payroll/HRIS API): directory, individuals, employments and pay statements.

``config.py`` (typed settings), ``api.py`` (one client per Finch product, ``finch_code`` handling),
``mapping.py`` (pure payload → record functions), ``streams.py`` (directory pages with batched
individual/employment calls; payment windows with pay statements), ``connector.py`` (manifest,
``check`` via ``/introspect``, ``read``, Svix webhook verifier). Registered through the
``hiresentry.connectors`` entry point ``finch``; ``docs/connectors/finch.md`` describes it.
"""

from hiresentry.connectors.finch.config import FinchConfig
from hiresentry.connectors.finch.connector import MANIFEST, FinchConnector

__all__ = ["MANIFEST", "FinchConfig", "FinchConnector"]
