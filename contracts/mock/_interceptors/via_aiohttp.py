"""aiohttp's ClientSession: the TCP connector's `_create_connection` hands aiohttp, for a host the mock serves, a
transport that answers as the fake (no DNS lookup, no TCP, no TLS). aiohttp writes the request and parses the answer
itself, so what it does with it stays its own: `raise_for_status`, redirects (the fake sends none), its pool of
connections, its timeouts.

A slow answer is judged, then waited for in the loop's thread as respx's side effect waits for httpx; past the
session's timeout (`total` or `sock_read`) no answer comes and aiohttp's own timer raises its own exception.
Supported: aiohttp >= 3.9 (`TCPConnector._create_connection(req, traces, timeout)`, the same since 3.0).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable
from typing import Any

from aiohttp.connector import TCPConnector

from .core import WireRequests, answer_writes, route

__all__ = ["install"]

CLIENT = "aiohttp"


def install() -> Callable[[], None]:
    original = TCPConnector._create_connection

    async def _create_connection(self: TCPConnector, req: Any, traces: Any, timeout: Any) -> Any:
        url = req.url
        mock, decision = route(CLIENT, str(url))
        if mock is None or decision == "pass":
            return await original(self, req, traces, timeout)
        protocol = self._factory()
        origin = f"{url.scheme}://{url.raw_authority}"
        protocol.connection_made(AnsweringTransport(self._loop, protocol, mock, origin, _read_timeout(timeout)))
        return protocol

    TCPConnector._create_connection = _create_connection  # type: ignore[method-assign]

    def undo() -> None:
        TCPConnector._create_connection = original  # type: ignore[method-assign]

    return undo


def _read_timeout(timeout: Any) -> float | None:
    """What a slow answer may take before aiohttp gives up: the shortest of `total` and `sock_read` set."""
    limits = [t for t in (getattr(timeout, "total", None), getattr(timeout, "sock_read", None)) if t]
    return min(limits) if limits else None


class AnsweringTransport(asyncio.Transport):
    """A connection as aiohttp's protocol uses one: what is written is read as requests, answered as the fake."""

    def __init__(self, loop: asyncio.AbstractEventLoop, protocol: Any, mock: Any, origin: str, timeout: float | None):
        super().__init__()
        self._loop, self._protocol, self._mock, self._origin, self._timeout = loop, protocol, mock, origin, timeout
        self._requests = WireRequests()
        self._closing = False

    def write(self, data: Any) -> None:
        for answer in answer_writes(self._mock, CLIENT, self._origin, self._requests, bytes(data), self._timeout):
            if answer is not None:  # None: no answer, aiohttp's own timer fires
                self._loop.call_soon(self._deliver, answer)

    def writelines(self, chunks: Iterable[Any]) -> None:
        self.write(b"".join(bytes(chunk) for chunk in chunks))

    def _deliver(self, data: bytes) -> None:
        if not self._closing:
            self._protocol.data_received(data)

    def is_closing(self) -> bool:
        return self._closing

    def close(self) -> None:
        if not self._closing:
            self._closing = True
            self._loop.call_soon(self._protocol.connection_lost, None)

    def abort(self) -> None:
        self.close()

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        return default

    def can_write_eof(self) -> bool:
        return False

    def get_write_buffer_size(self) -> int:
        return 0

    def set_write_buffer_limits(self, high: int | None = None, low: int | None = None) -> None:
        pass

    def pause_reading(self) -> None:
        pass

    def resume_reading(self) -> None:
        pass

    def is_reading(self) -> bool:
        return not self._closing
