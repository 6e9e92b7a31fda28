"""One POST of a notification to a team's handler: a WSGI app, an ASGI app, or an http(s) URL on loopback.

httpx carries every kind (its WSGI and ASGI transports run the app in this process), so the handler sees what a
real delivery looks like: the raw JSON body, `Content-Type`, `X-Hub-Signature`, Intercom's User-Agent. A URL is
never followed through a redirect, never proxied, and answers within a bound.
"""

from __future__ import annotations

import asyncio
import inspect
import ipaddress
import queue
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from ..errors import UsageError

__all__ = ["HandlerAnswer", "Target", "as_target", "post"]

_LOOPBACK_NAMES = ("localhost",)


@dataclass(frozen=True)
class HandlerAnswer:
    """What the handler answered: its status (None: no answer), body excerpt, seconds taken, transport error."""

    status: int | None
    body: str
    seconds: float
    error: str | None = None

    @property
    def accepted(self) -> bool:
        return self.status is not None and 200 <= self.status < 300

    def describe(self) -> str:
        if self.status is None:
            return f"no answer ({self.error})"
        excerpt = f": {self.body[:120]!r}" if self.body else ""
        return f"{self.status} after {self.seconds:.2f} s{excerpt}"


@dataclass(frozen=True)
class Target:
    """Where deliveries go: `kind` is wsgi, asgi or url; `app` the callable or the URL."""

    kind: str
    app: Any
    url: str

    def __str__(self) -> str:
        return (
            self.url
            if self.kind == "url"
            else f"{self.kind} app {getattr(self.app, '__name__', type(self.app).__name__)}"
        )


def as_target(target: Any, path: str = "/") -> Target:
    """A subscription's target, checked: a WSGI or ASGI callable (deliveries POST to `path` of the app), or an
    http(s) URL on loopback (UsageError otherwise)."""
    if isinstance(target, str):
        parts = urlsplit(target)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise UsageError(f"webhook target {target!r}: expected an http(s) URL, a WSGI app or an ASGI app")
        if not _is_loopback(parts.hostname):
            raise UsageError(
                f"webhook target {target!r}: deliveries go only to loopback (127.0.0.1, ::1, localhost); "
                "serve your handler there, or pass the WSGI/ASGI app itself"
            )
        return Target("url", target, target)
    if not callable(target):
        raise UsageError(f"webhook target {target!r}: expected an http(s) URL, a WSGI app or an ASGI app")
    if not path.startswith("/"):
        raise UsageError(f"webhook path {path!r}: expected an absolute path such as /intercom/webhooks")
    kind = "asgi" if _is_asgi(target) else "wsgi"
    return Target(kind, target, f"http://webhook.handler{path}")


def _is_loopback(host: str) -> bool:
    if host.lower() in _LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _is_asgi(app: Callable[..., Any]) -> bool:
    """ASGI apps are coroutine functions of (scope, receive, send); WSGI apps plain callables of two arguments."""
    call = app if inspect.isfunction(app) or inspect.ismethod(app) else getattr(app, "__call__", app)  # noqa: B004
    return inspect.iscoroutinefunction(call)


def post(target: Target, body: bytes, headers: Mapping[str, str], *, timeout: float) -> HandlerAnswer:
    """POST `body` to the handler within `timeout`; never raises for what the handler does (that is the answer).

    The handler runs on a daemon thread: one that never answers is reported as such and cannot hang the test.
    """
    started = time.perf_counter()
    outcome: queue.Queue[tuple[Any, BaseException | None]] = queue.Queue(maxsize=1)

    def send() -> None:
        try:
            outcome.put((_send(target, body, headers, timeout), None))
        except BaseException as error:  # the handler's own exception or the wire's: the delivery failed
            outcome.put((None, error))

    threading.Thread(target=send, name="webhook-delivery", daemon=True).start()
    try:
        response, error = outcome.get(timeout=timeout)
    except queue.Empty:
        return HandlerAnswer(None, "", time.perf_counter() - started, f"no answer within {timeout:g} s")
    seconds = time.perf_counter() - started
    if error is not None:
        return HandlerAnswer(None, "", seconds, f"{type(error).__name__}: {error}"[:300])
    return HandlerAnswer(response.status_code, response.content[:2000].decode("utf-8", "replace"), seconds)


def _send(target: Target, body: bytes, headers: Mapping[str, str], timeout: float) -> Any:
    import httpx

    if target.kind == "asgi":
        return asyncio.run(_post_asgi(target, body, headers, timeout))
    transport = httpx.WSGITransport(app=target.app) if target.kind == "wsgi" else None
    with httpx.Client(transport=transport, timeout=timeout, trust_env=False, follow_redirects=False) as client:
        response = client.post(target.url, content=body, headers=dict(headers))
        response.read()
        return response


async def _post_asgi(target: Target, body: bytes, headers: Mapping[str, str], timeout: float) -> Any:
    import httpx

    transport = httpx.ASGITransport(app=target.app)
    async with httpx.AsyncClient(transport=transport, timeout=timeout, base_url=target.url) as client:
        return await asyncio.wait_for(client.post(target.url, content=body, headers=dict(headers)), timeout)
