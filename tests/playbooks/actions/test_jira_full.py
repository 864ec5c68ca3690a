"""jira.ensure_ticket's fuller features against the stateful Jira fake (tests/fakes/jira.py), through
the real ``jira`` client: REST v3 with ADF bodies, custom fields and assignee, the case report
attached and replaced (never piled up), transitions on level changes, and comments for events."""

from __future__ import annotations

import pytest

from hiresentry.core.cases.view import CaseView
from hiresentry.core.levels import Level
from hiresentry.playbooks.actions.jira import EnsureTicket, EnsureTicketParams, JiraSettings
from tests.fakes.jira import FakeJira
from tests.playbooks.conftest import AuditLog, CaseFactory, ContextFactory


def test_rest_v3_sends_adf_and_finds_its_own_markers(
    fake_jira: FakeJira,
    jira_settings: JiraSettings,
    make_ctx: ContextFactory,
    case: CaseView,
    changed_case: CaseView,
) -> None:
    settings = jira_settings.model_copy(update={"rest_api_version": "3"})
    params = EnsureTicketParams(
        project="SEC",
        assignee="557058:f58131cb-b67d-43c7-b30d-6b58d40bd077",
        custom_fields={"customfield_10010": "{dedup_key} ({level})"},
    )
    action = EnsureTicket(settings, case_url="https://hiresentry.example.com/cases/{dedup_key}")
    first = action.execute(make_ctx(case), params)

    fields = fake_jira.issue("SEC-1")["fields"]
    assert fields["description"]["type"] == "doc"
    assert fields["assignee"] == {"accountId": "557058:f58131cb-b67d-43c7-b30d-6b58d40bd077"}
    assert fields["customfield_10010"] == "hs-3f2a9c1d (high)"
    assert any(c.path.startswith("issue") for c in fake_jira.calls if c.method == "POST")
    links = [
        m["attrs"]["href"]
        for block in fields["description"]["content"]
        for node in block.get("content", [])
        for m in node.get("marks", [])
        if m["type"] == "link"
    ]
    assert links == ["https://hiresentry.example.com/cases/hs-3f2a9c1d"]

    changed = make_ctx(changed_case, prior=first, prior_digest=case.evidence_digest)
    second = action.execute(changed, params)
    action.execute(make_ctx(changed_case), params)  # write-back lost: the ADF marker is found, no repeat
    [comment] = fake_jira.comments("SEC-1")
    assert "SHIP-ADDR-NOT-HOME" in comment and "evidence digest digest-v2" in comment
    assert second["issue_key"] == "SEC-1"


def test_v2_assignee_by_name_and_unknown_custom_fields_are_refused(
    fake_jira: FakeJira, jira_settings: JiraSettings, make_ctx: ContextFactory, case: CaseView
) -> None:
    EnsureTicket(jira_settings).execute(make_ctx(case), EnsureTicketParams(project="SEC", assignee="secops-lead"))
    assert fake_jira.issue("SEC-1")["fields"]["assignee"] == {"name": "secops-lead"}
    with pytest.raises(ValueError, match="customfield_10010"):
        EnsureTicketParams(project="SEC", custom_fields={"Case ID": "x"})


def test_the_case_report_is_replaced_not_piled_up(
    fake_jira: FakeJira,
    jira_settings: JiraSettings,
    make_ctx: ContextFactory,
    case: CaseView,
    changed_case: CaseView,
    audit: AuditLog,
) -> None:
    action = EnsureTicket(jira_settings)
    params = EnsureTicketParams(project="SEC")
    first = action.execute(make_ctx(case), params)
    [report] = fake_jira.attached("SEC-1")
    assert report["filename"] == "hiresentry-hs-3f2a9c1d.md"
    assert (
        b"## Evidence (2)" in report["bytes"]
        and b"`\xe2\x80\xa2\xe2\x80\xa2\xe2\x80\xa2\xe2\x80\xa24321`" in report["bytes"]
    )

    second = action.execute(make_ctx(changed_case, prior=first, prior_digest=case.evidence_digest), params)
    [replaced] = fake_jira.attached("SEC-1")
    assert replaced["id"] != report["id"] and b"SHIP-ADDR-NOT-HOME" in replaced["bytes"]
    assert second["attachment"] == replaced["id"]
    assert [d for e, d in audit if e == "jira.attach"][-1]["replaced"] == [report["id"]]
    writes = len(fake_jira.writes)
    action.execute(make_ctx(changed_case, prior=second, prior_digest=changed_case.evidence_digest), params)
    assert len(fake_jira.writes) == writes  # nothing changed: no new upload


def test_level_changes_run_the_configured_transitions(
    fake_jira: FakeJira, jira_settings: JiraSettings, make_ctx: ContextFactory, make_case: CaseFactory
) -> None:
    params = EnsureTicketParams(
        project="SEC", transition_on_level_up="Start Progress", transition_on_level_down="Done", attach_report=False
    )
    action = EnsureTicket(jira_settings)
    high = make_case()
    first = action.execute(make_ctx(high), params)
    critical = make_case(level=Level.CRITICAL, previous_level=Level.HIGH, digest="digest-v2")
    second = action.execute(make_ctx(critical, prior=first, prior_digest="digest-v1"), params)
    assert fake_jira.issue("SEC-1")["fields"]["status"]["name"] == "In Progress"
    low = make_case(level=Level.LOW, previous_level=Level.CRITICAL, digest="digest-v3")
    action.execute(make_ctx(low, prior=second, prior_digest="digest-v2"), params)
    assert fake_jira.issue("SEC-1")["fields"]["status"]["name"] == "Done"


def test_an_event_is_commented_once(
    fake_jira: FakeJira, jira_settings: JiraSettings, make_ctx: ContextFactory, case: CaseView
) -> None:
    action = EnsureTicket(jira_settings)
    params = EnsureTicketParams(project="SEC", attach_report=False)
    first = action.execute(make_ctx(case), params)
    event = {"id": 42, "event": "hold.expired", "actor": "hiresentry", "detail": {"worker": "deel/w-1001"}}
    ctx = make_ctx(case, prior=first, prior_digest=case.evidence_digest)
    ctx = ctx.__class__(**{**ctx.__dict__, "event": event})
    action.execute(ctx, params)
    action.execute(ctx, params)  # the same event again (a crash before the write-back)
    [comment] = fake_jira.comments("SEC-1")
    assert "Payout hold on deel/w-1001 EXPIRED" in comment and "event 42" in comment
