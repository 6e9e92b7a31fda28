"""Intercom's official Python SDK (python-intercom, on httpx) works through intercom_mock as against Intercom.

The SDK's models are generated from the 2.14 description and it sends no Intercom-Version header, so the mock's
workspace default is set to 2.14 (as an app configured for 2.14 would be). Each round trip checks what the SDK
parsed (its declared model, the fields sent read back), that every answer validates against the 2.14 schema of its
operation, and that no request broke the contract.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import pytest

from contracts.mock import IntercomMock
from contracts.spec import operation_contract

intercom = pytest.importorskip("intercom", reason="the official SDK is a test extra: pip install python-intercom")


@pytest.fixture
def mock() -> Iterator[IntercomMock]:
    with IntercomMock.from_settings(version="2.14") as running:
        yield running
    _every_answer_valid(running)
    assert running.breaches == [], running.breach_report()


@pytest.fixture
def client(mock: IntercomMock) -> Any:
    return intercom.Intercom(token="dummy-sdk-token")


def _every_answer_valid(mock: IntercomMock) -> None:
    """Each answer is valid against the 2.14 schema of the operation it answered (or the error envelope)."""
    for exchange in mock.requests:
        contract = mock.fake.contracts.contract(exchange.version)
        operation = contract.spec.operation_at(exchange.request.method, exchange.request.path)
        assert operation is not None, exchange.request
        validator = operation_contract(contract.spec, operation).answer_validator(exchange.response.status)
        if validator is not None:
            validator.validate(exchange.response.body)
        elif exchange.response.status >= 400:
            contract.validate_error(exchange.response.body)


def test_contacts_round_trip(client: Any, mock: IntercomMock) -> None:
    created = client.contacts.create(request={"email": "jane@example.com", "role": "user", "name": "Jane"})
    assert (type(created).__name__, created.type, created.email, created.name) == (
        "ContactsCreateResponse",
        "contact",
        "jane@example.com",
        "Jane",
    )
    found = client.contacts.find(contact_id=created.id)
    assert (found.id, found.email, found.role) == (created.id, "jane@example.com", "user")
    updated = client.contacts.update(contact_id=created.id, name="Jane Doe", custom_attributes={"plan": "pro"})
    assert (updated.name, updated.custom_attributes) == ("Jane Doe", {"plan": "pro"})
    assert client.contacts.find(contact_id=created.id).name == "Jane Doe"
    matches = list(client.contacts.search(query={"field": "custom_attributes.plan", "operator": "=", "value": "pro"}))
    assert [contact.id for contact in matches] == [created.id]
    deleted = client.contacts.delete(contact_id=created.id)
    assert (deleted.id, deleted.deleted) == (created.id, True)
    with pytest.raises(intercom.core.api_error.ApiError) as raised:
        client.contacts.find(contact_id=created.id)
    assert raised.value.status_code == 404
    assert raised.value.body["errors"][0]["code"] == "not_found"


def test_a_cursor_list_is_iterated_to_its_end_page_by_page(client: Any, mock: IntercomMock) -> None:
    emails = [f"lead{n}@example.com" for n in range(7)]
    for email in emails:
        client.contacts.create(request={"email": email, "role": "lead"})
    listed = [contact.email for contact in client.contacts.list(per_page=3)]
    assert listed == ["contact@example.com", *emails]  # the seeded contact first
    pages = [e for e in mock.requests if e.request.path == "/contacts" and e.request.method == "GET"]
    assert len(pages) == 3  # 8 contacts, 3 a page: the last page has no next cursor, so the pager stops


def test_companies_round_trip_and_a_numbered_list_stops_on_its_empty_page(client: Any, mock: IntercomMock) -> None:
    created = client.companies.create_or_update(request={"company_id": "acme-1", "name": "Acme", "plan": "pro"})
    assert (created.type, created.name, created.company_id) == ("company", "Acme", "acme-1")
    again = client.companies.create_or_update(request={"company_id": "acme-1", "name": "Acme Inc"})
    assert (again.id, again.name) == (created.id, "Acme Inc")  # created or updated by company_id
    assert client.companies.find(company_id=created.id).name == "Acme Inc"
    for n in range(4):
        client.companies.create_or_update(request={"company_id": f"co-{n}", "name": f"Co {n}"})
    assert [c.company_id for c in client.companies.list(per_page=2)] == ["acme-1", "co-0", "co-1", "co-2", "co-3"]
    contact = client.contacts.create(request={"email": "emp@example.com", "role": "user"})
    attached = client.companies.attach_contact(contact_id=contact.id, company_id=created.id)
    assert attached.id == created.id
    assert [c.id for c in client.contacts.list_attached_companies(contact_id=contact.id)] == [created.id]
    assert [c.id for c in client.companies.list_attached_contacts(company_id=created.id).data] == [contact.id]
    client.companies.detach_contact(contact_id=contact.id, company_id=created.id)
    assert list(client.contacts.list_attached_companies(contact_id=contact.id)) == []
    assert client.companies.delete(company_id=created.id).deleted is True


def test_tags_round_trip(client: Any, mock: IntercomMock) -> None:
    tag = client.tags.create(request={"name": "vip"})
    assert (tag.type, tag.name) == ("tag", "vip")
    assert client.tags.create(request={"name": "vip"}).id == tag.id  # by name: the same tag
    contact = client.contacts.create(request={"email": "vip@example.com", "role": "user"})
    assert client.tags.tag_contact(contact_id=contact.id, tag_id=tag.id).id == tag.id
    assert [t.id for t in client.contacts.list_attached_tags(contact_id=contact.id).data] == [tag.id]
    assert [t.id for t in client.contacts.find(contact_id=contact.id).tags.data] == [tag.id]
    assert client.tags.untag_contact(contact_id=contact.id, tag_id=tag.id).id == tag.id
    assert client.contacts.list_attached_tags(contact_id=contact.id).data == []
    assert tag.id in [t.id for t in client.tags.list().data]
    assert client.tags.find(tag_id=tag.id).name == "vip"
    client.tags.delete(tag_id=tag.id)
    assert tag.id not in [t.id for t in client.tags.list().data]


def test_conversations_round_trip_with_a_reply_and_a_close(client: Any, mock: IntercomMock) -> None:
    contact = client.contacts.create(request={"email": "asker@example.com", "role": "user"})
    message = client.conversations.create(from_={"type": "user", "id": contact.id}, body="Where is my order?")
    assert (message.body, bool(message.conversation_id)) == ("Where is my order?", True)
    conversation = client.conversations.find(conversation_id=message.conversation_id)
    assert (conversation.id, conversation.state) == (message.conversation_id, "open")
    replied = client.conversations.reply(
        conversation_id=conversation.id,
        request={"message_type": "comment", "type": "admin", "admin_id": "991267390", "body": "On its way"},
    )
    parts = replied.conversation_parts.conversation_parts
    assert [(p.part_type, p.body) for p in parts] == [("comment", "On its way")]
    closed = client.conversations.manage(
        conversation_id=conversation.id,
        request={"message_type": "close", "type": "admin", "admin_id": "991267390", "body": "Bye"},
    )
    assert (closed.state, closed.open) == ("closed", False)
    assert [c.id for c in client.conversations.list(per_page=5)] == [conversation.id]
    found = list(client.conversations.search(query={"field": "state", "operator": "=", "value": "closed"}))
    assert [c.id for c in found] == [conversation.id]
    assert client.conversations.delete_conversation(conversation_id=conversation.id).deleted is True


def test_notes_events_admins_and_teams(client: Any, mock: IntercomMock) -> None:
    contact = client.contacts.create(request={"email": "noted@example.com", "role": "user"})
    note = client.notes.create(contact_id=contact.id, body="Called them", admin_id="991267390")
    assert (note.body, client.notes.find(note_id=note.id).body) == ("Called them", "Called them")
    assert [n.id for n in client.notes.list(contact_id=contact.id)] == [note.id]
    client.events.create(request={"event_name": "ordered", "created_at": 1719492969, "user_id": "u-1"})
    summary = client.events.list(type="user", user_id="u-1")
    assert [e.name for e in summary.events] == ["ordered"]
    me = client.admins.identify()
    assert (me.id, me.app.region) == ("991267390", "US")
    assert "991267390" in [a.id for a in client.admins.list().admins]
    assert [t.name for t in client.teams.list().teams] == ["Support"]


def test_the_async_client_too(mock: IntercomMock) -> None:
    async def scenario() -> list[str]:
        client = intercom.AsyncIntercom(token="dummy-sdk-token")
        for n in range(3):
            await client.contacts.create(request={"email": f"async{n}@example.com", "role": "lead"})
        pager = await client.contacts.list(per_page=2)
        return [contact.email async for contact in pager]

    emails = asyncio.run(scenario())
    assert emails == ["contact@example.com", "async0@example.com", "async1@example.com", "async2@example.com"]


def test_the_sdk_reads_answers_recorded_from_a_sandbox(tmp_path: Any) -> None:
    """What the SDK sends is recorded with a sandbox's answer; seeded with it, the mock serves that answer."""
    import json

    from contracts.live import HttpExchange
    from contracts.recordings._har import HarWriter, entry_of, read_recording

    def send(sdk: Any) -> Any:
        return sdk.messages.create(
            request={
                "message_type": "email",
                "subject": "Hi",
                "body": "Hello",
                "template": "plain",
                "from_": {"type": "admin", "id": 991267390},
                "to": {"type": "user", "id": "6762f0d21bb69f9f2193bb59"},
            }
        )

    with IntercomMock.from_settings(version="2.14") as first:
        modelled = send(intercom.Intercom(token="dummy-sdk-token"))
    (sent,) = first.requests
    answer = {**first.requests[0].response.body, "id": "sandbox-message-1"}
    recorded = HttpExchange(
        region="us",
        version=None,  # the SDK names no version: the sandbox's default (2.14) answered
        method="POST",
        url="https://api.intercom.io/messages",
        request_headers={"Authorization": "Bearer sandbox"},
        request_body=sent.request.body,
        status=200,
        headers={"content-type": "application/json"},
        content=json.dumps(answer).encode(),
        path="/messages",
    )
    writer = HarWriter(tmp_path / "sandbox.har", run={})
    writer.add([entry_of(recorded, meta={"judged": True, "intent": "valid", "tested_version": "2.14"})])
    writer.write(state="complete")
    with IntercomMock.from_settings(version="2.14", replay=tmp_path / "sandbox.har") as seeded:
        replayed = send(intercom.Intercom(token="dummy-sdk-token"))
    assert modelled.id != "sandbox-message-1"
    assert (type(replayed).__name__, replayed.id, replayed.subject) == (
        type(modelled).__name__,
        "sandbox-message-1",
        "Hi",
    )
    assert seeded.breaches == []
    assert read_recording(tmp_path / "sandbox.har").entries[0].request_headers["Authorization"] == "[redacted]"
