"""One table of flows, answered alike by the `intercom_mock` fixture's fake and the loopback fake of `mock`."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from contracts.mock import DEFAULT_ADMIN_ID, DEFAULT_TOKENS, IntercomMock
from contracts.regions import REGIONS
from contracts.run._service import ServiceSettings, service_server

Step = Callable[[httpx.Client, dict[str, Any]], httpx.Response]


def _create_contact(client: httpx.Client, seen: dict[str, Any]) -> httpx.Response:
    answer = client.post("/contacts", json={"role": "user", "email": "ada@example.com", "name": "Ada"})
    seen["contact"] = answer.json().get("id")
    return answer


def _message_it(client: httpx.Client, seen: dict[str, Any]) -> httpx.Response:
    payload = {
        "message_type": "inapp",
        "body": "Welcome",
        "from": {"type": "admin", "id": DEFAULT_ADMIN_ID},
        "to": {"type": "user", "id": seen["contact"]},
    }
    return client.post("/messages", json=payload)


def _tag_it(client: httpx.Client, seen: dict[str, Any]) -> httpx.Response:
    tag = client.post("/tags", json={"name": "vip"}).json()
    return client.post(f"/contacts/{seen['contact']}/tags", json={"id": tag["id"]})


def _search(client: httpx.Client, seen: dict[str, Any]) -> httpx.Response:
    query = {"query": {"field": "email", "operator": "=", "value": "ada@example.com"}}
    return client.post("/contacts/search", json=query)


def _first_page(client: httpx.Client, seen: dict[str, Any]) -> httpx.Response:
    answer = client.get("/contacts", params={"per_page": 1})
    seen["next"] = (answer.json().get("pages") or {}).get("next", {}).get("starting_after")
    return answer


def _second_page(client: httpx.Client, seen: dict[str, Any]) -> httpx.Response:
    return client.get("/contacts", params={"per_page": 1, "starting_after": seen["next"]})


def _unknown_id(client: httpx.Client, seen: dict[str, Any]) -> httpx.Response:
    return client.get("/contacts/no-such-contact")


def _breach(client: httpx.Client, seen: dict[str, Any]) -> httpx.Response:
    return client.post("/messages", json={"message_type": "inapp", "body": "no sender, no recipient"})


FLOWS: list[tuple[str, Step]] = [
    ("create a contact", _create_contact),
    ("message it", _message_it),
    ("tag it", _tag_it),
    ("search", _search),
    ("first page", _first_page),
    ("next page", _second_page),
    ("an unknown id", _unknown_id),
    ("a breach", _breach),
]


def _comparable(value: Any) -> Any:
    """An answer without what differs by clock or chance (times, request ids)."""
    if isinstance(value, dict):
        return {k: _comparable(v) for k, v in value.items() if not k.endswith("_at") and k != "request_id"}
    if isinstance(value, list):
        return [_comparable(v) for v in value]
    return value


def _walk(client: httpx.Client) -> list[tuple[str, int, Any]]:
    seen: dict[str, Any] = {}
    walked = []
    for name, step in FLOWS:
        answer = step(client, seen)
        walked.append((name, answer.status_code, _comparable(answer.json())))
    return walked


@pytest.fixture
def loopback() -> Iterator[Any]:
    with service_server(ServiceSettings(tokens=dict(DEFAULT_TOKENS))) as server:
        yield server


def test_the_fixture_and_the_loopback_fake_answer_one_table_of_flows_alike(loopback: Any) -> None:
    headers = {"Authorization": f"Bearer {DEFAULT_TOKENS['us']}", "Accept": "application/json"}
    fixture = IntercomMock.from_settings()
    with httpx.Client(transport=fixture.transport(), base_url=REGIONS["us"], headers=headers) as client:
        through_fixture = _walk(client)
    with httpx.Client(base_url=loopback.base_urls["us"], headers=headers) as client:
        through_loopback = _walk(client)

    assert [(name, status) for name, status, _ in through_loopback] == [
        ("create a contact", 200),
        ("message it", 200),  # any contact of the workspace receives messages, not only the seeded one
        ("tag it", 200),
        ("search", 200),
        ("first page", 200),
        ("next page", 200),
        ("an unknown id", 404),
        ("a breach", 400),
    ]
    assert through_loopback == through_fixture
    assert len(fixture.breaches) == len(loopback.ledger.breaches) == 1
    assert fixture.breach_report() == loopback.breach_report().replace(loopback.base_urls["us"], REGIONS["us"])
