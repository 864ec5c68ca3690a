"""Which GitHub accounts to read: the profile links of workers already in the store.

The GitHub connector enriches other sources instead of listing people itself. Before each read it
asks a :class:`WorkerDirectory` for the ``profile_urls`` of the workers of its ``worker_sources``
(the HR, ATS or payroll sources that collected the candidates' links) and reads every GitHub
account they name. Its records then name that worker (``worker_source``, ``worker_remote_id``), so
GitHub evidence lands on the very identity claim that cited the account, and through resolution on
the same person as the rest of that worker's records.

The wiring hands the store-backed directory to every connector that :class:`ReadsWorkers` (and
syncs those connectors after the sources they read); tests hand in a fixed list.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Protocol, runtime_checkable
from urllib.parse import urlsplit

from sqlalchemy import Engine, select

from hiresentry.core.store import schema

_LOGIN = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$")
RESERVED = frozenset(
    {
        "about", "apps", "collections", "contact", "customer-stories", "enterprise", "events", "explore",
        "features", "login", "join", "marketplace", "new", "notifications", "orgs", "organizations", "pricing",
        "pulls", "issues", "readme", "search", "security", "settings", "site", "sponsors", "topics", "trending",
    }
)  # fmt: skip
"""First path segments of github.com that are pages, not accounts."""


def login_from_url(url: str, hosts: Collection[str]) -> str | None:
    """The account a profile link names (``https://github.com/dpark`` → ``dpark``), or None.

    A repository link names its owner (``github.com/dpark/app`` → ``dpark``); links to other hosts,
    to GitHub's own pages or with an impossible login give None.
    """
    text = url.strip()
    if not text:
        return None
    if "://" not in text:
        text = "https://" + text
    try:
        parts = urlsplit(text)
    except ValueError:
        return None
    if (parts.hostname or "").lower() not in hosts:
        return None
    segments = [s for s in parts.path.split("/") if s]
    if not segments:
        return None
    login = segments[0]
    if login.lower() in RESERVED or not _LOGIN.match(login):
        return None
    return login


@dataclass(frozen=True)
class ProfileClaim:
    """One worker record and the profile links it carries."""

    source: str
    remote_id: str
    urls: tuple[str, ...]

    @property
    def ref(self) -> str:
        """``source/remote_id`` of the worker record."""
        return f"{self.source}/{self.remote_id}"


class WorkerDirectory(Protocol):
    """Where an enrichment connector finds the workers (and their profile links) it enriches."""

    def profile_claims(self, sources: Sequence[str]) -> list[ProfileClaim]:
        """Live worker records of ``sources`` that carry at least one profile link."""
        ...


@runtime_checkable
class ReadsWorkers(Protocol):
    """A connector that enriches workers of other sources and needs a :class:`WorkerDirectory`."""

    def use_worker_directory(self, directory: WorkerDirectory) -> None:
        """Set the directory the next ``read()`` asks for worker profile links."""
        ...


class StoreWorkerDirectory:
    """The workers already in the store (what earlier sources of the same sync committed)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def profile_claims(self, sources: Sequence[str]) -> list[ProfileClaim]:
        """Live worker records of ``sources`` with profile links, in a stable order."""
        table = schema.workers
        query = (
            select(table.c.source, table.c.remote_id, table.c.profile_urls)
            .where(table.c.source.in_(list(sources)), table.c.deleted.is_(False))
            .order_by(table.c.source, table.c.remote_id)
        )
        with self.engine.connect() as conn:
            rows = conn.execute(query).all()
        return [ProfileClaim(source, remote_id, tuple(urls or ())) for source, remote_id, urls in rows if urls]


@dataclass(frozen=True)
class FixedDirectory:
    """A directory of given claims (tests, one-off reads)."""

    claims: tuple[ProfileClaim, ...]

    def profile_claims(self, sources: Sequence[str]) -> list[ProfileClaim]:
        """The given claims of ``sources``."""
        return [c for c in self.claims if c.source in sources]
