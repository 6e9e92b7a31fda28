"""What only a person can do in Intercom, made to happen in the fake's workspace by a test.

A contact replying to a conversation happens in Intercom's Messenger, not through the API the code under test
calls: it is done here through the model (so the workspace stays as the API will read it: the part, the
conversation's state, its links) by a second model over the same workspace that keeps no exchange, so the
request is not the code's (`intercom_mock.requests`, breaches, recordings and the rate-limit window are untouched),
while the workspace's webhooks are told (`conversation.user.replied`).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from ..errors import UsageError
from ._model import Exchange, FakeIntercom, FakeRequest

__all__ = ["contact_replies"]


def contact_replies(
    fake: FakeIntercom,
    conversation_id: str,
    body: str,
    *,
    contact_id: str | None = None,
    notify: Callable[[Exchange], None] | None = None,
) -> dict[str, Any]:
    """The conversation's contact (or `contact_id`) replies `body`; the conversation as the API then reads it."""
    person = FakeIntercom(
        fake.contracts,
        replace(fake.settings, faults=frozenset()),  # a person's reply is Intercom's doing: no fault of the fake's
        clock=fake.clock,
        workspace=fake.workspace,
        keep_exchanges=False,
    )
    if notify is not None:
        person.listeners.append(notify)
    region = fake.settings.workspace_region or "us"
    headers = {
        "authorization": f"Bearer {person.token_for(region)}",
        "intercom-version": fake.default_version,
        "content-type": "application/json",
        "accept": "application/json",
    }
    path = f"/conversations/{conversation_id}"
    if contact_id is None:
        contact_id = _contact_of(person.handle(FakeRequest(region, "GET", path, headers)).body, conversation_id)
    reply = {"message_type": "comment", "type": "user", "intercom_user_id": contact_id, "body": body}
    answer = person.handle(FakeRequest(region, "POST", f"{path}/reply", headers, json.dumps(reply).encode()))
    if answer.status != 200:
        raise UsageError(
            f"conversation {conversation_id}: the contact's reply was refused: {answer.status} {answer.body}"
        )
    return answer.body if isinstance(answer.body, dict) else {}


def _contact_of(conversation: Any, conversation_id: str) -> str:
    """The conversation's first contact (its `contacts` list, else the author of its source)."""
    if not isinstance(conversation, dict) or conversation.get("type") == "error.list":
        raise UsageError(f"conversation {conversation_id!r} is not in the workspace")
    listed = (conversation.get("contacts") or {}).get("contacts") or []
    author = (conversation.get("source") or {}).get("author") or {}
    found = (listed[0].get("id") if listed else None) or author.get("id")
    if not found:
        raise UsageError(f"conversation {conversation_id!r} has no contact: pass contact_id=")
    return str(found)
