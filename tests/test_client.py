"""The HTTP client: no retry but 429, bounded waits, pacing, redirects not followed, one-line transport failures."""

from __future__ import annotations

import httpx
import pytest

from contracts.live import IntercomClient, Pacing, TransportFailure

from .loopback import FakeTime


def _client(handler: object, pacing: Pacing | None = None, *, timeout: float = 10.0) -> IntercomClient:
    return IntercomClient(
        region="eu",
        base_url="https://api.eu.intercom.io",
        token="secret-token",
        version="2.11",
        transport=httpx.MockTransport(handler),  # type: ignore[arg-type]
        pacing=pacing,
        timeout=timeout,
    )


def test_a_server_error_is_never_retried() -> None:
    sent: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(500, json={"type": "error.list", "errors": [{"code": "server_error"}]})

    assert _client(handler).request("POST", "/messages", payload={"body": "x"}).status == 500
    assert len(sent) == 1


def test_a_429_is_waited_out_by_retry_after_then_sent_again() -> None:
    time = FakeTime(digits=3)
    answers = [httpx.Response(429, headers={"Retry-After": "3"}), httpx.Response(200, json={})]
    sent: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return answers[len(sent) - 1]

    exchange = _client(handler, Pacing(clock=time.clock, sleep=time.sleep)).request("POST", "/messages", payload={})
    assert exchange.status == 200
    assert len(sent) == 2
    assert time.slept == [3.0]


def test_without_retry_after_the_reset_header_is_used() -> None:
    time = FakeTime(digits=3)
    reset = str(int(time.now) + 7)
    answers = [
        httpx.Response(429, headers={"X-RateLimit-Reset": reset, "X-RateLimit-Remaining": "0"}),
        httpx.Response(200, json={}),
    ]

    def handler(request: httpx.Request) -> httpx.Response:
        return answers.pop(0)

    assert _client(handler, Pacing(clock=time.clock, sleep=time.sleep)).request("GET", "/me").status == 200
    assert time.slept == [7.0]


def test_waits_are_bounded_and_the_429_is_then_the_answer() -> None:
    time = FakeTime(digits=3)

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(429, headers={"Retry-After": "25"})

    pacing = Pacing(max_wait=60, clock=time.clock, sleep=time.sleep)
    assert _client(handler, pacing).request("GET", "/me").status == 429
    assert time.slept == [10.0, 10.0, 10.0]  # each pause at most one window; at most max_retries sends again
    pacing = Pacing(max_wait=25, clock=time.clock, sleep=time.sleep)
    time.slept.clear()
    assert _client(handler, pacing).request("GET", "/me").status == 429
    assert time.slept == [10.0, 10.0]  # a third pause would pass the run's total


def test_requests_are_paced_when_the_window_is_spent() -> None:
    time = FakeTime(digits=3)
    reset = str(int(time.now) + 4)

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={}, headers={"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": reset})

    client = _client(handler, Pacing(clock=time.clock, sleep=time.sleep))
    client.request("GET", "/me")
    assert time.slept == []
    client.request("GET", "/me")
    assert time.slept == [4.0]


def test_redirects_are_not_followed() -> None:
    sent: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(str(request.url))
        return httpx.Response(302, headers={"Location": "https://evil.example/steal"})

    exchange = _client(handler).request("GET", "/me")
    assert exchange.status == 302
    assert sent == ["https://api.eu.intercom.io/me"]


def test_a_timeout_is_one_line_and_later_requests_fail_at_once() -> None:
    calls: list[int] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(1)
        raise httpx.ReadTimeout("timed out", request=request)

    client = _client(handler, timeout=0.5)
    with pytest.raises(TransportFailure) as raised:
        client.request("POST", "/messages", payload={})
    assert str(raised.value) == (
        "region eu, version 2.11: POST https://api.eu.intercom.io/messages: timed out after 0.5s (ReadTimeout)"
    )
    with pytest.raises(TransportFailure, match=r"not sent: timed out after 0.5s .* earlier in this run"):
        client.request("GET", "/me")
    assert len(calls) == 1


def test_a_huge_body_is_cut_off() -> None:
    from contracts.live import _client as module

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=b"x" * (module.MAX_RESPONSE_BYTES + 1))

    with pytest.raises(TransportFailure, match="response body larger than"):
        _client(handler).request("GET", "/me")
