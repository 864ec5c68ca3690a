"""Conditional requests: remember every answer's ETag so a re-sync of unchanged data costs nothing.

GitHub answers a request carrying ``If-None-Match: <etag>`` with ``304 Not Modified`` when nothing
changed, and a 304 does not count against the primary rate limit. The connector keeps, per
account, the ETag of every URL it read in that account's cursor (committed with the records the
answers became), together with a small *memo*: what the traversal needs from an answer to go on
(the repositories a page listed, a history's last-page link, a follower's counts), so that a 304
can be followed without the body. Records are only built from fresh (200) answers: an unchanged
answer's records are already in the store.

:class:`ConditionalHeader` is a ``requests`` auth adapter in the client's chain that adds the
header for the one request being sent; the shared HTTP client (retries, rate limits, masking)
stays as it is.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Collection, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Literal

import requests

from hiresentry.connectors.base import HttpClient
from hiresentry.core.errors import VendorResponseError

log = logging.getLogger(__name__)

STATE_VERSION = 1
Memo = Callable[[Any, Mapping[str, str]], Any]


class ConditionalHeader(requests.auth.AuthBase):
    """Adds ``If-None-Match`` with the ETag set for the request being sent (retries included)."""

    def __init__(self) -> None:
        self.etag: str | None = None

    @contextmanager
    def using(self, etag: str | None) -> Iterator[None]:
        """Send the requests made inside the block conditionally on ``etag`` (None: unconditionally)."""
        self.etag = etag
        try:
            yield
        finally:
            self.etag = None

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        if self.etag:
            request.headers["If-None-Match"] = self.etag
        return request

    def __repr__(self) -> str:
        return "ConditionalHeader()"


@dataclass(frozen=True)
class Cached:
    """What is remembered of one answer: its ETag and the memo the traversal needs."""

    etag: str
    memo: Any = None


@dataclass(frozen=True)
class Answer:
    """One GET, as the traversal sees it: fresh (200, with a body), unchanged (304) or missing."""

    url: str
    status: Literal["fresh", "unchanged", "missing"]
    body: Any = None
    headers: Mapping[str, str] = field(default_factory=dict)
    memo: Any = None

    @property
    def fresh(self) -> bool:
        """True for a 200: its records must be (re)written."""
        return self.status == "fresh"


@dataclass
class AccountState:
    """The cursor of one account: who cites it, and the ETag + memo of every URL read for it."""

    owners: list[tuple[str, str]] = field(default_factory=list)
    answers: dict[str, Cached] = field(default_factory=dict)
    followers: dict[str, str] = field(default_factory=dict)
    """Follower login → account id of the follow records written (to delete those that unfollow)."""
    repos: list[str] = field(default_factory=list)
    """Full names of the repository records written (to delete those that disappear)."""

    def encode(self) -> str:
        """The cursor value committed with the account's records."""
        return json.dumps(
            {
                "v": STATE_VERSION,
                "owners": [list(o) for o in self.owners],
                "answers": {url: [c.etag, c.memo] for url, c in sorted(self.answers.items())},
                "followers": dict(sorted(self.followers.items())),
                "repos": sorted(self.repos),
            },
            sort_keys=True,
            separators=(",", ":"),
        )

    @classmethod
    def decode(cls, value: str | None) -> AccountState:
        """Read a committed cursor; anything unreadable starts the account afresh (unconditionally)."""
        if not value:
            return cls()
        try:
            data = json.loads(value)
            if data.get("v") != STATE_VERSION:
                raise ValueError("other version")
            return cls(
                owners=[(str(s), str(r)) for s, r in data["owners"]],
                answers={str(url): Cached(str(etag), memo) for url, (etag, memo) in data["answers"].items()},
                followers={str(k): str(v) for k, v in data.get("followers", {}).items()},
                repos=[str(r) for r in data.get("repos", [])],
            )
        except (ValueError, TypeError, KeyError, AttributeError):
            log.warning("ignoring an unreadable GitHub account cursor; the account is read afresh")
            return cls()


class ConditionalFetcher:
    """GETs with the ETags of the previous read; collects the ETags of this one.

    ``previous`` is the last committed state's answers (empty: everything is read unconditionally).
    ``sent``/``not_modified`` count requests for reports and tests.
    """

    def __init__(self, client: HttpClient, header: ConditionalHeader, previous: Mapping[str, Cached]) -> None:
        self.client = client
        self.header = header
        self.previous = dict(previous)
        self.answers: dict[str, Cached] = {}
        self.sent = 0
        self.not_modified = 0

    def get(
        self,
        url: str,
        *,
        memo: Memo | None = None,
        missing: Collection[int] = (404,),
        conditional: bool = True,
        recheck_missing: bool = True,
    ) -> Answer:
        """GET ``url`` (a path under the API or a same-origin link), conditionally if we have its ETag.

        A 404 or 409 carries no ETag, so it cannot be asked conditionally; it is remembered, and with
        ``recheck_missing`` off (the caller knows nothing that could change it changed: no new push,
        no new repository) it is not asked again.
        """
        known = self.previous.get(url) if conditional else None
        if known is not None and _missing(known) is not None:
            if not recheck_missing:
                self.answers[url] = known
                return Answer(url, "missing", memo=None)
            known = None
        with self.header.using(known.etag if known else None):
            response = self.client.request("GET", url, allow=(304, *missing))
        self.sent += 1
        if response.status_code == 304:
            if known is None:  # a 304 to an unconditional request: nothing to reuse, a broken contract
                raise VendorResponseError(
                    self.client.connector, f"GET {_shown(url)} → 304 without a conditional request"
                )
            self.not_modified += 1
            self.answers[url] = known
            return Answer(url, "unchanged", None, response.headers, known.memo)
        if response.status_code in missing:
            self.answers[url] = Cached("", {MISSING: response.status_code})
            return Answer(url, "missing", None, response.headers)
        try:
            body = response.json()
        except ValueError:
            raise VendorResponseError(self.client.connector, f"GET {_shown(url)}: the body is not JSON") from None
        kept = memo(body, response.headers) if memo is not None else None
        etag = response.headers.get("ETag")
        if etag:
            self.answers[url] = Cached(etag, kept)
        return Answer(url, "fresh", body, response.headers, kept)


MISSING = "missing"
"""Memo key of a remembered 404/409 (no ETag: the answer itself is what is remembered)."""


def _missing(cached: Cached) -> int | None:
    memo = cached.memo
    return memo.get(MISSING) if not cached.etag and isinstance(memo, dict) else None


def _shown(url: str) -> str:
    """A URL for messages: never the query string."""
    return url.split("?", 1)[0]
