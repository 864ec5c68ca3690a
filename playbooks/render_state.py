"""What a case's *state* says beyond its evidence: holds, the reviewer's verdict, events, a link.

Shared by the Jira texts, the Slack message and the case report, in plain text (each target escapes
it for its markup). A hold is described by its real state: a vendor hold not yet confirmed reads
*pending*, never *held*.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

from hiresentry.core.cases.view import CaseView, HoldView

_STATE_WORDS = {
    "pending": "PENDING: the vendor has not confirmed (payroll gate closed meanwhile)",
    "held": "held",
    "release_requested": "release requested",
    "releasing": "released by approvers, vendor release in progress",
    "released": "released",
    "expired": "EXPIRED: payouts may resume; renew or release",
}


def case_link(template: str | None, case: CaseView) -> str | None:
    """The link back to the case in hiresentry (``{dedup_key}`` in the configured template)."""
    return template.replace("{dedup_key}", case.dedup_key) if template else None


def hold_line(hold: HoldView) -> str:
    """One hold, as it stands."""
    how = "vendor hold" if hold.via == "vendor" else "hiresentry payout gate"
    state = _STATE_WORDS.get(hold.status, hold.status)
    if hold.status in ("held", "release_requested", "pending"):
        state += f", release approvals {len(hold.approvals)}/{hold.release_approvals}"
        if hold.approvals:
            state += " (" + ", ".join(a.actor for a in hold.approvals) + ")"
    expires = f", expires {hold.expires_at:%Y-%m-%d %H:%M} UTC" if hold.expires_at else ""
    error = f"; last error: {hold.last_error}" if hold.last_error and hold.status in ("pending", "releasing") else ""
    return f"{hold.worker}: {state} via {how}{expires}{error}"


def status_lines(case: CaseView) -> list[str]:
    """The verdict and the holds, one line each (empty when there is neither)."""
    lines = []
    if case.judgement is not None:
        judged = case.judgement
        verdict = judged.verdict.replace("_", " ")
        stale = "" if judged.evidence_digest == case.evidence_digest else " (evidence changed since)"
        reason = f": {judged.reason}" if judged.reason else ""
        lines.append(f"Verdict: {verdict} by {judged.actor} on {judged.at:%Y-%m-%d}{stale}{reason}")
    lines += [f"Payout hold {hold_line(h)}" for h in case.holds]
    return lines


def event_line(event: Mapping[str, Any] | None) -> str | None:
    """The event that triggered a run, as one sentence (None for state-triggered runs)."""
    if not event or not event.get("event"):
        return None
    name, actor, detail = str(event["event"]), str(event.get("actor") or ""), event.get("detail") or {}
    if name.startswith("judgement."):
        verdict = name.partition(".")[2].replace("_", " ")
        return f"Judged {verdict} by {actor}: {detail.get('reason') or 'no reason given'}"
    worker = detail.get("worker", "")
    if name == "hold.expiring":
        return f"Payout hold on {worker} expires {detail.get('expires_at', '')}: renew it or release it"
    if name == "hold.expired":
        return f"Payout hold on {worker} EXPIRED: payouts may resume. Renew it or release it (re-escalated)"
    if name == "hold.released":
        return f"Payout hold on {worker} released ({detail.get('note', '')})"
    if name == "request":
        return f"Requested by {actor}"
    return f"{name} by {actor}"


def state_digest(case: CaseView) -> str:
    """Changes whenever anything a reader of the ticket or message sees changes."""
    state = {
        "evidence": case.evidence_digest,
        "level": case.level.value,
        "status": case.status,
        "judgement": case.judgement.model_dump(mode="json") if case.judgement else None,
        "holds": [[h.id, h.status, len(h.approvals), h.round, str(h.expires_at)] for h in case.holds],
    }
    return hashlib.sha256(json.dumps(state, sort_keys=True).encode()).hexdigest()[:16]


def is_closed(case: CaseView) -> bool:
    """Closed for the artefacts: closed in hiresentry, or judged a false positive on this evidence."""
    return case.status == "closed" or case.closed_as_false_positive
