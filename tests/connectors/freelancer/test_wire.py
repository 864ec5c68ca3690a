"""FreelancerConnector on the wire against our stateful REST fake of Freelancer.com (pytest-httpserver).

The fake (``fake_freelancer.py``) is **our own**, built from Freelancer.com's documented API as the
official SDK uses it: Freelancer.com publishes no OpenAPI spec, so there is no Prism contract test.
These tests cover ``check()``'s codes, ``limit``/``offset`` paging of projects and milestones, the
``Freelancer-OAuth-V1`` header, 429/5xx retries with the delays asked for, a sync into a real store
and a re-sync that asks only for new projects and the ones still live.
"""

from __future__ import annotations

import socket

import pytest

from hiresentry.connectors.base import sync
from hiresentry.connectors.base.incremental import Watermark
from hiresentry.core.errors import ConnectorUnavailableError
from hiresentry.core.model import Engagement, Payment, Worker
from hiresentry.core.store import Store
from tests.connectors.freelancer.conftest import SOURCE, Factory, Sleeps, stored
from tests.connectors.freelancer.fake_freelancer import EMPLOYER_ID, T0, FakeFreelancer

PROJECTS = "/projects/0.1/projects/"
MILESTONES = "/projects/0.1/milestones/"
USERS = "/users/0.1/users/"
SELF = "/users/0.1/self/"


# -- check -------------------------------------------------------------------------------------------


def test_check_ok(fake: FakeFreelancer, make: Factory) -> None:
    result = make().check()
    assert result.ok and str(EMPLOYER_ID) in result.message


def test_check_invalid_auth(fake: FakeFreelancer, make: Factory) -> None:
    from pydantic import SecretStr

    result = make(token=SecretStr("not-the-token")).check()
    assert result.code == "invalid_auth" and "must be logged in" in result.message
    assert "not-the-token" not in result.message


def test_check_forbidden_scope(fake: FakeFreelancer, make: Factory) -> None:
    fake.fail(SELF, 403)
    assert make().check().code == "forbidden_scope"


def test_check_flags_a_token_of_another_account(fake: FakeFreelancer, make: Factory) -> None:
    result = make(employer_id=999).check()
    assert (result.ok, result.code) == (False, "forbidden_scope")


def test_check_rate_limited(fake: FakeFreelancer, make: Factory) -> None:
    fake.fail(SELF, 429, times=3, headers={"Retry-After": "2"})
    sleeps = Sleeps()
    assert make(sleeps=sleeps, max_attempts=3).check().code == "rate_limited"
    assert sleeps.retries() == [2.0, 2.0]


def test_check_cannot_connect(make: Factory) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        closed = sock.getsockname()[1]
    result = make(base_url=f"http://127.0.0.1:{closed}/api", max_attempts=2).check()
    assert (result.ok, result.code) == (False, "cannot_connect")


# -- paging and retries -------------------------------------------------------------------------------


def test_projects_milestones_and_users_page_with_limit_and_offset(fake: FakeFreelancer, make: Factory) -> None:
    batches = list(make().read({}))
    assert len(batches) == 3  # five projects, two per page
    assert [c["offset"] for c in fake.calls(PROJECTS)] == ["0", "2", "4"]
    assert all(c["owners[]"] == [str(EMPLOYER_ID)] and c["selected_bids"] == "true" for c in fake.calls(PROJECTS))
    assert "from_time" not in fake.calls(PROJECTS)[0]  # the first pass reads everything
    first_page_milestones = [c for c in fake.calls(MILESTONES) if c["projects[]"] == ["39000000", "39000001"]]
    assert [c["offset"] for c in first_page_milestones] == ["0", "2", "4"]  # 4 milestones, 2 per page
    users = fake.calls(USERS)
    assert len(users) == 3 and all(c["location_details"] == "true" and c["details"] == "true" for c in users)
    records = [r for b in batches for r in b.records]
    assert sum(isinstance(r, Engagement) for r in records) == 5
    assert sum(isinstance(r, Payment) for r in records) == 10
    assert sum(isinstance(r, Worker) for r in records) == 5
    final = Watermark.decode(batches[-1].cursors[0].value)
    assert final is not None and final.done and final.high == "2025-08-01T02:13:20Z"
    assert final.memo["open"] == [str(FakeFreelancer.project_id(i)) for i in range(5)]


def test_429_with_retry_after_then_success(fake: FakeFreelancer, make: Factory) -> None:
    fake.fail(PROJECTS, 429, headers={"Retry-After": "11"})
    sleeps = Sleeps()
    assert len(list(make(sleeps=sleeps).read({}))) == 3
    assert sleeps.retries() == [11.0]


def test_5xx_then_success(fake: FakeFreelancer, make: Factory) -> None:
    fake.fail(MILESTONES, 502, times=2)
    sleeps = Sleeps()
    payments = [r for b in make(sleeps=sleeps).read({}) for r in b.records if isinstance(r, Payment)]
    assert len(payments) == 10
    assert sleeps.retries() == [0.75, 1.5]


def test_persistent_5xx_stops_before_the_page_commits(fake: FakeFreelancer, make: Factory) -> None:
    fake.fail(USERS, 500, times=10)
    with pytest.raises(ConnectorUnavailableError, match="still failing"):
        list(make(max_attempts=2).read({}))


def test_a_user_freelancer_no_longer_returns_is_a_problem_not_a_failure(fake: FakeFreelancer, make: Factory) -> None:
    del fake.users[str(FakeFreelancer.freelancer_id(0))]
    batches = list(make().read({}))
    problems = [p for b in batches for p in b.problems]
    assert len(problems) == 1 and "returned no user" in problems[0].reason
    assert sum(isinstance(r, Engagement) for b in batches for r in b.records) == 5


# -- store and re-sync --------------------------------------------------------------------------------


def test_sync_into_the_store(fake: FakeFreelancer, make: Factory, store: Store) -> None:
    report = sync(make(), store)
    assert report.written == {"engagements": 5, "payments": 10, "workers": 5} and report.problems == []
    held = stored(store, "payments", "7700100")
    assert held is not None and (held["status"], held["hold_ref"]) == ("frozen", "7700100")
    worker = stored(store, "workers", str(FakeFreelancer.freelancer_id(2)))
    assert worker is not None and (worker["claimed_country"], worker["claimed_timezone"]) == ("PH", "Asia/Manila")


def test_resync_asks_only_for_new_projects_and_the_live_ones(fake: FakeFreelancer, make: Factory, store: Store) -> None:
    for i in range(5):  # projects 0-2 finish: complete, all money released
        if i < 3:
            fake.projects[i]["frontend_project_status"] = "complete"
            fake.milestones[str(7_700_100 + i)]["status"] = "cleared"
    sync(make(), store)
    fake.log.clear()
    fake.add_project(5, submitted=T0 + 10 * 86_400)

    report = sync(make(), store)

    new_pages = [c for c in fake.calls(PROJECTS) if "owners[]" in c]
    since = str(T0 + 4 * 3600 - 3600)  # the newest project seen (4), minus the one-hour lookback
    assert [(c["from_time"], c["offset"]) for c in new_pages] == [(since, "0"), (since, "2")]  # 3, 4 | 5
    by_id = [c["projects[]"] for c in fake.calls(PROJECTS) if "projects[]" in c]
    assert by_id == [[str(FakeFreelancer.project_id(3)), str(FakeFreelancer.project_id(4))]]
    asked = {p for c in fake.calls(MILESTONES) for p in c["projects[]"]}
    assert asked == {str(FakeFreelancer.project_id(i)) for i in (3, 4, 5)}
    asked_users = {u for c in fake.calls(USERS) for u in c["users[]"]}
    assert asked_users == {str(FakeFreelancer.freelancer_id(i)) for i in (3, 4, 5)}
    # 3 and 4 are read twice (inside the lookback of the new pages, and as live ids): upserts make that harmless
    assert report.written == {"engagements": 5, "payments": 8, "workers": 3}
    assert stored(store, "engagements", f"{FakeFreelancer.project_id(5)}:{FakeFreelancer.freelancer_id(5)}")
    memo = Watermark.decode(store.cursors(SOURCE)["projects"])
    assert memo is not None and memo.memo["open"] == [str(FakeFreelancer.project_id(i)) for i in (3, 4, 5)]
