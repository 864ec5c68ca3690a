"""Shared fixtures for playbook tests: a small CaseView factory, an audit recorder, action contexts,
and the stateful Jira and Slack fakes (``tests.fakes``) registered on pytest-httpserver."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any, Protocol

import pytest
from pydantic import SecretStr
from pytest_httpserver import HTTPServer

from hiresentry.core.capabilities import HoldResult
from hiresentry.core.cases.view import CaseView, EvidenceView, RecordRef, ScoreTerm
from hiresentry.core.errors import ConnectorUnavailableError
from hiresentry.core.gate import PayoutGate
from hiresentry.core.indicators import load_catalogue
from hiresentry.core.levels import Level, LevelThresholds
from hiresentry.core.model import Engagement, Payment, PayoutAccount, Worker
from hiresentry.core.screen import screen
from hiresentry.core.store import Store
from hiresentry.playbooks.actions.base import ActionContext
from hiresentry.playbooks.actions.jira import EnsureTicket, JiraSettings
from hiresentry.playbooks.actions.payout import PayoutHold
from hiresentry.playbooks.actions.slack import Escalate, SlackSettings
from hiresentry.playbooks.engine import PlaybookEngine
from hiresentry.playbooks.holds import ApprovalSettings, HoldService
from hiresentry.playbooks.registry import load_playbooks
from tests.fakes.jira import FakeJira
from tests.fakes.slack import FakeSlack

DEDUP_KEY = "hs-3f2a9c1d"

SHARED_ACCOUNT = EvidenceView(
    indicator="PAY-SHARED-ACCOUNT",
    title="Payout account shared by different identities",
    severity="critical",
    weight=45,
    explanation="Bank account ••••4321 receives the payouts of two workers with different legal names.",
    records=[RecordRef(source="deel", remote_id="w-1001"), RecordRef(source="upwork", remote_id="u-2002")],
    keys=["••••4321"],
)
GEO_ABROAD = EvidenceView(
    indicator="DEV-GEO-ABROAD",
    title="Company laptop egresses outside the claimed country",
    severity="critical",
    weight=40,
    explanation="MDM reports the laptop shipped to ••••ton, TX online from an ASN in another country.",
    records=[RecordRef(source="deel", remote_id="w-1001")],
    keys=["••••7788"],
)
SHIP_NOT_HOME = EvidenceView(
    indicator="SHIP-ADDR-NOT-HOME",
    title="Laptop shipped to an address that is not the worker's home",
    severity="high",
    weight=25,
    explanation="Ship-to address ••••Main St differs from the HRIS home address.",
    records=[RecordRef(source="deel", remote_id="w-1001")],
    keys=["••••Main St"],
)


class CaseFactory(Protocol):
    def __call__(
        self,
        *,
        evidence: list[EvidenceView] | None = ...,
        level: Level = ...,
        previous_level: Level | None = ...,
        digest: str = ...,
        status: str = ...,
        display_names: list[str] | None = ...,
        summary: str = ...,
    ) -> CaseView: ...


@pytest.fixture
def make_case() -> CaseFactory:
    """Build a CaseView; the default is a HIGH case with two pieces of evidence and masked keys."""

    def build(
        *,
        evidence: list[EvidenceView] | None = None,
        level: Level = Level.HIGH,
        previous_level: Level | None = None,
        digest: str = "digest-v1",
        status: str = "open",
        display_names: list[str] | None = None,
        summary: str = "Two contractor identities share one payout account; one laptop is abroad.",
    ) -> CaseView:
        items = [SHARED_ACCOUNT, GEO_ABROAD] if evidence is None else evidence
        terms = [ScoreTerm(name=e.indicator, weight=e.weight, reason=e.title) for e in items]
        return CaseView(
            dedup_key=DEDUP_KEY,
            status=status,
            level=level,
            previous_level=previous_level,
            score=sum(e.weight for e in items),
            summary=summary,
            workers=[
                RecordRef(source="deel", remote_id="w-1001"),
                RecordRef(source="upwork", remote_id="u-2002"),
            ],
            display_names=["Jon Kim", "John Smith"] if display_names is None else display_names,
            evidence=items,
            terms=terms,
            evidence_digest=digest,
            created_at=dt.datetime(2025, 11, 20, 9, 0, tzinfo=dt.UTC),
            updated_at=dt.datetime(2025, 11, 21, 9, 0, tzinfo=dt.UTC),
        )

    return build


@pytest.fixture
def case(make_case: CaseFactory) -> CaseView:
    return make_case()


@pytest.fixture
def changed_case(make_case: CaseFactory) -> CaseView:
    """The same case after new evidence: one indicator added, one gone, level up."""
    return make_case(
        evidence=[SHARED_ACCOUNT, SHIP_NOT_HOME],
        level=Level.CRITICAL,
        previous_level=Level.HIGH,
        digest="digest-v2",
    )


class AuditLog(list[tuple[str, dict[str, Any]]]):
    """Collects ``ctx.audit`` calls."""

    def __call__(self, event: str, detail: dict[str, Any]) -> None:
        self.append((event, detail))

    def events(self) -> list[str]:
        return [event for event, _ in self]


@pytest.fixture
def audit() -> AuditLog:
    return AuditLog()


ContextFactory = Callable[..., ActionContext]


@pytest.fixture
def make_ctx(audit: AuditLog) -> ContextFactory:
    def build(case: CaseView, prior: Mapping[str, Any] | None = None, prior_digest: str | None = None) -> ActionContext:
        return ActionContext(
            case=case,
            playbook_id="high-risk-contractor",
            action_id="a1",
            prior=prior,
            prior_digest=prior_digest,
            audit=audit,
        )

    return build


@pytest.fixture
def fake_jira(httpserver: HTTPServer) -> FakeJira:
    return FakeJira(httpserver)


@pytest.fixture
def jira_settings(fake_jira: FakeJira) -> JiraSettings:
    """Settings for the fake; no waiting between jira's own 429/503 retries."""
    return JiraSettings(
        url=fake_jira.url,
        user=fake_jira.user,
        token=SecretStr(fake_jira.token),
        max_retries=3,
        max_retry_delay=0,
        timeout=5,
    )


@pytest.fixture
def fake_slack(httpserver: HTTPServer) -> FakeSlack:
    return FakeSlack(httpserver)


@pytest.fixture
def slack_settings(fake_slack: FakeSlack) -> SlackSettings:
    """Settings for the fake; 5xx retries without backoff (429 waits Retry-After: 0 + jitter)."""
    return SlackSettings(token=SecretStr(fake_slack.token), base_url=fake_slack.base_url, retry_backoff=0, timeout=5)


# -- a real store with two cases, and the shipped library wired to the fakes ------------------------
T0 = dt.datetime(2025, 11, 20, tzinfo=dt.UTC)  # before the Slack fake's clock, as real cases precede messages
IBAN = "DE89 3704 0044 0532 0130 00"
APPROVALS = ApprovalSettings(
    approvers=["alice", "bob"], slack_users={"U0ALICE01": "alice", "U0BOB0001": "bob", "U0MALLORY": "mallory"}
)


def seed_cases(store: Store, now: dt.datetime = T0) -> None:
    """Two identities sharing one bank account (PAY-SHARED-ACCOUNT, medium), one with unpaid pay."""
    store.ingest(
        [
            Worker(source="payroll", remote_id="A", legal_name="Daniel Park"),
            Worker(source="payroll", remote_id="B", legal_name="Ethan Brooks"),
            PayoutAccount(source="payroll", remote_id="PA", worker_remote_id="A", method="bank", iban=IBAN),
            PayoutAccount(source="payroll", remote_id="PB", worker_remote_id="B", method="bank", iban=IBAN),
            Engagement(source="payroll", remote_id="E1", worker_remote_id="A", type="contractor"),
            Payment(
                source="payroll",
                remote_id="P1",
                worker_remote_id="A",
                amount=Decimal("1200.50"),
                currency="USD",
                status="scheduled",
            ),
        ]
    )
    screen(store, load_catalogue(), LevelThresholds(), Level.LOW, now=now)


class FakeHoldCapability:
    """A vendor's payout-hold API in memory: fails ``failures`` times (unreachable), then holds."""

    def __init__(self, failures: int = 0) -> None:
        self.failures = failures
        self.holds: dict[str, str] = {}
        self.released: list[str] = []
        self.calls = 0

    def hold(self, worker: RecordRef, dedup_key: str, reason: str) -> HoldResult:
        self.calls += 1
        if self.failures:
            self.failures -= 1
            raise ConnectorUnavailableError(worker.source, "vendor API answered 503 three times")
        ref = self.holds.setdefault(f"{dedup_key}:{worker}", f"vh-{len(self.holds) + 1}")
        return HoldResult(ref, f"paused {worker}")

    def release(self, worker: RecordRef, vendor_ref: str) -> None:
        self.released.append(vendor_ref)


@pytest.fixture
def library_engine(
    store: Store, jira_settings: JiraSettings, slack_settings: SlackSettings
) -> Callable[..., PlaybookEngine]:
    """The shipped playbooks, active, wired to the Jira and Slack fakes and the store's gate."""

    def build(capabilities: Mapping[str, Any] | None = None, sleeps: list[float] | None = None) -> PlaybookEngine:
        holds = HoldService(PayoutGate(store), capabilities or {}, APPROVALS)
        sleep = sleeps.append if sleeps is not None else (lambda _s: None)
        actions = {
            "jira.ensure_ticket": EnsureTicket(
                jira_settings, case_url="https://hiresentry.example.com/cases/{dedup_key}"
            ),
            "slack.escalate": Escalate(slack_settings, sleep=sleep),
            "payout.hold": PayoutHold(holds=holds),
        }
        return PlaybookEngine(store, load_playbooks(["builtin"]), actions, mode_override="active", holds=holds)

    return build
