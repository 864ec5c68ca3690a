"""Upwork connector: contracts, freelancers, transaction history and work diary over GraphQL.

``config.py`` (typed settings, OAuth2 client), ``queries.py`` (every GraphQL document and where it
comes from: Upwork publishes no schema), ``graphql.py`` (one operation per POST, errors classified),
``mapping.py`` (pure payload → record functions), ``streams.py`` (Relay paging, date windows, the
work diary day by day, watermarks), ``holds.py`` (pause/restart contracts as ``payout.hold`` /
``payout.release``), ``connector.py`` (manifest, ``check``, ``read``). Registered through the
``hiresentry.connectors`` entry point ``upwork``; ``docs/connectors/upwork.md`` describes it.
"""

from hiresentry.connectors.upwork.config import UpworkConfig
from hiresentry.connectors.upwork.connector import MANIFEST, UpworkConnector

__all__ = ["MANIFEST", "UpworkConfig", "UpworkConnector"]
