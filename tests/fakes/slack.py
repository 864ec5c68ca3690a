"""A stateful local fake of the Slack Web API, served by pytest-httpserver under ``/api/``.

This is not a mock of hiresentry code: it answers the Web API's own wire format (``{"ok": ...}``
envelopes, ``error`` codes, Bearer auth, cursor paging, JSON *and* form-encoded *and* query-string
arguments, exactly as ``slack_sdk.WebClient`` sends them) and keeps channels, messages, threads and
message metadata in memory, so tests assert on what ended up in the channel. Slack offers no local
server (components.md §3), and ``WebClient`` uses urllib, which request-level mocks cannot catch.

Covered: ``auth.test``, ``conversations.list``, ``chat.postMessage`` (``thread_ts`` replies,
``metadata``, a Block Kit limit check answering ``invalid_blocks``), ``chat.update``,
``conversations.history`` (newest first, ``oldest``/``latest``, ``include_all_metadata``, cursor
paging) and ``conversations.replies``. Like Slack, ``chat.postMessage`` accepts a channel name
while the others need the channel id. Missing/wrong token → ``not_authed``/``invalid_auth``;
``fail_next`` injects HTTP 429 (``Retry-After``) or 5xx, or an ``ok: false`` error.

Interactivity: :meth:`FakeSlack.response_url` gives a message's ``response_url`` (served under
``/actions/``); a JSON POST there with ``replace_original`` replaces the message, as Slack does, and
anything else is kept as an ephemeral response. Requests are handled one at a time (a lock).
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

WRITE_METHODS = frozenset({"chat.postMessage", "chat.update"})


class SlackError(Exception):
    """Ends a call with ``{"ok": false, "error": code}`` (HTTP 200, as Slack does)."""

    def __init__(self, code: str, messages: list[str] | None = None) -> None:
        super().__init__(code)
        self.code = code
        self.messages = messages or []


@dataclass
class Call:
    """One Web API call the fake received, with its arguments merged from query, form and JSON."""

    method: str
    args: dict[str, Any]
    content_type: str


@dataclass
class Fault:
    """An injected failure for the next ``remaining`` calls of ``method`` (any method if None)."""

    status: int
    error: str
    retry_after: str | None
    method: str | None
    remaining: int


@dataclass
class FakeSlack:
    """In-memory Slack workspace; point ``WebClient(base_url=fake.base_url)`` at it."""

    server: HTTPServer
    token: str = "xoxb-test-token"
    channels: dict[str, str] = field(default_factory=lambda: {"C0RISK00001": "contractor-risk"})
    bot_user: str = "U0BOT0001"
    epoch: int = 1_764_000_000
    messages: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    calls: list[Call] = field(default_factory=list)
    faults: list[Fault] = field(default_factory=list)
    responses: list[dict[str, Any]] = field(default_factory=list)
    _seq: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self.server.expect_request(re.compile(r"^/api/")).respond_with_handler(self._locked)
        self.server.expect_request(re.compile(r"^/actions/")).respond_with_handler(self._response_url)

    def response_url(self, channel: str, ts: str) -> str:
        """The ``response_url`` Slack would put in a button press on this message."""
        return self.server.url_for(f"/actions/{channel}/{ts}")

    def _response_url(self, request: Request) -> Response:
        with self._lock:
            _, _, channel, ts = request.path.split("/", 3)
            body = request.get_json(silent=True) or {}
            self.responses.append({"channel": channel, "ts": ts, **body})
            if body.get("replace_original"):
                message = self._find(channel, ts, error="message_not_found")
                message["text"], message["blocks"] = body.get("text", ""), body.get("blocks", [])
            return Response("ok", status=200, content_type="text/plain")

    def _locked(self, request: Request) -> Response:
        with self._lock:
            return self._handle(request)

    # -- inspection helpers -------------------------------------------------------------------
    @property
    def base_url(self) -> str:
        return self.server.url_for("/api/")

    @property
    def writes(self) -> list[Call]:
        return [c for c in self.calls if c.method in WRITE_METHODS]

    def roots(self, channel: str) -> list[dict[str, Any]]:
        """Top-level messages of a channel, oldest first."""
        return [m for m in self.messages.get(channel, []) if m.get("thread_ts", m["ts"]) == m["ts"]]

    def replies(self, channel: str, ts: str) -> list[dict[str, Any]]:
        """Thread replies under ``ts``, oldest first (without the parent)."""
        return [m for m in self.messages.get(channel, []) if m.get("thread_ts") == ts and m["ts"] != ts]

    def message(self, channel: str, ts: str) -> dict[str, Any]:
        return next(m for m in self.messages.get(channel, []) if m["ts"] == ts)

    def fail_next(
        self,
        n: int = 1,
        *,
        status: int = 429,
        error: str = "ratelimited",
        retry_after: str | None = "0",
        method: str | None = None,
    ) -> None:
        """Fail the next ``n`` calls (of ``method``): HTTP ``status`` (200 means an ``ok: false`` body)."""
        self.faults.append(Fault(status, error, retry_after, method, n))

    # -- HTTP plumbing ------------------------------------------------------------------------
    def _handle(self, request: Request) -> Response:
        method = request.path.removeprefix("/api/")
        args = _arguments(request)
        self.calls.append(Call(method, args, request.content_type or ""))
        for fault in self.faults:
            if fault.remaining and fault.method in (None, method):
                fault.remaining -= 1
                headers = {"Retry-After": fault.retry_after} if fault.retry_after is not None else {}
                return _json({"ok": False, "error": fault.error}, fault.status, headers)
        handler = self._methods().get(method)
        try:
            self._authorise(request.headers.get("Authorization"))
            if handler is None:
                raise SlackError("unknown_method")
            return _json({"ok": True, **handler(args)})
        except SlackError as exc:
            extra = {"response_metadata": {"messages": exc.messages}} if exc.messages else {}
            return _json({"ok": False, "error": exc.code, **extra})

    def _authorise(self, header: str | None) -> None:
        if not header or not header.startswith("Bearer "):
            raise SlackError("not_authed")
        if header != f"Bearer {self.token}":
            raise SlackError("invalid_auth")

    def _methods(self) -> dict[str, Callable[[dict[str, Any]], dict[str, Any]]]:
        return {
            "auth.test": self._auth_test,
            "conversations.list": self._list,
            "chat.postMessage": self._post,
            "chat.update": self._update,
            "conversations.history": self._history,
            "conversations.replies": self._replies,
        }

    # -- methods ------------------------------------------------------------------------------
    def _auth_test(self, _args: dict[str, Any]) -> dict[str, Any]:
        return {
            "url": "https://fake.slack.com/",
            "team": "Fake",
            "user": "hiresentry",
            "team_id": "T0FAKE001",
        }

    def _list(self, args: dict[str, Any]) -> dict[str, Any]:
        channels = [
            {"id": cid, "name": name, "is_channel": True, "is_private": False, "is_member": True}
            for cid, name in self.channels.items()
        ]
        page, cursor = _page(channels, args, default=100)
        return {"channels": page, "response_metadata": {"next_cursor": cursor}}

    def _channel(self, args: dict[str, Any], *, by_name: bool = False) -> str:
        raw = str(args.get("channel", ""))
        if raw in self.channels:
            return raw
        name = raw.removeprefix("#")
        for cid, cname in self.channels.items():
            if by_name and cname == name:
                return cid
        raise SlackError("channel_not_found")

    def _post(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = self._channel(args, by_name=True)
        text, blocks = args.get("text"), _decode(args.get("blocks"))
        if not text and not blocks:
            raise SlackError("no_text")
        _check_blocks(blocks)
        self._seq += 1
        ts = f"{self.epoch + self._seq}.{self._seq:06d}"
        message: dict[str, Any] = {"type": "message", "user": self.bot_user, "bot_id": "B0BOT0001", "ts": ts}
        message |= {"text": text or "", "app_id": "A0APP0001"}
        if blocks:
            message["blocks"] = blocks
        if args.get("thread_ts"):
            parent = self._find(channel, str(args["thread_ts"]), error="thread_not_found")
            message["thread_ts"] = parent["thread_ts"] = parent["ts"]
        if args.get("metadata"):
            message["metadata"] = _metadata(args["metadata"])
        self.messages.setdefault(channel, []).append(message)
        return {"channel": channel, "ts": ts, "message": _public(message, with_metadata=True)}

    def _update(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = self._channel(args)
        message = self._find(channel, str(args.get("ts", "")), error="message_not_found")
        blocks = _decode(args.get("blocks"))
        _check_blocks(blocks)
        if "text" in args:
            message["text"] = args["text"]
        if blocks is not None:
            message["blocks"] = blocks
        if args.get("metadata"):
            message["metadata"] = _metadata(args["metadata"])
        self._seq += 1
        message["edited"] = {"user": self.bot_user, "ts": f"{self.epoch + self._seq}.{self._seq:06d}"}
        public = _public(message, with_metadata=True)
        return {"channel": channel, "ts": message["ts"], "text": message["text"], "message": public}

    def _history(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = self._channel(args)
        oldest, latest = float(args.get("oldest") or 0), float(args.get("latest") or "inf")
        inclusive = _truthy(args.get("inclusive"))
        in_range = [
            m
            for m in reversed(self.roots(channel))
            if (oldest <= float(m["ts"]) if inclusive else oldest < float(m["ts"]))
            and (float(m["ts"]) <= latest if inclusive else float(m["ts"]) < latest)
        ]
        page, cursor = _page(in_range, args, default=100)
        with_metadata = _truthy(args.get("include_all_metadata"))
        messages = [self._with_thread_info(channel, _public(m, with_metadata=with_metadata)) for m in page]
        return {"messages": messages, "has_more": bool(cursor), "response_metadata": {"next_cursor": cursor}}

    def _replies(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = self._channel(args)
        parent = self._find(channel, str(args.get("ts", "")), error="thread_not_found")
        thread = [parent, *self.replies(channel, parent["ts"])]
        page, cursor = _page(thread, args, default=1000)
        with_metadata = _truthy(args.get("include_all_metadata"))
        messages = [_public(m, with_metadata=with_metadata) for m in page]
        return {"messages": messages, "has_more": bool(cursor), "response_metadata": {"next_cursor": cursor}}

    def _find(self, channel: str, ts: str, *, error: str) -> dict[str, Any]:
        for message in self.messages.get(channel, []):
            if message["ts"] == ts:
                return message
        raise SlackError(error)

    def _with_thread_info(self, channel: str, message: dict[str, Any]) -> dict[str, Any]:
        replies = self.replies(channel, message["ts"])
        if replies:
            message |= {"reply_count": len(replies), "latest_reply": replies[-1]["ts"]}
        return message


def _arguments(request: Request) -> dict[str, Any]:
    """Merge query string, form body and JSON body, as the Web API accepts all three."""
    args: dict[str, Any] = dict(request.args.items())
    args.update(request.form.items())
    if request.is_json:
        body = request.get_json(silent=True)
        if isinstance(body, dict):
            args.update(body)
    return args


def _decode(value: Any) -> Any:
    """Form-encoded calls carry ``blocks``/``metadata`` as JSON strings."""
    if isinstance(value, str) and value[:1] in "[{":
        try:
            return json.loads(value)
        except ValueError:
            raise SlackError("invalid_json") from None
    return value


def _metadata(value: Any) -> dict[str, Any]:
    meta = _decode(value)
    if not isinstance(meta, dict) or not isinstance(meta.get("event_type"), str):
        raise SlackError("invalid_metadata_format")
    if not isinstance(meta.get("event_payload"), dict):
        raise SlackError("invalid_metadata_format")
    return {"event_type": meta["event_type"], "event_payload": meta["event_payload"]}


def _check_blocks(blocks: Any) -> None:
    """The Block Kit limits hiresentry relies on; a real workspace enforces them the same way."""
    if blocks is None:
        return
    problems: list[str] = []
    if not isinstance(blocks, list) or len(blocks) > 50:
        raise SlackError("invalid_blocks", ["no more than 50 items allowed [json-pointer:/blocks]"])
    for n, block in enumerate(blocks):
        kind = block.get("type")
        texts = [(f"/blocks/{n}/text", block.get("text"), 150 if kind == "header" else 3000)]
        texts += [(f"/blocks/{n}/fields/{i}", f, 2000) for i, f in enumerate(block.get("fields", []))]
        for i, element in enumerate(block.get("elements", [])):
            obj, limit = (element.get("text"), 75) if kind == "actions" else (element, 3000)
            texts.append((f"/blocks/{n}/elements/{i}", obj, limit))
            if kind == "actions" and len(element.get("action_id", "")) > 255:
                problems.append(f"must be less than 256 characters [json-pointer:/blocks/{n}/elements/{i}]")
        if kind not in {"header", "section", "context", "actions", "divider"}:
            problems.append(f"unsupported type [json-pointer:/blocks/{n}/type]")
        for pointer, text, limit in texts:
            if isinstance(text, dict) and len(text.get("text", "")) > limit:
                problems.append(f"must be less than {limit + 1} characters [json-pointer:{pointer}/text]")
    if problems:
        raise SlackError("invalid_blocks", problems)


def _page(items: list[dict[str, Any]], args: dict[str, Any], *, default: int) -> tuple[list[Any], str]:
    cursor = str(args.get("cursor") or "")
    try:
        start = int(base64.b64decode(cursor).decode().removeprefix("next:")) if cursor else 0
    except ValueError:
        raise SlackError("invalid_cursor") from None
    size = min(int(args.get("limit") or default), 1000)
    end = start + size
    return items[start:end], base64.b64encode(f"next:{end}".encode()).decode() if end < len(items) else ""


def _public(message: dict[str, Any], *, with_metadata: bool) -> dict[str, Any]:
    return {k: v for k, v in message.items() if k != "metadata" or with_metadata}


def _truthy(value: Any) -> bool:
    return value in (True, 1, "1", "true", "True")


def _json(payload: dict[str, Any], status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(json.dumps(payload), status=status, headers=headers, content_type="application/json")
