"""Rendering of cases into Jira wiki markup and Slack Block Kit (pure functions, no I/O)."""

from __future__ import annotations

from hiresentry.core.cases.view import CaseView, EvidenceView, RecordRef
from hiresentry.core.levels import Level
from hiresentry.playbooks import render
from tests.playbooks.conftest import CaseFactory


def _evidence(n: int, explanation: str = "Shared key ••••0000 links two identities.") -> EvidenceView:
    return EvidenceView(
        indicator=f"NET-TEST-{n:03d}",
        title=f"Test indicator {n}",
        severity="medium",
        weight=1,
        explanation=explanation,
        records=[RecordRef(source="deel", remote_id=f"w-{n}")],
        keys=[f"••••{n:04d}"],
    )


def test_jira_summary_is_one_short_line(case: CaseView, make_case: CaseFactory) -> None:
    assert render.jira_summary(case) == "[hiresentry] HIGH risk 85 · hs-3f2a9c1d · Jon Kim, John Smith"
    crowded = make_case(display_names=[f"Name\nNumber {n}" for n in range(80)])
    summary = render.jira_summary(crowded)
    assert len(summary) <= 255
    assert "\n" not in summary
    assert summary.endswith("…")


def test_jira_description_explains_every_term(case: CaseView) -> None:
    text = render.jira_description(case)

    assert text.startswith("h2. hiresentry case hs-3f2a9c1d: HIGH risk, score 85")
    for e in case.evidence:
        assert f"*{e.indicator}* {e.title} (weight +{e.weight:g}, severity {e.severity})" in text
        assert e.explanation in text
        assert "Records: " + ", ".join(str(r) for r in e.records) in text
        assert "Shared keys: " + ", ".join(e.keys) in text
    assert "|PAY-SHARED-ACCOUNT|+45|" in text
    assert "||Total||85||" in text
    assert text.rstrip().endswith("_hiresentry case hs-3f2a9c1d · evidence digest digest-v1_")
    assert render.jira_marker(case) in text
    # heaviest evidence first
    assert text.index("PAY-SHARED-ACCOUNT") < text.index("DEV-GEO-ABROAD")


def test_untrusted_text_cannot_inject_markup(make_case: CaseFactory) -> None:
    hostile = make_case(
        display_names=["<!channel> [click|https://evil.example] {html}x{html}"],
        summary="see [~admin] !https://evil.example/pixel.png!",
    )

    jira = render.jira_description(hostile)
    slack = render.slack_message(hostile)

    assert r"\[click\|https://evil.example\]" in jira
    assert r"\{html\}" in jira
    assert r"\[\~admin\]" in jira
    assert r"\!https://evil.example/pixel.png\!" in jira
    assert "<!channel>" not in str(slack.blocks)
    assert "&lt;!channel&gt;" in str(slack.blocks)


def test_jira_comment_names_what_changed(case: CaseView, changed_case: CaseView) -> None:
    change = render.change_since(changed_case, render.stored_state(case))

    assert [e.indicator for e in change.added] == ["SHIP-ADDR-NOT-HOME"]
    assert change.removed == ("DEV-GEO-ABROAD",)
    assert change.level_changed
    text = render.jira_comment(changed_case, change)
    assert "updated, HIGH → CRITICAL" in text
    assert "*New evidence:*" in text
    assert "••••Main St" in text
    assert "*No longer present:* DEV-GEO-ABROAD" in text
    assert text.endswith(f"_{render.jira_marker(changed_case)}_")


def test_change_without_a_stored_state_lists_current_evidence(changed_case: CaseView) -> None:
    for stored in (None, {}, {"indicators": "not-a-list", "level": "bogus"}):
        change = render.change_since(changed_case, stored)
        assert not change.known
        assert change.previous_level == Level.HIGH  # falls back to the case's own previous level
        assert {e.indicator for e in change.added} == {"PAY-SHARED-ACCOUNT", "SHIP-ADDR-NOT-HOME"}
    text = render.slack_update(changed_case, render.change_since(changed_case, None))
    assert "previous set is not on record" in text


def test_same_indicators_with_new_details(make_case: CaseFactory, case: CaseView) -> None:
    later = make_case(digest="digest-v3")
    change = render.change_since(later, render.stored_state(case))

    assert change.known
    assert not change.added
    assert not change.removed
    assert "indicators are the same" in render.jira_comment(later, change)
    assert "indicators are the same" in render.slack_update(later, change)


def test_slack_message_layout(case: CaseView) -> None:
    message = render.slack_message(case, ["approve_hold", "dismiss", "escalate_legal"], mention="<!here>")

    kinds = [b["type"] for b in message.blocks]
    assert kinds == ["header", "section", "divider", "section", "section", "context", "actions"]
    assert message.blocks[0]["text"]["text"] == "HIGH risk: case hs-3f2a9c1d"
    fields = [f["text"] for f in message.blocks[1]["fields"]]
    assert fields[:2] == ["*Level*\nHIGH", "*Score*\n85"]
    assert message.blocks[1]["text"]["text"].startswith("<!here> ")
    assert "PAY-SHARED-ACCOUNT" in message.blocks[3]["text"]["text"]
    assert "`deel/w-1001`" in message.blocks[3]["text"]["text"]
    assert "dedup key `hs-3f2a9c1d`" in message.blocks[5]["elements"][-1]["text"]
    buttons = message.blocks[6]["elements"]
    assert [b["action_id"] for b in buttons] == [
        "hiresentry:approve_hold",
        "hiresentry:dismiss",
        "hiresentry:escalate_legal",
    ]
    assert [b["value"] for b in buttons] == ["hs-3f2a9c1d"] * 3
    assert buttons[0]["style"] == "danger"
    assert "confirm" in buttons[0]
    assert buttons[2]["text"]["text"] == "Escalate legal"
    assert message.text.startswith("<!here> HIGH risk case hs-3f2a9c1d (score 85)")
    assert "PAY-SHARED-ACCOUNT, DEV-GEO-ABROAD" in message.text


def test_slack_message_without_ask_has_no_actions(case: CaseView) -> None:
    assert [b["type"] for b in render.slack_message(case).blocks][-1] == "context"


def test_slack_limits_are_kept(make_case: CaseFactory) -> None:
    many = make_case(evidence=[_evidence(n, "x" * 4000) for n in range(60)])

    message = render.slack_message(many, ["approve_hold", "dismiss"])

    assert len(message.blocks) == render.SLACK_MAX_BLOCKS
    assert message.blocks[-1]["type"] == "actions"
    note = message.blocks[-3]["text"]["text"]
    assert note.startswith("…and 16 more indicators: ")
    sections = [b["text"]["text"] for b in message.blocks if b["type"] == "section"]
    assert all(len(t) <= render.SLACK_SECTION_MAX for t in sections)
    assert sections[1].endswith(render.TRUNCATED_NOTE)
    assert len(message.text) <= render.SLACK_TEXT_MAX


def test_long_jira_texts_keep_their_marker(make_case: CaseFactory) -> None:
    huge = make_case(evidence=[_evidence(n, "y" * 2000) for n in range(40)])

    text = render.jira_description(huge)

    assert len(text) < 32_767
    assert render.TRUNCATED_NOTE in text
    assert text.endswith(f"_{render.jira_marker(huge)}_")


def test_stored_state_is_sorted_and_plain(case: CaseView) -> None:
    assert render.stored_state(case) == {
        "indicators": ["DEV-GEO-ABROAD", "PAY-SHARED-ACCOUNT"],
        "level": "high",
    }


def test_network_and_person_cases_point_at_each_other(make_case: CaseFactory) -> None:
    network = make_case().model_copy(update={"kind": "network", "linked_cases": ["hs-aaa111", "hs-bbb222"]})
    assert "network of 2 identities" in render.jira_summary(network)
    assert "||Person cases|hs-aaa111, hs-bbb222|" in render.jira_description(network)
    person = make_case().model_copy(update={"network_key": "hn-ccc333"})
    assert "||Network case|hn-ccc333|" in render.jira_description(person)
