"""The Jira texts in Atlassian Document Format, for REST API v3 (``jira.rest_api_version: "3"``).

REST v3 refuses wiki-markup strings for descriptions and comments: they must be ADF documents
(``{"type": "doc", "version": 1, "content": [...]}``). The content is the same as the wiki texts
of ``render.py`` (the case picture, the score explanation, the marker line); ADF is JSON, so
nothing needs escaping: a hostile display name stays a text node. :func:`text_of` flattens a
document back to text, which is how the action searches an issue for its marker lines.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from hiresentry.core.cases.view import CaseView, EvidenceView
from hiresentry.playbooks import render
from hiresentry.playbooks.render_state import status_lines

Node = dict[str, Any]
TEXT_MAX = 30_000


def text(value: str, *marks: str, href: str | None = None) -> Node:
    """A text node (ADF refuses empty text, so callers never pass ``""``)."""
    node: Node = {"type": "text", "text": value or " "}
    applied: list[Node] = [{"type": m} for m in marks]
    if href:
        applied.append({"type": "link", "attrs": {"href": href}})
    if applied:
        node["marks"] = applied
    return node


def paragraph(*inlines: Node) -> Node:
    return {"type": "paragraph", "content": list(inlines) or [text(" ")]}


def heading(level: int, value: str) -> Node:
    return {"type": "heading", "attrs": {"level": level}, "content": [text(value)]}


def bullets(items: Iterable[Sequence[Node]], ordered: bool = False) -> Node:
    content = [{"type": "listItem", "content": [paragraph(*item)]} for item in items]
    return {"type": "orderedList" if ordered else "bulletList", "content": content}


def table(header: Sequence[str] | None, rows: Iterable[Sequence[str]]) -> Node:
    out: list[Node] = []
    if header:
        out.append(
            {"type": "tableRow", "content": [{"type": "tableHeader", "content": [paragraph(text(h))]} for h in header]}
        )
    for row in rows:
        out.append(
            {"type": "tableRow", "content": [{"type": "tableCell", "content": [paragraph(text(c))]} for c in row]}
        )
    return {"type": "table", "content": out}


def doc(blocks: Sequence[Node], marker: str) -> Node:
    """A document ending with a rule and the marker line (cut to Jira's size limit first)."""
    kept: list[Node] = []
    size = 0
    for block in blocks:
        size += len(text_of(block))
        if size > TEXT_MAX:
            kept.append(paragraph(text(render.TRUNCATED_NOTE)))
            break
        kept.append(block)
    return {"type": "doc", "version": 1, "content": [*kept, {"type": "rule"}, paragraph(text(marker, "em"))]}


def text_of(node: Any) -> str:
    """All the text of an ADF node (or a plain string, as REST v2 returns), in order."""
    if isinstance(node, str):
        return node
    if isinstance(node, Mapping):
        own = str(node.get("text", "")) if node.get("type") == "text" else ""
        inner = " ".join(text_of(child) for child in node.get("content") or [])
        return " ".join(part for part in (own, inner) if part)
    if isinstance(node, list):
        return " ".join(text_of(child) for child in node)
    return ""


def _evidence(items: Iterable[EvidenceView]) -> Node:
    entries = []
    for e in items:
        line = [
            text(e.indicator, "strong"),
            text(f" {e.title} (weight {e.weight:+g}, severity {e.severity}). {e.explanation} Records: "),
            text(", ".join(str(r) for r in e.records) or "none", "code"),
        ]
        if e.keys:
            line += [text(". Shared keys: "), text(", ".join(e.keys), "code")]
        entries.append(line)
    return bullets(entries, ordered=True)


def description(case: CaseView, link: str | None = None) -> Node:
    """The ticket body as ADF."""
    level = case.level.upper()
    if case.previous_level is not None and case.previous_level != case.level:
        level += f" (was {case.previous_level.upper()})"
    rows = [
        ["Level", level],
        ["Score", f"{case.score:g}"],
        ["Status", case.status],
        ["Workers", ", ".join(str(w) for w in case.workers) or "none"],
        ["Names claimed", ", ".join(case.display_names) or "none"],
    ]
    if case.network_key:
        rows.append(["Network case", case.network_key])
    if case.linked_cases:
        rows.append(["Person cases", ", ".join(case.linked_cases)])
    rows += [["Status", line] for line in status_lines(case)]
    blocks: list[Node] = [
        heading(2, f"hiresentry case {case.dedup_key}: {case.level.upper()} risk, score {case.score:g}"),
        paragraph(text(case.summary)),
        table(None, rows),
    ]
    if link:
        blocks.append(paragraph(text("Open in hiresentry", href=link)))
    blocks += [heading(3, f"Evidence ({len(case.evidence)})"), _evidence(_ordered(case.evidence))]
    if case.terms:
        terms = [[t.name, f"{t.weight:+g}", t.reason or " "] for t in case.terms]
        blocks += [
            heading(3, "Score"),
            table(["Term", "Weight", "Reason"], [*terms, ["Total", f"{case.score:g}", " "]]),
        ]
    return doc(blocks, render.digest_marker(case))


def comment(case: CaseView, change: render.CaseChange) -> Node:
    """What changed since the ticket (or the last comment) was written, as ADF."""
    head = f"hiresentry: case {case.dedup_key} updated"
    if change.level_changed and change.previous_level is not None:
        head += f", {change.previous_level.upper()} → {case.level.upper()}"
    blocks: list[Node] = [heading(3, f"{head} (score {case.score:g})")]
    if not change.known:
        blocks += [
            paragraph(text("Evidence changed; the previous set is not on record, so this is the current evidence:"))
        ]
        blocks.append(_evidence(change.added))
    else:
        if change.added:
            blocks += [paragraph(text("New evidence:", "strong")), _evidence(change.added)]
        if change.removed:
            blocks.append(paragraph(text("No longer present: ", "strong"), text(", ".join(change.removed))))
        if not change.added and not change.removed:
            blocks.append(paragraph(text("The evidence details changed; the indicators are the same.")))
    return doc(blocks, render.digest_marker(case))


def event_comment(case: CaseView, event_id: int, line: str) -> Node:
    """A comment for one event, with the holds as they stand now."""
    blocks = [heading(3, f"hiresentry: case {case.dedup_key}"), paragraph(text(line))]
    state = status_lines(case)
    if state:
        blocks.append(bullets([[text(s)] for s in state]))
    return doc(blocks, render.event_marker(case, event_id))


def _ordered(evidence: Iterable[EvidenceView]) -> list[EvidenceView]:
    return sorted(evidence, key=lambda e: (-e.weight, e.indicator))
