"""The Jira fake itself, driven by the real ``jira`` client: the contract the action tests rely on."""

from __future__ import annotations

import pytest
from jira import JIRA, JIRAError
from pytest_httpserver import HTTPServer

from tests.fakes.jira import FakeJira


@pytest.fixture
def fake(httpserver: HTTPServer) -> FakeJira:
    return FakeJira(httpserver, projects={"SEC": "Security", "OPS": "Operations"})


@pytest.fixture
def client(fake: FakeJira) -> JIRA:
    jira = JIRA(server=fake.url, basic_auth=(fake.user, fake.token), max_retries=2)
    jira._session.max_retry_delay = 0
    return jira


def _create(client: JIRA, project: str, summary: str, labels: list[str]) -> str:
    fields = {
        "project": {"key": project},
        "issuetype": {"name": "Task"},
        "summary": summary,
        "labels": labels,
    }
    return str(client.create_issue(fields=fields).key)


def test_issue_lifecycle(client: JIRA, fake: FakeJira) -> None:
    key = _create(client, "SEC", "first", ["a"])
    client.add_comment(key, "noted")
    client.transition_issue(key, "Done")

    issue = client.issue(key)
    assert key == "SEC-1"
    assert issue.fields.status.name == "Done"
    assert [c.body for c in client.comments(key)] == ["noted"]
    assert fake.comments(key) == ["noted"]
    assert client.current_user() == fake.user
    assert client.server_info()["deploymentType"] == "Server"


def test_jql_subset_and_paging(client: JIRA, fake: FakeJira) -> None:
    _create(client, "SEC", "one", ["x", "case-1"])
    _create(client, "SEC", "two", ["x"])
    _create(client, "OPS", "three", ["case-1"])
    fake.page_cap = 1

    def keys(jql: str) -> list[str]:
        return [i.key for i in client.search_issues(jql, maxResults=False)]

    assert keys('labels = "case-1"') == ["SEC-1", "OPS-1"]
    assert keys('project = SEC AND labels = "case-1"') == ["SEC-1"]
    assert keys("labels in (x, case-1) AND project != OPS ORDER BY created DESC") == ["SEC-2", "SEC-1"]
    assert keys('status = "To Do" AND issuetype = Task') == ["SEC-1", "SEC-2", "OPS-1"]
    page = client.search_issues("project = SEC", maxResults=1, json_result=True)
    assert (page["total"], page["maxResults"], len(page["issues"])) == (2, 1, 1)


def test_unsupported_jql_is_a_400(client: JIRA) -> None:
    with pytest.raises(JIRAError) as caught:
        client.search_issues('summary ~ "x"')
    assert caught.value.status_code == 400


def test_create_validates_required_fields(client: JIRA) -> None:
    with pytest.raises(JIRAError) as caught:
        client.create_issue(
            fields={
                "project": {"key": "NOPE"},
                "issuetype": {"name": "Epic"},
                "labels": ["a b"],
                "colour": "red",
            }
        )

    assert caught.value.status_code == 400
    text = str(caught.value.text)
    for needle in ("valid project is required", "summary", "issue type", "spaces", "colour"):
        assert needle in text


def test_missing_issue_is_a_404(client: JIRA) -> None:
    with pytest.raises(JIRAError) as caught:
        client.issue("SEC-99")
    assert caught.value.status_code == 404


def test_basic_auth_is_required(fake: FakeJira) -> None:
    with pytest.raises(JIRAError) as caught:
        JIRA(server=fake.url, basic_auth=(fake.user, "wrong"), max_retries=0)
    assert caught.value.status_code == 401


def test_injected_faults_are_retried_by_the_client(client: JIRA, fake: FakeJira) -> None:
    fake.fail_next(1, status=429, retry_after="1")
    fake.fail_next(1, status=503, retry_after="1")

    assert client.myself()["name"] == fake.user
    assert [c.path for c in fake.calls[-3:]] == ["myself"] * 3
