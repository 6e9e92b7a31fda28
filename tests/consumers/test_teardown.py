"""The intercom_mock fixture's teardown for the clients beyond httpx: pytester runs proving the wiring once."""

from __future__ import annotations

import pytest


def test_a_requests_breach_fails_at_teardown_with_the_breach_text(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
import requests

def test_sends_without_body(intercom_mock):
    message = {"message_type": "in_app", "from": {"type": "admin", "id": 991267390}, "to": {"type": "user", "id": "x"}}
    answer = requests.post("https://api.intercom.io/messages", json=message,
                           headers={"Authorization": "Bearer dummy-token-123", "Intercom-Version": "2.11"})
    assert answer.status_code == 400   # the code under test "handles" it
    assert len(intercom_mock.requests) == 1
"""
    )
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1, errors=1)
    result.stdout.fnmatch_lines(
        [
            "*ERROR at teardown of test_sends_without_body*",
            "1 request(s) broke the Intercom contract (Intercom would refuse them):",
            "1. POST https://api.intercom.io/messages (createMessage, version 2.11)",
            "   Rule: required at $: 'body' is a required property",
        ]
    )
    assert "dummy-token-123" not in result.stdout.str()


def test_an_escape_swallowed_by_the_code_fails_at_teardown_in_one_line(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
import asyncio
import aiohttp

async def fetch():
    async with aiohttp.ClientSession() as session:
        await session.get("https://app.intercom.io/a/apps")

def test_escape(intercom_mock):
    try:
        asyncio.run(fetch())
    except Exception:
        pass   # the code under test swallows every failure
"""
    )
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1, errors=1)
    result.stdout.fnmatch_lines(
        [
            "*ERROR at teardown of test_escape*",
            "not intercepted: a request by aiohttp to app.intercom.io/a/apps while intercom_mock is active; it was"
            " stopped before leaving the machine. Use one of httpx, requests, urllib3, urllib.request/http.client,"
            " aiohttp, or open an issue naming the client",
        ]
    )
