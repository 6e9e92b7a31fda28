"""Hostile loopback servers for the live-safety tests: each answers as a test tells it and records what it got.

`HostileServer(behaviour)` parses each HTTP/1.1 request and answers `behaviour(request)`: status, headers and body,
optionally dripped a byte at a time (headers or body). `Recorder` is a socket that only records the raw bytes sent
to it (a proxy, to see what reaches it). Both bind 127.0.0.1 on a free port and stop on exit.
"""

from __future__ import annotations

import contextlib
import gzip
import json
import socket
import threading
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .loopback import Loopback


@dataclass
class Request:
    method: str
    path: str
    headers: dict[str, str]  # lower-case names
    body: bytes

    def json(self) -> Any:
        try:
            return json.loads(self.body)
        except ValueError:
            return None


@dataclass
class Answer:
    status: int = 200
    headers: dict[str, str] = field(default_factory=lambda: {"Content-Type": "application/json"})
    body: bytes = b"{}"
    drip_head: float = 0.0  # seconds between bytes of the status line and headers
    drip_body: float = 0.0  # seconds between bytes of the body


def json_answer(status: int, value: Any, **headers: str) -> Answer:
    return Answer(status, {"Content-Type": "application/json", **headers}, json.dumps(value).encode())


def message(request: Request) -> Answer:
    """A 200 Message for any request: a server that accepts everything."""
    sent = request.json() if isinstance(request.json(), dict) else {}
    kind = {"in_app": "inapp"}.get(sent.get("message_type"), sent.get("message_type") or "inapp")
    body = {"type": "user_message", "id": "1", "created_at": sent.get("created_at", 1), "body": sent.get("body", "x")}
    body["message_type"] = kind if kind in ("email", "inapp") else "inapp"
    if kind == "email":
        body["subject"] = sent.get("subject", "")
    headers = {
        "X-RateLimit-Limit": "1000",
        "X-RateLimit-Remaining": "999",
        "X-RateLimit-Reset": str(int(time.time()) + 10),
    }
    return json_answer(200, body, **headers)


def nested(encodings: tuple[str, ...], size: int) -> bytes:
    """`size` zero bytes compressed once per encoding, innermost first (a decompression bomb when stacked)."""
    data = b"\0" * size
    for encoding in encodings:
        data = gzip.compress(data, 9) if encoding == "gzip" else zlib.compress(data, 9)
    return data


class HostileServer(Loopback):
    def __init__(self, behaviour: Callable[[Request], Answer]):
        super().__init__(backlog=128)
        self.url = f"http://127.0.0.1:{self.port}"
        self.behaviour = behaviour
        self.requests: list[Request] = []

    def _handle(self, connection: socket.socket) -> None:
        threading.Thread(target=self._serve, args=(connection,), daemon=True).start()

    def _serve(self, connection: socket.socket) -> None:
        buffer = b""
        try:
            while not self._stop.is_set():
                while b"\r\n\r\n" not in buffer:
                    chunk = connection.recv(65536)
                    if not chunk:
                        return
                    buffer += chunk
                head, _, buffer = buffer.partition(b"\r\n\r\n")
                lines = head.decode("latin-1").split("\r\n")
                method, target, _ = lines[0].split(" ", 2)
                headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
                length = int(headers.get("content-length", "0") or 0)
                while len(buffer) < length:
                    chunk = connection.recv(65536)
                    if not chunk:
                        return
                    buffer += chunk
                body, buffer = buffer[:length], buffer[length:]
                request = Request(method, target, headers, body)
                self.requests.append(request)
                self._answer(connection, self.behaviour(request))
        except (OSError, ValueError):
            pass
        finally:
            with contextlib.suppress(OSError):
                connection.close()

    def _answer(self, connection: socket.socket, answer: Answer) -> None:
        head_lines = [f"HTTP/1.1 {answer.status} X"]
        head_lines += [f"{name}: {value}" for name, value in answer.headers.items()]
        if not any(name.lower() == "content-length" for name in answer.headers):
            head_lines.append(f"Content-Length: {len(answer.body)}")
        head = ("\r\n".join(head_lines) + "\r\n\r\n").encode("latin-1")
        if not (answer.drip_head or answer.drip_body):
            connection.sendall(head + answer.body)  # one write: no Nagle delay between head and body
            return
        self._send(connection, head, answer.drip_head)
        self._send(connection, answer.body, answer.drip_body)

    def _send(self, connection: socket.socket, data: bytes, drip: float) -> None:
        if not drip:
            connection.sendall(data)
            return
        for index in range(len(data)):
            if self._stop.is_set():
                return
            connection.sendall(data[index : index + 1])
            time.sleep(drip)


class Recorder(Loopback):
    """A listening socket that records every byte sent to it and answers nothing useful (a proxy's view)."""

    def __init__(self) -> None:
        super().__init__(backlog=16)
        self.url = f"http://127.0.0.1:{self.port}"
        self.received = bytearray()
        self.connections = 0

    def _handle(self, connection: socket.socket) -> None:
        self.connections += 1
        with connection:
            connection.settimeout(0.5)
            with contextlib.suppress(OSError):
                while chunk := connection.recv(65536):
                    self.received += chunk
                    if b"\r\n\r\n" in self.received:
                        connection.sendall(b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n")
                        break
