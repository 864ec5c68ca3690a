"""The case report attached to the Jira ticket (Markdown), replaced whenever the case changes.

Everything a reviewer needs offline: the score explanation (indicator, weight, what matched, on which
records, through which masked keys), the score terms, the holds and the verdict. Values come masked
from the :class:`CaseView`; names and explanations are written as code spans where Markdown could
misread them.
"""

from __future__ import annotations

from hiresentry.core.cases.view import CaseView
from hiresentry.playbooks.render_state import status_lines


def report_filename(case: CaseView) -> str:
    """One name per case, so a new report replaces the old one instead of piling up."""
    return f"hiresentry-{case.dedup_key}.md"


def _md(text: str) -> str:
    """Text shown literally in Markdown (no links, emphasis, HTML)."""
    for char in "\\`*_[]<>#|":
        text = text.replace(char, "\\" + char)
    return " ".join(text.split())


def case_report(case: CaseView, link: str | None = None) -> str:
    """The Markdown report of one case."""
    level = case.level.upper()
    if case.previous_level is not None and case.previous_level != case.level:
        level += f" (was {case.previous_level.upper()})"
    lines = [
        f"# hiresentry case {case.dedup_key}",
        "",
        _md(case.summary),
        "",
        f"- Level: {level}",
        f"- Score: {case.score:g}",
        f"- Kind: {case.kind}",
        f"- Status: {case.status}",
        f"- Workers: {', '.join(f'`{w}`' for w in case.workers) or 'none'}",
        f"- Names claimed: {_md(', '.join(case.display_names)) or 'none'}",
    ]
    if case.amounts_due:
        lines.append(
            "- Not yet paid: " + ", ".join(f"{amount} {currency}" for currency, amount in case.amounts_due.items())
        )
    if case.network_key:
        lines.append(f"- Network case: {case.network_key}")
    if case.linked_cases:
        lines.append(f"- Person cases: {', '.join(case.linked_cases)}")
    if link:
        lines.append(f"- In hiresentry: <{link}>")
    state = status_lines(case)
    if state:
        lines += ["", "## Status", "", *(f"- {_md(line)}" for line in state)]
    lines += ["", f"## Evidence ({len(case.evidence)})", ""]
    for item in sorted(case.evidence, key=lambda e: (-e.weight, e.indicator)):
        maturity = f", {item.maturity}" if item.maturity else ""
        lines += [
            f"### {item.indicator}: {_md(item.title)}",
            "",
            f"Weight {item.weight:+g}, severity {item.severity}{maturity}.",
            "",
            _md(item.explanation),
            "",
            f"- Records: {', '.join(f'`{r}`' for r in item.records) or 'none'}",
        ]
        if item.keys:
            lines.append(f"- Shared keys (masked): {', '.join(f'`{k}`' for k in item.keys)}")
        lines.append("")
    if case.terms:
        lines += ["## Score", "", "| Term | Weight | Reason |", "| --- | ---: | --- |"]
        lines += [f"| {_md(t.name)} | {t.weight:+g} | {_md(t.reason)} |" for t in case.terms]
        lines += [f"| **Total** | {case.score:g} | |", ""]
    lines.append(f"_evidence digest {case.evidence_digest}_")
    return "\n".join(lines) + "\n"
