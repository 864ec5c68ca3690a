"""Microsoft Entra ID connector: Graph sign-in logs as access events, users as workers, suspension.

``config.py`` (typed settings), ``mapping.py`` (pure payload → record functions), ``streams.py``
(``/auditLogs/signIns`` and ``/users``), ``accounts.py`` (disable/re-enable accounts),
``connector.py`` (manifest, ``check``, ``read``). Registered through the ``hiresentry.connectors``
entry point ``entra``.
"""

from hiresentry.connectors.entra.config import EntraConfig
from hiresentry.connectors.entra.connector import MANIFEST, EntraConnector

__all__ = ["MANIFEST", "EntraConfig", "EntraConnector"]
