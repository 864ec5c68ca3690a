"""Cases: one per person (later also per network), with a dedup key shared by every action."""

from hiresentry.core.cases.build import CaseDraft, build_drafts
from hiresentry.core.cases.repo import CaseChange, CaseRepository
from hiresentry.core.cases.view import CaseView, EvidenceView, RecordRef, ScoreTerm

__all__ = [
    "CaseChange",
    "CaseDraft",
    "CaseRepository",
    "CaseView",
    "EvidenceView",
    "RecordRef",
    "ScoreTerm",
    "build_drafts",
]
