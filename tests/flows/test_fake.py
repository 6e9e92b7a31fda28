"""What the flows need of the fake, and what they found in it: a fresh workspace, the planted faults of its state,
events listed by the contact's Intercom id, a 2.16 conversation read as a conversation, a note's author, a ticket's
contacts."""

from __future__ import annotations

import json
from typing import Any

from contracts.mock import DEFAULT_ADMIN_ID, DEFAULT_CONTACT_ID, FakeIntercom, FakeRequest, FakeSettings
from contracts.spec import Contracts


def _fake(packed: Contracts, *faults: str) -> FakeIntercom:
    return FakeIntercom(packed, FakeSettings(faults=frozenset(faults)))


def _send(fake: FakeIntercom, method: str, path: str, body: Any = None, query: str = "", version: str = "2.11") -> Any:
    headers = {"authorization": f"Bearer {fake.settings.tokens['us']}", "intercom-version": version}
    if body is not None:
        headers["content-type"] = "application/json"
    content = json.dumps(body).encode() if body is not None else b""
    response = fake.handle(FakeRequest("us", method, path, headers, content, query))
    return response.status, response.body


def _contact(fake: FakeIntercom, n: int) -> str:
    status, body = _send(fake, "POST", "/contacts", {"role": "user", "email": f"icc-{n}@example.com"})
    assert status == 200
    return str(body["id"])


def _listed(fake: FakeIntercom, query: str = "") -> list[str]:
    return [item["id"] for item in _send(fake, "GET", "/contacts", query=query)[1]["data"]]


def test_a_fresh_workspace_holds_the_seed_only(packed: Contracts) -> None:
    fake = _fake(packed)
    made = _contact(fake, 1)
    fake.fresh_workspace()
    assert _listed(fake) == [DEFAULT_CONTACT_ID]
    assert _send(fake, "GET", f"/contacts/{made}")[0] == 404


def test_deleted_still_listed_lists_a_deleted_contact_that_reads_404(packed: Contracts) -> None:
    fake = _fake(packed, "deleted-still-listed")
    made = _contact(fake, 1)
    assert _send(fake, "DELETE", f"/contacts/{made}")[0] == 200
    assert _send(fake, "GET", f"/contacts/{made}")[0] == 404
    assert made in _listed(fake)
    search = {"query": {"field": "email", "operator": "~", "value": "icc-"}}
    assert made in [item["id"] for item in _send(fake, "POST", "/contacts/search", search)[1]["data"]]
    fake.fresh_workspace()  # what the fault remembered goes with the workspace
    assert made not in _listed(fake)


def test_page_repeats_item_starts_a_page_with_the_cursor_s_item(packed: Contracts) -> None:
    fake = _fake(packed, "page-repeats-item")
    _contact(fake, 1)
    _contact(fake, 2)
    first = _listed(fake, "per_page=2")
    second = _listed(fake, f"per_page=2&starting_after={first[-1]}")
    assert second[0] == first[-1]
    assert len(second) == 2  # the repeated item, then the page's own


def test_the_healthy_fake_pages_each_item_once(packed: Contracts) -> None:
    fake = _fake(packed)
    _contact(fake, 1)
    _contact(fake, 2)
    first = _listed(fake, "per_page=2")
    second = _listed(fake, f"per_page=2&starting_after={first[-1]}")
    assert len(first + second) == len(set(first + second)) == 3


def test_events_are_listed_by_the_contact_s_intercom_id_user_id_or_email(packed: Contracts) -> None:
    fake = _fake(packed)
    status, contact = _send(fake, "POST", "/contacts", {"role": "user", "email": "e@example.com", "external_id": "u1"})
    assert status == 200
    created = {"event_name": "icc-signed-up", "created_at": 1_700_000_000, "id": contact["id"]}
    assert _send(fake, "POST", "/events", created)[0] == 202
    for key, value in (("intercom_user_id", contact["id"]), ("user_id", "u1"), ("email", "e@example.com")):
        status, summary = _send(fake, "GET", "/events", query=f"type=user&{key}={value}")
        assert status == 200
        assert [event["name"] for event in summary["events"]] == ["icc-signed-up"], key
    assert _send(fake, "GET", "/events", query="type=user&intercom_user_id=nobody")[1]["events"] == []


def test_a_2_16_conversation_reads_back_as_the_conversation_made(packed: Contracts) -> None:
    fake = _fake(packed)
    contact = _contact(fake, 1)
    sent = {"from": {"type": "user", "id": contact}, "body": "icc hello"}
    status, message = _send(fake, "POST", "/conversations", sent, version="2.16")
    assert status == 200
    status, conversation = _send(fake, "GET", f"/conversations/{message['conversation_id']}", version="2.16")
    assert status == 200
    assert (conversation["type"], conversation["id"]) == ("conversation", message["conversation_id"])
    assert conversation["source"]["body"] == "icc hello"


def test_a_note_s_author_is_the_admin_who_wrote_it(packed: Contracts) -> None:
    fake = _fake(packed)
    contact = _contact(fake, 1)
    for version in ("2.11", "2.16"):
        note = {"body": "icc note", "admin_id": str(DEFAULT_ADMIN_ID)}
        status, made = _send(fake, "POST", f"/contacts/{contact}/notes", note, version=version)
        assert status == 200
        read = _send(fake, "GET", f"/notes/{made['id']}", version=version)[1]
        assert (read["author"]["type"], read["author"]["id"]) == ("admin", str(DEFAULT_ADMIN_ID)), version


def test_a_ticket_lists_the_contacts_it_was_opened_for(packed: Contracts) -> None:
    fake = _fake(packed)
    contact = _contact(fake, 1)
    ticket = {"ticket_type_id": "1", "contacts": [{"id": contact}], "ticket_attributes": {"_default_title_": "icc"}}
    status, made = _send(fake, "POST", "/tickets", ticket)
    assert status == 200
    assert [c["id"] for c in made["contacts"]["contacts"]] == [contact]
    read = _send(fake, "GET", f"/tickets/{made['id']}")[1]
    assert [c["id"] for c in read["contacts"]["contacts"]] == [contact]
    assert read["ticket_attributes"]["_default_title_"] == "icc"
