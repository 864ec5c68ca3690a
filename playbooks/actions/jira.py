"""``jira.ensure_ticket``: exactly one Jira ticket per case, kept current.

The ticket is the reviewers' work item, so duplicates are the failure that matters: two tickets
split the discussion and one of them gets closed as "duplicate" with the wrong verdict. The
action therefore finds before it creates, in this order:

1. the issue key stored from the last run (``ctx.prior``, shared by every playbook of the case);
2. a JQL search for the case label (``hiresentry-<dedup key>``) in the project, because a crash
   between creating the ticket and writing ``prior`` back loses the key but not the label;
3. only then ``POST issue`` (with the configured issue type, custom fields and assignee).

Afterwards it keeps the ticket current: one comment per evidence change and per event (a verdict,
a hold expiring, expired or released), each ending with a marker line that the action looks for
before commenting, so a re-run after a crash does not say the same thing twice; the transition
named for a level rise or fall, and the close transition once the case is closed or judged a false
positive; and the Markdown case report as an attachment, replaced (upload, then delete the old
one) whenever the case changes. REST v2 bodies are wiki markup, REST v3 bodies ADF.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from typing import Any, ClassVar

from jira import JIRA
from pydantic import Field, field_validator

from hiresentry.core.cases.view import CaseView
from hiresentry.core.errors import ConfigError
from hiresentry.core.levels import Level
from hiresentry.playbooks import adf, render
from hiresentry.playbooks.actions.base import Action, ActionContext, ActionParams, ActionPreview
from hiresentry.playbooks.actions.jira_client import (
    ClientFactory,
    ErrorMap,
    JiraSettings,
    audit_throttling,
    connect,
    jql_string,
)
from hiresentry.playbooks.render_state import case_link, event_line, is_closed, state_digest
from hiresentry.playbooks.report import case_report, report_filename

__all__ = ["CLOSED_STATUS", "EnsureTicket", "EnsureTicketParams", "JiraSettings", "connect"]

CLOSED_STATUS = "closed"
"""The case status that triggers ``transition_on_close`` (as does a false-positive verdict)."""
_LOOKUP_LIMIT = 10


class EnsureTicketParams(ActionParams):
    """``jira.ensure_ticket: {project: SEC, issue_type: Task, labels: [hiresentry]}``."""

    project: str = Field(pattern=r"^[A-Z][A-Z0-9_]{1,19}$", description="project key")
    issue_type: str = Field("Task", min_length=1)
    labels: list[str] = Field(default_factory=list, description="added to the case label")
    priority: dict[Level, str] | None = Field(None, description="Jira priority name per case level")
    assignee: str | None = Field(None, description="user name (REST v2) or account id (REST v3)")
    custom_fields: dict[str, Any] = Field(
        default_factory=dict,
        description="customfield_NNNNN → value; strings may use {dedup_key} {level} {score} {kind} {url}",
    )
    transition_on_close: str | None = Field(None, description="transition to run once the case is closed")
    transition_on_level_up: str | None = Field(None, description="transition to run when the level rises")
    transition_on_level_down: str | None = Field(None, description="transition to run when the level falls")
    attach_report: bool = Field(True, description="attach the Markdown case report, replaced on every change")
    create_if_missing: bool = Field(True, description="false: only update a ticket that exists (close-outs)")

    @field_validator("labels")
    @classmethod
    def _labels_without_spaces(cls, value: list[str]) -> list[str]:
        bad = [label for label in value if not label or any(c.isspace() for c in label)]
        if bad:
            raise ValueError(f"Jira labels cannot be empty or contain spaces: {bad}")
        return value

    @field_validator("custom_fields")
    @classmethod
    def _custom_ids(cls, value: dict[str, Any]) -> dict[str, Any]:
        bad = [k for k in value if not k.startswith("customfield_") or not k.removeprefix("customfield_").isdigit()]
        if bad:
            raise ValueError(f"custom fields are named by id, e.g. customfield_10010: {bad}")
        return value


class EnsureTicket(Action[EnsureTicketParams]):
    """Open the case's Jira ticket once; keep it current with comments, transitions and the report."""

    name: ClassVar[str] = "jira.ensure_ticket"
    params_model: ClassVar[type[ActionParams]] = EnsureTicketParams

    def __init__(
        self,
        settings: JiraSettings | None = None,
        client_factory: ClientFactory = connect,
        case_url: str | None = None,
    ) -> None:
        self._settings = settings
        self._client_factory = client_factory
        self._case_url = case_url

    def _v3(self) -> bool:
        return self._settings is not None and self._settings.rest_api_version == "3"

    def preview(self, ctx: ActionContext, params: EnsureTicketParams) -> ActionPreview:
        """What ``execute`` would do, from ``ctx`` alone (no settings, no HTTP)."""
        case, key = ctx.case, _prior_key(ctx.prior)
        extra = [f"run transition {name!r}" for name in self._transitions(ctx, params)]
        if params.attach_report and (key is None or (ctx.prior or {}).get("report_state") != state_digest(case)):
            extra.append(f"attach {report_filename(case)}")
        tail = f" and {', '.join(extra)}" if extra else ""
        link = case_link(self._case_url, case)
        if key is None:
            summary = (
                f"look up the {params.project} ticket labelled {case.label}; if none, create a "
                f"{params.issue_type}: {render.jira_summary(case)}{tail}"
            )
            return ActionPreview(self.name, summary, render.jira_description(case, link))
        line = event_line(ctx.event)
        if line:
            return ActionPreview(self.name, f"comment on {key}: {line}{tail}", line)
        if ctx.prior_digest == case.evidence_digest:
            return ActionPreview(self.name, f"no new evidence for {key}{tail or '; nothing to do'}", "")
        comment = render.jira_comment(case, render.change_since(case, ctx.prior))
        return ActionPreview(self.name, f"comment on {key} with the new evidence{tail}", comment)

    def execute(self, ctx: ActionContext, params: EnsureTicketParams) -> dict[str, Any]:
        """Find or create the ticket, then comment, transition and attach as the case requires."""
        settings = self._settings
        if settings is None:
            raise ConfigError("jira.ensure_ticket needs the jira settings (jira.url, jira.user, jira.token)")
        case, key, prior = ctx.case, _prior_key(ctx.prior), dict(ctx.prior or {})
        transitions = self._transitions(ctx, params)
        event_id = (ctx.event or {}).get("id") or None
        report_due = params.attach_report and prior.get("report_state") != state_digest(case)
        if key is not None and ctx.prior_digest == case.evidence_digest and not (transitions or event_id or report_due):
            ctx.audit("jira.unchanged", {"issue_key": key})
            return self._result(settings, key, case, prior)

        errors = ErrorMap(ctx.audit, settings)
        with errors.during("connect"):
            client = self._client_factory(settings)
        audit_throttling(client, ctx.audit)
        try:
            description: Any = None
            found_by_label = key is None
            if key is None:
                key, description = self._lookup(client, ctx, params, errors)
            if key is None and not params.create_if_missing:
                ctx.audit("jira.no_ticket", {"label": case.label})
                return {"issue_key": None, "note": "no ticket to update", **render.stored_state(case)}
            if key is None:
                key = self._create(client, ctx, params, errors)
            else:
                if found_by_label or ctx.prior_digest != case.evidence_digest:
                    change = render.change_since(case, ctx.prior)
                    body: Any = adf.comment(case, change) if self._v3() else render.jira_comment(case, change)
                    self._comment_once(client, ctx, key, description, render.digest_marker(case), body, errors)
                line = event_line(ctx.event)
                if event_id and line:
                    marker = render.event_marker(case, int(event_id))
                    note: Any = (
                        adf.event_comment(case, int(event_id), line)
                        if self._v3()
                        else render.jira_event_comment(case, int(event_id), line)
                    )
                    self._comment_once(client, ctx, key, description, marker, note, errors)
            for name in transitions:
                self._transition(client, ctx, key, name, errors)
            if params.attach_report and (report_due or found_by_label):
                prior["attachment"] = self._attach(client, ctx, key, errors)
                prior["report_state"] = state_digest(case)
        finally:
            client.close()  # type: ignore[no-untyped-call]  # jira's close() lacks annotations
        prior["closed"] = is_closed(case) and bool(params.transition_on_close or prior.get("closed"))
        return self._result(settings, key, case, prior)

    # -- steps -----------------------------------------------------------------------------------

    def _transitions(self, ctx: ActionContext, params: EnsureTicketParams) -> list[str]:
        """Transitions still to run: one for a level change since the ticket last saw it, one to close."""
        names: list[str] = []
        prior = ctx.prior or {}
        before = prior.get("level")
        if before in {lv.value for lv in Level} and before != ctx.case.level.value:
            rose = ctx.case.level > Level(before)
            name = params.transition_on_level_up if rose else params.transition_on_level_down
            if name:
                names.append(name)
        if params.transition_on_close and is_closed(ctx.case) and not prior.get("closed"):
            names.append(params.transition_on_close)
        return names

    def _lookup(
        self, client: JIRA, ctx: ActionContext, params: EnsureTicketParams, errors: ErrorMap
    ) -> tuple[str | None, Any]:
        """The oldest ticket carrying the case label, with its description (None if there is none)."""
        jql = f"project = {jql_string(params.project)} AND labels = {jql_string(ctx.case.label)} ORDER BY created ASC"
        with errors.during("search for the case label"):
            found = client.search_issues(
                jql, maxResults=_LOOKUP_LIMIT, fields="summary,description,labels", json_result=True
            )
        issues = found.get("issues") or []
        keys = [str(issue["key"]) for issue in issues]
        ctx.audit("jira.lookup", {"jql": jql, "matches": found.get("total", len(keys)), "issue_keys": keys})
        if len(keys) > 1:
            ctx.audit("jira.duplicates", {"label": ctx.case.label, "issue_keys": keys, "kept": keys[0]})
        if not issues:
            return None, None
        description = (issues[0].get("fields") or {}).get("description")
        if description is None:  # some servers ignore the field list in search: read the issue itself
            with errors.during("read the issue"):
                description = (client.issue(keys[0], fields="description").raw.get("fields") or {}).get("description")
        return keys[0], description

    def _create(self, client: JIRA, ctx: ActionContext, params: EnsureTicketParams, errors: ErrorMap) -> str:
        case = ctx.case
        link = case_link(self._case_url, case)
        labels = list(dict.fromkeys([case.label, *params.labels]))
        fields: dict[str, Any] = {
            "project": {"key": params.project},
            "issuetype": {"name": params.issue_type},
            "summary": render.jira_summary(case),
            "description": adf.description(case, link) if self._v3() else render.jira_description(case, link),
            "labels": labels,
        }
        if params.priority and case.level in params.priority:
            fields["priority"] = {"name": params.priority[case.level]}
        if params.assignee:
            fields["assignee"] = {"accountId": params.assignee} if self._v3() else {"name": params.assignee}
        values = {"dedup_key": case.dedup_key, "level": case.level.value, "score": f"{case.score:g}"}
        values |= {"kind": case.kind, "url": link or ""}
        fields |= {name: _fill(value, values) for name, value in params.custom_fields.items()}
        with errors.during("create issue"):
            issue = client.create_issue(fields=fields, prefetch=False)
        key = str(issue.key)
        ctx.audit("jira.create", {"issue_key": key, "project": params.project, "labels": labels})
        return key

    def _comment_once(
        self,
        client: JIRA,
        ctx: ActionContext,
        key: str,
        description: Any,
        marker: str,
        body: Any,
        errors: ErrorMap,
    ) -> None:
        """Comment unless the ticket (description or a comment) already carries ``marker``."""
        shown = marker if self._v3() else render.wiki_escape(marker)
        with errors.during("read comments"):
            bodies = [adf.text_of(c.raw.get("body") or "") for c in client.comments(key)]
        if any(shown in text for text in [adf.text_of(description or ""), *bodies]):
            ctx.audit("jira.already_noted", {"issue_key": key, "marker": marker})
            return
        with errors.during("add comment"):
            client.add_comment(key, body)
        ctx.audit("jira.comment", {"issue_key": key, "marker": marker})

    def _transition(self, client: JIRA, ctx: ActionContext, key: str, name: str, errors: ErrorMap) -> None:
        """Run the named transition if the workflow offers it now; audit it either way.

        When it is not offered (a human moved the ticket already, or the workflow has no such step)
        that is audited and counted as handled, so later runs do not poll the workflow again.
        """
        with errors.during("read transitions"):
            available = client.transitions(key)
        match = next((t for t in available if str(t.get("name", "")).lower() == name.lower()), None)
        if match is None:
            offered = [str(t.get("name")) for t in available]
            ctx.audit("jira.transition_unavailable", {"issue_key": key, "transition": name, "offered": offered})
            return
        with errors.during(f"transition {name!r}"):
            client.transition_issue(key, str(match["id"]))
        ctx.audit("jira.transition", {"issue_key": key, "transition": name})

    def _attach(self, client: JIRA, ctx: ActionContext, key: str, errors: ErrorMap) -> str:
        """Upload the current report, then delete older copies: the ticket never lacks one."""
        case = ctx.case
        filename = report_filename(case)
        data = case_report(case, case_link(self._case_url, case)).encode("utf-8")
        with errors.during("attach the case report"):
            stream = io.BytesIO(data)  # jira reads any file-like object; its annotation says BufferedReader
            attached = client.add_attachment(key, stream, filename=filename)
        new_id = str(attached.id)
        with errors.during("list attachments"):
            raw = client.issue(key, fields="attachment").raw
        old = [str(a["id"]) for a in (raw.get("fields") or {}).get("attachment") or [] if a.get("filename") == filename]
        for attachment_id in old:
            if attachment_id != new_id:
                with errors.during("delete the previous case report"):
                    client.delete_attachment(attachment_id)
        ctx.audit("jira.attach", {"issue_key": key, "attachment": new_id, "replaced": [a for a in old if a != new_id]})
        return new_id

    def _result(self, settings: JiraSettings, key: str, case: CaseView, prior: Mapping[str, Any]) -> dict[str, Any]:
        """The stored result: key and URL, plus what the next comment diffs against."""
        result = {
            "issue_key": key,
            "url": f"{settings.url}/browse/{key}",
            **render.stored_state(case),
            "closed": bool(prior.get("closed")) and is_closed(case),
        }
        for name in ("attachment", "report_state"):
            if prior.get(name):
                result[name] = prior[name]
        return result


def _fill(value: Any, values: Mapping[str, str]) -> Any:
    """Substitute ``{name}`` placeholders in strings (nested in lists and mappings too)."""
    if isinstance(value, str):
        for name, text in values.items():
            value = value.replace("{" + name + "}", text)
        return value
    if isinstance(value, list):
        return [_fill(v, values) for v in value]
    if isinstance(value, dict):
        return {k: _fill(v, values) for k, v in value.items()}
    return value


def _prior_key(prior: Mapping[str, Any] | None) -> str | None:
    key = (prior or {}).get("issue_key")
    return key if isinstance(key, str) and key else None
