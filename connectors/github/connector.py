"""The GitHub connector: public profiles of the accounts workers cite, read conditionally.

The connector wires the config into one :class:`HttpClient` (bearer token, ``X-GitHub-Api-Version``,
GitHub's rate limits: a success with ``X-RateLimit-Remaining: 0`` pauses until
``X-RateLimit-Reset``; a 403 or 429 that is a primary or secondary rate limit waits for
``Retry-After`` or the reset, else ``secondary_wait`` doubled per attempt; any other 403 is a
missing permission) plus a :class:`ConditionalHeader` that sends the ETag of the previous read.

``read()`` asks its :class:`WorkerDirectory` for the workers of ``worker_sources`` and their
profile links, then reads every GitHub account they name (``crawl.py``) and yields one batch per
account: its records and its cursor (``account:<login>``: who cites it, ETags and memos), so an
interrupted sync keeps every finished account. Accounts no longer cited, and workers who stopped
citing an account, get their profile records deleted.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping
from typing import Any
from urllib.parse import urlsplit

from tenacity import RetryCallState

from hiresentry.connectors.base import (
    AuthChain,
    Batch,
    BearerAuth,
    CheckResult,
    Connector,
    HttpClient,
    Manifest,
    RateLimitPolicy,
    ResetHeader,
    RetryPolicy,
    Runtime,
    shared_bucket,
    version_header,
)
from hiresentry.connectors.github import mapping
from hiresentry.connectors.github.conditional import AccountState, ConditionalFetcher, ConditionalHeader
from hiresentry.connectors.github.config import GitHubConfig
from hiresentry.connectors.github.crawl import AccountCrawler, iter_accounts, logins_by_account
from hiresentry.connectors.github.directory import ProfileClaim, WorkerDirectory
from hiresentry.core.errors import ConfigError, ConnectorError
from hiresentry.core.store import CursorUpdate

log = logging.getLogger(__name__)

MANIFEST = Manifest(
    name="github",
    title="GitHub (public profiles of the accounts workers cite)",
    record_kinds=["profiles", "profile_repos", "profile_commits", "profile_follows"],
    auth="bearer",
)


def is_rate_limited(status: int, headers: Mapping[str, str], body: Any) -> bool:
    """A 403 that is GitHub's primary or secondary rate limit rather than a missing permission.

    GitHub answers both limits with 403 or 429: the primary with ``X-RateLimit-Remaining: 0``, the
    secondary with ``Retry-After`` or a message naming the limit.
    """
    if status not in (403, 429):
        return False
    if headers.get("Retry-After") is not None or (headers.get("X-RateLimit-Remaining") or "").strip() == "0":
        return True
    message = body.get("message") if isinstance(body, Mapping) else None
    return isinstance(message, str) and "rate limit" in message.lower()


GITHUB_LIMITS = RateLimitPolicy(
    reset_headers=(ResetHeader("X-RateLimit-Reset", "epoch_seconds"),),
    remaining_headers=("X-RateLimit-Remaining",),
    throttle_statuses=frozenset({429}),
    throttle_when=is_rate_limited,
)
"""GitHub: ``X-RateLimit-Remaining``/``X-RateLimit-Reset`` (epoch seconds), 403/429 rate limits."""


class GitHubClient(HttpClient):
    """The shared HTTP client, with GitHub's advice for a secondary rate limit that names no wait.

    GitHub: wait for ``Retry-After`` if present; if ``X-RateLimit-Remaining`` is 0, until
    ``X-RateLimit-Reset``; otherwise at least a minute, longer on each retry. The base client would
    read the reset header GitHub sends on every answer and wait for the *primary* window instead
    (up to an hour), so that one case waits ``secondary_wait`` doubled per attempt.
    """

    def __init__(self, *args: Any, secondary_wait: float, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.secondary_wait = secondary_wait

    def _wait(self, state: RetryCallState) -> float:
        outcome = state.outcome.result() if state.outcome else None
        response = getattr(outcome, "response", None)
        if (
            response is not None
            and response.status_code in (403, 429)
            and response.headers.get("Retry-After") is None
            and (response.headers.get("X-RateLimit-Remaining") or "").strip() != "0"
        ):
            wait = self.secondary_wait * 2.0 ** (state.attempt_number - 1) * (1 + self._jitter() / 4)
            return min(wait, self.retry.retry_after_cap)
        return super()._wait(state)


class GitHubConnector(Connector[GitHubConfig]):
    """Reads the GitHub accounts named in workers' profile links; enriches those workers."""

    manifest = MANIFEST
    config_model = GitHubConfig

    def __init__(self, instance: str, config: GitHubConfig, *, runtime: Runtime | None = None) -> None:
        super().__init__(instance, config, runtime=runtime)
        runtime = self.runtime
        scope = config.rate_limit_scope or f"github:{urlsplit(config.base_url).netloc}"
        self.conditional = ConditionalHeader()
        self.client = GitHubClient(
            instance,
            config.base_url,
            auth=AuthChain(
                BearerAuth(config.token), version_header("X-GitHub-Api-Version", config.api_version), self.conditional
            ),
            headers={"Accept": "application/vnd.github+json"},
            connect_timeout=config.connect_timeout,
            read_timeout=config.read_timeout,
            retry=RetryPolicy(attempts=config.max_attempts, retry_after_cap=config.max_retry_wait),
            secondary_wait=config.secondary_wait,
            budget=shared_bucket(scope, config.rate_limit_per_second),
            rate_limits=GITHUB_LIMITS,
            session=runtime.session,
            sleep=runtime.sleep,
            now=runtime.now,
            jitter=runtime.jitter,
            secrets=[config.token],
        )
        self.directory: WorkerDirectory | None = None
        self.sent = 0
        self.not_modified = 0

    def use_worker_directory(self, directory: WorkerDirectory) -> None:
        """Where ``read()`` finds the workers whose profile links name GitHub accounts."""
        self.directory = directory

    def check(self) -> CheckResult:
        """``GET /rate_limit``: proves the URL and the token, and costs no rate limit."""
        try:
            body = self.client.get_json("/rate_limit")
        except ConnectorError as exc:
            return CheckResult.failure(exc)
        core = body.get("resources", {}).get("core", {}) if isinstance(body, Mapping) else {}
        remaining = core.get("remaining") if isinstance(core, Mapping) else None
        left = f"; {remaining} requests left this hour" if isinstance(remaining, int) else ""
        return CheckResult(ok=True, message=f"token accepted{left}")

    def read(self, state: Mapping[str, str]) -> Iterator[Batch]:
        """One batch per cited account (records + its cursor), then deletions for accounts no longer cited."""
        if self.directory is None:
            raise ConfigError(
                f"source {self.instance!r} (github) reads the workers of {', '.join(self.config.worker_sources)} "
                "from the store: run it through 'hiresentry sync' or 'screen' with a store"
            )
        claims = self.directory.profile_claims(self.config.worker_sources)
        accounts = logins_by_account(claims, self.config.profile_hosts)
        log.info("%s: %d GitHub accounts cited by %d worker records", self.instance, len(accounts), len(claims))
        for key, (login, owners) in accounts.items():
            yield self._account(login, owners, AccountState.decode(state.get(f"account:{key}")))
        for key, previous in iter_accounts(state):
            if key not in accounts and previous.owners:
                yield self._forget(key, previous)

    def _account(self, login: str, owners: list[ProfileClaim], previous: AccountState) -> Batch:
        now = self.runtime.now()
        current = [(o.source, o.remote_id) for o in owners]
        # a worker citing the account for the first time needs every record: read it all afresh
        known = previous.answers if set(current) <= set(previous.owners) else {}
        fetch = ConditionalFetcher(self.client, self.conditional, known)
        read = AccountCrawler(self.instance, self.config, fetch, login, owners, previous, now).run()
        dropped = [ProfileClaim(s, r, ()) for s, r in previous.owners if (s, r) not in current]
        read.records += [mapping.gone_profile(self.instance, o, login, now) for o in dropped]
        self.sent += fetch.sent
        self.not_modified += fetch.not_modified
        log.info(
            "%s: %s: %d records from %d requests (%d not modified)",
            self.instance,
            login,
            len(read.records),
            fetch.sent,
            fetch.not_modified,
        )
        cursor = CursorUpdate(self.instance, f"account:{login.lower()}", read.state.encode())
        return Batch(records=read.records, cursors=[cursor], problems=read.problems)

    def _forget(self, key: str, previous: AccountState) -> Batch:
        """No worker cites the account any more: delete its profile records (repos, commits and follows
        count only while their profile is live)."""
        now = self.runtime.now()
        records = [mapping.gone_profile(self.instance, ProfileClaim(s, r, ()), key, now) for s, r in previous.owners]
        cursor = CursorUpdate(self.instance, f"account:{key}", AccountState().encode())
        return Batch(records=list(records), cursors=[cursor])
