"""The wire under a live run: one deadline per exchange, bodies read with a cap, proxies only where they belong.

- **Deadline**: httpx's timeouts apply per socket operation, so a server that drips its headers (or its body) a
  byte at a time never times out. Every socket operation here is clamped to the exchange's deadline, set when the
  first byte is sent; past it, the exchange fails.
- **Bounded bodies**: the raw body is read with a cap, then decoded here (identity, gzip, deflate) with a bound on
  what decompression may produce; stacked encodings (`gzip, gzip`) and unknown ones are refused, never expanded.
- **Proxies**: never taken from the environment implicitly. An https target may go through `HTTPS_PROXY` /
  `ALL_PROXY` (TLS end to end, the proxy sees no token); plain http (only ever loopback) is never proxied.
  `SSL_CERT_FILE`/`SSL_CERT_DIR` are not read: certificates are checked against certifi's bundle.
"""

from __future__ import annotations

import os
import ssl
import threading
import time
import zlib
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

import httpcore
import httpx

__all__ = [
    "MAX_RESPONSE_BYTES",
    "BodyTooLarge",
    "DeadlinePassed",
    "deadline",
    "live_transport",
    "lower_headers",
    "proxy_for",
    "read_body",
    "received_bytes",
]

MAX_RESPONSE_BYTES = 8 * 1024 * 1024
ACCEPT_ENCODING = "gzip, deflate"  # all this reader decodes; never br or zstd, whatever is installed
_LOOPBACK = ("localhost", "127.0.0.1", "::1")


class DeadlinePassed(httpx.TimeoutException):
    """The exchange took longer than its whole allowance (counted from the first byte sent)."""


class BodyTooLarge(httpx.DecodingError):
    """The answer (raw or decoded) exceeds the cap."""


_current = threading.local()


@contextmanager
def deadline(seconds: float) -> Iterator[float]:
    """Every socket operation of this thread, until the block ends, must finish within `seconds` from now."""
    previous = getattr(_current, "at", None)
    _current.at = time.monotonic() + seconds
    _current.received = 0
    try:
        yield _current.at
    finally:
        _current.at = previous


def received_bytes() -> int:
    """How many bytes the current exchange of this thread has read from the network so far."""
    return int(getattr(_current, "received", 0))


def _remaining(timeout: float | None, *, kind: type[Exception]) -> float | None:
    at: float | None = getattr(_current, "at", None)
    if at is None:
        return timeout
    left = at - time.monotonic()
    if left <= 0:
        raise kind("the exchange's deadline passed")
    return left if timeout is None else min(timeout, left)


class _DeadlineStream(httpcore.NetworkStream):
    def __init__(self, inner: httpcore.NetworkStream):
        self._inner = inner

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        data = self._inner.read(max_bytes, _remaining(timeout, kind=httpcore.ReadTimeout))
        _current.received = getattr(_current, "received", 0) + len(data)
        return data

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, _remaining(timeout, kind=httpcore.WriteTimeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(
        self, ssl_context: ssl.SSLContext, server_hostname: str | None = None, timeout: float | None = None
    ) -> httpcore.NetworkStream:
        limit = _remaining(timeout, kind=httpcore.ConnectTimeout)
        return _DeadlineStream(self._inner.start_tls(ssl_context, server_hostname, limit))

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


class _DeadlineBackend(httpcore.NetworkBackend):
    """httpcore's own sockets, each operation clamped to the thread's deadline."""

    def __init__(self) -> None:
        self._inner = httpcore.SyncBackend()

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        limit = _remaining(timeout, kind=httpcore.ConnectTimeout)
        return _DeadlineStream(self._inner.connect_tcp(host, port, limit, local_address, socket_options))

    def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None
    ) -> httpcore.NetworkStream:  # pragma: no cover - never used: targets are URLs
        raise httpcore.ConnectError("unix sockets are not a target")

    def sleep(self, seconds: float) -> None:  # pragma: no cover - only httpcore's retries sleep, and there are none
        self._inner.sleep(seconds)


def proxy_for(url: str, environ: dict[str, str] | None = None) -> str | None:
    """The proxy an https target may use (HTTPS_PROXY, else ALL_PROXY; NO_PROXY honoured); never for plain http."""
    env = os.environ if environ is None else environ
    target = httpx.URL(url)
    if target.scheme != "https" or target.host in _LOOPBACK:
        return None
    for name in ("NO_PROXY", "no_proxy"):
        for entry in env.get(name, "").split(","):
            entry = entry.strip().lstrip(".")
            if entry == "*" or (entry and (target.host == entry or target.host.endswith("." + entry))):
                return None
    for name in ("HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy"):
        if env.get(name, "").strip():
            return env[name].strip()
    return None


def live_transport(url: str, *, environ: dict[str, str] | None = None) -> httpx.HTTPTransport:
    """The transport of a live client for the server at `url`: deadline-bound sockets, an explicit proxy only."""
    context = httpx.create_ssl_context(trust_env=False)  # certifi's bundle; SSL_CERT_FILE does not change it
    transport = httpx.HTTPTransport(verify=context, trust_env=False)
    proxy = proxy_for(url, environ)
    # httpx builds its pool without a way to pass httpcore's network backend; the pool is rebuilt with the same
    # settings and ours (a test with a header-dripping server proves the deadline, so a change here is caught).
    transport._pool = httpcore.ConnectionPool(
        ssl_context=context,
        proxy=httpcore.Proxy(proxy, ssl_context=context) if proxy else None,
        network_backend=_DeadlineBackend(),
        retries=0,
    )
    return transport


def read_body(response: httpx.Response, *, limit: int = MAX_RESPONSE_BYTES) -> bytes:
    """The decoded body of a streamed response, at most `limit` bytes raw and decoded, before the deadline."""
    if response.is_stream_consumed:  # built in memory (an in-process transport): nothing left to bound
        return _capped(response.content, limit, response)
    decoder = _decoder(response.headers.get_list("content-encoding", split_commas=True), limit)
    chunks: list[bytes] = []
    raw = 0
    for chunk in response.iter_raw():
        raw += len(chunk)
        if raw > limit:
            raise BodyTooLarge(f"response body larger than {limit} bytes", request=response.request)
        chunks.append(decoder.feed(chunk))
        _remaining(None, kind=DeadlinePassed)  # a body trickling in resets the socket timeout, not the deadline
    chunks.append(decoder.flush())
    return _capped(b"".join(chunks), limit, response)


def _capped(body: bytes, limit: int, response: httpx.Response) -> bytes:
    if len(body) > limit:
        raise BodyTooLarge(f"response body larger than {limit} bytes once decoded", request=response.request)
    return body


class _Identity:
    def feed(self, data: bytes) -> bytes:
        return data

    def flush(self) -> bytes:
        return b""


class _Zlib:
    """gzip or deflate that refuses to produce more than `limit` bytes in all (a small bomb stays small)."""

    def __init__(self, encoding: str, limit: int):
        self._limit, self._produced, self._gzip = limit, 0, encoding == "gzip"
        self._object = zlib.decompressobj(zlib.MAX_WBITS | 16 if self._gzip else zlib.MAX_WBITS)
        self._first = True

    def feed(self, data: bytes) -> bytes:
        try:
            out = self._object.decompress(data, self._limit + 1 - self._produced)
        except zlib.error as error:
            if self._first and not self._gzip:  # deflate sent raw, without its zlib header (servers do this)
                self._object, self._first = zlib.decompressobj(-zlib.MAX_WBITS), False
                return self.feed(data)
            kind = "gzip" if self._gzip else "deflate"
            raise httpx.DecodingError(f"the body is not valid {kind}: {error}") from None
        self._first = False
        self._produced += len(out)
        if self._produced > self._limit or self._object.unconsumed_tail:
            raise BodyTooLarge(f"response body larger than {self._limit} bytes once decoded")
        return out

    def flush(self) -> bytes:
        return self._object.flush(self._limit + 1 - self._produced)


def _decoder(encodings: list[str], limit: int) -> _Identity | _Zlib:
    codings = [e.strip().lower() for e in encodings if e.strip() and e.strip().lower() != "identity"]
    if not codings:
        return _Identity()
    if len(codings) > 1:
        raise httpx.DecodingError(f"stacked content encodings ({', '.join(codings)}) are refused, not expanded")
    if codings[0] in ("gzip", "x-gzip"):
        return _Zlib("gzip", limit)
    if codings[0] == "deflate":
        return _Zlib("deflate", limit)
    raise httpx.DecodingError(f"content encoding {codings[0]!r} was not asked for ({ACCEPT_ENCODING})")


def lower_headers(headers: httpx.Headers) -> dict[str, str]:
    """Headers by lower-case name, repeated ones joined with ", " (as `headers.items()`, without its per-item cost)."""
    encoding = headers.encoding
    found: dict[str, str] = {}
    for key, value in headers.raw:
        name, text = key.decode(encoding).lower(), value.decode(encoding)
        found[name] = f"{found[name]}, {text}" if name in found else text
    return found
