"""Search as the search operations' descriptions document it (contracts.mock._search): one test per rule."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from contracts import load_spec
from contracts.mock import FakeIntercom, FakeSettings
from contracts.mock._resources import shape_of
from contracts.mock._workspace import Workspace
from contracts.spec import operation_contract

from ..conftest import PUBLISHED
from .reading import ADAPTERS, DAY, NOON, Clock, Consumer, consumer_via, fake

CONTACTS = "/contacts/search"


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture(params=ADAPTERS)
def consumer(clock: Clock, request: pytest.FixtureRequest) -> Iterator[Consumer]:
    with consumer_via(request.param, fake(clock)) as through:
        yield through


def _refused(consumer: Consumer, path: str, query: Any) -> tuple[int, str, Any]:
    exchange = consumer.search(path, query)
    body = exchange.response.body
    return (
        exchange.response.status,
        body["errors"][0]["code"] if exchange.response.status >= 400 else "",
        exchange.violation,
    )


def _day_of_contacts(consumer: Consumer, clock: Clock) -> tuple[list[str], list[str]]:
    """Contacts made yesterday at noon, and today at noon (the seeded one first: the workspace was made then)."""
    seeded = consumer.fake.workspace.items("contact")[0].id
    clock.now = NOON - DAY
    yesterday = consumer.contacts(2)
    clock.now = NOON
    return yesterday, [seeded, *consumer.contacts(3)]


def test_a_date_equal_matches_the_whole_calendar_day(consumer: Consumer, clock: Clock) -> None:
    yesterday, today = _day_of_contacts(consumer, clock)
    morning = int(NOON - 11 * 3600)  # 01:00 today: earlier than every contact of today
    assert consumer.found(CONTACTS, {"field": "created_at", "operator": "=", "value": morning}) == today
    evening = int(NOON - DAY + 11 * 3600)  # 23:00 yesterday
    assert consumer.found(CONTACTS, {"field": "created_at", "operator": "=", "value": evening}) == yesterday


def test_a_date_greater_than_starts_at_the_next_day_and_less_than_before_the_day(
    consumer: Consumer, clock: Clock
) -> None:
    yesterday, today = _day_of_contacts(consumer, clock)
    early_yesterday = int(NOON - DAY - 11 * 3600)  # before yesterday's contacts were made, the same day
    assert consumer.found(CONTACTS, {"field": "created_at", "operator": ">", "value": early_yesterday}) == today
    late_today = int(NOON + 11 * 3600)  # after today's contacts were made, the same day
    assert consumer.found(CONTACTS, {"field": "created_at", "operator": "<", "value": late_today}) == yesterday


def test_the_day_boundary_is_the_workspaces_timezone(clock: Clock) -> None:
    workspace = Workspace(clock=clock, timezone="America/New_York")  # noon UTC is 07:00 in New York
    settings = FakeSettings(accept_any_token=True, rate_limit=10**9, admin_ids=None, contact_ids=None)
    consumer = Consumer(FakeIntercom(settings=settings, clock=clock, workspace=workspace))
    clock.now = NOON - 8 * 3600  # 04:00 UTC: 23:00 the evening before in New York
    evening = consumer.contacts(1)
    clock.now = NOON
    today = consumer.contacts(1)
    utc_morning = int(NOON - 7 * 3600)  # 05:00 UTC, 00:00 in New York: today there
    seeded = consumer.fake.workspace.items("contact")[0].id  # made with the workspace, at NOON
    assert consumer.found(CONTACTS, {"field": "created_at", "operator": "=", "value": utc_morning}) == [seeded, *today]
    assert consumer.found(CONTACTS, {"field": "created_at", "operator": "<", "value": utc_morning}) == evening
    with pytest.raises(ValueError, match="unknown timezone 'Mars/Olympus'"):
        Workspace(timezone="Mars/Olympus")


@pytest.mark.parametrize("operator", [">=", "<=", "!=", "IN", "NIN", "~"])
def test_an_operator_a_date_does_not_support_is_refused_as_a_breach(consumer: Consumer, operator: str) -> None:
    value: Any = [int(NOON)] if operator in ("IN", "NIN") else int(NOON)
    status, code, violation = _refused(
        consumer, CONTACTS, {"field": "updated_at", "operator": operator, "value": value}
    )
    assert (status, code) == (400, "parameter_invalid")
    assert violation is not None
    assert violation.path == "$.query.operator"


def test_a_value_of_the_wrong_type_fails_the_query(consumer: Consumer) -> None:
    for query in (
        {"field": "created_at", "operator": "=", "value": "foorbar"},
        {"field": "owner_id", "operator": ">", "value": "many"},
        {"field": "unsubscribed_from_emails", "operator": "=", "value": "maybe"},
        {"field": "owner_id", "operator": "IN", "value": 1},  # IN takes an array
    ):
        status, code, violation = _refused(consumer, CONTACTS, query)
        assert (status, code, violation is not None) == (400, "parameter_invalid", True), query


def test_integers_take_every_ordering_and_strings_the_text_operators(consumer: Consumer) -> None:
    owned = {n: consumer.contacts(1, owner_id=n)[0] for n in (1, 2, 3)}
    assert consumer.found(CONTACTS, {"field": "owner_id", "operator": ">=", "value": 2}) == [owned[2], owned[3]]
    assert consumer.found(CONTACTS, {"field": "owner_id", "operator": "<=", "value": 2}) == [owned[1], owned[2]]
    assert consumer.found(CONTACTS, {"field": "owner_id", "operator": "NIN", "value": [1, 2]})[-1] == owned[3]
    status, _, _ = _refused(consumer, CONTACTS, {"field": "owner_id", "operator": "~", "value": 1})
    assert status == 400
    named = consumer.contacts(1, name="Ada Lovelace")
    for operator, value in (("~", "Love"), ("^", "Ada"), ("$", "lace"), ("=", "Ada Lovelace")):
        assert consumer.found(CONTACTS, {"field": "name", "operator": operator, "value": value}) == named
    assert named[0] not in consumer.found(CONTACTS, {"field": "name", "operator": "!~", "value": "Love"})


def test_at_most_two_levels_of_groups_and_fifteen_filters_a_group(consumer: Consumer) -> None:
    role = {"field": "role", "operator": "=", "value": "user"}
    two = {"operator": "AND", "value": [{"operator": "OR", "value": [role, role]}, role]}
    assert consumer.search(CONTACTS, two).response.status == 200
    three = {"operator": "AND", "value": [{"operator": "OR", "value": [{"operator": "AND", "value": [role]}]}]}
    assert _refused(consumer, CONTACTS, three)[:2] == (400, "parameter_invalid")
    assert consumer.search(CONTACTS, {"operator": "OR", "value": [role] * 15}).response.status == 200
    assert _refused(consumer, CONTACTS, {"operator": "OR", "value": [role] * 16})[:2] == (400, "parameter_invalid")


SEARCHES = [
    (version, operation.operation_id)
    for version in PUBLISHED
    for spec in [load_spec(f"official:{version}")]
    for operation in spec.operations()
    if operation.method == "post" and shape_of(spec, operation_contract(spec, operation)).action == "search"
]


@pytest.mark.parametrize(("version", "operation_id"), SEARCHES)
def test_every_search_operation_keeps_the_limits(version: str, operation_id: str) -> None:
    operation = load_spec(f"official:{version}").operation(operation_id)
    consumer = Consumer(fake(), version=version)
    deep = {"operator": "AND", "value": [{"operator": "OR", "value": [{"operator": "AND", "value": [{}]}]}]}
    exchange = consumer.search(operation.path, deep)
    assert exchange.response.status in (400, 422)
    assert exchange.violation is not None


def test_the_default_page_is_the_descriptions_and_starting_after_pages_every_hit_once(consumer: Consumer) -> None:
    made = consumer.contacts(120)
    everyone = {"field": "role", "operator": "=", "value": "user"}
    first = consumer.ok("POST", CONTACTS, {"query": everyone})
    assert (len(first["data"]), first["pages"]["per_page"], first["total_count"]) == (50, 50, 121)
    found = consumer.found(CONTACTS, everyone, pagination={"per_page": 40})
    assert found[1:] == made  # after the seeded contact, each exactly once
    assert len(consumer.ok("POST", CONTACTS, {"query": everyone, "pagination": {"per_page": 500}})["data"]) == 121


def test_tag_and_company_ids_match_what_is_attached(consumer: Consumer) -> None:
    tagged, other = consumer.contacts(2)
    tag = consumer.ok("POST", "/tags", {"name": "vip"})
    consumer.ok("POST", f"/contacts/{tagged}/tags", {"id": tag["id"]})
    assert consumer.found(CONTACTS, {"field": "tag_id", "operator": "=", "value": tag["id"]}) == [tagged]
    assert other in consumer.found(CONTACTS, {"field": "tag_id", "operator": "!=", "value": tag["id"]})
    assert _refused(consumer, CONTACTS, {"field": "tag_id", "operator": "IN", "value": [tag["id"]]})[0] == 400
    (company,) = consumer.companies(1)
    consumer.ok("POST", f"/contacts/{other}/companies", {"id": company})
    assert consumer.found(CONTACTS, {"field": "company_id", "operator": "=", "value": company}) == [other]


def test_dotted_fields_read_inside_the_item(consumer: Consumer) -> None:
    (planned,) = consumer.contacts(1, custom_attributes={"plan": "pro"})
    (located,) = consumer.contacts(1)
    consumer.fake.workspace.update("contact", located, {"location": {"type": "location", "country": "Ireland"}})
    assert consumer.found(CONTACTS, {"field": "custom_attributes.plan", "operator": "=", "value": "pro"}) == [planned]
    assert consumer.found(CONTACTS, {"field": "location.country", "operator": "=", "value": "Ireland"}) == [located]


def test_a_merged_contact_is_not_found(consumer: Consumer) -> None:
    lead = consumer.ok("POST", "/contacts", {"role": "lead", "name": "Merged Away"})["id"]
    (user,) = consumer.contacts(1)
    consumer.ok("POST", "/contacts/merge", {"from": lead, "into": user})
    assert consumer.found(CONTACTS, {"field": "id", "operator": "=", "value": lead}) == []


def test_a_string_compared_with_greater_than_is_answered_as_production_and_reported_undocumented(
    consumer: Consumer,
) -> None:
    (contact,) = consumer.contacts(1)
    conversations = [
        consumer.ok("POST", "/conversations", {"from": {"type": "user", "id": contact}, "body": f"Hello {n}"})[
            "conversation_id"
        ]
        for n in range(3)
    ]
    since = {"field": "updated_at", "operator": ">", "value": int(NOON - 2 * DAY)}
    query = {"operator": "AND", "value": [since, {"field": "id", "operator": ">", "value": ""}]}
    exchange = consumer.search("/conversations/search", query)
    assert exchange.violation is None
    assert [c["id"] for c in exchange.response.body["conversations"]] == conversations
    assert any("'id' compared with '>'" in note for note in exchange.undocumented)


def test_a_top_level_sort_is_honoured_and_reported_undocumented(consumer: Consumer) -> None:
    named = {name: consumer.contacts(1, name=name)[0] for name in ("Bea", "Abe", "Cy")}
    exchange = consumer.search(
        CONTACTS,
        {"field": "name", "operator": "IN", "value": list(named)},
        sort={"field": "name", "order": "descending"},
    )
    assert [c["id"] for c in exchange.response.body["data"]] == [named["Cy"], named["Bea"], named["Abe"]]
    assert exchange.violation is None
    assert any("sort" in note for note in exchange.undocumented)


def test_a_field_of_no_documented_type_is_compared_as_text_and_reported_undocumented(consumer: Consumer) -> None:
    (nicknamed,) = consumer.contacts(1, custom_attributes={"nickname": "7up"})
    for query in (
        {"field": "custom_attributes.nickname", "operator": "^", "value": 7},  # a number against a string
        {"field": "custom_attributes.nickname", "operator": "IN", "value": "7up"},  # not an array
    ):
        exchange = consumer.search(CONTACTS, query)
        assert (exchange.response.status, exchange.violation) == (200, None), query
        assert [c["id"] for c in exchange.response.body["data"]] == [nicknamed]
        assert any("answered as text" in note for note in exchange.undocumented)
    empty = consumer.search(CONTACTS, {"operator": "OR"})  # a group without queries: found nothing
    assert (empty.response.status, empty.response.body["data"], empty.violation) == (200, [], None)
    assert any("without queries" in note for note in empty.undocumented)


def test_a_documented_refusal_is_named_for_a_query_nested_too_deep_and_none_for_a_valid_one() -> None:
    from contracts.mock import documented_refusal

    leaf = {"field": "email", "operator": "=", "value": "a@example.com"}
    deep = {"query": {"operator": "OR", "value": [{"operator": "AND", "value": [{"operator": "OR", "value": [leaf]}]}]}}
    assert "nests too deep" in str(documented_refusal("/contacts/search", deep))
    assert documented_refusal("/contacts/search", {"query": leaf}) is None
    assert documented_refusal("/contacts", deep) is None  # not a search: no prose rule to break
