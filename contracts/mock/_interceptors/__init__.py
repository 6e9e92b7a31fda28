"""intercom_mock for every common Python HTTP client, and a guard so that nothing else reaches Intercom.

httpx is intercepted by respx (contracts/mock/router.py). The others are hooked at the lowest layer each exposes, so
that what the client does with an answer stays the client's (retries, raise_for_status, HTTPError, timeouts):

- urllib3 (and requests, which sends through it): `HTTPConnectionPool._make_request`, urllib3 2.x;
- urllib.request and http.client: `HTTPConnection.connect` / `HTTPSConnection.connect` hand the connection a
  socket that answers as the fake (no socket is opened);
- aiohttp: `TCPConnector._create_connection` hands aiohttp a transport that answers as the fake (no DNS, no TCP).

The guard (`guard.py`) stops any other connection to an Intercom host (getaddrinfo, socket connect, TLS with
Intercom's name), and with other_hosts="refuse" to any host off loopback. A client library that is not installed
is not imported: it costs nothing. The hooks are installed when the first mock starts and removed when the last
one stops.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable
from typing import TYPE_CHECKING

from .core import CLIENTS, NotIntercepted, pop, push, route_the_rest

if TYPE_CHECKING:
    from .._router import IntercomMock

__all__ = ["CLIENTS", "NotIntercepted", "route_the_rest", "start", "stop"]

# (the client library, the module of ours hooking it)
_CLIENTS = (("urllib3", "via_urllib3"), ("aiohttp", "via_aiohttp"))
_undo: list[Callable[[], None]] = []


def start(mock: IntercomMock) -> None:
    if push(mock):
        _install()


def stop(mock: IntercomMock) -> None:
    if pop(mock):
        while _undo:
            _undo.pop()()


def _install() -> None:
    from . import guard, via_http_client

    _undo.append(guard.install())
    _undo.append(via_http_client.install())
    for library, module in _CLIENTS:
        if _installed(library):
            try:
                hook = importlib.import_module(f"{__name__}.{module}")
            except ImportError:  # a broken or partial install: its traffic is left to the guard, which refuses it
                continue
            _undo.append(hook.install())


_found: dict[str, bool] = {}


def _installed(library: str) -> bool:
    if library not in _found:
        _found[library] = importlib.util.find_spec(library) is not None
    return _found[library]
