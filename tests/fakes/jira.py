"""A stateful local fake of the Jira REST API (v2, and v3 with ADF bodies), served by pytest-httpserver.

This is not a mock of hiresentry code: it speaks Jira's own wire format (paths, JSON bodies, status
codes, ``errorMessages``/``errors`` shapes, Basic auth) to whatever HTTP client talks to it -- in
our tests the real ``jira`` library -- and keeps projects, issues and comments in memory, so a test
asserts on the state a run left behind (one ticket? one comment?) rather than on which functions
were called. There is no installable Jira server to test against (see components.md §2).

Covered, under ``/rest/api/2/``: ``GET serverInfo``, ``GET field``, ``GET myself``,
``GET project/{key}``, ``POST issue`` (validates project, issue type, summary, labels, priority),
``GET issue/{key}``, ``GET search`` (JQL subset: ``field = v``, ``field != v``,
``field in (...)`` over project/labels/issuetype/status/key, joined by ``AND``, optional
``ORDER BY created|key [ASC|DESC]``; paging by startAt/maxResults/total), ``GET``/``POST
issue/{key}/comment``, ``GET``/``POST issue/{key}/transitions`` (204), ``POST
issue/{key}/attachments`` (multipart, needs ``X-Atlassian-Token: no-check``) and ``DELETE
attachment/{id}`` (204); ``assignee`` must name a known user and custom fields must exist.
The same routes answer under ``/rest/api/3/``, where descriptions and comment bodies must be
Atlassian Document Format documents (a string is a 400, as on Jira Cloud). Every call needs
``Authorization: Basic``; anything else is a 401. ``fail_next`` injects 429/503 (with Retry-After).
Requests are handled one at a time (a lock), like a consistent database behind a real Jira.
"""

from __future__ import annotations

import base64
import json
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

API = "/rest/api/2/"
_API = re.compile(r"^/rest/api/([23])/")
_ALLOWED_FIELDS = {"project", "issuetype", "summary", "description", "labels", "priority", "assignee"}
_JQL_FIELDS = {"project": "project", "labels": "labels", "issuetype": "issuetype", "type": "issuetype"}
_JQL_FIELDS |= {"status": "status", "key": "key", "issuekey": "key"}
_PRIORITIES = ("Highest", "High", "Medium", "Low", "Lowest")
_STATUSES = {"1": "To Do", "3": "In Progress", "10001": "Done"}
_TRANSITIONS = {"11": ("Start Progress", "3"), "31": ("Done", "10001"), "41": ("Reopen", "1")}
_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|\(|\)|,|!=|=|[^\s(),!="]+')


class JQLError(ValueError):
    """The query uses JQL the fake does not understand (a real Jira would answer 400 too)."""


@dataclass
class Call:
    """One request the fake received."""

    method: str
    path: str
    query: dict[str, list[str]]
    body: Any


@dataclass
class Fault:
    """An injected failure for the next ``remaining`` matching requests."""

    status: int
    retry_after: str | None
    method: str | None
    path: re.Pattern[str] | None
    remaining: int


@dataclass
class FakeJira:
    """In-memory Jira; register it on an ``HTTPServer`` and point ``jira.JIRA`` at ``url``."""

    server: HTTPServer
    user: str = "hiresentry-bot"
    token: str = "jira-test-token"
    projects: dict[str, str] = field(default_factory=lambda: {"SEC": "Security"})
    issue_types: tuple[str, ...] = ("Task", "Bug")
    page_cap: int = 50
    users: tuple[str, ...] = ("secops-lead", "557058:f58131cb-b67d-43c7-b30d-6b58d40bd077")
    custom_fields: dict[str, str] = field(default_factory=lambda: {"customfield_10010": "hiresentry case"})
    issues: dict[str, dict[str, Any]] = field(default_factory=dict)
    attachments: dict[str, dict[str, Any]] = field(default_factory=dict)
    calls: list[Call] = field(default_factory=list)
    faults: list[Fault] = field(default_factory=list)
    _seq: int = 0
    _version: str = "2"
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self.server.expect_request(re.compile(r"^/rest/")).respond_with_handler(self._locked)

    # -- inspection helpers -------------------------------------------------------------------
    @property
    def url(self) -> str:
        return self.server.url_for("/").rstrip("/")

    @property
    def writes(self) -> list[Call]:
        """Calls that would change state in a real Jira."""
        return [c for c in self.calls if c.method in ("POST", "PUT", "DELETE")]

    def issue(self, key: str) -> dict[str, Any]:
        return self.issues[key]

    def comments(self, key: str) -> list[str]:
        """Comment bodies as text (ADF bodies flattened)."""
        return [adf_text(c["body"]) for c in self.issues[key]["fields"]["comment"]["comments"]]

    def attached(self, key: str) -> list[dict[str, Any]]:
        """The issue's attachments (``filename``, ``content`` bytes, ``id``)."""
        return [self.attachments[a["id"]] for a in self.issues[key]["fields"]["attachment"]]

    def with_label(self, label: str) -> list[dict[str, Any]]:
        return [i for i in self.issues.values() if label in i["fields"]["labels"]]

    def fail_next(
        self,
        n: int = 1,
        *,
        status: int = 503,
        retry_after: str | None = "0",
        method: str | None = None,
        path: str | None = None,
    ) -> None:
        """Answer the next ``n`` requests (matching ``method`` and the ``path`` regex) with ``status``."""
        pattern = re.compile(path) if path else None
        self.faults.append(Fault(status, retry_after, method, pattern, n))

    # -- HTTP plumbing ------------------------------------------------------------------------
    def _locked(self, request: Request) -> Response:
        with self._lock:
            return self._handle(request)

    def _handle(self, request: Request) -> Response:
        body = request.get_json(silent=True) if request.is_json and request.data else None
        version = _API.match(request.path)
        self._version = version.group(1) if version else "2"
        path = _API.sub("", request.path)
        self.calls.append(Call(request.method, path, request.args.to_dict(flat=False), body))
        for fault in self.faults:
            if self._matches(fault, request.method, path):
                fault.remaining -= 1
                headers = {"Retry-After": fault.retry_after} if fault.retry_after is not None else {}
                return _json({"errorMessages": [f"fake fault {fault.status}"], "errors": {}}, fault.status, headers)
        if not self._authorised(request.headers.get("Authorization", "")):
            return _error(401, "You are not authenticated. Authentication required to perform this operation.")
        if version is None:
            return _error(404, "Not found")
        return self._dispatch(request, path, body)

    @staticmethod
    def _matches(fault: Fault, method: str, path: str) -> bool:
        if not fault.remaining or fault.method not in (None, method):
            return False
        return fault.path is None or fault.path.search(path) is not None

    def _authorised(self, header: str) -> bool:
        expected = base64.b64encode(f"{self.user}:{self.token}".encode()).decode()
        return header == f"Basic {expected}"

    def _routes(self) -> list[tuple[str, str, Callable[..., Response]]]:
        """(method, path regex, handler); handlers of ``issue/{key}...`` paths get the issue dict."""
        return [
            ("GET", "serverInfo", self._server_info),
            ("GET", "field", lambda *_: _json(_FIELDS)),
            ("GET", "myself", lambda *_: _json({"name": self.user, "key": self.user, "active": True})),
            ("GET", r"project/([^/]+)", self._project),
            ("POST", "issue", self._create),
            ("GET", "search", self._search),
            ("GET", r"issue/([^/]+)", lambda _r, _b, issue: _json(issue)),
            ("GET", r"issue/([^/]+)/comment", self._list_comments),
            ("POST", r"issue/([^/]+)/comment", self._add_comment),
            ("GET", r"issue/([^/]+)/transitions", self._transitions),
            ("POST", r"issue/([^/]+)/transitions", self._transition),
            ("POST", r"issue/([^/]+)/attachments", self._attach),
            ("DELETE", r"attachment/([^/]+)", self._delete_attachment),
        ]

    def _dispatch(self, request: Request, path: str, body: Any) -> Response:
        for method, pattern, handler in self._routes():
            match = re.fullmatch(pattern, path)
            if not match or method != request.method:
                continue
            if not pattern.startswith("issue/"):
                return handler(request, body, *match.groups())
            ref = match.group(1)
            issue = self.issues.get(ref) or next((i for i in self.issues.values() if i["id"] == ref), None)
            if issue is None:
                return _error(404, "Issue Does Not Exist")
            return handler(request, body, issue)
        return _error(404, f"No route for {request.method} {path}")

    # -- endpoints ----------------------------------------------------------------------------
    def _server_info(self, *_: Any) -> Response:
        info = {"baseUrl": self.url, "version": "9.12.2", "versionNumbers": [9, 12, 2]}
        return _json({**info, "deploymentType": "Server", "buildNumber": 9120002, "serverTitle": "Fake Jira"})

    def _project_json(self, key: str, *, with_types: bool = True) -> dict[str, Any]:
        pid = str(10000 + list(self.projects).index(key))
        project = {"id": pid, "key": key, "name": self.projects[key], "self": f"{self.url}{API}project/{pid}"}
        if with_types:
            project["issueTypes"] = [
                {"id": str(10000 + n), "name": t, "subtask": False} for n, t in enumerate(self.issue_types)
            ]
        return project

    def _project(self, _r: Request, _b: Any, key: str) -> Response:
        if key not in self.projects:
            return _error(404, f"No project could be found with key '{key}'.")
        return _json(self._project_json(key))

    def _create(self, _r: Request, body: Any) -> Response:
        fields = body.get("fields") if isinstance(body, dict) else None
        if not isinstance(fields, dict):
            return _error(400, "Can not deserialize instance of the issue: 'fields' is required")
        errors = self._validate(fields)
        if errors:
            return _json({"errorMessages": [], "errors": errors}, 400)
        self._seq += 1
        project = fields["project"]["key"]
        number = 1 + sum(i["fields"]["project"]["key"] == project for i in self.issues.values())
        key, iid = f"{project}-{number}", str(10000 + self._seq)
        stamp = f"2026-11-25T10:{self._seq // 60:02d}:{self._seq % 60:02d}.000+0000"
        self.issues[key] = {
            "id": iid,
            "key": key,
            "self": f"{self.url}{API}issue/{iid}",
            "fields": {
                "summary": fields["summary"],
                "description": fields.get("description"),
                "project": self._project_json(project, with_types=False),
                "issuetype": {"name": fields["issuetype"]["name"], "subtask": False},
                "labels": list(fields.get("labels", [])),
                "priority": fields.get("priority"),
                "status": {"id": "1", "name": _STATUSES["1"]},
                "created": stamp,
                "updated": stamp,
                "comment": {"comments": [], "maxResults": 0, "total": 0, "startAt": 0},
                "attachment": [],
                "assignee": fields.get("assignee"),
                **{k: v for k, v in fields.items() if k in self.custom_fields},
            },
        }
        return _json({"id": iid, "key": key, "self": self.issues[key]["self"]}, 201)

    def _validate(self, fields: dict[str, Any]) -> dict[str, str]:
        unknown = "cannot be set. It is not on the appropriate screen, or unknown."
        errors = {k: f"Field '{k}' {unknown}" for k in fields.keys() - _ALLOWED_FIELDS - set(self.custom_fields)}
        if self._version == "3" and "description" in fields and not _is_adf(fields["description"]):
            errors["description"] = "Operation value must be an Atlassian Document (see the Atlassian Document Format)"
        assignee = fields.get("assignee")
        if assignee is not None:
            wanted = (assignee or {}).get("accountId" if self._version == "3" else "name")
            if wanted not in self.users:
                errors["assignee"] = f"User '{wanted}' does not exist."
        project = (fields.get("project") or {}).get("key")
        if project not in self.projects:
            errors["project"] = "project is required" if project is None else "valid project is required"
        if (fields.get("issuetype") or {}).get("name") not in self.issue_types:
            errors["issuetype"] = "valid issue type is required"
        summary = fields.get("summary")
        if not isinstance(summary, str) or not summary.strip():
            errors["summary"] = "You must specify a summary of the issue."
        elif len(summary) > 255 or "\n" in summary:
            errors["summary"] = "The summary must be one line of less than 255 characters."
        labels = fields.get("labels", [])
        if not isinstance(labels, list) or any(not isinstance(x, str) or re.search(r"\s", x) for x in labels):
            errors["labels"] = "The label contains spaces which is invalid."
        if "priority" in fields and (fields["priority"] or {}).get("name") not in _PRIORITIES:
            errors["priority"] = "The priority selected is invalid."
        return errors

    def _search(self, request: Request, _b: Any) -> Response:
        try:
            predicate, descending = _parse_jql(request.args.get("jql", ""))
        except JQLError as exc:
            return _error(400, f"Error in the JQL Query: {exc}")
        hits = sorted((i for i in self.issues.values() if predicate(i)), key=lambda i: int(i["id"]))
        if descending:
            hits.reverse()
        start = int(request.args.get("startAt", 0))
        size = min(int(request.args.get("maxResults", self.page_cap)), self.page_cap)
        wanted = {f for v in request.args.getlist("fields") for f in v.split(",") if f}
        page = [_select(i, wanted) for i in hits[start : start + size]]
        return _json({"startAt": start, "maxResults": size, "total": len(hits), "issues": page})

    def _list_comments(self, _r: Request, _b: Any, issue: dict[str, Any]) -> Response:
        comments = issue["fields"]["comment"]["comments"]
        return _json({"startAt": 0, "maxResults": len(comments), "total": len(comments), "comments": comments})

    def _add_comment(self, _r: Request, body: Any, issue: dict[str, Any]) -> Response:
        text = (body or {}).get("body")
        if self._version == "3":
            if not _is_adf(text):
                return _json({"errorMessages": [], "errors": {"comment": "Comment body is not valid!"}}, 400)
            return _json(self._append_comment(issue, text), 201)
        if not isinstance(text, str) or not text.strip():
            return _json({"errorMessages": [], "errors": {"comment": "Comment body can not be empty!"}}, 400)
        return _json(self._append_comment(issue, text), 201)

    def _attach(self, request: Request, _b: Any, issue: dict[str, Any]) -> Response:
        if request.headers.get("X-Atlassian-Token") != "no-check":
            return _error(403, "XSRF check failed")
        upload = request.files.get("file")
        if upload is None:
            return _error(400, "No file was attached (multipart field 'file')")
        self._seq += 1
        aid = str(30000 + self._seq)
        content = upload.read()
        meta = {
            "id": aid,
            "self": f"{self.url}/rest/api/{self._version}/attachment/{aid}",
            "filename": upload.filename,
            "size": len(content),
            "mimeType": upload.mimetype or "application/octet-stream",
            "content": f"{self.url}/secure/attachment/{aid}/{upload.filename}",
        }
        self.attachments[aid] = {**meta, "bytes": content, "issue": issue["key"]}
        issue["fields"]["attachment"].append(meta)
        return _json([meta])

    def _delete_attachment(self, _r: Request, _b: Any, aid: str) -> Response:
        found = self.attachments.pop(aid, None)
        if found is None:
            return _error(404, f"The attachment with id '{aid}' does not exist")
        fields = self.issues[found["issue"]]["fields"]
        fields["attachment"] = [a for a in fields["attachment"] if a["id"] != aid]
        return Response(status=204)

    def _append_comment(self, issue: dict[str, Any], text: Any) -> dict[str, Any]:
        self._seq += 1
        cid, thread = str(20000 + self._seq), issue["fields"]["comment"]
        author = {"name": self.user, "displayName": "hiresentry"}
        comment = {"id": cid, "self": f"{issue['self']}/comment/{cid}", "body": text, "author": author}
        thread["comments"].append({**comment, "created": issue["fields"]["updated"]})
        thread["total"] = thread["maxResults"] = len(thread["comments"])
        return comment

    def _available(self, issue: dict[str, Any]) -> list[dict[str, Any]]:
        ids = ["41"] if issue["fields"]["status"]["id"] == "10001" else ["11", "31"]
        to = {t: {"id": _TRANSITIONS[t][1], "name": _STATUSES[_TRANSITIONS[t][1]]} for t in ids}
        return [{"id": t, "name": _TRANSITIONS[t][0], "to": to[t]} for t in ids]

    def _transitions(self, _r: Request, _b: Any, issue: dict[str, Any]) -> Response:
        return _json({"expand": "transitions", "transitions": self._available(issue)})

    def _transition(self, _r: Request, body: Any, issue: dict[str, Any]) -> Response:
        wanted = str(((body or {}).get("transition") or {}).get("id"))
        if wanted not in {t["id"] for t in self._available(issue)}:
            return _error(400, f"Transition id '{wanted}' is not valid for this issue.")
        target = _TRANSITIONS[wanted][1]
        issue["fields"]["status"] = {"id": target, "name": _STATUSES[target]}
        for op in (body or {}).get("update", {}).get("comment", []):
            self._append_comment(issue, op["add"]["body"])
        return Response(status=204)


_FIELDS = [
    {"id": f, "name": f.title(), "custom": False, "clauseNames": [f], "schema": {"type": "string"}}
    for f in ("summary", "description", "labels", "project", "issuetype", "status", "priority", "comment")
]


def _json(payload: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(json.dumps(payload), status=status, headers=headers, content_type="application/json")


def _error(status: int, message: str) -> Response:
    return _json({"errorMessages": [message], "errors": {}}, status)


def _is_adf(value: Any) -> bool:
    return isinstance(value, dict) and value.get("type") == "doc" and value.get("version") == 1


def adf_text(value: Any) -> str:
    """The text of a comment or description: a wiki string as it is, an ADF document flattened."""
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        own = str(value.get("text", "")) if value.get("type") == "text" else ""
        return " ".join(p for p in (own, *(adf_text(c) for c in value.get("content") or [])) if p)
    return ""


def _select(issue: dict[str, Any], wanted: set[str]) -> dict[str, Any]:
    if not wanted or wanted & {"*all", "*navigable"}:
        return issue
    return {**issue, "fields": {k: v for k, v in issue["fields"].items() if k in wanted}}


def _values(issue: dict[str, Any], name: str) -> list[str]:
    if name == "key":
        return [issue["key"]]
    value = issue["fields"][name]
    if isinstance(value, list):
        return value
    return [value.get("key") or value["name"]]


def _parse_jql(jql: str) -> tuple[Callable[[dict[str, Any]], bool], bool]:
    """Compile the supported JQL subset into a predicate and whether to sort newest first."""
    where, *order_by = re.split(r"(?i)\border\s+by\b", jql, maxsplit=1)
    if order_by and not re.fullmatch(r"(?i)\s*(created|key)(\s+(asc|desc))?\s*", order_by[0]):
        raise JQLError(f"ORDER BY {order_by[0].strip()!r} is not supported")
    tokens = _TOKEN.findall(where)
    clauses: list[Callable[[dict[str, Any]], bool]] = []
    i = 0
    while i < len(tokens):
        if len(tokens) < i + 3:
            raise JQLError(f"incomplete clause at {' '.join(tokens[i:])!r}")
        name, op = tokens[i].lower(), tokens[i + 1].lower()
        if name not in _JQL_FIELDS:
            raise JQLError(f"Field '{name}' does not exist or you do not have permission to view it.")
        if op in ("=", "!="):
            values, i = [tokens[i + 2]], i + 3
        elif op == "in" and tokens[i + 2] == "(" and ")" in tokens[i:]:
            end = tokens.index(")", i + 2)
            values, i = [t for t in tokens[i + 3 : end] if t != ","], end + 1
        else:
            raise JQLError(f"operator {op!r} is not supported")
        clauses.append(_clause(_JQL_FIELDS[name], [_unquote(v) for v in values], negate=op == "!="))
        if i < len(tokens) and tokens[i].lower() != "and":
            raise JQLError(f"expected AND, got {tokens[i]!r}")
        i += 1
    descending = bool(order_by and re.search(r"(?i)\bdesc\b", order_by[0]))
    return (lambda issue: all(c(issue) for c in clauses)), descending


def _clause(name: str, values: list[str], *, negate: bool) -> Callable[[dict[str, Any]], bool]:
    return lambda issue: bool(set(_values(issue, name)) & set(values)) != negate


def _unquote(token: str) -> str:
    if token.startswith('"'):
        return re.sub(r"\\(.)", r"\1", token[1:-1])
    return token
