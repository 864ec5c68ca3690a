"""``account.suspend``: suspend the case's accounts at the identity provider, only when asked twice.

Suspending cuts a possibly hostile insider off company systems at once, and a wrong suspension
locks an innocent contractor out of their work, so the action needs two explicit opt-ins: the
playbook must say ``confirm: true`` (validation refuses the action without it), and the config must
enable it (``account_suspend.enabled: true``); otherwise it fails with a message naming the missing
opt-in. It suspends each member record whose source implements ``AccountSuspendCapability``
(an identity provider connector) and audits each one; records from other sources are named, not
touched. Suspensions are remembered per record, so a re-run does not suspend twice.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar, Literal

from pydantic import Field

from hiresentry.core.capabilities import AccountSuspendCapability
from hiresentry.core.errors import ActionError, ActionRetryableError, ConnectorError, RateLimitedError
from hiresentry.playbooks.actions.base import Action, ActionContext, ActionParams, ActionPreview


class SuspendParams(ActionParams):
    """``account.suspend: {confirm: true, reason: "..."}``."""

    confirm: Literal[True] = Field(description="must be true: suspending accounts is never implicit")
    reason: str = Field("hiresentry case under investigation", max_length=200)


class AccountSuspend(Action[SuspendParams]):
    """Suspend the case's accounts at the identity providers that can."""

    name: ClassVar[str] = "account.suspend"
    params_model: ClassVar[type[ActionParams]] = SuspendParams

    def __init__(
        self, capabilities: Mapping[str, AccountSuspendCapability] | None = None, enabled: bool = False
    ) -> None:
        self.capabilities = dict(capabilities or {})
        self.enabled = enabled

    def preview(self, ctx: ActionContext, params: SuspendParams) -> ActionPreview:
        """Which accounts would be suspended (and whether the config would let it)."""
        done = dict((ctx.prior or {}).get("suspended", {}))
        lines = []
        for worker in ctx.case.workers:
            if str(worker) in done:
                lines.append(f"- {worker}: already suspended ({done[str(worker)]})")
            elif worker.source in self.capabilities:
                lines.append(f"- {worker}: suspend at {worker.source}")
            else:
                lines.append(f"- {worker}: {worker.source} cannot suspend accounts; not touched")
        gate = "" if self.enabled else " (refused: account_suspend.enabled is false in the config)"
        return ActionPreview(self.name, f"suspend the accounts of case {ctx.case.dedup_key}{gate}", "\n".join(lines))

    def execute(self, ctx: ActionContext, params: SuspendParams) -> dict[str, Any]:
        """Suspend each account not suspended yet; fail clearly without both opt-ins."""
        if not self.enabled:
            raise ActionError(
                "account.suspend is disabled: set account_suspend.enabled: true in the config to let playbooks "
                "suspend accounts (the playbook's confirm: true alone is not enough)"
            )
        done: dict[str, str] = dict((ctx.prior or {}).get("suspended", {}))
        skipped = []
        reason = f"{params.reason} ({ctx.case.dedup_key})"
        for worker in ctx.case.workers:
            ref = str(worker)
            capability = self.capabilities.get(worker.source)
            if ref in done:
                continue
            if capability is None:
                skipped.append(ref)
                continue
            try:
                result = capability.suspend(worker, ctx.case.dedup_key, reason)
            except RateLimitedError as exc:
                raise ActionRetryableError(f"account.suspend for {ref} throttled: {exc}") from None
            except ConnectorError as exc:
                if exc.code == "cannot_connect":
                    raise ActionRetryableError(f"account.suspend for {ref} failed: {exc}") from None
                raise ActionError(f"account.suspend for {ref} failed: {exc}") from None
            done[ref] = result.vendor_ref
            ctx.audit("account.suspended", {"worker": ref, "vendor_ref": result.vendor_ref})
        if skipped:
            ctx.audit("account.not_suspendable", {"workers": skipped})
        return {"suspended": done, "not_suspendable": skipped}
