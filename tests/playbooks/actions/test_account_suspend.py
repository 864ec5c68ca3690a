"""account.suspend: only with the playbook's ``confirm: true`` *and* the config's opt-in; once per
account. The identity provider is an in-memory ``AccountSuspendCapability`` (the capability
interface is ours; IdP connectors test their own APIs)."""

from __future__ import annotations

import pytest

from hiresentry.core.capabilities import SuspendResult
from hiresentry.core.cases.view import CaseView, RecordRef
from hiresentry.core.errors import ActionError, PlaybookValidationError
from hiresentry.playbooks.actions.suspend import AccountSuspend, SuspendParams
from hiresentry.playbooks.registry import params_models
from hiresentry.playbooks.schema import parse_playbook
from tests.playbooks.conftest import AuditLog, ContextFactory


class FakeIdP:
    def __init__(self) -> None:
        self.suspended: list[str] = []

    def suspend(self, worker: RecordRef, dedup_key: str, reason: str) -> SuspendResult:
        self.suspended.append(str(worker))
        return SuspendResult(f"okta-{worker.remote_id}", reason)

    def unsuspend(self, worker: RecordRef, vendor_ref: str) -> None:
        raise NotImplementedError


def test_the_playbook_must_say_confirm_true() -> None:
    data = {"id": "x", "trigger": {"on": "case.created"}, "actions": [{"account.suspend": {"confirm": False}}]}
    with pytest.raises(PlaybookValidationError, match="confirm"):
        parse_playbook(data, "x.yaml", params_models())


def test_the_config_must_enable_it(make_ctx: ContextFactory, case: CaseView) -> None:
    idp = FakeIdP()
    action = AccountSuspend({"deel": idp}, enabled=False)
    assert (
        "refused: account_suspend.enabled is false"
        in action.preview(make_ctx(case), SuspendParams(confirm=True)).summary
    )
    with pytest.raises(ActionError, match=r"account_suspend\.enabled"):
        action.execute(make_ctx(case), SuspendParams(confirm=True))
    assert idp.suspended == []


def test_suspends_each_suspendable_account_once(make_ctx: ContextFactory, case: CaseView, audit: AuditLog) -> None:
    idp = FakeIdP()
    action = AccountSuspend({"deel": idp}, enabled=True)
    first = action.execute(make_ctx(case), SuspendParams(confirm=True))
    assert first == {"suspended": {"deel/w-1001": "okta-w-1001"}, "not_suspendable": ["upwork/u-2002"]}
    action.execute(make_ctx(case, prior=first), SuspendParams(confirm=True))
    assert idp.suspended == ["deel/w-1001"]
    assert [e for e, _ in audit].count("account.suspended") == 1
