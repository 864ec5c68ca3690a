"""The texts a case becomes in other systems: Jira wiki markup (REST v2) and Slack Block Kit.

A reviewer decides from these texts alone, so every one carries the score explanation: which
indicator fired, its weight, what matched, on which records (``source/remote_id``) and through
which shared keys. Keys arrive already masked in the :class:`CaseView` and are printed as they
are; nothing here can unmask them.

Everything that came from outside (names, explanations, record ids) is escaped for the target
markup, because a worker controls their own display name: unescaped, ``[click|https://…]`` would
become a Jira link and ``<!channel>`` would page a whole Slack channel.

Each artefact also carries the *dedup key* and the *evidence digest* in a fixed marker line, so an
action that lost its stored result can tell whether a ticket or comment already says what it is
about to say (see ``jira.ensure_ticket``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from hiresentry.core.cases.view import CaseView, EvidenceView
from hiresentry.core.levels import Level
from hiresentry.playbooks.render_state import status_lines

JIRA_SUMMARY_MAX = 255
JIRA_TEXT_MAX = 30_000  # Jira refuses a description/comment over 32 767 characters
SLACK_MAX_BLOCKS = 50
SLACK_SECTION_MAX = 3_000
SLACK_FIELD_MAX = 2_000
SLACK_HEADER_MAX = 150
SLACK_BUTTON_TEXT_MAX = 75
SLACK_TEXT_MAX = 3_000  # the notification fallback; Slack allows more, nobody reads more
TRUNCATED_NOTE = "… (truncated; the full case is in hiresentry)"

_BUTTONS: dict[str, tuple[str, str | None]] = {
    "approve_hold": ("Approve payout hold", "danger"),
    "release": ("Approve release", None),
    "renew": ("Renew hold", None),
    "dismiss": ("Dismiss (false positive)", None),
    "confirm": ("Confirm", "primary"),
    "false_positive": ("False positive", None),
}
_CONFIRM: dict[str, tuple[str, str, str]] = {
    "approve_hold": (
        "Hold payouts?",
        "Hold every payout of case {key} until two approvers release it.",
        "Hold payouts",
    ),
    "release": ("Approve release?", "Your approval counts once; a second, different approver completes it.", "Approve"),
    "dismiss": ("Dismiss as false positive?", "Records your verdict and closes the case's ticket.", "Dismiss"),
}
_WIKI_SPECIAL = re.compile(r"([\\\[\]{}|!*_^~+?])")


@dataclass(frozen=True)
class CaseChange:
    """What changed on a case since an artefact (ticket, thread) last described it.

    ``known`` is False when the previous indicator set is not on record (a result written before
    it was stored, or lost in a crash): then every current indicator is reported as the evidence.
    """

    added: tuple[EvidenceView, ...]
    removed: tuple[str, ...]
    previous_level: Level | None
    level: Level
    known: bool

    @property
    def level_changed(self) -> bool:
        return self.previous_level is not None and self.previous_level != self.level


def case_change(case: CaseView, previous_indicators: Iterable[str] | None, previous_level: Level | None) -> CaseChange:
    """Compare a case with what was last said about it (indicator ids and level)."""
    level = previous_level if previous_level is not None else case.previous_level
    if previous_indicators is None:
        return CaseChange(tuple(_ordered(case.evidence)), (), level, case.level, known=False)
    before = set(previous_indicators)
    now = {e.indicator for e in case.evidence}
    added = tuple(e for e in _ordered(case.evidence) if e.indicator not in before)
    return CaseChange(added, tuple(sorted(before - now)), level, case.level, known=True)


def stored_state(case: CaseView) -> dict[str, Any]:
    """What an action stores with its result (or in message metadata) to diff against next time."""
    return {"indicators": sorted({e.indicator for e in case.evidence}), "level": case.level.value}


def change_since(case: CaseView, stored: Mapping[str, Any] | None) -> CaseChange:
    """The change since a :func:`stored_state` (tolerates a missing or foreign mapping)."""
    indicators = (stored or {}).get("indicators")
    if not (isinstance(indicators, list) and all(isinstance(i, str) for i in indicators)):
        indicators = None
    raw_level = (stored or {}).get("level")
    level = Level(raw_level) if raw_level in {lv.value for lv in Level} else None
    return case_change(case, indicators, level)


def digest_marker(case: CaseView) -> str:
    """The marker line that ties a text to one state of the case's evidence."""
    return f"hiresentry case {case.dedup_key} · evidence digest {case.evidence_digest}"


def jira_marker(case: CaseView) -> str:
    """:func:`digest_marker` as it appears (escaped) in Jira texts; search bodies for this."""
    return wiki_escape(digest_marker(case))


def event_marker(case: CaseView, event_id: int) -> str:
    """The marker of a text written for one event (a verdict, a hold expiring/expired/released)."""
    return f"hiresentry case {case.dedup_key} · event {event_id}"


# -- Jira (wiki markup, REST v2) --------------------------------------------------------------
def wiki_escape(text: str) -> str:
    """One line of Jira wiki markup showing ``text`` literally (no links, macros, mentions)."""
    return _WIKI_SPECIAL.sub(r"\\\1", " ".join(text.split()))


def jira_summary(case: CaseView) -> str:
    """The one-line ticket title: level, score, dedup key and the names involved."""
    names = ", ".join(case.display_names) or f"{len(case.workers)} worker(s)"
    what = "risk" if case.kind == "person" else f"network of {len(case.display_names)} identities"
    title = f"[hiresentry] {case.level.upper()} {what} {_num(case.score)} · {case.dedup_key} · {names}"
    return _cut(" ".join(title.split()), JIRA_SUMMARY_MAX, "…")


def jira_description(case: CaseView, link: str | None = None) -> str:
    """The ticket body: the case picture and the full score explanation."""
    level = case.level.upper()
    if case.previous_level is not None and case.previous_level != case.level:
        level += f" (was {case.previous_level.upper()})"
    title = f"hiresentry case {case.dedup_key}: {case.level.upper()} risk, score {_num(case.score)}"
    lines = [
        f"h2. {wiki_escape(title)}",
        wiki_escape(case.summary),
        "",
        f"||Level|{level}|",
        f"||Score|{_num(case.score)}|",
        f"||Status|{wiki_escape(case.status)}|",
        f"||Workers|{_wiki_list(str(w) for w in case.workers)}|",
        f"||Names claimed|{_wiki_list(case.display_names)}|",
        *_wiki_links(case),
        *([f"||In hiresentry|[{wiki_escape(case.dedup_key)}|{_wiki_url(link)}]|"] if link else []),
        *[f"||Status|{wiki_escape(line)}|" for line in status_lines(case)],
        "",
        f"h3. Evidence ({len(case.evidence)})",
        *_wiki_evidence(_ordered(case.evidence)),
    ]
    if case.terms:
        lines += ["", "h3. Score", "||Term||Weight||Reason||"]
        lines += [f"|{wiki_escape(t.name)}|{_signed(t.weight)}|{wiki_escape(t.reason) or ' '}|" for t in case.terms]
        lines.append(f"||Total||{_num(case.score)}|| ||")
    return _with_marker(case, lines)


def _wiki_links(case: CaseView) -> list[str]:
    """Rows tying a person case and its network case together (both directions)."""
    if case.kind == "network":
        return [f"||Person cases|{_wiki_list(case.linked_cases)}|"] if case.linked_cases else []
    return [f"||Network case|{wiki_escape(case.network_key)}|"] if case.network_key else []


def jira_event_comment(case: CaseView, event_id: int, line: str) -> str:
    """A comment for one event (a verdict, a hold expiring, expired or released), with the holds now."""
    lines = [f"h3. hiresentry: case {wiki_escape(case.dedup_key)}", wiki_escape(line)]
    lines += [f"* {wiki_escape(state)}" for state in status_lines(case)]
    body = _cut("\n".join(lines), JIRA_TEXT_MAX, "\n" + TRUNCATED_NOTE)
    return f"{body}\n\n----\n_{wiki_escape(event_marker(case, event_id))}_"


def _wiki_url(link: str) -> str:
    """A link target Jira will not reinterpret (only http(s), no markup characters)."""
    return link if re.fullmatch(r"https?://[^\s|\[\]{}]+", link) else "#"


def jira_comment(case: CaseView, change: CaseChange) -> str:
    """A comment saying what changed since the ticket (or the last comment) was written."""
    head = f"h3. hiresentry: case {wiki_escape(case.dedup_key)} updated"
    if change.level_changed and change.previous_level is not None:
        head += f", {change.previous_level.upper()} → {case.level.upper()}"
    lines = [f"{head} (score {_num(case.score)})"]
    if not change.known:
        lines += ["Evidence changed; the previous set is not on record, so this is the current evidence:"]
        lines += _wiki_evidence(change.added)
    else:
        if change.added:
            lines += ["*New evidence:*", *_wiki_evidence(change.added)]
        if change.removed:
            lines.append(f"*No longer present:* {_wiki_list(change.removed)}")
        if not change.added and not change.removed:
            lines.append("The evidence details changed; the indicators are the same.")
    return _with_marker(case, lines)


def _wiki_evidence(evidence: Iterable[EvidenceView]) -> list[str]:
    lines: list[str] = []
    for e in evidence:
        lines.append(
            f"# *{wiki_escape(e.indicator)}* {wiki_escape(e.title)} "
            f"(weight {_signed(e.weight)}, severity {wiki_escape(e.severity)})"
        )
        lines.append(f"#* {wiki_escape(e.explanation)}")
        lines.append(f"#* Records: {_wiki_list(str(r) for r in e.records)}")
        if e.keys:
            lines.append(f"#* Shared keys: {_wiki_list(e.keys)}")
    return lines


def _wiki_list(items: Iterable[str]) -> str:
    return ", ".join(wiki_escape(i) for i in items) or "none"


def _with_marker(case: CaseView, lines: list[str]) -> str:
    body = _cut("\n".join(lines), JIRA_TEXT_MAX, "\n" + TRUNCATED_NOTE)
    return f"{body}\n\n----\n_{jira_marker(case)}_"


# -- Slack (Block Kit + mrkdwn) ---------------------------------------------------------------
@dataclass(frozen=True)
class SlackMessage:
    """Blocks for the client, ``text`` for notifications and clients that cannot show blocks."""

    text: str
    blocks: list[dict[str, Any]]


def slack_escape(text: str) -> str:
    """Text shown literally in mrkdwn: ``<…>`` would otherwise be a link or a mention."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def slack_message(
    case: CaseView, ask: Sequence[str] = (), mention: str | None = None, link: str | None = None
) -> SlackMessage:
    """The escalation (thread root): header, score fields, status, one section per evidence, buttons.

    Once the case is closed (or judged a false positive) the buttons give way to the verdict.
    """
    level = case.level.upper()
    if case.previous_level is not None and case.previous_level != case.level:
        level += f" (was {case.previous_level.upper()})"
    intro = f"{mention} " if mention else ""
    fields = [
        ("Level", level),
        ("Score", _num(case.score)),
        ("Workers", ", ".join(f"`{slack_escape(str(w))}`" for w in case.workers) or "none"),
        ("Names claimed", slack_escape(", ".join(case.display_names)) or "none"),
    ]
    blocks: list[dict[str, Any]] = [
        {
            "type": "header",
            "text": _plain(f"{case.level.upper()} risk: case {case.dedup_key}", SLACK_HEADER_MAX),
        },
        {
            "type": "section",
            "text": _mrkdwn(intro + slack_escape(case.summary)),
            "fields": [_mrkdwn(f"*{k}*\n{v}", SLACK_FIELD_MAX) for k, v in fields],
        },
        {"type": "divider"},
    ]
    state = status_lines(case)
    if state:
        blocks.insert(2, {"type": "section", "block_id": "hiresentry_status", "text": _mrkdwn(_slack_status(state))})
    tail = [_slack_context(case, link)]
    if ask and not (case.status == "closed" or case.closed_as_false_positive):
        tail.append({"type": "actions", "block_id": "hiresentry_ask", "elements": _buttons(case, ask)})
    room = SLACK_MAX_BLOCKS - len(blocks) - len(tail)
    evidence = _ordered(case.evidence)
    if len(evidence) > room:
        shown, hidden = evidence[: room - 1], evidence[room - 1 :]
        blocks += [{"type": "section", "text": _mrkdwn(_slack_evidence(e))} for e in shown]
        more = ", ".join(e.indicator for e in hidden)
        blocks.append({"type": "section", "text": _mrkdwn(f"…and {len(hidden)} more indicators: {more}")})
    else:
        blocks += [{"type": "section", "text": _mrkdwn(_slack_evidence(e))} for e in evidence]
    return SlackMessage(text=slack_text(case, mention), blocks=blocks + tail)


def slack_text(case: CaseView, mention: str | None = None) -> str:
    """Plain fallback: what a phone notification or a screen reader gets."""
    ids = ", ".join(e.indicator for e in _ordered(case.evidence))
    text = (
        f"{mention + ' ' if mention else ''}{case.level.upper()} risk case {case.dedup_key} "
        f"(score {_num(case.score)}): {slack_escape(case.summary)}. Evidence: {ids or 'none'}."
    )
    return _cut(text, SLACK_TEXT_MAX, TRUNCATED_NOTE)


def slack_update(case: CaseView, change: CaseChange) -> str:
    """The thread reply posted when a case changes (mrkdwn)."""
    head = f"*Case updated*: score {_num(case.score)}, level {case.level.upper()}"
    if change.level_changed and change.previous_level is not None:
        head += f" (was {change.previous_level.upper()})"
    lines = [head]
    if not change.known:
        lines.append("Current evidence (the previous set is not on record):")
    elif change.added:
        lines.append("*New evidence:*")
    lines += [f"• {_slack_evidence(e, bullet=True)}" for e in change.added]
    if change.removed:
        lines.append(f"*No longer present:* {slack_escape(', '.join(change.removed))}")
    if change.known and not change.added and not change.removed:
        lines.append("The evidence details changed; the indicators are the same.")
    return _cut("\n".join(lines), SLACK_SECTION_MAX, TRUNCATED_NOTE)


def _slack_evidence(e: EvidenceView, *, bullet: bool = False) -> str:
    records = ", ".join(f"`{slack_escape(str(r))}`" for r in e.records)
    head = f"*{slack_escape(e.indicator)}* · {slack_escape(e.title)}"
    head += f" (weight {_signed(e.weight)}, {slack_escape(e.severity)})"
    parts = [head, slack_escape(e.explanation), f"Records: {records or 'none'}"]
    if e.keys:
        parts.append(f"Shared keys: {slack_escape(', '.join(e.keys))}")
    return (" — " if bullet else "\n").join(parts)


def _slack_status(lines: Sequence[str]) -> str:
    return "\n".join(f"• {slack_escape(line)}" for line in lines)


def slack_event(case: CaseView, line: str) -> str:
    """The thread reply posted for an event (a verdict, a hold expiring, expired or released)."""
    return _cut(
        "\n".join([f"*{slack_escape(line)}*", _slack_status(status_lines(case))]).strip(), SLACK_SECTION_MAX, ""
    )


def _slack_context(case: CaseView, link: str | None = None) -> dict[str, Any]:
    terms = " · ".join(f"{slack_escape(t.name)} {_signed(t.weight)}" for t in case.terms)
    text = slack_escape(f"dedup key `{case.dedup_key}` · evidence digest `{case.evidence_digest}`")
    if link and re.fullmatch(r"https?://[^\s<>|]+", link):
        text += f" · <{link}|open in hiresentry>"
    elements = [_mrkdwn(text)]
    if terms:
        elements.insert(0, _mrkdwn(f"Score terms: {terms}"))
    return {"type": "context", "elements": elements}


def _buttons(case: CaseView, ask: Sequence[str]) -> list[dict[str, Any]]:
    buttons: list[dict[str, Any]] = []
    for name in dict.fromkeys(ask):
        label, style = _BUTTONS.get(name, (name.replace("_", " ").capitalize(), None))
        button: dict[str, Any] = {
            "type": "button",
            "text": _plain(label, SLACK_BUTTON_TEXT_MAX),
            "action_id": f"hiresentry:{name}",
            "value": case.dedup_key,
        }
        if style:
            button["style"] = style
        if name in _CONFIRM:
            title, text, ok = _CONFIRM[name]
            button["confirm"] = {
                "title": _plain(title),
                "text": _plain(text.format(key=case.dedup_key), SLACK_SECTION_MAX),
                "confirm": _plain(ok),
                "deny": _plain("Cancel"),
            }
        buttons.append(button)
    return buttons


def _plain(text: str, limit: int = SLACK_HEADER_MAX) -> dict[str, Any]:
    return {"type": "plain_text", "text": _cut(text, limit, "…"), "emoji": False}


def _mrkdwn(text: str, limit: int = SLACK_SECTION_MAX) -> dict[str, Any]:
    return {"type": "mrkdwn", "text": _cut(text, limit, TRUNCATED_NOTE)}


# -- shared helpers -----------------------------------------------------------------------------
def _ordered(evidence: Iterable[EvidenceView]) -> list[EvidenceView]:
    """Heaviest evidence first, so a truncated text loses the least important lines."""
    return sorted(evidence, key=lambda e: (-e.weight, e.indicator))


def _cut(text: str, limit: int, note: str) -> str:
    if len(text) <= limit:
        return text
    return text[: max(0, limit - len(note))].rstrip().rstrip("\\") + note


def _num(value: float) -> str:
    return f"{round(value, 2):g}"


def _signed(value: float) -> str:
    return f"{round(value, 2):+g}"
