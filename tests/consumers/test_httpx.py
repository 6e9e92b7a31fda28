"""httpx, sync and async (respx's side of intercom_mock), through the same scenarios as every other client."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx

from . import scenarios


def send(method: str, url: str, body: Any, headers: dict[str, str], timeout: float | None) -> tuple[int, Any]:
    with httpx.Client(timeout=timeout) as client:
        response = client.request(method, url, json=body, headers=headers)
    return response.status_code, scenarios.decoded(response.content)


def send_async(method: str, url: str, body: Any, headers: dict[str, str], timeout: float | None) -> tuple[int, Any]:
    async def main() -> httpx.Response:
        async with httpx.AsyncClient(timeout=timeout) as client:
            return await client.request(method, url, json=body, headers=headers)

    response = asyncio.run(main())
    return response.status_code, scenarios.decoded(response.content)


def test_happy_path() -> None:
    scenarios.happy_path(send)
    scenarios.happy_path(send_async)


def test_body_left_out_is_a_breach() -> None:
    scenarios.body_left_out(send)
    scenarios.body_left_out(send_async)


def test_a_token_other_than_the_pinned_one_is_a_breach() -> None:
    scenarios.token_mismatch(send)
    scenarios.token_mismatch(send_async)


def test_a_slow_answer_raises_httpx_read_timeout() -> None:
    scenarios.slow_answer(send, httpx.ReadTimeout)
    scenarios.slow_answer(send_async, httpx.ReadTimeout)
