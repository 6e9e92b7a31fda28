"""--intercom-record keeps what the code under test sent through intercom_mock, the same entries whichever client."""

from __future__ import annotations

import json
from typing import Any

import pytest

CLIENTS = """
import asyncio, json, urllib.request
import aiohttp, httpx, requests, urllib3

BASE = "https://api.intercom.io"
HEADERS = {"Authorization": "Bearer dummy-token-123", "Intercom-Version": "2.11", "Content-Type": "application/json"}
CONTACT = {"role": "user", "email": "jane@example.com"}

def test_httpx(intercom_mock):
    httpx.post(BASE + "/contacts", json=CONTACT, headers=HEADERS)
    httpx.get(BASE + "/me", headers=HEADERS)

def test_requests(intercom_mock):
    requests.post(BASE + "/contacts", json=CONTACT, headers=HEADERS)
    requests.get(BASE + "/me", headers=HEADERS)

def test_urllib3(intercom_mock):
    urllib3.request("POST", BASE + "/contacts", body=json.dumps(CONTACT).encode(), headers=HEADERS)
    urllib3.request("GET", BASE + "/me", headers=HEADERS)

def test_urllib(intercom_mock):
    data = json.dumps(CONTACT).encode()
    urllib.request.urlopen(urllib.request.Request(BASE + "/contacts", data=data, headers=HEADERS, method="POST"))
    urllib.request.urlopen(urllib.request.Request(BASE + "/me", headers=HEADERS))

def test_aiohttp(intercom_mock):
    async def main():
        async with aiohttp.ClientSession(headers=HEADERS) as session:
            await (await session.post(BASE + "/contacts", data=json.dumps(CONTACT))).read()
            await (await session.get(BASE + "/me")).read()
    asyncio.run(main())
"""


def _essence(entry: dict[str, Any]) -> tuple[Any, ...]:
    """What the code sent and what it was answered, without what each client adds (user agent, ids, times)."""
    request, response = entry["request"], entry["response"]
    headers = {h["name"].lower(): h["value"] for h in request["headers"]}
    answer = json.loads(response["content"]["text"])
    sent = json.loads(request["postData"]["text"]) if "postData" in request else None
    return (
        request["method"],
        request["url"],
        headers["authorization"],
        headers["intercom-version"],
        sent,
        response["status"],
        answer["type"],
        answer.get("email"),
    )


def test_every_clients_exchanges_are_recorded_alike(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(CLIENTS)
    har = pytester.path / "consumers.har"
    result = pytester.runpytest("-p", "no:cacheprovider", f"--intercom-record={har}")
    result.assert_outcomes(passed=5)
    entries = json.loads(har.read_text())["log"]["entries"]
    by_test: dict[str, list[tuple[Any, ...]]] = {}
    for entry in entries:
        by_test.setdefault(entry["_intercom"]["test"].rsplit("::", 1)[1], []).append(_essence(entry))
    assert sorted(by_test) == ["test_aiohttp", "test_httpx", "test_requests", "test_urllib", "test_urllib3"]
    expected = [
        (
            "POST",
            "https://api.intercom.io/contacts",
            "[redacted]",
            "2.11",
            {"role": "user", "email": "jane@example.com"},
            200,
            "contact",
            "jane@example.com",
        ),
        ("GET", "https://api.intercom.io/me", "[redacted]", "2.11", None, 200, "admin", "admin@example.com"),
    ]
    assert {test: entries for test, entries in by_test.items()} == dict.fromkeys(by_test, expected)
    assert "dummy-token-123" not in har.read_text()
