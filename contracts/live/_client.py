"""The HTTP client of a run: one per region and version, sending to the fake (in-process) or a live server.

Every transport failure becomes a `TransportFailure`, one line naming region, version, method, URL and cause.
On a live run every request passes the guard (methods, parties), every POST /messages reserves a message of the
run's budget first, every write of a flows run reserves one of the write ledger's cap first (and its answer tells the
ledger what was created or deleted), waits are decided by `Pacing`, and a request that could create something is
never sent twice: sent again (hypothesis replays a failing example to report it), it gets the answer recorded the
first time.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import time
from collections.abc import Callable
from dataclasses import replace
from typing import Any
from urllib.parse import urlsplit

import httpx

from .._transport import (
    ACCEPT_ENCODING,
    MAX_RESPONSE_BYTES,
    DeadlinePassed,
    deadline,
    live_transport,
    lower_headers,
    read_body,
    received_bytes,
)
from ..errors import IntercomContractsError
from ..exchange import Exchange
from ._budget import MessageBudget
from ._guard import CREATE_MESSAGE_ROUTE, LiveGuard, NotSent
from ._pacing import Pacing
from ._writes import READ_POSTS, WriteLedger, interrupts_deferred, is_write

__all__ = ["HttpExchange", "IntercomClient", "NotSent", "Pacing", "TransportFailure"]

_MISSING: Any = object()


class TransportFailure(IntercomContractsError):
    """The exchange could not happen (timeout, refused, TLS, unreadable body)."""

    def __init__(self, *, region: str, version: str | None, method: str, url: str, cause: str, attempted: bool = True):
        self.region, self.version, self.method, self.url, self.cause = region, version, method, url, cause
        self.attempted = attempted  # False: nothing left the client (the server was found unreachable before)
        super().__init__(str(self))

    def __str__(self) -> str:
        return f"region {self.region}, version {self.version or 'default'}: {self.method} {self.url}: {self.cause}"


HttpExchange = Exchange  # the toolkit's one exchange type (contracts.exchange), as the client names it


class IntercomClient:
    """Sends requests to one region's server with its token and an Intercom-Version header.

    Nothing is ever sent again but after a 429 (the server did not act on it), as `Pacing` allows. Once the server
    could not be reached, later requests to that region fail at once with the same cause instead of waiting out
    the timeout again. `guard` and `budget` are set on live runs, `ledger` on a live run's flows (see the module's
    docstring).
    """

    def __init__(
        self,
        *,
        region: str,
        base_url: str,
        token: str | None,
        version: str | None,
        timeout: float = 10.0,
        transport: httpx.BaseTransport | None = None,
        pacing: Pacing | None = None,
        guard: LiveGuard | None = None,
        budget: MessageBudget | None = None,
        ledger: WriteLedger | None = None,
    ):
        self.region, self.base_url, self.token, self.version = region, base_url.rstrip("/"), token, version
        self.timeout = timeout
        self.pacing = pacing or Pacing()
        self.guard, self.budget, self.ledger = guard, budget, ledger
        self.listeners: list[Callable[[HttpExchange], None]] = []  # told of every exchange (recording)
        # Requests already sent (or that failed on the way: they may have arrived), by content.
        self._sent: dict[str, HttpExchange | TransportFailure] = {}
        self._http = httpx.Client(
            timeout=timeout,
            transport=transport or live_transport(self.base_url),  # deadline-bound, no implicit proxy
            follow_redirects=False,
            trust_env=False,
        )
        if isinstance(getattr(self._http, "_cookies", None), httpx.Cookies):
            self._http._cookies = _NoCookies()  # httpx has no option for it (cookies= only seeds the jar)

    def close(self) -> None:
        self._http.close()

    def request(
        self,
        method: str,
        path: str,
        *,
        payload: Any = _MISSING,
        content: bytes | None = None,
        token: str | object | None = _MISSING,
        version: str | object | None = _MISSING,
        headers: dict[str, str] | None = None,
        share: str | None = None,
    ) -> HttpExchange:
        """Send; `token`/`version` override the client's (None: send no header); `headers` are added.

        `share` names the part of the message budget a live POST /messages is taken from first (see budget).
        Raises NotSent when a live safety rule keeps the request from being sent, TransportFailure when it failed.
        """
        method = method.upper()
        headers = {"Accept": "application/json", "Accept-Encoding": ACCEPT_ENCODING, **(headers or {})}
        chosen_token = self.token if token is _MISSING else token
        chosen_version = self.version if version is _MISSING else version
        if chosen_token is not None:
            headers["Authorization"] = f"Bearer {chosen_token}"
        if chosen_version is not None:
            headers["Intercom-Version"] = str(chosen_version)
        if payload is not _MISSING:
            content = json.dumps(payload, ensure_ascii=False).encode("utf-8")
        if content is not None:
            headers.setdefault("Content-Type", "application/json")
        url = self.base_url + path
        self._check_origin(url)
        shown_version = str(chosen_version) if chosen_version is not None else None
        route = (method, path.split("?", 1)[0].rstrip("/") or "/")
        if self.guard is not None:
            self.guard.admit(method, route[1], content, headers, path.partition("?")[2], region=self.region)
        # The request as the guard judged it (route and query), so that no other spelling of it is a new request.
        identity = f"{method} {route[1]}?{path.partition('?')[2]}"
        # A search is a read sent as a POST: asked again, it is answered again (the workspace may have changed).
        reads = method == "GET" or (method == "POST" and route[1] in READ_POSTS)
        key = self._key(identity, headers, content) if self.guard is not None and not reads else None
        if key is not None and key in self._sent:
            sent = self._sent[key]
            if isinstance(sent, TransportFailure):  # it may have reached the server all the same
                raise NotSent(f"the same request failed in transport before ({sent.cause}): never sent twice")
            exchange = _replayed(sent)
        else:
            creating = self.budget is not None and route == CREATE_MESSAGE_ROUTE
            ledger = self.ledger if self.ledger is not None and is_write(method, route[1]) else None
            # A write and its record in the ledger are one step: Ctrl-C while it is out takes effect once the ledger
            # knows what the answer created (the exchange is bounded by the timeout).
            with interrupts_deferred() if ledger is not None else contextlib.nullcontext():
                if ledger is not None:
                    ledger.reserve(method, route[1], region=self.region)
                if creating and not self.budget.take(share):  # type: ignore[union-attr]
                    raise NotSent(self.budget.exhausted())  # type: ignore[union-attr]
                # A transport failure propagates with the reservation spent: a message may have been created.
                try:
                    exchange = self._exchange(method, url, headers, content, shown_version, chosen_token is not None)
                except TransportFailure as failure:
                    if key is not None and failure.attempted:
                        self._sent[key] = failure
                    if ledger is not None and method == "DELETE":
                        ledger.left(route[1], f"its DELETE failed in transport ({failure.cause})", region=self.region)
                    raise
                exchange.path = route[1]
                if creating and 400 <= exchange.status < 500:
                    self.budget.give_back(share)  # type: ignore[union-attr]
                if key is not None:  # remembered first: a write sent is never sent again, whatever the ledger does
                    self._sent[key] = exchange
                if ledger is not None:
                    ledger.observe(exchange)
        for listener in self.listeners:
            listener(exchange)
        return exchange

    def _check_origin(self, url: str) -> None:
        """The request stays on the region's server: a path cannot move it to another host, port or scheme."""
        base, target = urlsplit(self.base_url), urlsplit(url)
        within = base.path.rstrip("/") + "/"
        if (base.scheme, base.netloc) != (target.scheme, target.netloc) or not (target.path + "/").startswith(within):
            raise NotSent(f"the path would leave {self.base_url} (for {target.scheme}://{target.netloc}): not sent")
        if "/." in target.path:  # a dot segment: httpx resolves it before sending, so the path is judged as resolved
            try:
                resolved = httpx.URL(url).path
            except httpx.InvalidURL:
                raise NotSent(f"the path is no valid URL under {self.base_url}: not sent") from None
            if not (resolved + "/").startswith(within):
                raise NotSent(f"the path would leave {self.base_url} (for {resolved}): not sent")

    def _exchange(
        self, method: str, url: str, headers: dict[str, str], content: bytes | None, version: str | None, paced: bool
    ) -> HttpExchange:
        attempt = 0
        while True:
            attempt += 1
            started = time.time()
            status, response_headers, body = self._send(method, url, headers, content, version)
            if not (paced and self.pacing.after_response(status, response_headers, attempt=attempt)):
                break
        return HttpExchange(
            region=self.region,
            version=version,
            method=method,
            url=url,
            request_headers=headers,
            request_body=content,
            status=status,
            headers=response_headers,
            content=body,
            started=started,
            elapsed=time.time() - started,
        )

    def _key(self, request: str, headers: dict[str, str], content: bytes | None) -> str:
        # The credential is part of what makes two requests the same (a refused token did not create anything).
        identity = f"{request} {str(headers.get('Intercom-Version')).strip()} {headers.get('Authorization')}\n"
        digest = hashlib.sha256(identity.encode())
        digest.update(content or b"")
        return digest.hexdigest()

    def _send(
        self, method: str, url: str, headers: dict[str, str], content: bytes | None, version: str | None
    ) -> tuple[int, dict[str, str], bytes]:
        if self.pacing.unreachable is not None:
            failure = self._failure(version, method, url, f"not sent: {self.pacing.unreachable} earlier in this run")
            failure.attempted = False
            raise failure
        self.pacing.before_request()
        started = time.monotonic()
        try:
            with (
                deadline(self.timeout),
                self._http.stream(method, url, headers=headers, content=content) as response,
            ):
                body = read_body(response, limit=MAX_RESPONSE_BYTES)
                return response.status_code, lower_headers(response.headers), body
        except httpx.TimeoutException as error:
            whole = isinstance(error, DeadlinePassed) or time.monotonic() - started >= self.timeout * 0.99
            cause = (
                f"the whole answer took longer than {self.timeout}s (it kept trickling in)"
                if whole and received_bytes() > 0
                else f"timed out after {self.timeout}s ({type(error).__name__})"
            )
            self.pacing.unreachable = cause
            raise self._failure(version, method, url, cause) from None
        except httpx.ConnectError as error:
            self.pacing.unreachable = _cause(error)
            raise self._failure(version, method, url, _cause(error)) from None
        except httpx.HTTPError as error:
            raise self._failure(version, method, url, _cause(error)) from None

    def _failure(self, version: str | None, method: str, url: str, cause: str) -> TransportFailure:
        return TransportFailure(region=self.region, version=version, method=method, url=url, cause=cause)


class _NoCookies(httpx.Cookies):
    """A jar that keeps nothing: what a server sets is never sent back (nor is time spent reading Set-Cookie)."""

    def extract_cookies(self, response: httpx.Response) -> None:
        return None


def _replayed(exchange: HttpExchange) -> HttpExchange:
    return replace(exchange, replayed=True)


def _cause(error: httpx.HTTPError) -> str:
    text = str(error).strip() or type(error).__name__
    return f"{type(error).__name__}: {text.splitlines()[0]}"
