"""Google Workspace connector: login activity as access events, Directory users as workers, suspension.

``config.py`` (typed settings), ``service_account.py`` (the service-account JWT grant with
domain-wide delegation), ``mapping.py`` (pure payload → record functions), ``streams.py`` (Reports
login activity and Directory users), ``accounts.py`` (``users.update {suspended}``), ``webhook.py``
(``activities.watch`` channels), ``connector.py`` (manifest, ``check``, ``read``). Registered through
the ``hiresentry.connectors`` entry point ``google``.
"""

from hiresentry.connectors.google.config import GoogleWorkspaceConfig
from hiresentry.connectors.google.connector import MANIFEST, GoogleWorkspaceConnector

__all__ = ["MANIFEST", "GoogleWorkspaceConfig", "GoogleWorkspaceConnector"]
