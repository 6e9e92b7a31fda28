"""What every interceptor shares: which mock is active, where a URL goes, and the one way a request is answered.

A client's request becomes an `httpx.Request` and is answered by the active mock's dispatch, the path respx's side
effect takes: the same model, judgement, forced answers and faults, whichever client sent it. A request no hook
serves never leaves for an Intercom host: it is refused with one line naming the client, host and path, and kept
for the teardown report (the code under test may swallow the exception).
"""

from __future__ import annotations

import functools
import re
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import urlsplit

import httpx

from ...errors import IntercomContractsError

if TYPE_CHECKING:
    from .._router import IntercomMock

__all__ = ["CLIENTS", "NotIntercepted", "Origin", "active", "pop", "push", "refuse", "route", "serve", "wants"]

CLIENTS = "httpx, requests, urllib3, urllib.request/http.client, aiohttp"
LOOPBACK = frozenset({"localhost", "127.0.0.1", "::1", "0:0:0:0:0:0:0:1", "", "0.0.0.0", "::"})  # and "any": this host
DEFAULT_PORTS = {"http": 80, "https": 443}

Decision = Literal["serve", "pass"]


class NotIntercepted(IntercomContractsError, AssertionError):
    """A request intercom_mock neither answered nor let out (an Intercom host; any, with other_hosts='refuse')."""


@dataclass(frozen=True)
class Origin:
    scheme: str
    host: str
    port: int


_stack: list[IntercomMock] = []
_lock = threading.Lock()


def push(mock: IntercomMock) -> bool:
    """Make `mock` the active one; True when it is the first (the hooks are to be installed)."""
    with _lock:
        _stack.append(mock)
        return len(_stack) == 1


def pop(mock: IntercomMock) -> bool:
    """`mock` is no longer active; True when none is left (the hooks are to be removed)."""
    with _lock:
        if mock in _stack:
            _stack.remove(mock)
        return not _stack


def active() -> IntercomMock | None:
    return _stack[-1] if _stack else None


def is_loopback(host: str) -> bool:
    host = host.strip("[]").lower()
    return host in LOOPBACK or host.startswith("127.")


def is_intercom(host: str, mock: IntercomMock | None = None) -> bool:
    """Intercom's hosts (any *.intercom.io), and the hosts of the mock's own base URLs unless on loopback."""
    host = host.strip("[]").rstrip(".").lower()
    if host == "intercom.io" or host.endswith(".intercom.io"):
        return True
    return mock is not None and not is_loopback(host) and host in _hosts(mock)


def _hosts(mock: IntercomMock) -> set[str]:
    return {(urlsplit(base).hostname or "") for base in mock.base_urls.values()}


def origins(mock: IntercomMock) -> frozenset[Origin]:
    """The (scheme, host, port) the mock serves: a connection to one of them is answered, never opened."""
    return _origins(tuple(mock.base_urls.values()))


@functools.lru_cache(maxsize=64)
def _origins(bases: tuple[str, ...]) -> frozenset[Origin]:
    found = set()
    for base in bases:
        parts = urlsplit(base)
        scheme = parts.scheme.lower()
        found.add(Origin(scheme, (parts.hostname or "").lower(), parts.port or DEFAULT_PORTS.get(scheme, 0)))
    return frozenset(found)


def wants(mock: IntercomMock, url: str) -> bool:
    """The URL is under one of the mock's base URLs."""
    for base in mock.base_urls.values():
        if url.startswith(base) and url[len(base) : len(base) + 1] in ("", "/", "?"):
            return True
    return False


def route(client: str, url: str) -> tuple[IntercomMock | None, Decision]:
    """Where a client's request goes: served by the active mock, or passed on (raises NotIntercepted: refused)."""
    mock = active()
    if mock is None:
        return None, "pass"
    if wants(mock, _normal(url)):
        return mock, "serve"
    parts = urlsplit(url)
    refuse(mock, client, parts.hostname or "", parts.path or "/")
    return mock, "pass"


def _normal(url: str) -> str:
    """The URL with its default port left out and its host in lower case, as the base URLs are written."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if parts.port is not None and parts.port != DEFAULT_PORTS.get(parts.scheme.lower()):
        host = f"{host}:{parts.port}"
    return parts._replace(scheme=parts.scheme.lower(), netloc=host).geturl()


def refused(mock: IntercomMock, host: str) -> bool:
    """Whether `refuse` would raise for `host`."""
    return is_intercom(host, mock) or (mock.other_hosts == "refuse" and not is_loopback(host))


def refuse(mock: IntercomMock, client: str, host: str, path: str | None = None) -> None:
    """Raise NotIntercepted (and keep it for teardown) when `host` may not be reached while `mock` is active."""
    if is_intercom(host, mock):
        where = host + (path or "")
        problem = (
            f"not intercepted: a request by {client} to {where} while intercom_mock is active; it was stopped before "
            f"leaving the machine. Use one of {CLIENTS}, or open an issue naming the client"
        )
    elif mock.other_hosts == "refuse" and not is_loopback(host):
        problem = (
            f"refused: a request by {client} to {host}{path or ''}: intercom_mock(other_hosts='refuse') lets no "
            "request leave for another host"
        )
    else:
        return
    mock.escaped.append(problem)
    raise NotIntercepted(problem)


def serve(mock: IntercomMock, request: httpx.Request) -> httpx.Response:
    """The mock's answer, as the respx side effect gives it (httpx.ReadTimeout for a slow answer past the timeout)."""
    response: httpx.Response = mock._dispatch(request)
    return response


def request_of(
    method: str,
    url: str,
    headers: Iterable[tuple[Any, Any]],
    body: bytes,
    read_timeout: float | None,
) -> httpx.Request:
    """The client's request as httpx sees one; the read timeout as the slow-answer fault reads it."""
    return httpx.Request(
        method,
        url,
        headers=list(headers),
        content=body or None,
        extensions={"timeout": {"read": read_timeout}},
    )


def answer_writes(
    mock: IntercomMock, client: str, origin: str, requests: WireRequests, data: bytes, timeout: float | None
) -> Iterator[bytes | None]:
    """What a connection's client wrote, read as requests and each answered as the fake, as the bytes on the wire
    (None: no answer in time, so the client's own timer fires); a URL no base serves is refused."""
    for method, target, headers, body in requests.feed(data):
        url = target if target.startswith(("http://", "https://")) else origin + target
        if not wants(mock, url):
            refuse(mock, client, url.split("://", 1)[1].split("/", 1)[0], "/" + target.lstrip("/"))
        try:
            yield wire_bytes(serve(mock, request_of(method, url, headers, body, timeout)))
        except httpx.ReadTimeout:
            yield None


def wire_bytes(response: httpx.Response) -> bytes:
    """The answer as HTTP/1.1 puts it on the wire (Content-Length framing: the fake never streams)."""
    reason = response.reason_phrase or "Unknown"
    lines = [f"HTTP/1.1 {response.status_code} {reason}".encode("ascii")]
    body = response.content
    for name, value in response.headers.raw:
        if name.lower() not in (b"content-length", b"transfer-encoding"):
            lines.append(name + b": " + value)
    lines.append(b"content-length: " + str(len(body)).encode("ascii"))
    return b"\r\n".join(lines) + b"\r\n\r\n" + body


class WireRequests:
    """HTTP/1.1 requests read from the bytes a client writes, one after another.

    The plain framing every client here uses for a JSON API (a head, then a Content-Length body or none) is read
    directly: h11 costs about as much as the fake's whole answer. Anything else (chunked bodies, `Expect`, a head
    that does not read plainly) goes to h11, as a server reads it. The clients here wait for an answer before they
    send the next request: no pipelining to keep apart.
    """

    def __init__(self) -> None:
        self._buffer = b""
        self._head: tuple[str, str, list[tuple[bytes, bytes]], int] | None = None  # read, its body still coming
        self._h11: Any = None  # the h11 connection, once a request needed it

    def feed(self, data: bytes) -> list[tuple[str, str, list[tuple[bytes, bytes]], bytes]]:
        """Every request completed by `data`: method, target, headers, body."""
        if self._h11 is not None:
            return self._feed_h11(data)
        self._buffer += data
        done: list[tuple[str, str, list[tuple[bytes, bytes]], bytes]] = []
        while True:
            if self._head is None:  # the head, read once (http.client writes the body after it)
                head, found, rest = self._buffer.partition(b"\r\n\r\n")
                if not found:
                    return done
                self._head = _plain_head(head)
                if self._head is None:  # not the plain framing: h11 reads the rest of this connection
                    buffered, self._buffer = self._buffer, b""
                    return done + self._feed_h11(buffered)
                self._buffer = rest
            method, target, headers, length = self._head
            if len(self._buffer) < length:
                return done
            done.append((method, target, headers, self._buffer[:length]))
            self._buffer, self._head = self._buffer[length:], None

    def _feed_h11(self, data: bytes) -> list[tuple[str, str, list[tuple[bytes, bytes]], bytes]]:
        import h11

        if self._h11 is None:
            self._h11, self._event = h11.Connection(h11.SERVER), None
            self._body: list[bytes] = []
        done = []
        self._h11.receive_data(data)
        while True:
            event = self._h11.next_event()
            if isinstance(event, h11.Request):
                self._event, self._body = event, []
            elif isinstance(event, h11.Data):
                self._body.append(bytes(event.data))
            elif isinstance(event, h11.EndOfMessage) and self._event is not None:
                head = self._event
                headers = [(bytes(name), bytes(value)) for name, value in head.headers.raw_items()]
                done.append((head.method.decode("ascii"), head.target.decode("ascii"), headers, b"".join(self._body)))
                self._h11, self._event = h11.Connection(h11.SERVER), None  # the next request on this connection
            else:  # NEED_DATA, PAUSED, ConnectionClosed
                return done


_REQUEST_LINE = re.compile(rb"([A-Z]+) (\S+) HTTP/1\.[01]")
_FRAMING = (b"transfer-encoding", b"expect")


def _plain_head(head: bytes) -> tuple[str, str, list[tuple[bytes, bytes]], int] | None:
    """Method, target, headers and body length of a request head in the plain framing; None for anything else."""
    line, *fields = head.split(b"\r\n")
    request = _REQUEST_LINE.fullmatch(line)
    if request is None:
        return None
    headers, length = [], 0
    for field in fields:
        name, colon, value = field.partition(b":")
        if not colon or not name or name != name.strip() or name.lower() in _FRAMING:
            return None
        value = value.strip(b" \t")
        if name.lower() == b"content-length":
            if not value.isdigit():
                return None
            length = int(value)
        headers.append((name, value))
    return request[1].decode("ascii"), request[2].decode("ascii"), headers, length


INTERCOM_HOST = r"(^|\.)intercom\.io\.?$"
LOOPBACK_HOST = r"^(localhost|127\.\d+\.\d+\.\d+|::1|\[::1\])$"


def route_the_rest(router: Any, mock: IntercomMock) -> None:
    """httpx's requests no base URL serves, on the mock's respx router: to an Intercom host refused (one line
    naming httpx), to loopback passed through, to any other host passed through or (other_hosts="refuse") refused."""

    def refused(request: httpx.Request) -> httpx.Response:
        refuse(mock, "httpx", request.url.host, request.url.path)
        raise AssertionError("unreachable: refuse raises for every host routed here")  # pragma: no cover

    router.route(host__regex=INTERCOM_HOST).mock(side_effect=refused)
    router.route(host__regex=LOOPBACK_HOST).pass_through()
    if mock.other_hosts == "pass":
        router.route().pass_through()  # never swallow another host's traffic
    else:
        router.route().mock(side_effect=refused)
