"""Personio connector (HRIS): employees via API v1 (rotating token) or persons and employments via v2.

``config.py`` (typed settings), ``auth.py`` (v1's per-response token under a token-store lease),
``mapping.py`` (pure payload → record functions), ``streams.py`` (v1 employees, v2 persons),
``connector.py`` (manifest, ``check``, ``read``, webhook verifier). Registered through the
``hiresentry.connectors`` entry point ``personio``; ``docs/connectors/personio.md`` describes it.
"""

from hiresentry.connectors.personio.config import PersonioConfig
from hiresentry.connectors.personio.connector import MANIFEST, PersonioConnector

__all__ = ["MANIFEST", "PersonioConfig", "PersonioConnector"]
