"""GitHub REST payloads → canonical profile records (pure functions).

Field names follow GitHub's REST API v3 as documented (``GET /users/{username}``: public user;
``GET /users/{username}/repos`` and ``GET /repos/{owner}/{repo}``: repository, ``parent`` on forks;
``GET /repos/{owner}/{repo}/commits``: commit with ``commit.author``/``commit.committer``/
``commit.tree`` and the ``author`` account GitHub attributes it to; ``GET /repos/{owner}/{repo}/readme``:
content, base64). Functions raise ``ValueError``/``KeyError``/``TypeError`` for a malformed item.

Every record names the worker claim that cited the account (``owner``): records of one account
cited by two workers are written once per worker, with the worker's ref in their remote ids.

============================  =====================================================
GitHub                         canonical
============================  =====================================================
user ``login``/``id``           ``Profile.login`` / ``account_id``
user ``created_at``             ``Profile.created_at``
``bio``, ``blog``, ``company``, ``location``  the same (bio read, stored as a keyed hash + excerpt)
``followers``/``following``/``public_repos``  the same
profile README (``{login}/{login}``)  ``Profile.readme`` (read, stored as a keyed hash)
repo ``full_name``, ``fork``, ``parent.full_name``, ``created_at``, ``pushed_at``  ``ProfileRepo``
commit ``sha``, ``commit.tree.sha``   ``ProfileCommit.sha`` / ``tree_sha``
``commit.author.date``/``email``  ``authored_at`` / ``author_email`` (stored as a keyed hash + mask)
``commit.committer.date``/``email``  ``committed_at`` / ``committer_email``
``author.login``                 ``by_owner`` (the account's login: true; another: false; none: null)
follower user ``id``, ``login``, ``created_at``, ``following``, ``followers``, ``public_repos``  ``ProfileFollow``
============================  =====================================================
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
from collections.abc import Mapping, Sequence
from typing import Any

from hiresentry.connectors.base.time_window import parse_time
from hiresentry.connectors.github.directory import ProfileClaim
from hiresentry.core.model import Profile, ProfileCommit, ProfileFollow, ProfileRepo

PLATFORM = "github"
MAX_README = 64 * 1024
"""README text beyond this many characters is cut: the start is what templates and copies share."""
_MAX_ID = 256


def text(value: Any) -> str | None:
    """A stripped string, or None for missing/blank values."""
    if value is None:
        return None
    result = str(value).strip()
    return result or None


def obj(value: Any) -> Mapping[str, Any]:
    """``value`` if it is a JSON object, else an empty one (GitHub sends ``null`` for absent parts)."""
    return value if isinstance(value, Mapping) else {}


def count(value: Any) -> int | None:
    """A non-negative count, or None."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return int(value) if value >= 0 else None


def scoped(base: str, owner: ProfileClaim) -> str:
    """A remote id for the copy of a record that belongs to ``owner`` (``dpark@hr/E100001``).

    Ids that would exceed the store's 256 characters carry a digest of the worker ref instead.
    """
    full = f"{base}@{owner.ref}"
    if len(full) <= _MAX_ID:
        return full
    digest = hashlib.sha256(owner.ref.encode()).hexdigest()[:16]
    return f"{base[: _MAX_ID - 18]}@#{digest}"


def profile_id(login: str, owner: ProfileClaim) -> str:
    """Remote id of the profile record of ``login`` cited by ``owner``."""
    return scoped(login.lower(), owner)


def readme_text(body: Any) -> str | None:
    """The text of a ``GET /repos/{o}/{r}/readme`` answer (base64 ``content``), or None if unreadable."""
    content = obj(body).get("content")
    if not isinstance(content, str) or obj(body).get("encoding", "base64") != "base64":
        return None
    try:
        raw = base64.b64decode(content, validate=False)
    except (binascii.Error, ValueError):
        return None
    return raw.decode("utf-8", errors="replace")[:MAX_README] or None


def profile(
    source: str, owner: ProfileClaim, login: str, user: Mapping[str, Any], readme: str | None, observed: dt.datetime
) -> Profile:
    """A public user (``GET /users/{username}``) → the :class:`Profile` cited by ``owner``."""
    shown = text(user.get("login")) or login
    return Profile(
        source=source,
        remote_id=profile_id(login, owner),
        remote_data={
            k: user.get(k) for k in ("name", "html_url", "type", "hireable", "twitter_username", "public_gists")
        }
        | {"updated_at": user.get("updated_at")},
        modified_at=observed,
        worker_source=owner.source,
        worker_remote_id=owner.remote_id,
        platform=PLATFORM,
        login=shown,
        account_id=text(user["id"]),
        created_at=parse_time(user.get("created_at")),
        bio=text(user.get("bio")),
        readme=readme,
        blog=text(user.get("blog")),
        company=text(user.get("company")),
        location=text(user.get("location")),
        followers=count(user.get("followers")),
        following=count(user.get("following")),
        public_repos=count(user.get("public_repos")),
        observed_at=observed,
    )


def gone_profile(source: str, owner: ProfileClaim, login: str, observed: dt.datetime) -> Profile:
    """The deletion of the profile record of ``login`` cited by ``owner`` (link removed, account gone)."""
    return Profile(
        source=source,
        remote_id=profile_id(login, owner),
        modified_at=observed,
        deleted=True,
        worker_source=owner.source,
        worker_remote_id=owner.remote_id,
        platform=PLATFORM,
        login=login,
    )


def compact_repo(item: Mapping[str, Any]) -> dict[str, Any]:
    """What the traversal remembers of a repository list item (public metadata)."""
    full = text(item.get("full_name"))
    if full is None or "/" not in full:
        raise ValueError("repository has no full_name")
    return {
        "full_name": full,
        "fork": bool(item.get("fork")),
        "created_at": item.get("created_at"),
        "pushed_at": item.get("pushed_at"),
        "data": {k: item.get(k) for k in ("description", "language", "stargazers_count", "forks_count", "size")},
    }


def repo(source: str, owner: ProfileClaim, login: str, item: Mapping[str, Any], parent: str | None) -> ProfileRepo:
    """A repository (as :func:`compact_repo` keeps it) → :class:`ProfileRepo`."""
    full = str(item["full_name"])
    return ProfileRepo(
        source=source,
        remote_id=scoped(full.lower(), owner),
        remote_data=dict(obj(item.get("data"))),
        worker_source=owner.source,
        worker_remote_id=owner.remote_id,
        profile_remote_id=profile_id(login, owner),
        name=full,
        fork=bool(item.get("fork")),
        parent=parent,
        created_at=parse_time(item.get("created_at")),
        pushed_at=parse_time(item.get("pushed_at")),
    )


def gone_repo(source: str, owner: ProfileClaim, login: str, full: str) -> ProfileRepo:
    """The deletion of a repository record that is no longer listed."""
    return ProfileRepo(
        source=source,
        remote_id=scoped(full.lower(), owner),
        deleted=True,
        worker_source=owner.source,
        worker_remote_id=owner.remote_id,
        profile_remote_id=profile_id(login, owner),
        name=full,
    )


def parent_of(detail: Mapping[str, Any]) -> str | None:
    """The full name of the repository a fork was made from (``GET /repos/{o}/{r}`` → ``parent``)."""
    return text(obj(detail.get("parent")).get("full_name"))


def commit(
    source: str, owner: ProfileClaim, login: str, full: str, fork: bool, item: Mapping[str, Any]
) -> ProfileCommit:
    """One item of ``GET /repos/{o}/{r}/commits`` → :class:`ProfileCommit` (e-mails hashed at ingest)."""
    sha = text(item.get("sha"))
    if sha is None:
        raise ValueError("commit has no sha")
    body = obj(item.get("commit"))
    author, committer = obj(body.get("author")), obj(body.get("committer"))
    account = item.get("author")
    attributed = text(obj(account).get("login")) if isinstance(account, Mapping) else None
    message = (text(body.get("message")) or "").splitlines()
    return ProfileCommit(
        source=source,
        remote_id=scoped(f"{full.lower()}#{sha.lower()}", owner),
        remote_data={
            "message": message[0][:120] if message else None,
            "author_name": text(author.get("name")),
            "html_url": item.get("html_url"),
        },
        worker_source=owner.source,
        worker_remote_id=owner.remote_id,
        profile_remote_id=profile_id(login, owner),
        repo=full,
        repo_fork=fork,
        sha=sha,
        tree_sha=text(obj(body.get("tree")).get("sha")),
        authored_at=parse_time(author.get("date")),
        committed_at=parse_time(committer.get("date")),
        author_email=text(author.get("email")),
        committer_email=text(committer.get("email")),
        by_owner=None if attributed is None else attributed.lower() == login.lower(),
    )


def compact_user(user: Mapping[str, Any]) -> dict[str, Any]:
    """What the traversal remembers of a follower's public user (public counts and dates)."""
    return {
        "id": text(user["id"]),
        "login": text(user.get("login")),
        "created_at": user.get("created_at"),
        "following": count(user.get("following")),
        "followers": count(user.get("followers")),
        "public_repos": count(user.get("public_repos")),
    }


def follow(
    source: str, owner: ProfileClaim, login: str, follower: Mapping[str, Any], follows: Sequence[str] | None
) -> ProfileFollow:
    """A follower (as :func:`compact_user` keeps it) and the ids it follows → :class:`ProfileFollow`."""
    follower_login = str(follower["login"])
    return ProfileFollow(
        source=source,
        remote_id=scoped(f"{follower_login.lower()}>{login.lower()}", owner),
        worker_source=owner.source,
        worker_remote_id=owner.remote_id,
        profile_remote_id=profile_id(login, owner),
        follower_id=str(follower["id"]),
        follower_login=follower_login,
        follower_created_at=parse_time(follower.get("created_at")),
        follower_following=follower.get("following"),
        follower_followers=follower.get("followers"),
        follower_repos=follower.get("public_repos"),
        follower_follows=list(follows) if follows is not None else None,
    )


def gone_follow(source: str, owner: ProfileClaim, login: str, follower_login: str, follower_id: str) -> ProfileFollow:
    """The deletion of a follow record whose follower no longer follows (or left the sample)."""
    return ProfileFollow(
        source=source,
        remote_id=scoped(f"{follower_login.lower()}>{login.lower()}", owner),
        deleted=True,
        worker_source=owner.source,
        worker_remote_id=owner.remote_id,
        profile_remote_id=profile_id(login, owner),
        follower_id=follower_id,
    )
