"""A stateful local fake of GitHub's REST API v3, built from GitHub's documented response shapes.

This is **our own fixture**, not GitHub's contract: it answers the endpoints the connector reads
with the JSON shapes GitHub documents (public user, simple user, repository with ``parent`` on
forks, commit with ``commit.author``/``commit.tree`` and the attributed ``author`` account, README
content in base64, ``/rate_limit``) and, unlike a stateless mock, keeps state across requests:

- **ETags**: every 200 carries an ``ETag`` derived from its body; a request whose
  ``If-None-Match`` matches gets ``304 Not Modified`` with no body (and, as on GitHub, a 304 does
  not count against the rate limit);
- **pagination** by ``per_page``/``page`` with a ``Link`` header (``next``, ``last``, ``first``,
  ``prev``) whose targets are absolute URLs, as GitHub sends them;
- **rate limits**: ``X-RateLimit-Limit/Remaining/Used/Reset/Resource`` on every answer; a window
  of ``limit`` counted requests that refills at ``X-RateLimit-Reset`` (epoch seconds) on the fake's
  clock, answering 403 "API rate limit exceeded" when used up; injected secondary limits (403 or
  429 with or without ``Retry-After``) and other faults;
- **auth**: ``Authorization: Bearer <token>`` or 401 "Bad credentials"; 404 "Not Found" for
  unknown users and repositories, 409 "Git Repository is empty." for a repository without commits.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

DOCS = "https://docs.github.com/rest"
START = dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC)


def stamp(when: dt.datetime) -> str:
    """A time as GitHub writes it: ``2026-08-01T10:00:00Z``."""
    return when.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def sha_of(text: str) -> str:
    """A 40-hex git-like object id derived from ``text``."""
    return hashlib.sha1(text.encode()).hexdigest()


@dataclass
class Fault:
    """Answer ``status`` (with ``headers`` and ``body``) to ``times`` requests whose path matches ``path``."""

    path: str
    status: int
    times: int = 1
    headers: dict[str, str] = field(default_factory=dict)
    body: Any = None


@dataclass
class Commit:
    """One commit of a fake repository."""

    sha: str
    tree: str
    author_email: str
    authored: dt.datetime
    author_login: str | None = None
    author_name: str = "Dev"
    message: str = "Update"


@dataclass
class Repo:
    """One fake repository: metadata and its commits (any order; served newest first)."""

    owner: str
    name: str
    fork: bool = False
    parent: str | None = None
    created: dt.datetime = START - dt.timedelta(days=60)
    pushed: dt.datetime = START - dt.timedelta(days=2)
    commits: list[Commit] = field(default_factory=list)
    id: int = 0

    @property
    def full_name(self) -> str:
        return f"{self.owner}/{self.name}"


class FakeGitHub:
    """Users, repositories, commits, READMEs and follow edges of a fake GitHub."""

    def __init__(self, *, token: str = "ghp_fake_token_0123456789", limit: int = 5000) -> None:
        self.token = token
        self.now = START
        self.limit = limit
        self.used = 0
        self.reset_at = START + dt.timedelta(hours=1)
        self.users: dict[str, dict[str, Any]] = {}
        self.readmes: dict[str, str] = {}
        self.repos: dict[str, Repo] = {}
        self.follows: dict[str, list[str]] = {}
        """login → logins it follows."""
        self.faults: list[Fault] = []
        self.log: list[tuple[str, str, bool, int]] = []
        """(path, query, sent If-None-Match, status) of every request."""
        self.base = ""
        self._ids = 1000

    # -- state ---------------------------------------------------------------------------------------

    def _next_id(self) -> int:
        self._ids += 1
        return self._ids

    def add_user(self, login: str, *, created: dt.datetime, **profile: Any) -> dict[str, Any]:
        """A public user (GitHub's "public user" shape)."""
        uid = self._next_id()
        user = {
            "login": login,
            "id": uid,
            "node_id": f"MDQ6VXNlcj{uid}",
            "avatar_url": f"https://avatars.githubusercontent.com/u/{uid}?v=4",
            "gravatar_id": "",
            "url": f"https://api.github.com/users/{login}",
            "html_url": f"https://github.com/{login}",
            "type": "User",
            "site_admin": False,
            "name": profile.get("name"),
            "company": profile.get("company"),
            "blog": profile.get("blog", ""),
            "location": profile.get("location"),
            "email": None,
            "hireable": None,
            "bio": profile.get("bio"),
            "twitter_username": None,
            "public_repos": 0,
            "public_gists": 0,
            "followers": 0,
            "following": 0,
            "created_at": stamp(created),
            "updated_at": stamp(created + dt.timedelta(days=1)),
        }
        self.users[login.lower()] = user
        self.follows.setdefault(login.lower(), [])
        self._counts()
        return user

    def add_repo(self, repo: Repo) -> Repo:
        repo.id = repo.id or self._next_id()
        self.repos[repo.full_name.lower()] = repo
        self._counts()
        return repo

    def follow(self, follower: str, followed: str) -> None:
        self.follows.setdefault(follower.lower(), []).append(followed.lower())
        self._counts()

    def _counts(self) -> None:
        for login, user in self.users.items():
            user["public_repos"] = sum(1 for r in self.repos.values() if r.owner.lower() == login)
            user["following"] = len(self.follows.get(login, []))
            user["followers"] = sum(1 for f in self.follows.values() if login in f)

    def fail(self, path: str, status: int, **kwargs: Any) -> None:
        """Add a :class:`Fault` (matched on the request path)."""
        self.faults.append(Fault(path, status, **kwargs))

    def secondary_limit(self, path: str, *, retry_after: int | None, status: int = 403, times: int = 1) -> None:
        """GitHub's secondary rate limit on ``path`` (with ``Retry-After`` when given)."""
        headers = {"Retry-After": str(retry_after)} if retry_after is not None else {}
        body = {
            "message": "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.",
            "documentation_url": f"{DOCS}/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits",
        }
        self.fail(path, status, times=times, headers=headers, body=body)

    def requests(self) -> list[tuple[str, str, bool, int]]:
        """Requests since the last :meth:`forget`."""
        return list(self.log)

    def forget(self) -> None:
        self.log.clear()

    # -- HTTP ---------------------------------------------------------------------------------------

    def install(self, httpserver: HTTPServer) -> str:
        """Serve on ``httpserver``; returns the API base URL to configure."""
        httpserver.expect_request(re.compile(r"/.*")).respond_with_handler(self.handle)
        self.base = httpserver.url_for("/").rstrip("/")
        return self.base

    def _window(self) -> None:
        if self.now >= self.reset_at:
            self.used = 0
            self.reset_at = self.now + dt.timedelta(hours=1)

    def _limit_headers(self) -> dict[str, str]:
        return {
            "X-RateLimit-Limit": str(self.limit),
            "X-RateLimit-Remaining": str(max(0, self.limit - self.used)),
            "X-RateLimit-Used": str(self.used),
            "X-RateLimit-Reset": str(int(self.reset_at.timestamp())),
            "X-RateLimit-Resource": "core",
        }

    def handle(self, request: Request) -> Response:
        conditional = request.headers.get("If-None-Match")
        response = self._answer(request, conditional)
        self.log.append((request.path, request.query_string.decode(), conditional is not None, response.status_code))
        return response

    def _answer(self, request: Request, conditional: str | None) -> Response:
        if request.headers.get("Authorization") != f"Bearer {self.token}":
            return self._json({"message": "Bad credentials", "documentation_url": DOCS, "status": "401"}, 401)
        self._window()
        for fault in self.faults:
            if fault.times > 0 and re.fullmatch(fault.path, request.path):
                fault.times -= 1
                body = fault.body if fault.body is not None else {"message": "injected", "documentation_url": DOCS}
                return self._json(body, fault.status, {**self._limit_headers(), **fault.headers})
        if request.path == "/rate_limit":  # never counted
            core = {"limit": self.limit, "used": self.used, "remaining": self.limit - self.used,
                    "reset": int(self.reset_at.timestamp())}  # fmt: skip
            return self._json({"resources": {"core": core}, "rate": core}, headers=self._limit_headers())
        status, body, links = self._route(request.path, request.args.to_dict())
        etag = 'W/"' + hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()[:32] + '"'
        if status == 200 and conditional == etag:
            return Response(status=304, headers={"ETag": etag, **self._limit_headers()})
        if self.used >= self.limit:
            body = {"message": "API rate limit exceeded for user ID 1.", "documentation_url": DOCS}
            return self._json(body, 403, self._limit_headers())
        self.used += 1
        headers = self._limit_headers()
        if status == 200:
            headers["ETag"] = etag
        if links:
            headers["Link"] = links
        return self._json(body, status, headers)

    def _route(self, path: str, query: dict[str, str]) -> tuple[int, Any, str]:
        not_found = (404, {"message": "Not Found", "documentation_url": DOCS, "status": "404"}, "")
        if m := re.fullmatch(r"/users/([^/]+)", path):
            user = self.users.get(m.group(1).lower())
            return (200, user, "") if user else not_found
        if m := re.fullmatch(r"/users/([^/]+)/repos", path):
            login = m.group(1).lower()
            if login not in self.users:
                return not_found
            owned = [r for r in self.repos.values() if r.owner.lower() == login]
            owned.sort(key=lambda r: r.pushed, reverse=query.get("direction", "desc") == "desc")
            return self._page(path, query, [self._repo(r) for r in owned])
        if m := re.fullmatch(r"/users/([^/]+)/(followers|following)", path):
            login = m.group(1).lower()
            if login not in self.users:
                return not_found
            if m.group(2) == "following":
                logins = self.follows.get(login, [])
            else:
                logins = sorted(f for f, targets in self.follows.items() if login in targets)
            return self._page(path, query, [self._simple(self.users[x]) for x in logins])
        if m := re.fullmatch(r"/repos/([^/]+)/([^/]+)/readme", path):
            text = self.readmes.get(m.group(1).lower()) if m.group(1).lower() == m.group(2).lower() else None
            return (200, self._readme(m.group(1), text), "") if text is not None else not_found
        if m := re.fullmatch(r"/repos/([^/]+)/([^/]+)/commits", path):
            found = self.repos.get(f"{m.group(1)}/{m.group(2)}".lower())
            if found is None:
                return not_found
            if not found.commits:
                return 409, {"message": "Git Repository is empty.", "documentation_url": DOCS, "status": "409"}, ""
            ordered = sorted(found.commits, key=lambda c: c.authored, reverse=True)
            return self._page(path, query, [self._commit(found, c) for c in ordered])
        if m := re.fullmatch(r"/repos/([^/]+)/([^/]+)", path):
            found = self.repos.get(f"{m.group(1)}/{m.group(2)}".lower())
            return (200, self._repo(found, full=True), "") if found else not_found
        return not_found

    def _page(self, path: str, query: dict[str, str], items: list[Any]) -> tuple[int, Any, str]:
        per_page = min(int(query.get("per_page", 30)), 100)
        page = max(1, int(query.get("page", 1)))
        last = max(1, -(-len(items) // per_page))
        chunk = items[(page - 1) * per_page : page * per_page]

        def url(n: int) -> str:
            return f"{self.base}{path}?{urlencode({**query, 'page': n})}"

        rels = []
        if page < last:
            rels += [f'<{url(page + 1)}>; rel="next"', f'<{url(last)}>; rel="last"']
        if page > 1:
            rels += [f'<{url(page - 1)}>; rel="prev"', f'<{url(1)}>; rel="first"']
        return 200, chunk, ", ".join(rels)

    # -- GitHub's shapes ------------------------------------------------------------------------------

    @staticmethod
    def _simple(user: dict[str, Any]) -> dict[str, Any]:
        keys = ("login", "id", "node_id", "avatar_url", "gravatar_id", "url", "html_url", "type", "site_admin")
        return {k: user[k] for k in keys}

    def _repo(self, repo: Repo | None, full: bool = False) -> dict[str, Any]:
        assert repo is not None
        owner = self.users.get(repo.owner.lower())
        body: dict[str, Any] = {
            "id": repo.id,
            "node_id": f"R_{repo.id}",
            "name": repo.name,
            "full_name": repo.full_name,
            "private": False,
            "owner": self._simple(owner) if owner else None,
            "html_url": f"https://github.com/{repo.full_name}",
            "description": f"{repo.name} project",
            "fork": repo.fork,
            "url": f"https://api.github.com/repos/{repo.full_name}",
            "created_at": stamp(repo.created),
            "updated_at": stamp(repo.pushed),
            "pushed_at": stamp(repo.pushed),
            "size": 120,
            "stargazers_count": 0,
            "watchers_count": 0,
            "language": "TypeScript",
            "forks_count": 0,
            "default_branch": "main",
        }
        if full and repo.fork and repo.parent:
            parent = self.repos.get(repo.parent.lower())
            body["parent"] = self._repo(parent) if parent else {"full_name": repo.parent, "id": 1}
            body["source"] = body["parent"]
        return body

    def _commit(self, repo: Repo, commit: Commit) -> dict[str, Any]:
        who = {"name": commit.author_name, "email": commit.author_email, "date": stamp(commit.authored)}
        account = self.users.get((commit.author_login or "").lower())
        return {
            "sha": commit.sha,
            "node_id": f"C_{commit.sha[:10]}",
            "commit": {
                "author": who,
                "committer": who,
                "message": commit.message,
                "tree": {"sha": commit.tree, "url": f"https://api.github.com/repos/{repo.full_name}/git/trees/x"},
                "url": f"https://api.github.com/repos/{repo.full_name}/git/commits/{commit.sha}",
                "comment_count": 0,
                "verification": {"verified": False, "reason": "unsigned", "signature": None, "payload": None},
            },
            "url": f"https://api.github.com/repos/{repo.full_name}/commits/{commit.sha}",
            "html_url": f"https://github.com/{repo.full_name}/commit/{commit.sha}",
            "comments_url": f"https://api.github.com/repos/{repo.full_name}/commits/{commit.sha}/comments",
            "author": self._simple(account) if account else None,
            "committer": self._simple(account) if account else None,
            "parents": [],
        }

    @staticmethod
    def _readme(login: str, text: str) -> dict[str, Any]:
        encoded = base64.encodebytes(text.encode()).decode()  # GitHub wraps base64 content in lines
        return {
            "type": "file",
            "encoding": "base64",
            "size": len(text),
            "name": "README.md",
            "path": "README.md",
            "content": encoded,
            "sha": sha_of(text),
            "url": f"https://api.github.com/repos/{login}/{login}/contents/README.md",
            "html_url": f"https://github.com/{login}/{login}/blob/main/README.md",
            "download_url": f"https://raw.githubusercontent.com/{login}/{login}/main/README.md",
        }

    @staticmethod
    def _json(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
        return Response(json.dumps(body), status=status, headers=headers or {}, content_type="application/json")
