"""GitHubConnector on the wire against a stateful local fake of GitHub's REST API (pytest-httpserver).

The fake (``fake_github.py``) is **our own** fixture, built from GitHub's documented response
shapes (public user, repository with ``parent``, commit with ``commit.author``/``tree`` and the
attributed ``author``, base64 README, ``Link`` pages, ``ETag``/``If-None-Match`` → 304,
``X-RateLimit-*`` headers, 403/429 rate limits with or without ``Retry-After``). There is no
GitHub OpenAPI spec in the shared specs folder to run Prism against. What is tested: ``check()``
codes, what one account becomes, that a re-sync of an unchanged account sends only conditional
requests and all are answered 304, that a change re-reads only what changed, ``Link`` paging,
waiting for an exhausted primary window and for secondary limits (recorded sleeps that move the
fake's clock; no test sleeps or reads the wall clock), and deletions when links disappear.
"""

from __future__ import annotations

import datetime as dt
import socket

import pytest
from sqlalchemy import select

from hiresentry.connectors.base import sync
from hiresentry.connectors.github.conditional import AccountState
from hiresentry.core.errors import ConfigError
from hiresentry.core.model import Profile, ProfileCommit, ProfileFollow, ProfileRepo
from hiresentry.core.store import Store, schema
from tests.connectors.github.conftest import TOKEN, Sleeps, claims, commit, make, seed_persona
from tests.connectors.github.fake_github import START, FakeGitHub

PERSONA = claims(("hr", "E1", ["https://github.com/ebrooks-dev"]))


def records(connector: object) -> list[object]:
    return [r for batch in connector.read({}) for r in batch.records]  # type: ignore[attr-defined]


# -- check ----------------------------------------------------------------------------------------


def test_check_ok_and_failure_codes(fake_github: tuple[FakeGitHub, str]) -> None:
    fake, url = fake_github
    result = make(url, fake)[0].check()
    assert result.ok and "5000 requests left" in result.message
    wrong = make(url, fake, token="ghp_not_the_token_999")[0].check()
    assert (wrong.code, "ghp_not_the_token_999" in wrong.message) == ("invalid_auth", False)
    fake.fail("/rate_limit", 403, body={"message": "Resource protected by organization SAML enforcement."})
    assert make(url, fake)[0].check().code == "forbidden_scope"
    fake.secondary_limit("/rate_limit", retry_after=5, times=9)
    assert make(url, fake, max_attempts=2)[0].check().code == "rate_limited"


def test_check_when_nothing_listens(fake_github: tuple[FakeGitHub, str]) -> None:
    fake, _ = fake_github
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        closed = sock.getsockname()[1]
    result = make(f"http://127.0.0.1:{closed}", fake, max_attempts=2)[0].check()
    assert (result.ok, result.code) == (False, "cannot_connect")


def test_read_needs_the_workers_it_enriches(fake_github: tuple[FakeGitHub, str]) -> None:
    fake, url = fake_github
    with pytest.raises(ConfigError, match="reads the workers of hr from the store"):
        records(make(url, fake)[0])


# -- what an account becomes ----------------------------------------------------------------------


def test_an_account_becomes_profile_repos_commit_sample_and_followers(fake_github: tuple[FakeGitHub, str]) -> None:
    fake, url = fake_github
    seed_persona(fake)
    directory = claims(("hr", "E1", ["https://github.com/ebrooks-dev/", "https://linkedin.com/in/eb"]))
    connector, _ = make(url, fake, directory)
    batches = list(connector.read({}))
    assert len(batches) == 1 and batches[0].problems == []
    found = batches[0].records
    (profile,) = [r for r in found if isinstance(r, Profile)]
    assert (profile.worker_source, profile.worker_remote_id, profile.remote_id) == ("hr", "E1", "ebrooks-dev@hr/E1")
    assert (profile.login, profile.location, profile.followers) == ("ebrooks-dev", "Texas", 3)
    assert profile.created_at == START - dt.timedelta(days=90)
    assert profile.readme is not None and profile.readme.startswith("# Hi, I am Ethan")
    repos = {r.name: r for r in found if isinstance(r, ProfileRepo)}
    assert set(repos) == {"ebrooks-dev/dex-app", "ebrooks-dev/empty-idea", "ebrooks-dev/react"}
    assert (repos["ebrooks-dev/react"].fork, repos["ebrooks-dev/react"].parent) == (True, "react-upstream/react")
    commits = [r for r in found if isinstance(r, ProfileCommit)]
    assert {c.repo for c in commits} == {"ebrooks-dev/dex-app"}  # forks are not sampled; the empty repo has none
    assert len(commits) == 7 and all(c.by_owner for c in commits)
    assert min(c.authored_at for c in commits if c.authored_at) == dt.datetime(2019, 3, 1, tzinfo=dt.UTC)
    assert {c.author_email for c in commits} == {"ethan.brooks.dev@gmail.com", "ryan.cole.web3@gmail.com"}
    follows = {f.follower_login: f for f in found if isinstance(f, ProfileFollow)}
    assert set(follows) == {"ring-a", "ring-b", "ring-c"}
    ids = {u["login"]: str(u["id"]) for u in fake.users.values()}
    assert sorted(follows["ring-a"].follower_follows or []) == sorted(
        [ids["ebrooks-dev"], ids["ring-b"], ids["ring-c"]]
    )
    assert follows["ring-a"].follower_following == 3 and follows["ring-a"].follower_repos == 0


def test_an_account_cited_by_two_workers_is_read_once_and_written_for_each(
    fake_github: tuple[FakeGitHub, str],
) -> None:
    fake, url = fake_github
    seed_persona(fake)
    directory = claims(("hr", "E1", ["github.com/ebrooks-dev"]), ("hr", "E9", ["https://www.github.com/EBrooks-Dev"]))
    found = records(make(url, fake, directory)[0])
    owners = {(p.worker_remote_id, p.remote_id) for p in found if isinstance(p, Profile)}
    assert owners == {("E1", "ebrooks-dev@hr/E1"), ("E9", "ebrooks-dev@hr/E9")}
    assert len([r for r in fake.requests() if r[0] == "/users/ebrooks-dev"]) == 1


# -- conditional requests ---------------------------------------------------------------------------


def test_an_unchanged_account_costs_only_304s(fake_github: tuple[FakeGitHub, str], store: Store) -> None:
    fake, url = fake_github
    seed_persona(fake)
    both = claims(("hr", "E1", ["https://github.com/ebrooks-dev"]), ("hr", "E5", ["https://github.com/pnair"]))
    first = sync(make(url, fake, both)[0], store)
    assert first.written["profile_commits"] == 12 and first.problems == []
    assert any(status == 404 for path, _q, _c, status in fake.requests() if path == "/repos/pnair/pnair/readme")
    used = fake.used
    fake.forget()
    again = sync(make(url, fake, both)[0], store)
    sent = fake.requests()
    assert sent, "the re-sync sent nothing"
    answered = {(path, conditional, status) for path, _query, conditional, status in sent}
    assert all(conditional for _p, conditional, _s in answered), [p for p, c, _ in answered if not c]
    assert {status for _p, _c, status in answered} == {304}, answered
    assert again.total == 0 and fake.used == used  # nothing rewritten; 304s do not count against the limit


def test_a_change_is_read_again_and_the_rest_stays_conditional(
    fake_github: tuple[FakeGitHub, str], store: Store
) -> None:
    fake, url = fake_github
    seed_persona(fake)
    sync(make(url, fake, PERSONA)[0], store)
    dex = fake.repos["ebrooks-dev/dex-app"]
    dex.commits.append(commit("dex", 99, when=START, email="ethan.brooks.dev@gmail.com", login="ebrooks-dev"))
    dex.pushed = START  # a push moves the repository to the top of the list
    fake.forget()
    report = sync(make(url, fake, PERSONA)[0], store)
    fresh = {path for path, _q, _c, status in fake.requests() if status == 200}
    assert fresh == {"/users/ebrooks-dev/repos", "/repos/ebrooks-dev/dex-app/commits"}  # both pages shifted
    unchanged = {path for path, _q, conditional, status in fake.requests() if status == 304 and conditional}
    assert {"/users/ebrooks-dev", "/repos/ebrooks-dev/react", "/users/ring-a/following"} <= unchanged
    assert report.written == {"profile_repos": 3, "profile_commits": 8}
    assert store.count("profile_commits") == 8


def test_a_profile_change_reads_the_readme_again_unconditionally(
    fake_github: tuple[FakeGitHub, str], store: Store
) -> None:
    fake, url = fake_github
    seed_persona(fake)
    sync(make(url, fake, PERSONA)[0], store)
    fake.users["ebrooks-dev"]["bio"] = "Rust developer"
    fake.forget()
    report = sync(make(url, fake, PERSONA)[0], store)
    assert report.written == {"profiles": 1}
    readme = [(c, s) for p, _q, c, s in fake.requests() if p.endswith("/readme")]
    assert readme == [(True, 304), (False, 200)]
    with store.engine.connect() as conn:
        (excerpt, readme_key) = conn.execute(select(schema.profiles.c.bio_excerpt, schema.profiles.c.readme_key)).one()
    assert excerpt == "Rust developer" and readme_key is not None


def test_a_new_worker_citing_a_known_account_gets_every_record(
    fake_github: tuple[FakeGitHub, str], store: Store
) -> None:
    fake, url = fake_github
    seed_persona(fake)
    sync(make(url, fake, PERSONA)[0], store)
    both = claims(("hr", "E1", ["https://github.com/ebrooks-dev"]), ("hr", "E2", ["https://github.com/ebrooks-dev"]))
    report = sync(make(url, fake, both)[0], store)
    assert report.written["profiles"] == 2 and report.written["profile_commits"] == 14


# -- paging and rate limits ---------------------------------------------------------------------------


def test_link_pages_are_followed_up_to_the_bounds(fake_github: tuple[FakeGitHub, str]) -> None:
    fake, url = fake_github
    seed_persona(fake)
    connector, _ = make(url, fake, PERSONA, page_size=2, max_repos=3, max_followers=2)
    found = records(connector)
    assert len([r for r in found if isinstance(r, ProfileRepo)]) == 3
    assert len([r for r in found if isinstance(r, ProfileFollow)]) == 2
    pages = [q for p, q, _c, _s in fake.requests() if p == "/users/ebrooks-dev/repos"]
    assert len(pages) == 2 and "page=2" in pages[1]
    assert [q for p, q, _c, _s in fake.requests() if p == "/users/ebrooks-dev/followers"] == ["per_page=2"]


def test_an_exhausted_window_is_waited_out_before_the_next_request(fake_github: tuple[FakeGitHub, str]) -> None:
    fake, url = fake_github
    seed_persona(fake)
    fake.limit = 4
    connector, sleeps = make(url, fake, PERSONA)
    reset = fake.reset_at
    found = records(connector)
    assert len([r for r in found if isinstance(r, ProfileCommit)]) == 7
    assert sleeps.waits()[0] == pytest.approx((reset - START).total_seconds())  # paused at Remaining: 0
    assert all(status != 403 for _p, _q, _c, status in fake.requests())  # never ran into the limit


def test_a_403_rate_limit_waits_until_the_reset(fake_github: tuple[FakeGitHub, str]) -> None:
    fake, url = fake_github
    seed_persona(fake)
    fake.used = fake.limit  # another client of the token used the window up
    connector, sleeps = make(url, fake, PERSONA)
    found = records(connector)
    assert any(isinstance(r, Profile) for r in found)
    assert sleeps.waits()[0] == pytest.approx(3600.0)
    assert fake.requests()[0][3] == 403


@pytest.mark.parametrize(("status", "retry_after", "expected"), [(403, 7, 7.0), (429, 3, 3.0), (403, None, 60.0)])
def test_secondary_limits_wait_as_github_asks(
    fake_github: tuple[FakeGitHub, str], status: int, retry_after: int | None, expected: float
) -> None:
    fake, url = fake_github
    seed_persona(fake)
    fake.secondary_limit("/users/ebrooks-dev/repos", retry_after=retry_after, status=status)
    connector, sleeps = make(url, fake, PERSONA)
    found = records(connector)
    assert len([r for r in found if isinstance(r, ProfileRepo)]) == 3
    assert sleeps.waits() == [expected]


# -- links that disappear -------------------------------------------------------------------------


def test_dropped_links_and_unfollows_delete_records(fake_github: tuple[FakeGitHub, str], store: Store) -> None:
    fake, url = fake_github
    seed_persona(fake)
    two = claims(("hr", "E1", ["https://github.com/ebrooks-dev"]), ("hr", "E5", ["https://github.com/pnair"]))
    sync(make(url, fake, two)[0], store)
    fake.follows["ring-c"].remove("ebrooks-dev")
    fake._counts()
    sync(make(url, fake, PERSONA)[0], store)  # E5 no longer cites pnair; ring-c unfollowed
    with store.engine.connect() as conn:
        live = conn.execute(select(schema.profiles.c.login).where(schema.profiles.c.deleted.is_(False))).scalars().all()
        follows = (
            conn.execute(select(schema.profile_follows.c.remote_id).where(schema.profile_follows.c.deleted.is_(False)))
            .scalars()
            .all()
        )
    assert live == ["ebrooks-dev"]
    assert sorted(follows) == ["ring-a>ebrooks-dev@hr/E1", "ring-b>ebrooks-dev@hr/E1"]
    state = AccountState.decode(store.cursor("gh", "account:pnair"))
    assert state.owners == []


def test_a_missing_account_is_a_problem_not_a_failure(fake_github: tuple[FakeGitHub, str]) -> None:
    fake, url = fake_github
    seed_persona(fake)
    directory = claims(("hr", "E1", ["https://github.com/ebrooks-dev"]), ("hr", "E2", ["https://github.com/ghost-x"]))
    batches = list(make(url, fake, directory)[0].read({}))
    problems = [str(p) for b in batches for p in b.problems]
    assert problems == ["gh:/users/ghost-x: no such GitHub account"]
    assert any(isinstance(r, Profile) and not r.deleted for b in batches for r in b.records)


def test_the_token_stays_out_of_cursors_and_records(fake_github: tuple[FakeGitHub, str], store: Store) -> None:
    fake, url = fake_github
    seed_persona(fake)
    sync(make(url, fake, PERSONA)[0], store)
    assert all(TOKEN not in value for value in store.cursors("gh").values())
    with store.engine.connect() as conn:
        data = conn.execute(select(schema.profile_commits.c.remote_data)).scalars().all()
        keys = conn.execute(select(schema.profile_commits.c.author_email_masked)).scalars().all()
    assert "gmail.com" not in repr(data) and "ethan.brooks.dev@gmail.com" not in repr(keys)
    assert Sleeps  # the fixtures' recorder is shared with the other modules
