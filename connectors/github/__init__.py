"""GitHub connector: public profiles of the GitHub accounts that workers of other sources cite.

``config.py`` (typed settings), ``directory.py`` (which accounts: workers' profile links in the
store), ``conditional.py`` (ETags and memos in the cursor, ``If-None-Match``), ``crawl.py`` (one
account: profile, repositories, commit sample, followers), ``mapping.py`` (pure payload → record
functions), ``connector.py`` (manifest, rate limits, ``check``, ``read``). Registered through the
``hiresentry.connectors`` entry point ``github``; ``docs/connectors/github.md`` describes it.
"""

from hiresentry.connectors.github.config import GitHubConfig
from hiresentry.connectors.github.connector import MANIFEST, GitHubConnector
from hiresentry.connectors.github.directory import (
    FixedDirectory,
    ProfileClaim,
    ReadsWorkers,
    StoreWorkerDirectory,
    WorkerDirectory,
)

__all__ = [
    "MANIFEST",
    "FixedDirectory",
    "GitHubConfig",
    "GitHubConnector",
    "ProfileClaim",
    "ReadsWorkers",
    "StoreWorkerDirectory",
    "WorkerDirectory",
]
