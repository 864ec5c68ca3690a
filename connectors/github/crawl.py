"""Reading one GitHub account: profile, repositories, a commit sample, followers, all conditionally.

What is read per account (every GET carries the ETag of the previous read, so an unchanged
account costs only 304s, which GitHub does not count against the rate limit):

- ``/users/{login}`` and the profile README ``/repos/{login}/{login}/readme`` → the profile;
- ``/users/{login}/repos`` (owned, most recently pushed first, ``Link`` pages) up to
  ``max_repos``; ``/repos/{full_name}`` for forks (their ``parent``);
- per non-fork repository (forks too with ``fork_commits``) the newest page of
  ``/repos/{full_name}/commits`` and, through its ``Link: rel="last"``, the oldest page: where
  backdated and copied history shows;
- ``/users/{login}/followers`` (``Link`` pages) up to ``max_followers``, each follower's public
  user and, for followers who follow at most ``ring_max_following`` accounts, whom they follow.

Records are built from fresh answers only. Where a record needs two answers (the profile: user and
README; a follower: user and following list) and only one changed, the other is fetched again
unconditionally. Followers and repositories that left the sample are deleted; sampled commits are
observations and stay.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, urlencode

from hiresentry.connectors.base import RecordProblem
from hiresentry.connectors.base.next_link import link_header_targets
from hiresentry.connectors.base.paginate import MAPPING_ERRORS, problem_reason
from hiresentry.connectors.github import mapping
from hiresentry.connectors.github.conditional import AccountState, Answer, ConditionalFetcher
from hiresentry.connectors.github.config import GitHubConfig
from hiresentry.connectors.github.directory import ProfileClaim, login_from_url
from hiresentry.core.model import Record

log = logging.getLogger(__name__)


def _path(*segments: str, **query: Any) -> str:
    path = "/" + "/".join(quote(s, safe="") for s in segments)
    return f"{path}?{urlencode(query)}" if query else path


def _next(headers: Mapping[str, str], rel: str = "next") -> str | None:
    return link_header_targets(headers.get("Link")).get(rel)


@dataclass
class AccountRead:
    """The records and problems of one account, and the state to commit with them."""

    records: list[Record] = field(default_factory=list)
    problems: list[RecordProblem] = field(default_factory=list)
    state: AccountState = field(default_factory=AccountState)


class AccountCrawler:
    """Reads one account for the worker claims that cite it."""

    def __init__(
        self,
        source: str,
        config: GitHubConfig,
        fetch: ConditionalFetcher,
        login: str,
        owners: list[ProfileClaim],
        previous: AccountState,
        observed: dt.datetime,
    ) -> None:
        self.source = source
        self.config = config
        self.fetch = fetch
        self.login = login
        self.owners = owners
        self.previous = previous
        self.observed = observed
        self.out = AccountRead()
        self.repos_changed = False
        """The first page of the repository list changed (a push, a new or removed repository)."""

    def run(self) -> AccountRead:
        """Read the account; returns what to commit (records, problems, the new cursor state)."""
        user = self._get(_path("users", self.login))
        if user.status == "missing":
            self.out.problems.append(RecordProblem(f"{self.source}:/users/{self.login}", "no such GitHub account"))
            self.out.records += [mapping.gone_profile(self.source, o, self.login, self.observed) for o in self.owners]
            self._finish(repos=[], followers={})
            return self.out
        repos = self._repositories()
        self._profile(user)
        followers = self._followers()
        self._finish(repos, followers)
        return self.out

    # -- profile ---------------------------------------------------------------------------------

    def _profile(self, user: Answer) -> None:
        readme_url = _path("repos", self.login, self.login, "readme")
        # a profile README lives in the repository {login}/{login}: creating it changes the repository list
        readme = self._get(readme_url, recheck_missing=user.fresh or self.repos_changed)
        if not (user.fresh or readme.fresh):
            return
        if not user.fresh:
            user = self._get(user.url, conditional=False)
        if readme.status == "unchanged":
            readme = self._get(readme_url, conditional=False)
        text = mapping.readme_text(readme.body) if readme.fresh else None
        for owner in self.owners:
            self._map(
                user.url, lambda o=owner: [mapping.profile(self.source, o, self.login, user.body, text, self.observed)]
            )

    # -- repositories and commits ------------------------------------------------------------------

    def _repositories(self) -> list[str]:
        listed: list[str] = []
        url: str | None = _path(
            "users", self.login, "repos", type="owner", sort="pushed", direction="desc",
            per_page=min(self.config.page_size, max(1, self.config.max_repos)),
        )  # fmt: skip
        while url and len(listed) < self.config.max_repos:
            page = self._get(url, memo=_repo_page)
            if page.status == "missing":
                break
            self.repos_changed = self.repos_changed or page.fresh
            memo = page.memo or {"items": [], "next": None}
            for item in memo["items"][: self.config.max_repos - len(listed)]:
                listed.append(item["full_name"])
                self._repository(item, page.fresh)
            url = memo.get("next")
        return listed

    def _repository(self, item: Mapping[str, Any], listed_fresh: bool) -> None:
        full, fork = str(item["full_name"]), bool(item["fork"])
        parent: str | None = None
        changed = listed_fresh
        if fork:
            detail = self._get(_path("repos", *full.split("/", 1)), memo=lambda b, h: mapping.parent_of(b))
            parent, changed = detail.memo, changed or detail.fresh
        if changed:
            for owner in self.owners:
                self._map(full, lambda o=owner: [mapping.repo(self.source, o, self.login, item, parent)])
        if not fork or self.config.fork_commits:
            self._commits(full, fork, listed_fresh)

    def _commits(self, full: str, fork: bool, pushed: bool) -> None:
        newest = _path("repos", *full.split("/", 1), "commits", per_page=self.config.commits_per_page)
        first = self._get(
            newest,
            memo=lambda b, h: {"last": _next(h, "last")},
            missing=(404, 409),  # 409: an empty repository, which stays empty until a push changes the list
            recheck_missing=pushed,
        )
        pages = [first]
        last = (first.memo or {}).get("last")
        if last and last != newest:
            pages.append(self._get(last, missing=(404, 409)))
        for page in pages:
            if not page.fresh or not isinstance(page.body, list):
                continue
            for item in page.body:
                for owner in self.owners:
                    self._map(full, lambda o=owner, i=item: [mapping.commit(self.source, o, self.login, full, fork, i)])

    # -- followers ---------------------------------------------------------------------------------

    def _followers(self) -> dict[str, str]:
        seen: dict[str, str] = {}
        url: str | None = _path(
            "users", self.login, "followers", per_page=min(self.config.page_size, max(1, self.config.max_followers))
        )
        while url and len(seen) < self.config.max_followers:
            page = self._get(url, memo=_follower_page)
            if page.status == "missing":
                break
            memo = page.memo or {"items": [], "next": None}
            for item in memo["items"][: self.config.max_followers - len(seen)]:
                account = self._follower(item["login"])
                if account is not None:
                    seen[account[0]] = account[1]
            url = memo.get("next")
        return seen

    def _follower(self, login: str) -> tuple[str, str] | None:
        user_url = _path("users", login)
        user = self._get(user_url, memo=lambda b, h: mapping.compact_user(b))
        if user.status == "missing" or not user.memo:
            return None
        follows, follows_fresh = self._follows(login, user.memo)
        if not (user.fresh or follows_fresh):
            return user.memo["login"] or login, user.memo["id"]
        for owner in self.owners:
            self._map(user_url, lambda o=owner: [mapping.follow(self.source, o, self.login, user.memo, follows)])
        return user.memo["login"] or login, user.memo["id"]

    def _follows(self, login: str, follower: Mapping[str, Any]) -> tuple[list[str] | None, bool]:
        """Whom a follower follows (account ids), if it follows few enough; and whether that is fresh."""
        following = follower.get("following")
        if following is None or following > self.config.ring_max_following:
            return None, False
        if following == 0:
            return [], False
        url = _path("users", login, "following", per_page=100)
        answer = self._get(url, memo=lambda b, h: [str(u["id"]) for u in b if isinstance(u, Mapping)])
        if answer.status == "missing":
            return None, False
        return answer.memo, answer.fresh

    # -- bookkeeping -------------------------------------------------------------------------------

    def _get(self, url: str, **options: Any) -> Answer:
        """One GET; an answer whose items cannot be read becomes a problem and counts as missing.

        Nothing is remembered of it, so the next sync asks again.
        """
        try:
            return self.fetch.get(url, **options)
        except MAPPING_ERRORS as exc:
            self.out.problems.append(RecordProblem(f"{self.source}:{url.split('?', 1)[0]}", problem_reason(exc)))
            return Answer(url, "missing")

    def _map(self, where: str, build: Any) -> None:
        """Run one mapping; a malformed item becomes a problem, the rest of the account still loads."""
        try:
            self.out.records.extend(build())
        except MAPPING_ERRORS as exc:
            self.out.problems.append(RecordProblem(f"{self.source}:{where.split('?', 1)[0]}", problem_reason(exc)))

    def _finish(self, repos: list[str], followers: dict[str, str]) -> None:
        gone_repos = sorted(set(self.previous.repos) - set(repos))
        gone_followers = sorted(set(self.previous.followers) - set(followers))
        for owner in self.owners:
            self.out.records += [mapping.gone_repo(self.source, owner, self.login, r) for r in gone_repos]
            self.out.records += [
                mapping.gone_follow(self.source, owner, self.login, f, self.previous.followers[f])
                for f in gone_followers
            ]
        self.out.state = AccountState(
            owners=[(o.source, o.remote_id) for o in self.owners],
            answers=dict(self.fetch.answers),
            followers=followers,
            repos=repos,
        )


def _repo_page(body: Any, headers: Mapping[str, str]) -> dict[str, Any]:
    items = [mapping.compact_repo(item) for item in body if isinstance(item, Mapping)] if isinstance(body, list) else []
    return {"items": items, "next": _next(headers)}


def _follower_page(body: Any, headers: Mapping[str, str]) -> dict[str, Any]:
    items = (
        [{"login": str(u["login"])} for u in body if isinstance(u, Mapping) and u.get("login")]
        if isinstance(body, list)
        else []
    )
    return {"items": items, "next": _next(headers)}


def logins_by_account(claims: list[ProfileClaim], hosts: list[str]) -> dict[str, tuple[str, list[ProfileClaim]]]:
    """Lower-cased login → (login as first written, the claims citing it), in a stable order."""
    found: dict[str, tuple[str, list[ProfileClaim]]] = {}
    for claim in claims:
        for url in claim.urls:
            login = login_from_url(url, hosts)
            if login is None:
                continue
            entry = found.setdefault(login.lower(), (login, []))
            if claim not in entry[1]:
                entry[1].append(claim)
    return dict(sorted(found.items()))


def iter_accounts(state: Mapping[str, str]) -> Iterator[tuple[str, AccountState]]:
    """(login, state) of every account stream committed before (``account:<login>``)."""
    for stream, value in sorted(state.items()):
        if stream.startswith("account:"):
            yield stream.removeprefix("account:"), AccountState.decode(value)
