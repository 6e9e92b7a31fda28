"""Nothing gets past intercom_mock to Intercom: a request no hook serves, by any client, raw sockets included, is
stopped before it leaves, with one line naming the client, host and path, and fails the test at teardown even when
the code under test swallowed the exception. other_hosts="refuse" refuses every client's traffic off loopback."""

from __future__ import annotations

import asyncio
import contextlib
import socket
import ssl
import urllib.error
import urllib.request
from collections.abc import Callable
from typing import Any

import aiohttp
import httpx
import pytest
import requests
import urllib3

from contracts.mock import FakeIntercom, IntercomMock, MockServer
from contracts.mock._interceptors import NotIntercepted

from . import scenarios, test_aiohttp, test_httpx, test_requests, test_urllib, test_urllib3

SENDERS: dict[str, scenarios.Send] = {
    "httpx": test_httpx.send,
    "httpx async": test_httpx.send_async,
    "requests": test_requests.send,
    "urllib3": test_urllib3.send,
    "urllib.request": test_urllib.send,
    "aiohttp": test_aiohttp.send,
}
NAMED = {  # the client as the refusal names it
    "httpx": "httpx",
    "httpx async": "httpx",
    "requests": "urllib3 (requests)",
    "urllib3": "urllib3 (requests)",
    "urllib.request": "urllib.request/http.client",
    "aiohttp": "aiohttp",
}


def _raw_https_get(host: str) -> None:
    """A client no hook knows: HTTPS by hand over a socket."""
    with (
        socket.create_connection((host, 443), timeout=1) as raw,
        ssl.create_default_context().wrap_socket(raw, server_hostname=host) as tls,
    ):
        tls.sendall(f"GET /me HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer x\r\n\r\n".encode())


def test_a_raw_socket_and_tls_request_to_intercom_never_leaves_and_fails_the_test() -> None:
    with IntercomMock.from_settings() as mock:
        with pytest.raises(NotIntercepted) as raised:
            _raw_https_get("api.intercom.io")
        with contextlib.suppress(Exception):  # code under test swallowing the failure: the teardown report has it
            _raw_https_get("api.au.intercom.io")
    assert str(raised.value).startswith(
        "not intercepted: a request by socket (a client no hook knows) to api.intercom.io while intercom_mock is active"
    )
    assert "Use one of httpx, requests, urllib3, urllib.request/http.client, aiohttp, or open an issue" in str(
        raised.value
    )
    report = mock.breach_report()
    assert report is not None
    assert [line.split(" while ")[0] for line in report.splitlines()] == [
        "not intercepted: a request by socket (a client no hook knows) to api.intercom.io",
        "not intercepted: a request by socket (a client no hook knows) to api.au.intercom.io",
    ]


def test_a_socket_connected_by_name_or_by_address_with_tls_naming_intercom_is_stopped() -> None:
    with IntercomMock.from_settings(), socket.socket() as raw:
        with pytest.raises(NotIntercepted, match=r"to api\.eu\.intercom\.io "):
            raw.connect(("api.eu.intercom.io", 443))
        left, right = socket.socketpair()  # connected without a name: TLS naming Intercom's host is the last gate
        with left, right, pytest.raises(NotIntercepted, match=r"to app\.intercom\.io "):
            ssl.create_default_context().wrap_socket(left, server_hostname="app.intercom.io")


@pytest.mark.parametrize("client", sorted(SENDERS))
def test_an_intercom_host_no_base_serves_is_stopped_whatever_the_client(client: str) -> None:
    with IntercomMock.from_settings() as mock, pytest.raises(NotIntercepted) as raised:
        SENDERS[client]("GET", "https://app.intercom.io/a/apps", None, scenarios.headers(), 1)
    assert str(raised.value).startswith(f"not intercepted: a request by {NAMED[client]} to app.intercom.io/a/apps ")
    assert mock.requests == []
    assert mock.breach_report() == str(raised.value)


@pytest.fixture
def sockets_opened(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Every name looked up and every socket connect, beneath the mock's guard (installed after this)."""
    opened: list[Any] = []
    lookup, connect = socket.getaddrinfo, socket.socket.connect

    def recorded_lookup(host: Any, *args: Any, **kwargs: Any) -> Any:
        opened.append(host)
        return lookup(host, *args, **kwargs)

    def recorded_connect(self: socket.socket, address: Any) -> None:
        opened.append(address)
        connect(self, address)

    monkeypatch.setattr(socket, "getaddrinfo", recorded_lookup)
    monkeypatch.setattr(socket.socket, "connect", recorded_connect)
    return opened


@pytest.mark.parametrize("client", sorted(SENDERS))
def test_no_request_of_any_client_reaches_a_socket(client: str, sockets_opened: list[Any]) -> None:
    scenarios.happy_path(SENDERS[client])
    scenarios.happy_path(SENDERS[client], base=scenarios.EU)
    socket.getaddrinfo("127.0.0.1", 80)  # what the record would hold had any client looked a name up
    assert sockets_opened == ["127.0.0.1"]


REFUSED = {
    "requests": lambda: requests.get("https://example.com/x", timeout=1),
    "urllib3": lambda: urllib3.PoolManager().request("GET", "https://example.com/x", retries=False),
    "urllib.request": lambda: urllib.request.urlopen("https://example.com/x", timeout=1),
    "aiohttp": lambda: asyncio.run(_aiohttp_get("https://example.com/x")),
    "httpx": lambda: httpx.get("https://example.com/x"),
    "socket": lambda: socket.create_connection(("example.com", 443), timeout=1),
}


async def _aiohttp_get(url: str) -> None:
    async with aiohttp.ClientSession() as session:
        await session.get(url)


@pytest.mark.parametrize("client", sorted(REFUSED))
def test_other_hosts_refuse_refuses_every_clients_traffic(client: str) -> None:
    with IntercomMock.from_settings(other_hosts="refuse") as mock, pytest.raises(NotIntercepted) as raised:
        REFUSED[client]()
    assert str(raised.value).startswith("refused: a request by ")
    assert f" to example.com{'' if client == 'socket' else '/x'}: " in str(raised.value)  # the path, when known
    assert "intercom_mock(other_hosts='refuse') lets no request leave for another host" in str(raised.value)
    assert mock.breach_report() == str(raised.value)


def test_other_hosts_refuse_keeps_loopback_open() -> None:
    fetchers: list[Callable[[str], int]] = [
        lambda url: requests.get(url, timeout=5).status_code,
        lambda url: urllib3.PoolManager().request("GET", url).status,
        lambda url: urllib.request.urlopen(url, timeout=5).status,
        lambda url: httpx.get(url).status_code,
    ]
    with MockServer(FakeIntercom()) as server, IntercomMock.from_settings(other_hosts="refuse") as mock:
        url = server.base_urls["us"] + "/me"  # no token: 401 from the loopback fake, whichever client asks
        statuses = [_status(fetch, url) for fetch in fetchers]
    assert mock.breach_report() is None
    assert statuses == [401] * len(fetchers)


def _status(fetch: Callable[[str], int], url: str) -> int:
    try:
        return fetch(url)
    except urllib.error.HTTPError as error:
        return error.code


def test_the_hooks_are_gone_when_the_mock_stops() -> None:
    with IntercomMock.from_settings():
        pass
    with pytest.raises(socket.gaierror):  # the real lookup (no network here): no NotIntercepted, nothing answered
        socket.getaddrinfo("api.intercom.io.invalid", 443)


DEAD_PROXY = "http://127.0.0.1:9"  # nothing listens: a client that tried the proxy would fail to connect


@pytest.mark.parametrize("client", sorted(SENDERS))
def test_behind_an_https_proxy_the_fake_still_answers_and_no_tunnel_is_opened(
    client: str, monkeypatch: pytest.MonkeyPatch, sockets_opened: list[Any]
) -> None:
    for name in ("HTTPS_PROXY", "https_proxy"):
        monkeypatch.setenv(name, DEAD_PROXY)
    if client == "aiohttp":  # aiohttp reads the environment's proxies only when asked
        monkeypatch.setattr(aiohttp.ClientSession, "__init__", _trusting_env(aiohttp.ClientSession.__init__))
    scenarios.happy_path(SENDERS[client])
    assert sockets_opened == []


def _trusting_env(init: Callable[..., None]) -> Callable[..., None]:
    def trusting(self: Any, *args: Any, **kwargs: Any) -> None:
        init(self, *args, **{**kwargs, "trust_env": True})

    return trusting
