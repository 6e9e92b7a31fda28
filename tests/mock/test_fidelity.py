"""The fake answers what Intercom answers: unset fields null, examples and Intercom's shapes, never a field's name.

Every answer is a complete object (every property its schema declares); a field nobody set is null where the schema
allows it; elsewhere its const, default, the description's example, or a value of Intercom's shape for it.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

import pytest

from contracts.mock import FakeIntercom, FakeRequest, FakeSettings
from contracts.schema import synthesize
from contracts.spec import Contracts

from ..conftest import PUBLISHED
from .test_operations import SPECS, _encode, _operation, _path, _references

CONTRACTS = Contracts()


def _fake() -> FakeIntercom:
    return FakeIntercom(CONTRACTS, FakeSettings(accept_any_token=True, rate_limit=10**9, admin_ids=None))


def _send(fake: FakeIntercom, version: str, method: str, path: str, body: Any = None, query: str = "") -> Any:
    headers = {"authorization": "Bearer tok-fidelity", "intercom-version": version}
    data = b"" if body is None else json.dumps(body).encode()
    if data:
        headers["content-type"] = "application/json"
    return fake.handle(FakeRequest("us", method, path, headers, data, query))


def _is_builtin_attribute(node: dict[str, Any]) -> bool:
    """Intercom's built-in data attribute called `name` (and the like) is named so: its value is no placeholder."""
    return node.get("type") == "data_attribute" and node.get("custom") is False


def _named_after_their_field(node: Any, where: str = "$") -> list[str]:
    """Where a string equals the name of the field holding it (a placeholder: `"name": "name"`)."""
    found: list[str] = []
    if isinstance(node, dict):
        for key, value in node.items():
            if isinstance(value, str) and value == key and value and not _is_builtin_attribute(node):
                found.append(f"{where}.{key}")
            found += _named_after_their_field(value, f"{where}.{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found += _named_after_their_field(value, f"{where}[{index}]")
    return found


@pytest.mark.parametrize("version", PUBLISHED)
def test_a_contact_created_with_only_an_email_reads_back_what_intercom_shows(version: str) -> None:
    fake = _fake()
    created = _send(fake, version, "POST", "/contacts", {"email": "only@example.com"})
    assert created.status == 200, created.body
    read = _send(fake, version, "GET", f"/contacts/{created.body['id']}").body
    assert (read["type"], read["email"]) == ("contact", "only@example.com")
    assert (read["name"], read["phone"], read["external_id"]) == (None, None, None)
    assert read["role"] == "user"  # the description's example (and Intercom's default role)
    schema = CONTRACTS.contract(version).spec.document["components"]["schemas"]["contact"]
    assert set(schema["properties"]) <= set(read)  # a complete object: every declared property
    assert _named_after_their_field(read) == []


def test_unset_fields_take_defaults_examples_and_shapes_never_their_names() -> None:
    schema = {
        "type": "object",
        "properties": {
            "type": {"type": "string", "examples": ["visitor"]},
            "nickname": {"type": ["string", "null"], "examples": ["Jo"]},
            "state": {"type": "string", "default": "open"},
            "email": {"type": "string"},
            "avatar_url": {"type": "string"},
            "country_code": {"type": "string"},
            "created_at": {"type": "integer", "format": "date-time", "examples": [1571672154]},
            "count": {"type": "integer", "examples": [100]},
            "title": {"type": "string", "minLength": 2},
            "tags": {"type": "array", "items": {"type": "string"}},
            "location": {"type": "object", "properties": {"type": {"type": "string", "examples": ["location"]}}},
        },
    }
    value = synthesize(schema, overlay={"type": "visitor_type"}, complete=True)
    assert value["type"] == "visitor"  # an object's type is its schema's, whatever was stored
    assert (value["nickname"], value["state"], value["email"]) == (None, "open", "jane@example.com")
    assert (value["avatar_url"], value["country_code"]) == ("https://www.example.com/", "US")
    assert value["created_at"] > 1_700_000_000  # near now, not the description's example of 2019
    assert (value["count"], value["title"], value["tags"]) == (0, "xx", [])
    assert value["location"] == {"type": "location"}
    assert _named_after_their_field(value) == []


def test_answers_built_from_a_kept_template_follow_the_clock_and_share_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    schema = {
        "type": "object",
        "properties": {
            "type": {"type": "string", "examples": ["company"]},
            "name": {"type": ["string", "null"]},
            "last_request_at": {"type": "integer", "format": "date-time"},
            "location": {"type": "object", "properties": {"city": {"type": "string"}}},
        },
    }
    from contracts.schema import _synthesis

    monkeypatch.setattr(_synthesis.time, "time", lambda: 1_800_000_000.0)
    first = synthesize(schema, overlay={"name": "Acme"}, complete=True)
    first["location"]["city"] = "changed by the caller"
    monkeypatch.setattr(_synthesis.time, "time", lambda: 1_800_000_005.0)
    second = synthesize(schema, complete=True)
    assert list(second) == ["type", "name", "last_request_at", "location"]  # the schema's order
    assert (first["last_request_at"], second["last_request_at"]) == (1_800_000_000, 1_800_000_005)
    assert second["name"] is None
    assert second["location"] == {"city": "Dublin"}


def test_an_items_unset_timestamps_hold_its_own_creation_time_so_it_reads_the_same_a_second_later(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from contracts.schema import _synthesis

    fake = _fake()
    monkeypatch.setattr(_synthesis.time, "time", lambda: 1_800_000_000.0)
    company = _send(fake, "2.12", "POST", "/companies", {"company_id": "co-1", "name": "Co"}).body
    monkeypatch.setattr(_synthesis.time, "time", lambda: 1_800_000_007.0)  # the second ticks between two reads
    read = _send(fake, "2.12", "GET", f"/companies/{company['id']}").body
    assert read["last_request_at"] == read["remote_created_at"] == read["created_at"]
    assert read == _send(fake, "2.12", "GET", "/companies").body["data"][0]


def test_a_cursor_page_names_the_page_size_it_used_not_the_descriptions_example() -> None:
    fake = _fake()
    for number in range(60):
        assert _send(fake, "2.12", "POST", "/contacts", {"email": f"c{number}@example.com"}).status == 200
    pages = _send(fake, "2.12", "GET", "/contacts").body["pages"]
    assert pages["per_page"] == 50
    assert pages["next"]["per_page"] == 50
    assert pages["next"]["starting_after"]


def test_a_minimal_instance_keeps_the_old_placeholders_unless_realistic() -> None:
    schema = {"type": "object", "properties": {"name": {"type": "string"}}, "required": ["name"]}
    assert synthesize(schema) == {"name": "name"}  # requests of the project's own tests: unchanged
    assert synthesize(schema, realistic=True) == {"name": "Jane Doe"}


def _query(contract: Any) -> str:
    """The operation's required query parameters, with values as a client sends them (no placeholders)."""
    pairs: dict[str, str] = {}
    for (location, _), parameter in contract.parameters.items():
        if location == "query" and parameter.required:
            value = synthesize(parameter.validator.schema, name=parameter.name, realistic=True)
            pairs.update(_encode(parameter.name, value))
    return urlencode(pairs)


@pytest.mark.parametrize("version", PUBLISHED)
def test_no_answer_of_any_operation_holds_a_string_named_after_its_field(version: str) -> None:
    fake = _fake()
    found: dict[str, list[str]] = {}
    for operation in SPECS[version].operations():
        spec, operation, contract = _operation(version, operation.operation_id)
        payload = synthesize(contract.body.schema, realistic=True) if contract.body is not None else None
        path = _path(spec, operation, fake, contract)
        payload, path = _references(fake, operation, payload, path)
        answer = _send(fake, version, operation.method.upper(), path, payload, _query(contract))
        placeholders = _named_after_their_field(answer.body)
        if placeholders:
            found[operation.operation_id] = placeholders
    assert found == {}


def test_an_items_type_is_its_schemas_but_a_deeper_objects_stored_type_is_kept() -> None:
    author = {"type": "object", "properties": {"type": {"type": "string", "examples": ["admin"]}}}
    part = {"type": "object", "properties": {"type": {"type": "string", "examples": ["part"]}, "author": author}}
    schema = {
        "type": "object",
        "properties": {
            "type": {"type": "string", "examples": ["subscription"]},
            "parts": {"type": "array", "items": part},
        },
    }
    stored = {"type": "subscription_type", "parts": [{"type": "part_kind", "author": {"type": "user"}}]}
    value = synthesize(schema, overlay=stored, complete=True)
    assert value["type"] == "subscription"  # the fake's name for the kind never shows
    assert value["parts"][0]["type"] == "part"
    assert value["parts"][0]["author"]["type"] == "user"  # a contact's reply stays the contact's


def test_the_sdk_overrides_errata_correct_2_14_only_and_name_their_source() -> None:
    from contracts import load_spec
    from contracts.spec import known_errata

    overrides = [e for e in known_errata() if "openapi-overrides.yml" in e.evidence]
    assert {e.id for e in overrides} >= {"admin-avatar-object", "conversation-teammates-admins"}
    assert all(e.versions == ("2.14",) and "commit 8889625" in e.evidence for e in overrides)
    schemas = load_spec("official:2.14").document["components"]["schemas"]
    assert schemas["admin"]["properties"]["avatar"]["type"] == "object"
    assert set(schemas["conversation_teammates"]["properties"]) == {"type", "admins"}
    untouched = load_spec("official:2.15").document["components"]["schemas"]
    assert untouched["admin"]["properties"]["avatar"]["type"] == "string"


def test_run_assignment_rules_is_served_at_2_14_as_the_sdk_overrides_say() -> None:
    """Absent from the 2.14 description, added by the SDK's overrides (deprecated, served until 2026-12-31)."""
    fake = _fake()
    conversation = fake.workspace.add("conversation", {"state": "open"})["id"]
    path = f"/conversations/{conversation}/run_assignment_rules"
    answer = _send(fake, "2.14", "POST", path)
    assert (answer.status, answer.body["type"], answer.body["id"]) == (200, "conversation", conversation)
    assert fake.exchanges[-1].violation is None
    assert _send(fake, "2.15", "POST", path).status == 404  # no erratum there: the description has no such operation
    assert fake.exchanges[-1].operation is None


CLOSE = {"message_type": "close", "type": "admin", "admin_id": "1"}
REPLY = {"message_type": "comment", "type": "admin", "admin_id": "1", "body": "Hi"}


@pytest.mark.parametrize(
    ("version", "path", "body"),
    [
        ("2.14", "/conversations/999999/run_assignment_rules", None),
        ("2.11", "/conversations/999999/parts", CLOSE),
        ("2.11", "/conversations/999999/reply", REPLY),
    ],
)
def test_an_action_on_an_item_the_workspace_does_not_hold_is_not_found(version: str, path: str, body: Any) -> None:
    answer = _send(_fake(), version, "POST", path, body)
    assert (answer.status, answer.body["errors"][0]["code"]) == (404, "not_found")
