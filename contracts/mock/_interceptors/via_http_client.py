"""http.client, and urllib.request which sends through it: a connection to a host the mock serves is handed a
socket that answers as the fake instead of being opened. http.client writes and parses HTTP/1.1 itself, so what it
does with an answer stays its own: `urlopen`'s `HTTPError` on a 4xx, redirects (the fake sends none), keep-alive.

A slow answer past the connection's timeout raises `TimeoutError` (socket.timeout) where the read would, as a
real socket does. Supported: the standard library of Python >= 3.10.
"""

from __future__ import annotations

import functools
import http.client
import io
import ssl
import urllib.request
from collections.abc import Callable
from typing import Any

from .core import (
    DEFAULT_PORTS,
    Origin,
    WireRequests,
    active,
    answer_writes,
    origins,
    refused,
    wants,
)

__all__ = ["install"]

CLIENT = "urllib.request/http.client"


def install() -> Callable[[], None]:
    plain, secure = http.client.HTTPConnection.connect, http.client.HTTPSConnection.connect
    do_open = urllib.request.AbstractHTTPHandler.do_open

    def do_open_served(self: Any, http_class: Any, request: Any, **connection_args: Any) -> Any:
        # urllib builds an HTTPSConnection per request, each loading the CA store into a new TLS context (tens of
        # ms); a connection the fake answers never uses it: one context serves them all.
        if connection_args.get("context") is None and issubclass(http_class, http.client.HTTPSConnection):
            mock = active()
            if mock is not None and wants(mock, request.full_url):
                connection_args["context"] = _unused_context()
        return do_open(self, http_class, request, **connection_args)

    urllib.request.AbstractHTTPHandler.do_open = do_open_served  # type: ignore[method-assign,assignment]

    def connect_plain(self: http.client.HTTPConnection) -> None:
        if not _answered(self, "http"):
            plain(self)

    def connect_secure(self: http.client.HTTPSConnection) -> None:
        if not _answered(self, "https"):
            secure(self)

    http.client.HTTPConnection.connect = connect_plain  # type: ignore[method-assign]
    http.client.HTTPSConnection.connect = connect_secure  # type: ignore[method-assign,assignment]

    def undo() -> None:
        urllib.request.AbstractHTTPHandler.do_open = do_open  # type: ignore[method-assign]
        http.client.HTTPConnection.connect = plain  # type: ignore[method-assign]
        http.client.HTTPSConnection.connect = secure  # type: ignore[method-assign]

    return undo


@functools.cache
def _unused_context() -> ssl.SSLContext:
    return ssl.create_default_context()


def _answered(connection: http.client.HTTPConnection, scheme: str) -> bool:
    """Hand the connection an answering socket when the mock serves its host; refuse what may not leave."""
    mock = active()
    if mock is None:
        return False
    tunnel = getattr(connection, "_tunnel_host", None)  # through a proxy (urllib's https_proxy): the host beyond it
    host = (tunnel or connection.host).lower()
    port = (getattr(connection, "_tunnel_port", None) if tunnel else connection.port) or DEFAULT_PORTS[scheme]
    served = Origin(scheme, host, port) in origins(mock)
    if not served and not refused(mock, host):
        return False
    # A host refused gets the answering socket too: it refuses the request when sent, its path known then.
    shown = host if port == DEFAULT_PORTS[scheme] else f"{host}:{port}"
    connection.sock = AnsweringSocket(mock, f"{scheme}://{shown}", connection.timeout)
    return True


class AnsweringSocket:
    """A socket as http.client uses one: what is sent is read as requests, what is read is the fake's answers."""

    def __init__(self, mock: Any, origin: str, timeout: Any):
        self._mock, self._origin = mock, origin
        self._timeout = timeout if isinstance(timeout, (int, float)) else None
        self._requests = WireRequests()
        self.pending = bytearray()  # answers not read yet
        self.timed_out = False

    def sendall(self, data: Any) -> None:
        for answer in answer_writes(self._mock, CLIENT, self._origin, self._requests, bytes(data), self._timeout):
            if answer is None:
                self.timed_out = True
            else:
                self.pending += answer

    def send(self, data: Any) -> int:
        self.sendall(data)
        return len(data)

    def makefile(self, mode: str = "rb", *args: Any, **kwargs: Any) -> io.BufferedReader:
        return io.BufferedReader(_Answers(self))

    def settimeout(self, timeout: float | None) -> None:
        self._timeout = timeout

    def gettimeout(self) -> float | None:
        return self._timeout

    def setsockopt(self, *args: Any) -> None:
        pass

    def close(self) -> None:
        pass  # a response still reading keeps its answer (urllib.request closes the socket before reading)


class _Answers(io.RawIOBase):
    def __init__(self, socket: AnsweringSocket):
        self._socket = socket

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        if self._socket.timed_out and not self._socket.pending:
            self._socket.timed_out = False
            raise TimeoutError("timed out")
        size = min(len(buffer), len(self._socket.pending))
        buffer[:size] = self._socket.pending[:size]
        del self._socket.pending[:size]
        return size
