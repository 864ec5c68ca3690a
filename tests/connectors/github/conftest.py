"""GitHub test fixtures: the stateful fake (``fake_github.py``), a seeded persona, connector factories."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import pytest
from pydantic import SecretStr
from pytest_httpserver import HTTPServer

from hiresentry.connectors.base import Runtime
from hiresentry.connectors.github import FixedDirectory, GitHubConnector, ProfileClaim
from tests.connectors.github.fake_github import START, Commit, FakeGitHub, Repo, sha_of

TOKEN = "ghp_fake_token_0123456789"


class Sleeps(list[float]):
    """The delays the connector asked to sleep; each one also moves the fake's clock forward."""

    def __init__(self, fake: FakeGitHub) -> None:
        super().__init__()
        self.fake = fake

    def __call__(self, seconds: float) -> None:
        self.append(seconds)
        self.fake.now += dt.timedelta(seconds=seconds)

    def waits(self) -> list[float]:
        """Waits that are not the rate budget's pacing (microseconds at 10⁶ requests a second)."""
        return [s for s in self if s >= 0.05]


def commit(repo: str, n: int, *, when: dt.datetime, email: str, login: str | None, tree: str | None = None) -> Commit:
    return Commit(sha_of(f"{repo}:{n}"), tree or sha_of(f"tree:{repo}:{n}"), email, when, login)


def seed_persona(fake: FakeGitHub) -> None:
    """A persona account: backdated commits, another identity's e-mail, a follower ring; plus an honest one."""
    created = START - dt.timedelta(days=90)
    fake.add_user("ebrooks-dev", created=created, bio="Senior Full Stack & Blockchain Developer", location="Texas")
    fake.readmes["ebrooks-dev"] = "# Hi, I am Ethan\nFull stack and blockchain developer."
    dex = Repo("ebrooks-dev", "dex-app", created=created + dt.timedelta(days=1))
    dex.commits = [
        commit("dex", n, when=dt.datetime(2019 + n, 3, 1, tzinfo=dt.UTC), email="ethan.brooks.dev@gmail.com",
               login="ebrooks-dev")
        for n in range(3)
    ] + [
        commit("dex", 10 + n, when=created + dt.timedelta(days=5 + n), email="ryan.cole.web3@gmail.com",
               login="ebrooks-dev")
        for n in range(4)
    ]  # fmt: skip
    fake.add_repo(dex)
    fake.add_repo(Repo("ebrooks-dev", "empty-idea", pushed=START - dt.timedelta(days=40)))
    fake.add_user("react-upstream", created=START - dt.timedelta(days=4000))
    upstream = fake.add_repo(Repo("react-upstream", "react", created=START - dt.timedelta(days=3000)))
    upstream.commits = [commit("react", 1, when=START - dt.timedelta(days=2000), email="maint@upstream.example",
                               login="react-upstream")]  # fmt: skip
    fake.add_repo(
        Repo("ebrooks-dev", "react", fork=True, parent="react-upstream/react", pushed=START - dt.timedelta(days=50))
    )
    for i, name in enumerate(["ring-a", "ring-b", "ring-c"]):
        fake.add_user(name, created=created + dt.timedelta(days=i + 1))
    for follower in ["ring-a", "ring-b", "ring-c"]:
        fake.follow(follower, "ebrooks-dev")
        for other in ["ring-a", "ring-b", "ring-c"]:
            if other != follower:
                fake.follow(follower, other)
    fake.add_user("pnair", created=START - dt.timedelta(days=3000), bio="Backend engineer", location="Austin, TX")
    tool = fake.add_repo(Repo("pnair", "tool", created=START - dt.timedelta(days=2900)))
    tool.commits = [commit("tool", n, when=START - dt.timedelta(days=2800 - 100 * n), email="priya@nair.example",
                           login="pnair") for n in range(5)]  # fmt: skip


@pytest.fixture
def fake_github(httpserver: HTTPServer) -> tuple[FakeGitHub, str]:
    fake = FakeGitHub(token=TOKEN)
    url = fake.install(httpserver)
    return fake, url


def claims(*pairs: tuple[str, str, Sequence[str]]) -> FixedDirectory:
    return FixedDirectory(tuple(ProfileClaim(s, r, tuple(u)) for s, r, u in pairs))


def make(
    url: str,
    fake: FakeGitHub,
    directory: FixedDirectory | None = None,
    *,
    token: str = TOKEN,
    sleeps: Sleeps | None = None,
    **overrides: Any,
) -> tuple[GitHubConnector, Sleeps]:
    sleeps = sleeps if sleeps is not None else Sleeps(fake)
    raw = {
        "base_url": url,
        "token": SecretStr(token),
        "worker_sources": ["hr"],
        "rate_limit_per_second": 1_000_000,
        "commits_per_page": 4,
    }
    runtime = Runtime(sleep=sleeps, now=lambda: fake.now, jitter=lambda: 0.0)
    connector = GitHubConnector.from_config("gh", raw | overrides, runtime)
    if directory is not None:
        connector.use_worker_directory(directory)
    return connector, sleeps
