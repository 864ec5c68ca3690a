"""The Slack fake itself, driven by the real ``slack_sdk.WebClient``: the contract the action tests
rely on (and a few raw requests for the argument encodings slack_sdk does not use here)."""

from __future__ import annotations

import json

import pytest
import requests
from pytest_httpserver import HTTPServer
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from tests.fakes.slack import FakeSlack

CHANNEL = "C0RISK00001"
META = {"event_type": "hiresentry_case", "event_payload": {"dedup_key": "hs-1"}}


@pytest.fixture
def fake(httpserver: HTTPServer) -> FakeSlack:
    return FakeSlack(httpserver)


@pytest.fixture
def client(fake: FakeSlack) -> WebClient:
    return WebClient(token=fake.token, base_url=fake.base_url)


def _error(call: object) -> str:
    with pytest.raises(SlackApiError) as caught:
        call()  # type: ignore[operator]
    return str(caught.value.response["error"])


def test_post_reply_update_and_read_back(client: WebClient, fake: FakeSlack) -> None:
    root = client.chat_postMessage(channel="#contractor-risk", text="root", metadata=META)
    client.chat_postMessage(channel=CHANNEL, text="reply", thread_ts=root["ts"])
    client.chat_update(channel=CHANNEL, ts=root["ts"], text="root v2")

    history = client.conversations_history(channel=CHANNEL, include_all_metadata=True)["messages"]
    plain = client.conversations_history(channel=CHANNEL)["messages"]
    thread = client.conversations_replies(channel=CHANNEL, ts=root["ts"])["messages"]

    assert root["channel"] == CHANNEL
    assert [m["text"] for m in history] == ["root v2"]
    assert history[0]["metadata"] == META
    assert history[0]["reply_count"] == 1
    assert "metadata" not in plain[0]
    assert [m["text"] for m in thread] == ["root v2", "reply"]
    assert fake.replies(CHANNEL, root["ts"])[0]["text"] == "reply"


def test_history_pages_newest_first(client: WebClient) -> None:
    sent = [client.chat_postMessage(channel=CHANNEL, text=str(n))["ts"] for n in range(5)]

    # SlackResponse pages in place, so read each page while iterating
    pages = [
        [m["text"] for m in p["messages"]]
        for p in client.conversations_history(channel=CHANNEL, limit=2, oldest=sent[0])
    ]

    assert pages == [["4", "3"], ["2", "1"]]


def test_errors_use_slack_codes(client: WebClient, fake: FakeSlack) -> None:
    assert _error(lambda: client.chat_postMessage(channel="#nowhere", text="x")) == "channel_not_found"
    assert _error(lambda: client.conversations_history(channel="#contractor-risk")) == "channel_not_found"
    assert _error(lambda: client.chat_update(channel=CHANNEL, ts="1.2", text="x")) == "message_not_found"
    assert _error(lambda: client.chat_postMessage(channel=CHANNEL, text="x", thread_ts="1.2")) == "thread_not_found"
    header = [{"type": "header", "text": {"type": "plain_text", "text": "h" * 151}}]
    assert _error(lambda: client.chat_postMessage(channel=CHANNEL, text="x", blocks=header)) == "invalid_blocks"
    bad = WebClient(token="xoxb-wrong", base_url=fake.base_url)
    assert _error(bad.auth_test) == "invalid_auth"
    assert fake.messages == {}


def test_bearer_token_is_required(fake: FakeSlack) -> None:
    body = requests.post(fake.base_url + "auth.test", timeout=5).json()
    assert body == {"ok": False, "error": "not_authed"}


def test_form_encoded_arguments_are_accepted(fake: FakeSlack) -> None:
    headers = {"Authorization": f"Bearer {fake.token}"}
    data = {"channel": CHANNEL, "text": "form", "metadata": json.dumps(META)}

    body = requests.post(fake.base_url + "chat.postMessage", data=data, headers=headers, timeout=5).json()

    assert body["ok"] is True
    assert fake.message(CHANNEL, body["ts"])["metadata"] == META
    assert fake.calls[-1].content_type.startswith("application/x-www-form-urlencoded")


def test_rate_limit_fault_carries_retry_after(client: WebClient, fake: FakeSlack) -> None:
    fake.fail_next(1, status=429, retry_after="7", method="auth.test")

    with pytest.raises(SlackApiError) as caught:
        client.auth_test()  # the default WebClient does not retry 429

    assert caught.value.response.status_code == 429
    assert caught.value.response.headers["Retry-After"] in ("7", ["7"])
    assert client.auth_test()["ok"] is True
