"""Our links between operations, resolved per version: what a version lacks is dropped, names as it spells them."""

from __future__ import annotations

import pytest

from contracts.flows import links_data, links_for
from contracts.spec import Contracts
from tests.conftest import PUBLISHED


def test_an_operation_absent_in_2_7_is_dropped_with_its_resource(packed: Contracts) -> None:
    links = links_for(packed.spec_for("2.7"))
    assert not links.has("ticket")  # createTicket arrived in 2.9
    assert "ticket.create: createTicket" in links.dropped
    assert not links.has("conversation", "delete")  # deleteConversation arrived in 2.13
    assert "conversation.delete: deleteConversation" in links.dropped
    assert links.has("contact", "read")
    assert links.has("conversation", "reply")


def test_a_path_parameter_is_named_as_the_version_spells_it(packed: Contracts) -> None:
    old, new = links_for(packed.spec_for("2.7")), links_for(packed.spec_for("2.11"))
    assert old.link("contact", "read").path_ids == {"contact": "id"}
    assert new.link("contact", "read").path_ids == {"contact": "contact_id"}
    assert old.link("tag", "detach").path_ids == {"contact": "contact_id", "tag": "id"}
    assert new.link("tag", "detach").path_ids == {"contact": "contact_id", "tag": "tag_id"}
    request = old.request("tag", "detach", {"contact": "c/1", "tag": "7"})
    assert (request.method, request.path) == ("DELETE", "/contacts/c%2F1/tags/7")


def test_ids_go_where_the_operation_takes_them(packed: Contracts) -> None:
    links = links_for(packed.spec_for("2.11"))
    ticket = links.request("ticket", "create", {"contact": "abc"}, {"ticket_type_id": "1"})
    assert ticket.body == {"ticket_type_id": "1", "contacts": [{"id": "abc"}]}
    conversation = links.request("conversation", "create", {"contact": "abc"}, {"from": {"type": "user"}})
    assert conversation.body == {"from": {"type": "user", "id": "abc"}}
    events = links.request("data_event", "attached", {"contact": "abc"})
    assert (events.path, events.query) == ("/events", {"type": "user", "intercom_user_id": "abc"})


@pytest.mark.parametrize("version", PUBLISHED)
def test_every_version_links_what_it_has(packed: Contracts, version: str) -> None:
    spec = packed.spec_for(version)
    links = links_for(spec)
    assert links.has("contact", "read")
    assert links.has("contact", "list")
    for verbs in links.by_resource.values():
        for link in verbs.values():
            operation = spec.operation(link.operation)
            assert (operation.method.upper(), operation.path) == (link.method, link.path)
            assert all("{" + name + "}" in link.path for name in link.path_ids.values())
    named = {entry["operation"] for verbs in links_data().values() for entry in verbs.values()}
    kept = {link.operation for verbs in links.by_resource.values() for link in verbs.values()}
    assert kept | {entry.split(": ")[1] for entry in links.dropped} == named


def test_breadth_can_ask_which_operation_creates_a_path_parameter(packed: Contracts) -> None:
    links = links_for(packed.spec_for("2.11"))
    creator = links.creator_of("ShowContact", "contact_id")
    assert creator is not None
    assert (creator.operation, creator.id_pointer) == ("CreateContact", "/id")
    note = links.creator_of("createNote", "contact_id")
    assert note is not None
    assert note.operation == "CreateContact"
    conversation = links.creator_of("replyConversation", "conversation_id")
    assert conversation is not None
    assert conversation.id_pointer == "/conversation_id"
    assert links.creator_of("ShowContact", "id") is None  # 2.11 spells it contact_id
    assert links_for(packed.spec_for("2.7")).creator_of("getTicket", "id") is None  # no tickets in 2.7
