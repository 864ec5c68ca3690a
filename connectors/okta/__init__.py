"""Okta connector: System Log sign-ins as access events, users as workers, account suspension.

``config.py`` (typed settings), ``mapping.py`` + ``geo.py`` (pure payload → record functions),
``streams.py`` (``/api/v1/logs`` and ``/api/v1/users`` as time-window streams), ``accounts.py``
(suspend/unsuspend through the user lifecycle), ``webhook.py`` (event hooks), ``connector.py``
(manifest, ``check``, ``read``). Registered through the ``hiresentry.connectors`` entry point ``okta``.
"""

from hiresentry.connectors.okta.config import OktaConfig
from hiresentry.connectors.okta.connector import MANIFEST, OktaConnector

__all__ = ["MANIFEST", "OktaConfig", "OktaConnector"]
