"""Complete objects, the same on every path: what an item links to is kept in step with the operations that change
it (contracts.mock._links), and create, get, list, search, scroll and nested lists answer one object for an item."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from .reading import ADAPTERS, Consumer, consumer_via, fake

ADMIN = "991267390"


@pytest.fixture(params=[("model", "2.11"), ("model", "2.14"), *((adapter, "2.12") for adapter in ADAPTERS)])
def consumer(request: pytest.FixtureRequest) -> Iterator[Consumer]:
    adapter, version = request.param
    with consumer_via(adapter, fake(), version) as through:
        yield through


def _ids(listed: dict[str, Any]) -> list[str]:
    return [entry["id"] for entry in listed["data"]]


def test_a_contact_carries_its_tags_notes_and_companies_as_addressable_lists(consumer: Consumer) -> None:
    created = consumer.ok("POST", "/contacts", {"email": "linked@example.com", "role": "user"})
    contact = created["id"]
    for field in ("tags", "notes", "companies"):  # present from the start, even empty
        assert created[field]["url"] == f"/contacts/{contact}/{field}"
        assert (created[field]["data"], created[field]["total_count"], created[field]["has_more"]) == ([], 0, False)
    tag = consumer.ok("POST", "/tags", {"name": "vip"})["id"]
    consumer.ok("POST", f"/contacts/{contact}/tags", {"id": tag})
    note = consumer.ok("POST", f"/contacts/{contact}/notes", {"body": "Called", "admin_id": ADMIN})["id"]
    (company,) = consumer.companies(1)
    consumer.ok("POST", f"/contacts/{contact}/companies", {"id": company})
    read = consumer.ok("GET", f"/contacts/{contact}")
    assert (_ids(read["tags"]), _ids(read["notes"]), _ids(read["companies"])) == ([tag], [note], [company])
    for field in ("tags", "notes", "companies"):  # each url lists what the contact shows
        listed = consumer.ok("GET", read[field]["url"])
        key = "companies" if field == "companies" and "companies" in listed else "data"
        assert [entry["id"] for entry in listed[key]] == _ids(read[field])
    consumer.ok("DELETE", f"/contacts/{contact}/tags/{tag}")
    consumer.ok("DELETE", f"/contacts/{contact}/companies/{company}")
    after = consumer.ok("GET", f"/contacts/{contact}")
    assert (after["tags"]["total_count"], after["companies"]["total_count"], after["notes"]["total_count"]) == (0, 0, 1)


def test_an_addressable_list_shows_ten_and_says_there_are_more(consumer: Consumer) -> None:
    (contact,) = consumer.contacts(1)
    tags = [consumer.ok("POST", "/tags", {"name": f"t{n}"})["id"] for n in range(12)]
    for tag in tags:
        consumer.ok("POST", f"/contacts/{contact}/tags", {"id": tag})
    shown = consumer.ok("GET", f"/contacts/{contact}")["tags"]
    assert (_ids(shown), shown["total_count"], shown["has_more"]) == (tags[:10], 12, True)


def test_a_company_counts_its_contacts_and_a_conversation_lists_its_tags(consumer: Consumer) -> None:
    (company,) = consumer.companies(1)
    for contact in consumer.contacts(2):
        consumer.ok("POST", f"/contacts/{contact}/companies", {"id": company})
    assert consumer.ok("GET", f"/companies/{company}")["user_count"] == 2
    (contact,) = consumer.contacts(1)
    started = consumer.ok("POST", "/conversations", {"from": {"type": "user", "id": contact}, "body": "Hello"})
    tag = consumer.ok("POST", "/tags", {"name": "urgent"})["id"]
    conversation = started["conversation_id"]
    consumer.ok("POST", f"/conversations/{conversation}/tags", {"id": tag, "admin_id": ADMIN})
    read = consumer.ok("GET", f"/conversations/{conversation}")
    assert [t["id"] for t in read["tags"]["tags"]] == [tag]


GET_ONLY = {"enabled_push_messaging"}


def test_one_contact_is_the_same_object_on_every_path(consumer: Consumer) -> None:
    (contact,) = consumer.contacts(1, name="Same Everywhere")
    (company,) = consumer.companies(1)
    consumer.ok("POST", f"/contacts/{contact}/companies", {"id": company})
    tag = consumer.ok("POST", "/tags", {"name": "same"})["id"]
    consumer.ok("POST", f"/contacts/{contact}/tags", {"id": tag})
    read = consumer.ok("GET", f"/contacts/{contact}")
    by_id = {"field": "id", "operator": "=", "value": contact}
    paths = {
        "list": consumer.ok("GET", "/contacts")["data"],
        "search": consumer.ok("POST", "/contacts/search", {"query": by_id})["data"],
        "company's contacts": consumer.ok("GET", f"/companies/{company}/contacts")["data"],
    }
    for path, listed in paths.items():
        item = next(c for c in listed if c["id"] == contact)
        # GET /contacts/{id} documents one field more than the contact schema from 2.12 on: the rest is the same
        assert set(read) - set(item) <= GET_ONLY, path
        assert {key: value for key, value in read.items() if key not in GET_ONLY} == item, path


def test_one_company_is_the_same_object_on_every_path(consumer: Consumer) -> None:
    (company,) = consumer.companies(1)
    (contact,) = consumer.contacts(1)
    attached = consumer.ok("POST", f"/contacts/{contact}/companies", {"id": company})
    read = consumer.ok("GET", f"/companies/{company}")
    nested = consumer.ok("GET", f"/contacts/{contact}/companies")
    paths = {
        "attach": [attached],
        "list": consumer.ok("GET", "/companies")["data"],
        "scroll": consumer.ok("GET", "/companies/scroll")["data"],
        "contact's companies": nested.get("companies", nested.get("data")),
    }
    for path, listed in paths.items():
        assert next(c for c in listed if c["id"] == company) == read, path
