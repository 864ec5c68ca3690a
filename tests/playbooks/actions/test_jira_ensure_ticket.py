"""jira.ensure_ticket against the stateful Jira fake (tests/fakes/jira.py), through the real ``jira``
client library: every request below is a real HTTP request that ``jira`` 3.x builds and parses."""

from __future__ import annotations

import base64

import pytest
from pydantic import SecretStr

from hiresentry.core.cases.view import CaseView
from hiresentry.core.errors import ActionError, ActionRetryableError, ConfigError
from hiresentry.core.levels import Level
from hiresentry.playbooks.actions.jira import EnsureTicket, EnsureTicketParams, JiraSettings
from tests.fakes.jira import FakeJira
from tests.playbooks.conftest import AuditLog, CaseFactory, ContextFactory

PARAMS = EnsureTicketParams(project="SEC", labels=["hiresentry"], attach_report=False)  # attachments: test_jira_full.py


def test_creates_one_ticket_with_fields_labels_and_explanation(
    fake_jira: FakeJira,
    jira_settings: JiraSettings,
    make_ctx: ContextFactory,
    case: CaseView,
    audit: AuditLog,
) -> None:
    params = EnsureTicketParams(
        project="SEC", labels=["hiresentry"], priority={Level.HIGH: "High"}, attach_report=False
    )

    result = EnsureTicket(jira_settings).execute(make_ctx(case), params)

    assert result["issue_key"] == "SEC-1"
    assert result["url"] == f"{fake_jira.url}/browse/SEC-1"
    fields = fake_jira.issue("SEC-1")["fields"]
    assert fields["project"]["key"] == "SEC"
    assert fields["issuetype"]["name"] == "Task"
    assert fields["labels"] == ["hiresentry-hs-3f2a9c1d", "hiresentry"]
    assert fields["priority"] == {"name": "High"}
    assert "HIGH" in fields["summary"]
    assert "hs-3f2a9c1d" in fields["summary"]
    assert "Jon Kim" in fields["summary"]
    description = fields["description"]
    for needle in (
        "PAY-SHARED-ACCOUNT",
        "Payout account shared by different identities",
        "weight +45",
        "Bank account ••••4321 receives the payouts",
        "deel/w-1001, upwork/u-2002",
        "Shared keys: ••••4321",
        "DEV-GEO-ABROAD",
        "||Term||Weight||Reason||",
        "evidence digest digest-v1",
    ):
        assert needle in description
    assert audit.events() == ["jira.lookup", "jira.create"]
    assert [c.method for c in fake_jira.writes] == ["POST"]


def test_rerun_with_written_back_result_makes_no_call(
    fake_jira: FakeJira, jira_settings: JiraSettings, make_ctx: ContextFactory, case: CaseView
) -> None:
    action = EnsureTicket(jira_settings)
    first = action.execute(make_ctx(case), PARAMS)
    calls = len(fake_jira.calls)

    second = action.execute(make_ctx(case, prior=first, prior_digest=case.evidence_digest), PARAMS)

    assert second["issue_key"] == first["issue_key"]
    assert len(fake_jira.calls) == calls
    assert len(fake_jira.issues) == 1


def test_rerun_after_crash_finds_ticket_by_label(
    fake_jira: FakeJira,
    jira_settings: JiraSettings,
    make_ctx: ContextFactory,
    case: CaseView,
    audit: AuditLog,
) -> None:
    action = EnsureTicket(jira_settings)
    first = action.execute(make_ctx(case), PARAMS)

    second = action.execute(make_ctx(case), PARAMS)  # the write-back of `first` was lost

    assert second["issue_key"] == first["issue_key"]
    assert len(fake_jira.issues) == 1
    assert fake_jira.comments("SEC-1") == []
    assert [c.path for c in fake_jira.writes] == ["issue"]
    lookups = [detail for event, detail in audit if event == "jira.lookup"]
    assert lookups[-1]["issue_keys"] == ["SEC-1"]
    assert 'labels = "hiresentry-hs-3f2a9c1d"' in lookups[-1]["jql"]


def test_changed_evidence_adds_exactly_one_comment(
    fake_jira: FakeJira,
    jira_settings: JiraSettings,
    make_ctx: ContextFactory,
    case: CaseView,
    changed_case: CaseView,
) -> None:
    action = EnsureTicket(jira_settings)
    first = action.execute(make_ctx(case), PARAMS)

    second = action.execute(make_ctx(changed_case, prior=first, prior_digest=case.evidence_digest), PARAMS)
    # unchanged since then: nothing more
    action.execute(make_ctx(changed_case, prior=second, prior_digest=changed_case.evidence_digest), PARAMS)
    # crash before `second` was written back: the run repeats with the old prior
    action.execute(make_ctx(changed_case, prior=first, prior_digest=case.evidence_digest), PARAMS)

    assert second["issue_key"] == "SEC-1"
    assert len(fake_jira.issues) == 1
    [comment] = fake_jira.comments("SEC-1")
    assert "HIGH → CRITICAL" in comment
    assert "*New evidence:*" in comment
    assert "SHIP-ADDR-NOT-HOME" in comment
    assert "••••Main St" in comment
    assert "*No longer present:* DEV-GEO-ABROAD" in comment
    assert "evidence digest digest-v2" in comment


def test_changed_evidence_after_lost_write_back_comments_once(
    fake_jira: FakeJira,
    jira_settings: JiraSettings,
    make_ctx: ContextFactory,
    case: CaseView,
    changed_case: CaseView,
) -> None:
    action = EnsureTicket(jira_settings)
    action.execute(make_ctx(case), PARAMS)

    action.execute(make_ctx(changed_case), PARAMS)
    action.execute(make_ctx(changed_case), PARAMS)

    assert len(fake_jira.issues) == 1
    [comment] = fake_jira.comments("SEC-1")
    assert "previous set is not on record" in comment
    assert "SHIP-ADDR-NOT-HOME" in comment
    assert "PAY-SHARED-ACCOUNT" in comment


def test_unchanged_evidence_found_by_label_writes_nothing(
    fake_jira: FakeJira, jira_settings: JiraSettings, make_ctx: ContextFactory, case: CaseView
) -> None:
    action = EnsureTicket(jira_settings)
    action.execute(make_ctx(case), PARAMS)
    writes = len(fake_jira.writes)

    for _ in range(2):
        action.execute(make_ctx(case), PARAMS)

    assert len(fake_jira.writes) == writes


@pytest.mark.parametrize("status", [429, 503])
def test_throttling_and_outage_are_retried_then_succeed(
    fake_jira: FakeJira, jira_settings: JiraSettings, make_ctx: ContextFactory, case: CaseView, status: int
) -> None:
    fake_jira.fail_next(2, status=status, retry_after="1", method="POST", path="^issue$")

    result = EnsureTicket(jira_settings).execute(make_ctx(case), PARAMS)

    assert result["issue_key"] == "SEC-1"
    assert len(fake_jira.issues) == 1
    assert [c.path for c in fake_jira.calls if c.method == "POST"] == ["issue"] * 3


def test_persistent_outage_is_retryable(
    fake_jira: FakeJira,
    jira_settings: JiraSettings,
    make_ctx: ContextFactory,
    case: CaseView,
    audit: AuditLog,
) -> None:
    fake_jira.fail_next(10, status=503, retry_after="1", path="^search$")

    with pytest.raises(ActionRetryableError, match=r"HTTP 503"):
        EnsureTicket(jira_settings).execute(make_ctx(case), PARAMS)

    assert fake_jira.issues == {}
    assert audit[-1] == (
        "jira.error",
        {"operation": "search for the case label", "status": 503, "retryable": True, "retry_after": 1.0},
    )


def test_bad_credentials_fail_without_leaking_the_token(
    fake_jira: FakeJira,
    jira_settings: JiraSettings,
    make_ctx: ContextFactory,
    case: CaseView,
    audit: AuditLog,
) -> None:
    secret = "wrong-but-secret-token"
    settings = jira_settings.model_copy(update={"token": SecretStr(secret)})

    with pytest.raises(ActionError) as caught:
        EnsureTicket(settings).execute(make_ctx(case), PARAMS)

    assert not isinstance(caught.value, ActionRetryableError)
    message = str(caught.value)
    assert "HTTP 401" in message
    assert "jira.token" in message
    basic = base64.b64encode(f"{fake_jira.user}:{secret}".encode()).decode()
    for text in (message, repr(audit)):
        assert secret not in text
        assert basic not in text
    assert caught.value.__cause__ is None
    assert caught.value.__suppress_context__


def test_request_jira_refuses_is_a_plain_action_error(
    fake_jira: FakeJira, jira_settings: JiraSettings, make_ctx: ContextFactory, case: CaseView
) -> None:
    with pytest.raises(ActionError, match="valid issue type is required") as caught:
        EnsureTicket(jira_settings).execute(
            make_ctx(case), EnsureTicketParams(project="SEC", issue_type="Epic", attach_report=False)
        )

    assert not isinstance(caught.value, ActionRetryableError)
    assert "HTTP 400" in str(caught.value)


def test_unreachable_jira_is_retryable(make_ctx: ContextFactory, case: CaseView) -> None:
    settings = JiraSettings(url="http://127.0.0.1:9", user="u", token=SecretStr("t0ken-value"), max_retries=0)

    with pytest.raises(ActionRetryableError, match="cannot reach Jira") as caught:
        EnsureTicket(settings).execute(make_ctx(case), PARAMS)

    assert "t0ken-value" not in str(caught.value)


def test_closed_case_runs_the_close_transition_once(
    fake_jira: FakeJira, jira_settings: JiraSettings, make_ctx: ContextFactory, make_case: CaseFactory
) -> None:
    params = EnsureTicketParams(project="SEC", transition_on_close="Done", attach_report=False)
    action = EnsureTicket(jira_settings)
    opened = make_case()
    first = action.execute(make_ctx(opened), params)
    closed_case = make_case(status="closed")

    second = action.execute(make_ctx(closed_case, prior=first, prior_digest=opened.evidence_digest), params)
    calls = len(fake_jira.calls)
    third = action.execute(make_ctx(closed_case, prior=second, prior_digest=opened.evidence_digest), params)

    assert fake_jira.issue("SEC-1")["fields"]["status"]["name"] == "Done"
    assert second["closed"] is True
    assert third["closed"] is True
    assert len(fake_jira.calls) == calls
    assert fake_jira.comments("SEC-1") == []


def test_preview_needs_no_settings_and_makes_no_call(
    fake_jira: FakeJira, make_ctx: ContextFactory, case: CaseView, changed_case: CaseView
) -> None:
    action = EnsureTicket()
    prior = {"issue_key": "SEC-7", "url": "x", "indicators": ["DEV-GEO-ABROAD", "PAY-SHARED-ACCOUNT"]}

    fresh = action.preview(make_ctx(case), PARAMS)
    same = action.preview(make_ctx(case, prior=prior, prior_digest=case.evidence_digest), PARAMS)
    changed = action.preview(make_ctx(changed_case, prior=prior, prior_digest=case.evidence_digest), PARAMS)

    assert fresh.action == "jira.ensure_ticket"
    assert "hiresentry-hs-3f2a9c1d" in fresh.summary
    assert "PAY-SHARED-ACCOUNT" in fresh.body
    assert "nothing to do" in same.summary
    assert same.body == ""
    assert "SEC-7" in changed.summary
    assert "SHIP-ADDR-NOT-HOME" in changed.body
    assert fake_jira.calls == []
    with pytest.raises(ConfigError):
        action.execute(make_ctx(case), PARAMS)


def test_params_and_settings_validate_their_input() -> None:
    with pytest.raises(ValueError, match="spaces"):
        EnsureTicketParams(project="SEC", labels=["two words"])
    with pytest.raises(ValueError, match="project"):
        EnsureTicketParams(project="sec")
    with pytest.raises(ValueError, match="credentials"):
        JiraSettings(url="https://u:p@jira.example.com", user="u", token=SecretStr("t"))
    with pytest.raises(ValueError, match="rest_api_version"):
        JiraSettings(url="https://jira.example.com", user="u", token=SecretStr("t"), rest_api_version="4")
    settings = JiraSettings(url="https://jira.example.com/", user="u", token=SecretStr("pat-123456"))
    assert settings.url == "https://jira.example.com"
    assert "pat-123456" not in repr(settings)


def test_close_transition_not_offered_is_audited_not_failed(
    fake_jira: FakeJira,
    jira_settings: JiraSettings,
    make_ctx: ContextFactory,
    make_case: CaseFactory,
    audit: AuditLog,
) -> None:
    params = EnsureTicketParams(project="SEC", transition_on_close="Done", attach_report=False)
    action = EnsureTicket(jira_settings)
    opened = make_case()
    first = action.execute(make_ctx(opened), params)
    fake_jira.issue("SEC-1")["fields"]["status"] = {"id": "10001", "name": "Done"}  # a reviewer closed it

    second = action.execute(make_ctx(make_case(status="closed"), prior=first, prior_digest="digest-v1"), params)

    assert second["closed"] is True
    assert audit.events()[-1] == "jira.transition_unavailable"
    assert [c.path for c in fake_jira.writes] == ["issue"]
