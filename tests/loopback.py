"""Helpers shared by the tests: a loopback listening socket with its accept loop, and a clock that never waits.

`Loopback` binds 127.0.0.1 on a free port; its accept loop runs in a thread from `with` to the end of the block,
then every connection it accepted is closed. Subclasses answer in `_handle` (tests/hostile.py, tests/wire.py).
"""

from __future__ import annotations

import contextlib
import socket
import threading
from typing import TypeVar

_L = TypeVar("_L", bound="Loopback")


class FakeTime:
    """A clock and a sleep for `Pacing` and the client: sleeping moves the clock and is recorded, never waited.

    `digits`: each recorded sleep rounded so (None: as asked, so their sum equals what the code added up)."""

    def __init__(self, digits: int | None = None) -> None:
        self.now = 1_800_000_000.0
        self.slept: list[float] = []
        self.digits = digits

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds if self.digits is None else round(seconds, self.digits))
        self.now += seconds


class Loopback:
    """A listening socket on 127.0.0.1 (a free port) whose accept loop runs in a thread until the `with` ends."""

    def __init__(self, backlog: int, *, poll: float = 0.1) -> None:
        self.listener = socket.socket()
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(backlog)
        self.listener.settimeout(poll)
        self.port = self.listener.getsockname()[1]
        self._stop = threading.Event()
        self._connections: list[socket.socket] = []
        self._thread = threading.Thread(target=self._accept, daemon=True)

    def __enter__(self: _L) -> _L:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        for connection in self._connections:
            with contextlib.suppress(OSError):
                connection.close()
        self.listener.close()

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                connection, _ = self.listener.accept()
            except OSError:
                continue
            self._connections.append(connection)
            self._handle(connection)

    def _handle(self, connection: socket.socket) -> None:
        """What to do with a connection accepted (the default: hold it open, answer nothing)."""
