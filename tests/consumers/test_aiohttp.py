"""aiohttp's ClientSession through intercom_mock: raise_for_status, its timeouts and its pool stay aiohttp's."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from contracts.mock import IntercomMock

from . import scenarios

aiohttp = pytest.importorskip("aiohttp")


async def _send(method: str, url: str, body: Any, headers: dict[str, str], timeout: float | None) -> tuple[int, Any]:
    async with (
        aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=timeout)) as session,
        session.request(method, url, json=body, headers=headers) as response,
    ):
        return response.status, scenarios.decoded(await response.read())


def send(method: str, url: str, body: Any, headers: dict[str, str], timeout: float | None) -> tuple[int, Any]:
    return asyncio.run(_send(method, url, body, headers, timeout))


def test_happy_path() -> None:
    scenarios.happy_path(send)


def test_one_session_keeps_its_connection_to_the_fake() -> None:
    async def main() -> list[int]:
        connector = aiohttp.TCPConnector()
        async with aiohttp.ClientSession(connector=connector) as session:
            statuses = []
            for _ in range(3):
                async with session.get(f"{scenarios.US}/me", headers=scenarios.headers()) as response:
                    statuses.append(response.status)
                    assert (await response.json())["type"] == "admin"
            assert sum(len(held) for held in connector._conns.values()) == 1  # one kept-alive connection, reused
            return statuses

    with IntercomMock.from_settings() as mock:
        assert asyncio.run(main()) == [200, 200, 200]
    assert len(mock.requests) == 3


def test_body_left_out_is_a_breach() -> None:
    scenarios.body_left_out(send)


def test_a_token_other_than_the_pinned_one_is_a_breach() -> None:
    scenarios.token_mismatch(send)


def test_a_slow_answer_raises_aiohttps_own_timeout() -> None:
    scenarios.slow_answer(send, asyncio.TimeoutError)


def test_raise_for_status_is_aiohttps_own() -> None:
    async def main() -> None:
        async with aiohttp.ClientSession(raise_for_status=True) as session:
            with pytest.raises(aiohttp.ClientResponseError) as raised:
                await session.get(f"{scenarios.US}/contacts/nobody", headers=scenarios.headers())
            assert raised.value.status == 404

    with IntercomMock.from_settings() as mock:
        asyncio.run(main())
    assert [e.response.status for e in mock.requests] == [404]
