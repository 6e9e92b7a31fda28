"""The backstop while intercom_mock is active: no connection reaches an Intercom host unless a hook served it.

Whatever the client (one no hook knows, a raw socket), reaching a host takes a name lookup (`socket.getaddrinfo`,
which `create_connection` and asyncio use), a `connect` on a socket, or TLS naming the host (`server_hostname` of
`wrap_socket` / `wrap_bio`). Each is checked: an Intercom host (any *.intercom.io, the mock's base URL hosts) is
refused with one line, and with other_hosts="refuse" so is any host off loopback. Loopback stays open: tests and the
loopback fake use it.
"""

from __future__ import annotations

import socket
import ssl
from collections.abc import Callable
from typing import Any

from .core import active, refuse

__all__ = ["install"]

CLIENT = "socket (a client no hook knows)"


def _check(host: Any, port: Any = None) -> None:
    mock = active()
    if mock is None or not isinstance(host, (str, bytes)):
        return
    name = host.decode("ascii", "replace") if isinstance(host, bytes) else host
    refuse(mock, CLIENT, name if port in (None, 443, 80, "https", "http") else f"{name}:{port}")


def install() -> Callable[[], None]:
    getaddrinfo = socket.getaddrinfo
    connect, connect_ex = socket.socket.connect, socket.socket.connect_ex
    wrap_socket, wrap_bio = ssl.SSLContext.wrap_socket, ssl.SSLContext.wrap_bio

    def guarded_getaddrinfo(host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
        _check(host, port)
        return getaddrinfo(host, port, *args, **kwargs)

    def guarded_connect(self: socket.socket, address: Any) -> None:
        if isinstance(address, tuple):
            _check(address[0], address[1])
        connect(self, address)

    def guarded_connect_ex(self: socket.socket, address: Any) -> int:
        if isinstance(address, tuple):
            _check(address[0], address[1])
        return connect_ex(self, address)

    def guarded_wrap_socket(self: ssl.SSLContext, sock: Any, *args: Any, **kwargs: Any) -> Any:
        _check(kwargs.get("server_hostname", args[3] if len(args) > 3 else None))
        return wrap_socket(self, sock, *args, **kwargs)

    def guarded_wrap_bio(self: ssl.SSLContext, incoming: Any, outgoing: Any, *args: Any, **kwargs: Any) -> Any:
        _check(kwargs.get("server_hostname", args[1] if len(args) > 1 else None))
        return wrap_bio(self, incoming, outgoing, *args, **kwargs)

    socket.getaddrinfo = guarded_getaddrinfo
    socket.socket.connect = guarded_connect  # type: ignore[method-assign,assignment]
    socket.socket.connect_ex = guarded_connect_ex  # type: ignore[method-assign,assignment]
    ssl.SSLContext.wrap_socket = guarded_wrap_socket  # type: ignore[method-assign]
    ssl.SSLContext.wrap_bio = guarded_wrap_bio  # type: ignore[method-assign]

    def undo() -> None:
        socket.getaddrinfo = getaddrinfo
        socket.socket.connect, socket.socket.connect_ex = connect, connect_ex  # type: ignore[method-assign]
        ssl.SSLContext.wrap_socket, ssl.SSLContext.wrap_bio = wrap_socket, wrap_bio  # type: ignore[method-assign]

    return undo
