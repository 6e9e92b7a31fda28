"""intercom_mock.webhooks: what the code under test does in the workspace is delivered, signed, and judged."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from contracts.mock import ContractBreach, IntercomMock
from contracts.webhooks import verify

SECRET = "client-secret"
TOKEN = {"Authorization": "Bearer dG9rOmZha2U=", "Intercom-Version": "2.11", "Accept": "application/json"}


def _handler(received: list[dict[str, Any]], *, checks_signature: bool = True) -> Callable[..., list[bytes]]:
    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        body = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
        if checks_signature and not verify(body, environ.get("HTTP_X_HUB_SIGNATURE"), SECRET):
            start_response("401 Unauthorized", [])
            return [b""]
        received.append(json.loads(body))
        start_response("200 OK", [])
        return [b"ok"]

    return app


def _conversation(client: httpx.Client) -> str:
    contact = client.post("/contacts", json={"email": "ada@example.com"}).json()
    opened = client.post("/conversations", json={"from": {"type": "user", "id": contact["id"]}, "body": "Hi"})
    assert opened.status_code == 200, opened.text
    return str(opened.json()["conversation_id"])


def test_an_admin_reply_delivers_a_signed_admin_replied_with_the_conversation_as_the_api_reads_it() -> None:
    received: list[dict[str, Any]] = []
    with IntercomMock.from_settings(version="2.11") as mock:
        mock.webhooks.subscribe(_handler(received), topics=["conversation.admin.replied"], client_secret=SECRET)
        with httpx.Client(base_url="https://api.intercom.io", headers=TOKEN) as client:
            conversation_id = _conversation(client)
            admin_id = client.get("/me").json()["id"]
            reply = {"message_type": "comment", "type": "admin", "admin_id": admin_id, "body": "Thanks!"}
            answered = client.post(f"/conversations/{conversation_id}/reply", json=reply)
            assert answered.status_code == 200, answered.text
            read_back = client.get(f"/conversations/{conversation_id}").json()
        notified = [n for n in received if n["topic"] == "conversation.admin.replied"]
        assert notified, received
        assert notified[0]["data"]["item"]["id"] == conversation_id == read_back["id"]
        assert notified[0]["data"]["item"] == answered.json()
        mock.verify()


def test_a_handler_that_skips_the_signature_fails_at_teardown_with_the_check() -> None:
    mock = IntercomMock.from_settings(version="2.11")
    with mock:
        mock.webhooks.subscribe(
            _handler([], checks_signature=False), topics=["contact.user.created"], client_secret=SECRET
        )
        with httpx.Client(base_url="https://api.intercom.io", headers=TOKEN) as client:
            assert client.post("/contacts", json={"email": "ada@example.com", "role": "user"}).status_code == 200
    with pytest.raises(ContractBreach, match=r"webhook_signature_enforced[\s\S]*Received: a delivery with a forged"):
        mock.verify()


def test_a_refused_request_notifies_nothing_and_deliver_sends_one_now() -> None:
    received: list[dict[str, Any]] = []
    with IntercomMock.from_settings(version="2.11") as mock:
        mock.webhooks.subscribe(_handler(received), topics=["contact.user.created"], client_secret=SECRET)
        with httpx.Client(base_url="https://api.intercom.io", headers=TOKEN) as client:
            assert client.post("/contacts", json={"nonsense": True}).status_code >= 400
        assert received == []
        [delivery] = mock.webhooks.deliver("contact.user.created")
        assert delivery.answer.status == 200
        assert received[0]["data"]["item"]["type"] == "contact"


def test_a_contact_replying_in_the_messenger_delivers_user_replied_and_is_readable_but_no_request_of_the_code() -> None:
    received: list[dict[str, Any]] = []
    with IntercomMock.from_settings(version="2.11") as mock:
        mock.webhooks.subscribe(_handler(received), topics=["conversation.user.replied"], client_secret=SECRET)
        with httpx.Client(base_url="https://api.intercom.io", headers=TOKEN) as client:
            conversation_id = _conversation(client)
            sent = len(mock.requests)
            replied = mock.contact_replies(conversation_id, "Any news?")
            read_back = client.get(f"/conversations/{conversation_id}").json()
        assert len(mock.requests) == sent + 1  # the GET above only: the contact's reply was not the code's
        [notified] = [n for n in received if n["topic"] == "conversation.user.replied"][:1]
        assert notified["data"]["item"]["id"] == conversation_id == replied["id"]
        parts = read_back["conversation_parts"]["conversation_parts"]
        assert any(part["body"] == "Any news?" and part["author"]["type"] == "user" for part in parts), parts
        mock.verify()


def test_a_contact_cannot_reply_to_a_conversation_that_is_not_there() -> None:
    from contracts import UsageError

    with IntercomMock.from_settings(version="2.11") as mock, pytest.raises(UsageError, match="not in the workspace"):
        mock.contact_replies("404404", "Hello?")
