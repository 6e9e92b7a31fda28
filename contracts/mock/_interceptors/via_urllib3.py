"""urllib3 2.x (and requests, whose adapters send through it): the pool's `_make_request`, one request on one
connection taken from the pool, is answered by the fake. `urlopen` around it still runs: urllib3's `Retry` (and a
requests adapter's), redirects (the fake sends none), releasing the connection. The connection is never opened.

A slow answer past the read timeout raises urllib3's `ReadTimeoutError`, as `_make_request` does; requests turns
it into its `ReadTimeout`. Supported: urllib3 >= 2.0 (the `_make_request` of 2.0 to 2.x; 1.26 lays the pool out
otherwise and is refused by the guard, never let through).
"""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import httpx
import urllib3
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import ReadTimeoutError
from urllib3.response import HTTPResponse

from .core import DEFAULT_PORTS, active, request_of, route, serve, wants

__all__ = ["install"]

CLIENT = "urllib3 (requests)"


def install() -> Callable[[], None]:
    if int(str(getattr(urllib3, "__version__", "2")).split(".")[0]) < 2:
        return lambda: None  # 1.x: left to the guard, which refuses it
    original = HTTPConnectionPool._make_request

    def _make_request(self: HTTPConnectionPool, conn: Any, method: str, url: str, *args: Any, **kwargs: Any) -> Any:
        target = url if url.startswith(("http://", "https://")) else _origin(self) + url  # absolute: a forward proxy
        mock, decision = route(CLIENT, target)
        if mock is None or decision == "pass":
            return original(self, conn, method, url, *args, **kwargs)
        return _answer(self, mock, method, target, url, *args, **kwargs)

    HTTPConnectionPool._make_request = _make_request  # type: ignore[method-assign]
    prepare_proxy = HTTPSConnectionPool._prepare_proxy

    def _prepare_proxy(self: HTTPSConnectionPool, conn: Any) -> None:
        # Through an https proxy (requests' HTTPS_PROXY) the tunnel is opened before the request: never to a host
        # the fake answers.
        mock = active()
        if mock is None or not wants(mock, _origin(self) + "/"):
            prepare_proxy(self, conn)

    HTTPSConnectionPool._prepare_proxy = _prepare_proxy  # type: ignore[method-assign]

    def undo() -> None:
        HTTPConnectionPool._make_request = original  # type: ignore[method-assign]
        HTTPSConnectionPool._prepare_proxy = prepare_proxy  # type: ignore[method-assign]

    return undo


def _answer(
    pool: HTTPConnectionPool,
    mock: Any,
    method: str,
    target: str,
    url: str,
    body: Any = None,
    headers: Any = None,
    retries: Any = None,
    timeout: Any = urllib3.util.Timeout.DEFAULT_TIMEOUT,
    chunked: bool = False,
    response_conn: Any = None,
    preload_content: bool = True,
    decode_content: bool = True,
    enforce_content_length: bool = True,
) -> HTTPResponse:
    read_timeout = pool._get_timeout(timeout).read_timeout
    request = request_of(
        method,
        target,
        dict(headers or {}).items(),
        _body_bytes(body),
        read_timeout if isinstance(read_timeout, (int, float)) else None,
    )
    try:
        response = serve(mock, request)
    except httpx.ReadTimeout:
        raise ReadTimeoutError(pool, url, f"Read timed out. (read timeout={read_timeout})") from None
    return HTTPResponse(
        body=io.BytesIO(response.content),
        headers=[(k.decode("latin-1"), v.decode("latin-1")) for k, v in response.headers.raw],  # type: ignore[arg-type]
        status=response.status_code,
        version=11,
        reason=response.reason_phrase,
        preload_content=preload_content,
        decode_content=decode_content,
        pool=pool,
        connection=response_conn,
        retries=retries,
        enforce_content_length=enforce_content_length,
        request_method=method,
        request_url=url,
    )


def _origin(pool: HTTPConnectionPool) -> str:
    host = pool.host if ":" not in pool.host else f"[{pool.host}]"
    port = "" if pool.port in (None, DEFAULT_PORTS.get(pool.scheme)) else f":{pool.port}"
    return f"{pool.scheme}://{host}{port}"


def _body_bytes(body: Any) -> bytes:
    """What urllib3 would send: bytes, text as UTF-8, a file read, an iterable's chunks joined."""
    if body is None:
        return b""
    if isinstance(body, (bytes, bytearray, memoryview)):
        return bytes(body)
    if isinstance(body, str):
        return body.encode("utf-8")
    if hasattr(body, "read"):
        data = body.read()
        return data.encode("utf-8") if isinstance(data, str) else bytes(data)
    return b"".join(chunk.encode("utf-8") if isinstance(chunk, str) else bytes(chunk) for chunk in body)
