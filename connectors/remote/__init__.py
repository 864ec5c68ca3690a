"""Remote connector: employments (with personal, address and bank details), contractor invoices, webhooks.

``config.py`` (typed settings, token or OAuth2), ``mapping.py`` (pure payload → record functions
over Remote's country-specific forms), ``streams.py`` (employments whose details are re-read only
when changed; invoices in a moving date window), ``holds.py`` (the manual payout-hold task),
``webhook.py`` (the ``X-Remote-Signature`` scheme), ``connector.py`` (manifest, ``check``, ``read``,
webhooks). Registered through the ``hiresentry.connectors`` entry point ``remote``; see
``docs/connectors/remote.md``.
"""

from hiresentry.connectors.remote.config import RemoteConfig
from hiresentry.connectors.remote.connector import MANIFEST, RemoteConnector

__all__ = ["MANIFEST", "RemoteConfig", "RemoteConnector"]
