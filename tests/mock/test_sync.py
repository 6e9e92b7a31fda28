"""Acceptance: real consumers sync the fake to completion.

Against the fake seeded through the API with 80 companies, 160 contacts and 3 conversations, a requests-based sync
written as open-source Intercom ETL connectors are (`Intercom-Version: 2.12`: scroll companies until the 404, search
contacts updated since a past date with `starting_after` paging, read each contact's tags and companies lists,
search conversations with the connector's `id > ""` clause) emits every record exactly once and ends; the same sync
over httpx through `IntercomMock`; the official SDK's `companies.scroll()` yields every company.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from contracts.mock import FakeIntercom, IntercomMock, MockServer

from .reading import DAY, Consumer, fake

requests = pytest.importorskip("requests")
HEADERS = {"Authorization": "Bearer sync-token", "Intercom-Version": "2.12", "Accept": "application/json"}
Send = Callable[..., tuple[int, Any]]  # send(method, path, params=..., json=...) -> (status, body)


def _seeded() -> tuple[FakeIntercom, dict[str, set[str]]]:
    consumer = Consumer(fake(time.time))  # type: ignore[arg-type]
    companies = consumer.companies(80)
    contacts = consumer.contacts(160)
    tag = consumer.ok("POST", "/tags", {"name": "synced"})["id"]
    for contact, company in zip(contacts[:80], companies, strict=True):
        consumer.ok("POST", f"/contacts/{contact}/companies", {"id": company})
        consumer.ok("POST", f"/contacts/{contact}/tags", {"id": tag})
    conversations = [
        consumer.ok("POST", "/conversations", {"from": {"type": "user", "id": contact}, "body": "Hi"})[
            "conversation_id"
        ]
        for contact in contacts[:3]
    ]
    everyone = {item.id for item in consumer.fake.workspace.items("contact")}  # the seeded contact of every workspace
    return consumer.fake, {"company": set(companies), "contact": everyone, "conversation": set(conversations)}


def sync(send: Send) -> Iterator[tuple[str, str]]:
    """What an ETL connector does; yields (stream, id) per record emitted."""
    param: str | None = None
    while True:  # companies: scroll until the 404
        status, body = send("GET", "/companies/scroll", params={"scroll_param": param} if param else None)
        if status == 404:
            break
        assert status == 200, body
        yield from (("company", company["id"]) for company in body["data"])
        param = body["scroll_param"]
    past = int(time.time()) - 3 * DAY
    since = {
        "operator": "OR",
        "value": [
            {"field": "updated_at", "operator": ">", "value": past},
            {"field": "updated_at", "operator": "=", "value": past},
        ],
    }
    for contact in _searched(send, "/contacts/search", since, "data"):
        for field in ("tags", "companies"):  # the connector reads each contact's lists through their urls
            status, listed = send("GET", contact[field]["url"])
            assert status == 200, listed
        yield ("contact", contact["id"])
    clause = {"operator": "AND", "value": [since["value"][0], {"field": "id", "operator": ">", "value": ""}]}
    yield from (("conversation", c["id"]) for c in _searched(send, "/conversations/search", clause, "conversations"))


def _searched(send: Send, path: str, query: Any, key: str) -> Iterator[dict[str, Any]]:
    pagination: dict[str, Any] = {"per_page": 50}
    while True:
        status, body = send("POST", path, json={"query": query, "pagination": pagination})
        assert status == 200, body
        yield from body[key]
        following = (body.get("pages") or {}).get("next")
        if not following:
            return
        pagination = {**pagination, "starting_after": following["starting_after"]}


def _emitted_once(records: list[tuple[str, str]], expected: dict[str, set[str]]) -> None:
    assert [record for record, count in Counter(records).items() if count > 1] == []
    for stream, ids in expected.items():
        assert {identifier for kind, identifier in records if kind == stream} == ids, stream


def test_a_requests_based_sync_against_the_loopback_fake_emits_every_record_once_and_ends() -> None:
    seeded, expected = _seeded()
    with MockServer(seeded) as server, requests.Session() as session:
        base = server.base_urls["us"]

        def send(method: str, path: str, **options: Any) -> tuple[int, Any]:
            response = session.request(method, base + path, headers=HEADERS, timeout=10, **options)
            return response.status_code, response.json()

        records = list(sync(send))
        status, listed = send("GET", "/conversations")
    assert status == 200
    _emitted_once(records, expected)
    assert {c["id"] for c in listed["data"]} == expected["conversation"]  # 2.12's schema lists them under data
    assert [e for e in seeded.exchanges if e.violation is not None] == []


def test_the_same_sync_over_httpx_through_intercom_mock() -> None:
    seeded, expected = _seeded()
    with IntercomMock(seeded) as mock, httpx.Client(base_url="https://api.intercom.io", headers=HEADERS) as client:

        def send(method: str, path: str, **options: Any) -> tuple[int, Any]:
            response = client.request(method, path, **options)
            return response.status_code, response.json()

        records = list(sync(send))
    _emitted_once(records, expected)
    assert mock.breaches == []
    assert any("compared with '>'" in note for e in mock.undocumented for note in e.undocumented)


def test_the_official_sdk_scrolls_every_company() -> None:
    intercom = pytest.importorskip("intercom")
    seeded, expected = _seeded()
    with IntercomMock(seeded) as mock:
        scrolled = [company.id for company in intercom.Intercom(token="dummy-sdk-token").companies.scroll()]
    assert sorted(scrolled) == sorted(expected["company"])
    assert len(scrolled) == 80
    assert mock.breaches == []
