"""A loopback server that misbehaves at the transport level, one way per path segment (`/MODE/...`)."""

from __future__ import annotations

import socket
import ssl
import struct
import subprocess
import threading
import time
from pathlib import Path

from .loopback import Loopback

MODES = (
    "reset",  # headers, part of the body, then a TCP reset
    "drip",  # a valid start, then one byte every 0.2 s, forever
    "silent",  # the connection is accepted, nothing is ever answered
    "truncated-json",  # 200 application/json, a JSON text cut short (consistent Content-Length)
    "non-json",  # 200 text/plain
    "wrong-length",  # Content-Length larger than the body, then close
    "bad-gzip",  # Content-Encoding: gzip on a plain body
    "huge",  # a body far beyond the client's cap
    "redirect",  # 302 to another host
)


class MisbehavingServer(Loopback):
    def __init__(self, *, tls_context: ssl.SSLContext | None = None, redirect_to: str = "http://127.0.0.1:9/"):
        super().__init__(backlog=64, poll=0.2)
        self.redirect_to = redirect_to
        self.tls_context = tls_context

    def url(self, mode: str, region: str = "us") -> str:
        scheme = "https" if self.tls_context else "http"
        return f"{scheme}://127.0.0.1:{self.port}/{mode}/{region}"

    def _handle(self, connection: socket.socket) -> None:
        threading.Thread(target=self._serve, args=(connection,), daemon=True).start()

    def _serve(self, connection: socket.socket) -> None:
        try:
            if self.tls_context is not None:
                connection = self.tls_context.wrap_socket(connection, server_side=True)
            request = b""
            while b"\r\n\r\n" not in request:
                chunk = connection.recv(65536)
                if not chunk:
                    return
                request += chunk
            head, _, body = request.partition(b"\r\n\r\n")
            length = next(
                (
                    int(line.split(b":", 1)[1])
                    for line in head.split(b"\r\n")
                    if line.lower().startswith(b"content-length:")
                ),
                0,
            )
            while len(body) < length:  # read the whole request: closing on unread bytes would send a TCP reset
                chunk = connection.recv(65536)
                if not chunk:
                    return
                body += chunk
            mode = request.split(b" ", 2)[1].decode().strip("/").split("/")[0]
            self._answer(connection, mode)
        except (OSError, ssl.SSLError):
            pass

    def _answer(self, connection: socket.socket, mode: str) -> None:
        if mode == "silent":
            self._stop.wait()
            return
        if mode == "reset":
            connection.sendall(b'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 500\r\n\r\n{"ty')
            connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            connection.close()
            return
        if mode == "drip":
            connection.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n")
            while not self._stop.is_set():
                connection.sendall(b" ")
                time.sleep(0.2)
            return
        if mode == "huge":
            connection.sendall(
                b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100000000\r\n\r\n"
            )
            block = b" " * 65536
            for _ in range(100_000_000 // len(block)):
                if self._stop.is_set():
                    return
                connection.sendall(block)
            return
        answers = {
            "truncated-json": (b"200 OK", b"application/json", b'{"type": "user_message", "id": "1", "bo', None),
            "non-json": (b"200 OK", b"text/plain", b"OK", None),
            "wrong-length": (b"200 OK", b"application/json", b'{"type": "user_message"}', b"Content-Length: 4000"),
            "bad-gzip": (b"200 OK", b"application/json", b'{"type": "user_message"}', b"Content-Encoding: gzip"),
            "redirect": (b"302 Found", b"application/json", b"{}", b"Location: " + self.redirect_to.encode()),
        }
        status, kind, body, extra = answers[mode]
        head = [b"HTTP/1.1 " + status, b"Content-Type: " + kind, b"Connection: close"]
        head.append(extra if extra and extra.startswith(b"Content-Length") else b"Content-Length: %d" % len(body))
        if extra and not extra.startswith(b"Content-Length"):
            head.append(extra)
        connection.sendall(b"\r\n".join(head) + b"\r\n\r\n" + body)
        connection.close()


def self_signed_context(directory: Path) -> ssl.SSLContext | None:
    """A server TLS context with a fresh self-signed certificate, or None when openssl is unavailable."""
    key, cert = directory / "key.pem", directory / "cert.pem"
    try:
        subprocess.run(
            [
                "openssl",
                "req",
                "-x509",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-subj",
                "/CN=localhost",
                "-days",
                "1",
                "-keyout",
                str(key),
                "-out",
                str(cert),
            ],
            check=True,
            capture_output=True,
            timeout=60,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    return context
