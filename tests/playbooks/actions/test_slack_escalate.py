"""slack.escalate against the stateful Slack fake (tests/fakes/slack.py), through the real
``slack_sdk.WebClient``: every call below is a real HTTP request built and parsed by slack_sdk."""

from __future__ import annotations

import pytest
from pydantic import SecretStr

from hiresentry.core.cases.view import CaseView
from hiresentry.core.errors import ActionError, ActionRetryableError, ConfigError
from hiresentry.playbooks.actions.slack import Escalate, EscalateParams, SlackSettings
from tests.fakes.slack import WRITE_METHODS, FakeSlack
from tests.playbooks.conftest import AuditLog, ContextFactory

CHANNEL = "C0RISK00001"
PARAMS = EscalateParams(channel="#contractor-risk")


def test_first_run_posts_the_case_with_buttons_and_metadata(
    fake_slack: FakeSlack,
    slack_settings: SlackSettings,
    make_ctx: ContextFactory,
    case: CaseView,
    audit: AuditLog,
) -> None:
    result = Escalate(slack_settings).execute(make_ctx(case), PARAMS)

    assert result["channel"] == CHANNEL
    [root] = fake_slack.roots(CHANNEL)
    assert result["ts"] == root["ts"]
    assert root["metadata"]["event_type"] == "hiresentry_case"
    assert root["metadata"]["event_payload"]["dedup_key"] == "hs-3f2a9c1d"
    assert "HIGH risk case hs-3f2a9c1d" in root["text"]
    kinds = [b["type"] for b in root["blocks"]]
    assert kinds == ["header", "section", "divider", "section", "section", "context", "actions"]
    assert "••••4321" in root["blocks"][3]["text"]["text"]
    buttons = root["blocks"][-1]["elements"]
    assert [b["action_id"] for b in buttons] == ["hiresentry:approve_hold", "hiresentry:dismiss"]
    assert {b["value"] for b in buttons} == {"hs-3f2a9c1d"}
    assert [c.method for c in fake_slack.calls] == [
        "conversations.list",
        "conversations.history",
        "chat.postMessage",
    ]
    assert audit.events() == ["slack.lookup", "slack.post"]


def test_rerun_with_written_back_result_makes_no_call(
    fake_slack: FakeSlack, slack_settings: SlackSettings, make_ctx: ContextFactory, case: CaseView
) -> None:
    action = Escalate(slack_settings)
    first = action.execute(make_ctx(case), PARAMS)
    calls = len(fake_slack.calls)

    second = action.execute(make_ctx(case, prior=first, prior_digest=case.evidence_digest), PARAMS)

    assert second == first
    assert len(fake_slack.calls) == calls
    assert len(fake_slack.roots(CHANNEL)) == 1


def test_rerun_after_crash_finds_the_message_by_metadata(
    fake_slack: FakeSlack, slack_settings: SlackSettings, make_ctx: ContextFactory, case: CaseView
) -> None:
    action = Escalate(slack_settings)
    first = action.execute(make_ctx(case), PARAMS)
    # someone else's later message must not confuse the lookup
    fake_slack.messages[CHANNEL].append({"type": "message", "ts": "1764000100.000001", "text": "lunch?"})

    second = action.execute(make_ctx(case), PARAMS)  # the write-back of `first` was lost

    assert second == first
    assert len([m for m in fake_slack.roots(CHANNEL) if "metadata" in m]) == 1
    assert [c.method for c in fake_slack.writes] == ["chat.postMessage"]
    history = [c for c in fake_slack.calls if c.method == "conversations.history"][-1]
    assert history.args["include_all_metadata"] in ("1", "true", True)


def test_changed_evidence_updates_the_root_and_replies_once(
    fake_slack: FakeSlack,
    slack_settings: SlackSettings,
    make_ctx: ContextFactory,
    case: CaseView,
    changed_case: CaseView,
) -> None:
    action = Escalate(slack_settings)
    first = action.execute(make_ctx(case), PARAMS)
    before = len(fake_slack.calls)

    second = action.execute(make_ctx(changed_case, prior=first, prior_digest=case.evidence_digest), PARAMS)
    write_methods = [c.method for c in fake_slack.calls[before:] if c.method in WRITE_METHODS]
    action.execute(make_ctx(changed_case, prior=second, prior_digest=changed_case.evidence_digest), PARAMS)
    action.execute(make_ctx(changed_case, prior=first, prior_digest=case.evidence_digest), PARAMS)  # lost write

    assert second["ts"] == first["ts"]
    assert write_methods == ["chat.postMessage", "chat.update"]
    [reply] = fake_slack.replies(CHANNEL, first["ts"])
    assert "SHIP-ADDR-NOT-HOME" in reply["text"]
    assert "*No longer present:* DEV-GEO-ABROAD" in reply["text"]
    assert "CRITICAL (was HIGH)" in reply["text"]
    assert reply["metadata"]["event_payload"]["evidence_digest"] == "digest-v2"
    root = fake_slack.message(CHANNEL, first["ts"])
    assert "CRITICAL risk case" in root["text"]
    assert root["metadata"]["event_payload"]["evidence_digest"] == "digest-v2"
    assert len(fake_slack.roots(CHANNEL)) == 1


def test_changed_evidence_after_lost_write_back_diffs_against_the_root_metadata(
    fake_slack: FakeSlack,
    slack_settings: SlackSettings,
    make_ctx: ContextFactory,
    case: CaseView,
    changed_case: CaseView,
) -> None:
    action = Escalate(slack_settings)
    first = action.execute(make_ctx(case), PARAMS)

    action.execute(make_ctx(changed_case), PARAMS)
    calls = len(fake_slack.writes)
    action.execute(make_ctx(changed_case), PARAMS)

    [reply] = fake_slack.replies(CHANNEL, first["ts"])
    assert "*New evidence:*" in reply["text"]
    assert "*No longer present:* DEV-GEO-ABROAD" in reply["text"]
    assert len(fake_slack.writes) == calls  # the root now carries digest-v2: nothing left to do


def test_channel_id_needs_no_name_lookup(
    fake_slack: FakeSlack, slack_settings: SlackSettings, make_ctx: ContextFactory, case: CaseView
) -> None:
    params = EscalateParams(channel=CHANNEL, ask=["approve_hold"], mention="S0SECOPS1")

    Escalate(slack_settings).execute(make_ctx(case), params)

    assert [c.method for c in fake_slack.calls] == ["conversations.history", "chat.postMessage"]
    [root] = fake_slack.roots(CHANNEL)
    assert root["text"].startswith("<!subteam^S0SECOPS1> ")
    assert [b["action_id"] for b in root["blocks"][-1]["elements"]] == ["hiresentry:approve_hold"]


def test_rate_limit_is_retried_then_succeeds(
    fake_slack: FakeSlack, slack_settings: SlackSettings, make_ctx: ContextFactory, case: CaseView
) -> None:
    fake_slack.fail_next(1, status=429, error="ratelimited", retry_after="0", method="chat.postMessage")

    result = Escalate(slack_settings).execute(make_ctx(case), PARAMS)

    assert len(fake_slack.roots(CHANNEL)) == 1
    assert [c.method for c in fake_slack.writes] == ["chat.postMessage", "chat.postMessage"]
    assert result["ts"] == fake_slack.roots(CHANNEL)[0]["ts"]


def test_server_error_is_retried_then_succeeds(
    fake_slack: FakeSlack, slack_settings: SlackSettings, make_ctx: ContextFactory, case: CaseView
) -> None:
    fake_slack.fail_next(2, status=503, error="service_unavailable", method="conversations.history")

    Escalate(slack_settings).execute(make_ctx(case), PARAMS)

    assert len(fake_slack.roots(CHANNEL)) == 1


def test_persistent_rate_limit_is_retryable(
    fake_slack: FakeSlack,
    slack_settings: SlackSettings,
    make_ctx: ContextFactory,
    case: CaseView,
    audit: AuditLog,
) -> None:
    settings = slack_settings.model_copy(update={"rate_limit_retries": 0})
    fake_slack.fail_next(1, status=429, method="conversations.list")

    with pytest.raises(ActionRetryableError, match="ratelimited"):
        Escalate(settings).execute(make_ctx(case), PARAMS)

    assert audit[-1][1]["retryable"] is True
    assert fake_slack.writes == []


def test_bad_token_fails_without_leaking_it(
    fake_slack: FakeSlack,
    slack_settings: SlackSettings,
    make_ctx: ContextFactory,
    case: CaseView,
    audit: AuditLog,
) -> None:
    secret = "xoxb-wrong-but-secret"
    settings = slack_settings.model_copy(update={"token": SecretStr(secret)})

    with pytest.raises(ActionError) as caught:
        Escalate(settings).execute(make_ctx(case), PARAMS)

    assert not isinstance(caught.value, ActionRetryableError)
    assert "invalid_auth" in str(caught.value)
    assert "slack.token" in str(caught.value)
    assert secret not in str(caught.value)
    assert secret not in repr(audit)
    assert caught.value.__suppress_context__


def test_unknown_channel_is_an_action_error(
    fake_slack: FakeSlack, slack_settings: SlackSettings, make_ctx: ContextFactory, case: CaseView
) -> None:
    with pytest.raises(ActionError, match="channel #nowhere not found"):
        Escalate(slack_settings).execute(make_ctx(case), EscalateParams(channel="#nowhere"))
    with pytest.raises(ActionError, match="channel_not_found"):
        Escalate(slack_settings).execute(make_ctx(case), EscalateParams(channel="C0GONE0001"))

    assert fake_slack.writes == []


def test_preview_needs_no_settings_and_makes_no_call(
    fake_slack: FakeSlack, make_ctx: ContextFactory, case: CaseView, changed_case: CaseView
) -> None:
    action = Escalate()
    prior = {
        "channel": CHANNEL,
        "ts": "1764000001.000001",
        "indicators": ["DEV-GEO-ABROAD", "PAY-SHARED-ACCOUNT"],
    }

    fresh = action.preview(make_ctx(case), PARAMS)
    same = action.preview(make_ctx(case, prior=prior, prior_digest=case.evidence_digest), PARAMS)
    changed = action.preview(make_ctx(changed_case, prior=prior, prior_digest=case.evidence_digest), PARAMS)

    assert "#contractor-risk" in fresh.summary
    assert "approve_hold" in fresh.summary
    assert "hs-3f2a9c1d" in fresh.body
    assert "nothing to do" in same.summary
    assert "SHIP-ADDR-NOT-HOME" in changed.body
    assert fake_slack.calls == []
    with pytest.raises(ConfigError):
        action.execute(make_ctx(case), PARAMS)


def test_params_validate_ask_and_mention() -> None:
    assert EscalateParams(channel="#x").ask == ["approve_hold", "dismiss"]
    assert EscalateParams(channel="#x", ask=["dismiss", "dismiss"]).ask == ["dismiss"]
    assert EscalateParams(channel="#x", mention="U0ALICE01").mention == "<@U0ALICE01>"
    assert EscalateParams(channel="#x", mention="here").mention == "<!here>"
    with pytest.raises(ValueError, match="snake_case"):
        EscalateParams(channel="#x", ask=["Approve Hold"])
    with pytest.raises(ValueError, match="mention"):
        EscalateParams(channel="#x", mention="<https://evil|click>")
    assert SlackSettings(token=SecretStr("t"), base_url="http://localhost/api").base_url == "http://localhost/api/"
