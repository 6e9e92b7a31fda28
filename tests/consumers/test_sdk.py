"""Intercom's python-intercom SDK (httpx underneath), sync and async, through the consumer scenarios.

Its models come from the 2.14 description and it sends no Intercom-Version: the workspace's version is 2.14.
"""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest

from contracts.mock import IntercomMock

intercom = pytest.importorskip("intercom", reason="the official SDK is a test extra: pip install python-intercom")
from intercom.core.api_error import ApiError  # noqa: E402

ADMIN = 991267390


def _happy(client: Any) -> None:
    contact = client.contacts.create(request={"email": "jane@example.com", "role": "user"})
    assert client.contacts.find(contact_id=contact.id).email == "jane@example.com"
    sent = client.messages.create(
        request={
            "message_type": "in_app",
            "body": "Welcome!",
            "from": {"type": "admin", "id": ADMIN},
            "to": {"type": "user", "id": contact.id},
        }
    )
    assert (sent.message_type, sent.body) == ("inapp", "Welcome!")
    assert list(client.conversations.list()) == []


async def _happy_async(client: Any) -> None:
    contact = await client.contacts.create(request={"email": "jane@example.com", "role": "user"})
    assert (await client.contacts.find(contact_id=contact.id)).email == "jane@example.com"
    sent = await client.messages.create(
        request={
            "message_type": "in_app",
            "body": "Welcome!",
            "from": {"type": "admin", "id": ADMIN},
            "to": {"type": "user", "id": contact.id},
        }
    )
    assert (sent.message_type, sent.body) == ("inapp", "Welcome!")
    assert [c async for c in await client.conversations.list()] == []


def _paths(mock: IntercomMock) -> list[tuple[str, str, int]]:
    """Method, first path segment, status of each exchange."""
    return [(e.request.method, e.request.path.split("/")[1], e.response.status) for e in mock.requests]


EXPECTED = [
    ("POST", "contacts", 200),
    ("GET", "contacts", 200),
    ("POST", "messages", 200),
    ("GET", "conversations", 200),
]


def test_happy_path_sync_and_async() -> None:
    with IntercomMock.from_settings(version="2.14") as mock:
        _happy(intercom.Intercom(token="sdk-token"))
    assert _paths(mock) == EXPECTED
    assert mock.breach_report() is None
    assert mock.undocumented_report() is None
    with IntercomMock.from_settings(version="2.14") as mock:
        asyncio.run(_happy_async(intercom.AsyncIntercom(token="sdk-token")))
    assert _paths(mock) == EXPECTED
    assert mock.breach_report() is None
    assert mock.undocumented_report() is None


def test_body_left_out_is_a_breach() -> None:
    with IntercomMock.from_settings(version="2.14") as mock:
        client = intercom.Intercom(token="sdk-token")
        with pytest.raises(ApiError) as raised:
            client.messages.create(
                request={
                    "message_type": "in_app",
                    "from": {"type": "admin", "id": ADMIN},
                    "to": {"type": "user", "id": "x1"},
                }
            )
        assert raised.value.status_code == 400
    report = mock.breach_report()
    assert report is not None
    assert "   Rule: required at $: 'body' is a required property" in report


def test_a_token_other_than_the_pinned_one_is_a_breach() -> None:
    with IntercomMock.from_settings(version="2.14", tokens={"us": "the-pinned-token"}) as mock:
        with pytest.raises(ApiError) as raised:
            intercom.Intercom(token="sdk-token").admins.identify()
        assert raised.value.status_code == 401
    report = mock.breach_report()
    assert report is not None
    assert "not the access token of this workspace in this region" in report


def test_a_slow_answer_raises_httpx_read_timeout_sync_and_async() -> None:
    with IntercomMock.from_settings(version="2.14") as mock:
        mock.slow_next(2.0)
        with pytest.raises(httpx.ReadTimeout):
            intercom.Intercom(token="sdk-token", timeout=0.05).admins.identify()
        mock.slow_next(2.0)
        with pytest.raises(httpx.ReadTimeout):
            asyncio.run(intercom.AsyncIntercom(token="sdk-token", timeout=0.05).admins.identify())
    assert [e.request.path for e in mock.requests] == ["/me", "/me"]
