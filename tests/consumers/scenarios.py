"""The consumer scenarios every client runs through intercom_mock, written once over a client's `send`.

`send(method, url, body, headers, timeout)` is the code under test as a team writes it with one client: it sends a
JSON body (or none) and returns the status and the decoded answer, handling a 4xx as that client reports one. Each
scenario uses the IntercomMock object directly (what the fixture wraps), so it runs in milliseconds.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from contracts.mock import IntercomMock

Send = Callable[[str, str, "dict[str, Any] | None", "dict[str, str]", "float | None"], "tuple[int, Any]"]

US = "https://api.intercom.io"
EU = "https://api.eu.intercom.io"
TOKEN = "consumer-token-123"
ADMIN = 991267390  # the workspace's admin (an integer in 2.11's Create-a-message)
IN_APP = {"message_type": "in_app", "body": "Welcome!", "from": {"type": "admin", "id": ADMIN}}


def headers(token: str = TOKEN) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}", "Intercom-Version": "2.11", "Accept": "application/json"}


def decoded(raw: bytes) -> Any:
    return json.loads(raw) if raw else None


def happy_path(send: Send, base: str = US) -> IntercomMock:
    """Create a contact, read it back, send it an in-app message, list conversations: all conform."""
    with IntercomMock.from_settings() as mock:
        status, contact = send("POST", f"{base}/contacts", {"role": "user", "email": "jane@example.com"}, headers(), 5)
        assert (status, contact["type"], contact["email"]) == (200, "contact", "jane@example.com")
        status, found = send("GET", f"{base}/contacts/{contact['id']}", None, headers(), 5)
        assert (status, found["id"], found["email"]) == (200, contact["id"], "jane@example.com")
        message = {**IN_APP, "to": {"type": "user", "id": contact["id"]}}
        status, sent = send("POST", f"{base}/messages", message, headers(), 5)
        assert (status, sent["type"], sent["message_type"], sent["body"]) == (200, "user_message", "inapp", "Welcome!")
        status, page = send("GET", f"{base}/conversations", None, headers(), 5)
        assert (status, page["type"]) == (200, "conversation.list")
    assert [(e.request.method, e.request.path, e.response.status) for e in mock.requests] == [
        ("POST", "/contacts", 200),
        ("GET", f"/contacts/{contact['id']}", 200),
        ("POST", "/messages", 200),
        ("GET", "/conversations", 200),
    ]
    assert [m["body"] for m in mock.messages] == ["Welcome!"]
    assert mock.breach_report() is None
    assert mock.undocumented_report() is None
    return mock


def body_left_out(send: Send) -> str:
    """An in-app message without `body`: answered 400 as Intercom would, and a breach at teardown."""
    with IntercomMock.from_settings() as mock:
        message = {k: v for k, v in IN_APP.items() if k != "body"}
        status, answer = send("POST", f"{US}/messages", {**message, "to": {"type": "user", "id": "x1"}}, headers(), 5)
        assert (status, answer["errors"][0]["code"]) == (400, "parameter_invalid")
    report = mock.breach_report()
    assert report is not None
    assert report.splitlines()[:3] == [
        "1 request(s) broke the Intercom contract (Intercom would refuse them):",
        "1. POST https://api.intercom.io/messages (createMessage, version 2.11)",
        "   Rule: required at $: 'body' is a required property",
    ]
    assert TOKEN not in report
    return report


def token_mismatch(send: Send) -> str:
    """A token other than the pinned one: 401, and a breach even though the code handled the 401."""
    with IntercomMock.from_settings(tokens={"eu": "the-pinned-token"}) as mock:
        status, answer = send("GET", f"{EU}/me", None, headers(), 5)
        assert (status, answer["errors"][0]["code"]) == (401, "unauthorized")
    report = mock.breach_report()
    assert report is not None
    assert "   Rule: token at header Authorization: not the access token of this workspace in this region" in report
    assert TOKEN not in report
    assert "the-pinned-token" not in report
    return report


def slow_answer(send: Send, timeout_error: type[BaseException] | tuple[type[BaseException], ...]) -> None:
    """slow_next past the client's timeout raises that client's own timeout; the request was judged all the same,
    and the next one is answered."""
    with IntercomMock.from_settings() as mock:
        mock.slow_next(2.0)
        with pytest.raises(timeout_error):
            send("GET", f"{US}/me", None, headers(), 0.05)
        status, me = send("GET", f"{US}/me", None, headers(), 5)
        assert (status, me["type"]) == (200, "admin")
    assert [e.request.path for e in mock.requests] == ["/me", "/me"]
