"""GitHub payload mapping, profile-link parsing and the cursor state, as pure functions.

Payloads follow GitHub's documented REST shapes (public user, repository, commit, README content);
no server is involved.
"""

from __future__ import annotations

import base64
import datetime as dt

import pytest

from hiresentry.connectors.github import mapping
from hiresentry.connectors.github.conditional import AccountState, Cached
from hiresentry.connectors.github.crawl import logins_by_account
from hiresentry.connectors.github.directory import ProfileClaim, login_from_url

HOSTS = ["github.com", "www.github.com"]
OWNER = ProfileClaim("hr", "E1", ("https://github.com/dpark",))


@pytest.mark.parametrize(
    ("url", "login"),
    [
        ("https://github.com/dpark", "dpark"),
        ("http://www.github.com/DPark/", "DPark"),
        ("github.com/dpark?tab=repositories", "dpark"),
        ("https://github.com/dpark/defi-app", "dpark"),
        ("https://github.com/orgs/acme", None),
        ("https://github.com/features/actions", None),
        ("https://github.com/", None),
        ("https://gitlab.com/dpark", None),
        ("https://github.com/-bad-", None),
        ("https://github.com/" + "x" * 40, None),
        ("https://evil.example/github.com/dpark", None),
        ("not a url at all", None),
    ],
)
def test_profile_links_name_accounts(url: str, login: str | None) -> None:
    assert login_from_url(url, HOSTS) == login


def test_one_account_cited_twice_is_one_account_with_two_owners() -> None:
    a = ProfileClaim("hr", "E1", ("https://github.com/dpark", "https://linkedin.com/in/dp"))
    b = ProfileClaim("ats", "A9", ("github.com/DPark/app",))
    accounts = logins_by_account([a, b], HOSTS)
    assert list(accounts) == ["dpark"] and accounts["dpark"][1] == [a, b]


def test_a_commit_maps_with_attribution_and_without_emails_in_remote_data() -> None:
    item = {
        "sha": "6dcb09b5b57875f334f61aebed695e2e4193db5e",
        "commit": {
            "author": {"name": "Monalisa", "email": "mona@github.example", "date": "2011-04-14T16:00:49Z"},
            "committer": {"name": "Monalisa", "email": "mona@github.example", "date": "2011-04-15T16:00:49Z"},
            "message": "Fix all the bugs\n\nlong body",
            "tree": {"sha": "6dcb09b5b57875f334f61aebed695e2e4193db5e"},
        },
        "author": {"login": "DPark", "id": 1},
        "html_url": "https://github.com/dpark/app/commit/6dcb09b",
    }
    found = mapping.commit("gh", OWNER, "dpark", "dpark/app", False, item)
    assert found.remote_id == "dpark/app#6dcb09b5b57875f334f61aebed695e2e4193db5e@hr/E1"
    assert (found.by_owner, found.author_email, found.worker_source) == (True, "mona@github.example", "hr")
    assert found.authored_at == dt.datetime(2011, 4, 14, 16, 0, 49, tzinfo=dt.UTC)
    assert "mona@" not in repr(found.remote_data) and found.remote_data["message"] == "Fix all the bugs"
    other = mapping.commit("gh", OWNER, "dpark", "dpark/app", False, item | {"author": {"login": "octocat"}})
    nobody = mapping.commit("gh", OWNER, "dpark", "dpark/app", False, item | {"author": None})
    assert (other.by_owner, nobody.by_owner) == (False, None)
    with pytest.raises(ValueError, match="no sha"):
        mapping.commit("gh", OWNER, "dpark", "dpark/app", False, {"commit": {}})


def test_profile_readme_and_long_ids() -> None:
    user = {"login": "DPark", "id": 583231, "created_at": "2019-04-02T10:00:00Z", "bio": " Dev ", "followers": 3}
    readme = {"encoding": "base64", "content": base64.encodebytes(b"# Hi\nI build things").decode()}
    now = dt.datetime(2026, 11, 1, tzinfo=dt.UTC)
    found = mapping.profile("gh", OWNER, "dpark", user, mapping.readme_text(readme), now)
    assert (found.login, found.account_id, found.bio, found.readme) == (
        "DPark",
        "583231",
        "Dev",
        "# Hi\nI build things",
    )
    assert (found.modified_at, found.observed_at) == (now, now)
    assert mapping.readme_text({"encoding": "utf-8", "content": "x"}) is None
    long_owner = ProfileClaim("hr", "E" * 300, ())
    assert len(mapping.profile_id("dpark", long_owner)) <= 256
    assert mapping.profile_id("dpark", long_owner) != mapping.profile_id("dpark", ProfileClaim("hr", "F" * 300, ()))


def test_account_state_round_trips_and_bad_state_starts_afresh() -> None:
    state = AccountState(
        owners=[("hr", "E1")],
        answers={"/users/dpark": Cached('W/"abc"', None), "/x?page=2": Cached('"d"', {"items": [1]})},
        followers={"octo": "9911"},
        repos=["dpark/app"],
    )
    assert AccountState.decode(state.encode()) == state
    assert AccountState.decode("{not json") == AccountState()
    assert AccountState.decode('{"v": 99}') == AccountState()
