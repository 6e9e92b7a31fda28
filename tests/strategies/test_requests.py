"""create_message_requests: valid by construction for every contract, reaching every branch and option."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from hypothesis import Phase, given, settings
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument, NoSuchExample

from contracts import Contract, load_spec
from strategies import create_message_requests

from ..conftest import PUBLISHED

SOURCES = ["bundled", *PUBLISHED]


def _contract(source: str) -> Contract:
    return load_spec(source if source == "bundled" else f"official:{source}").contract()


@pytest.mark.parametrize("source", SOURCES)
def test_every_draw_validates_against_its_contract(source: str) -> None:
    contract = _contract(source)

    @given(create_message_requests(contract))
    def check(payload: dict[str, Any]) -> None:
        contract.validate_create_message_request(payload)

    check()


def _draws(strategy: st.SearchStrategy[Any], count: int = 300) -> list[Any]:
    """`count` draws, generated only (no shrinking), to count what the strategy reaches."""
    drawn: list[Any] = []

    @settings(max_examples=count, database=None, phases=[Phase.generate])
    @given(strategy)
    def collect(value: Any) -> None:
        drawn.append(value)

    collect()
    return drawn


def _reaches(strategy: st.SearchStrategy[Any], condition: Any) -> Any:
    found = [value for value in _draws(strategy) if condition(value)]
    if not found:
        raise NoSuchExample(repr(condition))
    return found[0]


@pytest.mark.parametrize("source", ["bundled", "2.11", "2.14"])
def test_both_types_templates_and_optional_fields_are_reached(source: str) -> None:
    drawn = _draws(create_message_requests(_contract(source)))
    counts = Counter(
        feature
        for payload in drawn
        for feature in (
            payload["message_type"],
            f"template={payload.get('template')}",
            *(f"has {name}" for name in ("created_at", "create_conversation_without_contact_reply")),
            f"to.type={payload['to']['type'] if isinstance(payload['to'], dict) else 'list'}",
        )
        if not feature.startswith("has ") or feature.removeprefix("has ") in payload
    )
    wanted = [
        "email",
        "in_app",
        "template=plain",
        "template=personal",
        "has created_at",
        "has create_conversation_without_contact_reply",
        "to.type=user",
        "to.type=lead",
    ]
    assert all(counts[feature] >= 10 for feature in wanted), counts
    assert counts["email"] == counts["template=plain"] + counts["template=personal"]


def test_versions_without_created_at_do_not_draw_it() -> None:
    requests = create_message_requests(_contract("2.10"))

    @given(requests)
    def check(payload: dict[str, Any]) -> None:
        assert "created_at" not in payload

    check()


def test_a_list_of_recipients_is_drawn_where_the_version_allows_it() -> None:
    assert _reaches(create_message_requests(_contract("2.14")), lambda p: isinstance(p["to"], list))
    with pytest.raises(NoSuchExample):
        _reaches(create_message_requests(_contract("2.13")), lambda p: isinstance(p["to"], list))


def test_text_is_hostile_but_never_blank() -> None:
    requests = create_message_requests(_contract("bundled"), message_type="email")
    assert _reaches(requests, lambda p: p["body"] != p["body"].strip())
    assert _reaches(requests, lambda p: any(ord(c) > 0xFFFF for c in p["body"]))
    assert _reaches(requests, lambda p: "<" in p["body"])
    assert _reaches(requests, lambda p: len(p["body"]) > 1000)

    @given(requests)
    def check(payload: dict[str, Any]) -> None:
        assert payload["body"].strip()
        assert payload["subject"].strip()

    check()


@given(data=st.data())
def test_pinned_sender_and_recipient_are_used(data: st.DataObject) -> None:
    contract = _contract("bundled")
    payload = data.draw(create_message_requests(contract, admin_id=991267390, contact_id="6762f0d21bb69f9f2193bb59"))
    assert payload["from"] == {"type": "admin", "id": 991267390}
    assert payload["to"]["id"] == "6762f0d21bb69f9f2193bb59"


def test_pinned_recipient_on_list_versions_is_one_recipient() -> None:
    requests = create_message_requests(_contract("2.14"), contact_id="c1")

    @given(requests)
    def check(payload: dict[str, Any]) -> None:
        recipients = payload["to"] if isinstance(payload["to"], list) else [payload["to"]]
        assert [r["id"] for r in recipients] == ["c1"]

    check()


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"message_type": "inapp"}, "message_type must be one of ('email', 'in_app') or None, not 'inapp'"),
        ({"admin_id": "12"}, "admin_id must be a positive integer (an Intercom admin id), not '12'"),
        ({"admin_id": 0}, "admin_id must be a positive integer"),
        ({"contact_id": " "}, "contact_id must be a non-empty string"),
    ],
)
def test_bad_arguments_fail_at_once(kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(InvalidArgument) as raised:
        create_message_requests(_contract("bundled"), **kwargs)
    assert message in str(raised.value)


def test_a_spec_instead_of_a_contract_is_refused() -> None:
    with pytest.raises(InvalidArgument, match=r"contract must be a Contract .* not Spec"):
        create_message_requests(load_spec("bundled"))  # type: ignore[arg-type]
