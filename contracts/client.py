"""The HTTP client of a run: one per region, sending to the fake (in-process) or a live server.

Every transport failure becomes a `TransportFailure` with one line naming region, version, method, URL and cause.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

from .errors import IntercomContractsError
from .redaction import as_curl

__all__ = ["HttpExchange", "IntercomClient", "Pacing", "TransportFailure"]

MAX_RESPONSE_BYTES = 8 * 1024 * 1024
_MISSING = object()


class TransportFailure(IntercomContractsError):
    """The exchange could not happen (timeout, refused, TLS, unreadable body)."""

    def __init__(self, *, region: str, version: str | None, method: str, url: str, cause: str):
        self.region, self.version, self.method, self.url, self.cause = region, version, method, url, cause
        super().__init__(str(self))

    def __str__(self) -> str:
        return f"region {self.region}, version {self.version or 'default'}: {self.method} {self.url}: {self.cause}"


@dataclass
class HttpExchange:
    """A request sent and the response received, with what the checks need to judge them."""

    region: str
    version: str | None
    method: str
    url: str
    request_headers: dict[str, str]
    request_body: bytes | None
    status: int
    headers: dict[str, str]  # lower-case names
    content: bytes
    _json: Any = field(default=_MISSING, repr=False)

    @property
    def json(self) -> Any:
        """The response body as JSON, or None when it is not JSON."""
        if self._json is _MISSING:
            try:
                self._json = json.loads(self.content)
            except ValueError:
                self._json = None
        return self._json

    @property
    def payload(self) -> Any:
        """The request body as JSON, or None."""
        try:
            return json.loads(self.request_body) if self.request_body else None
        except ValueError:
            return None

    def curl(self) -> str:
        return as_curl(self.method, self.url, self.request_headers, self.request_body)

    def error_codes(self) -> list[str]:
        body = self.json
        errors = body.get("errors") if isinstance(body, dict) else None
        return [str(e.get("code")) for e in errors if isinstance(e, dict)] if isinstance(errors, list) else []


@dataclass
class Pacing:
    """What a region's server said of its allowance, shared by the clients of that region (one token).

    Requests wait while the window is spent (`X-RateLimit-Remaining: 0`) until `X-RateLimit-Reset`, and a 429 is
    waited out (`Retry-After`, else `X-RateLimit-Reset`); all waits of a run are bounded by `max_wait` seconds.
    """

    max_wait: float = 60.0
    clock: Callable[[], float] = time.time
    sleep: Callable[[float], None] = time.sleep
    waited: float = 0.0
    resume_at: float = 0.0
    unreachable: str | None = None  # the cause, once the server could not be reached

    def before_request(self) -> None:
        self._wait_until(self.resume_at)

    def after_response(self, status: int, headers: httpx.Headers) -> bool:
        """Learn from an answer; True when it was a 429 worth sending again (after the wait)."""
        reset = _number(headers.get("x-ratelimit-reset"))
        remaining = _number(headers.get("x-ratelimit-remaining"))
        if remaining is not None and remaining <= 0 and reset is not None:
            self.resume_at = max(self.resume_at, reset)
        if status != 429:
            return False
        retry_after = _number(headers.get("retry-after"))
        until = self.clock() + retry_after if retry_after is not None else (reset or self.clock() + 1.0)
        if self.waited + max(until - self.clock(), 0.0) > self.max_wait:
            return False  # beyond the bound: the 429 is the answer the checks judge
        self._wait_until(until)
        return True

    def _wait_until(self, moment: float) -> None:
        delay = min(moment - self.clock(), self.max_wait - self.waited)
        if delay > 0:
            self.waited += delay
            self.sleep(delay)


class IntercomClient:
    """Sends requests to one region's server with its token and an Intercom-Version header.

    Nothing is ever retried but a 429 (the server did not act on it): POST /messages is not idempotent, so a 5xx
    or a timeout is reported, never sent again. Once the server could not be reached, later requests of the run
    to that region fail at once with the same cause instead of waiting out the timeout again.
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
    ):
        self.region, self.base_url, self.token, self.version = region, base_url.rstrip("/"), token, version
        self.pacing = pacing or Pacing()
        self._http = httpx.Client(timeout=timeout, transport=transport, follow_redirects=False)

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
    ) -> HttpExchange:
        """Send; `token`/`version` override the client's (None: send no header); `headers` are added."""
        headers = {"Accept": "application/json", **(headers or {})}
        chosen_token = self.token if token is _MISSING else token
        chosen_version = self.version if version is _MISSING else version
        if chosen_token is not None:
            headers["Authorization"] = f"Bearer {chosen_token}"
        if chosen_version is not None:
            headers["Intercom-Version"] = str(chosen_version)
        if payload is not _MISSING:
            content = json.dumps(payload, ensure_ascii=False).encode("utf-8")
        if content is not None:
            headers["Content-Type"] = "application/json"
        url = self.base_url + path
        shown_version = str(chosen_version) if chosen_version is not None else None
        while True:
            status, response_headers, body = self._send(method, url, headers, content, shown_version)
            if not (chosen_token is not None and self.pacing.after_response(status, response_headers)):
                break
        return HttpExchange(
            region=self.region,
            version=shown_version,
            method=method,
            url=url,
            request_headers=headers,
            request_body=content,
            status=status,
            headers={k.lower(): v for k, v in response_headers.items()},
            content=body,
        )

    def _send(
        self, method: str, url: str, headers: dict[str, str], content: bytes | None, version: str | None
    ) -> tuple[int, httpx.Headers, bytes]:
        if self.pacing.unreachable is not None:
            raise self._failure(version, method, url, f"not sent: {self.pacing.unreachable} earlier in this run")
        self.pacing.before_request()
        allowance = self._http.timeout.read or 0.0
        try:
            with self._http.stream(method, url, headers=headers, content=content) as response:
                body = _read_capped(response, deadline=time.monotonic() + allowance)
                return response.status_code, response.headers, body
        except _TooSlow:
            cause = f"the answer took longer than {allowance}s (it kept trickling in)"
            self.pacing.unreachable = cause
            raise self._failure(version, method, url, cause) from None
        except httpx.TimeoutException as error:
            cause = f"timed out after {allowance}s ({type(error).__name__})"
            self.pacing.unreachable = cause
            raise self._failure(version, method, url, cause) from None
        except httpx.ConnectError as error:
            self.pacing.unreachable = _cause(error)
            raise self._failure(version, method, url, _cause(error)) from None
        except httpx.HTTPError as error:
            raise self._failure(version, method, url, _cause(error)) from None

    def _failure(self, version: str | None, method: str, url: str, cause: str) -> TransportFailure:
        return TransportFailure(region=self.region, version=version, method=method, url=url, cause=cause)


def _number(value: str | None) -> float | None:
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None


class _TooSlow(httpx.TimeoutException):
    """The answer kept coming, a little at a time, past the request's whole time allowance."""


def _read_capped(response: httpx.Response, deadline: float) -> bytes:
    """The body, at most MAX_RESPONSE_BYTES, read before `deadline` (a slow drip resets httpx's read timeout)."""
    chunks, size = [], 0
    for chunk in response.iter_bytes():
        size += len(chunk)
        if size > MAX_RESPONSE_BYTES:
            raise httpx.DecodingError(f"response body larger than {MAX_RESPONSE_BYTES} bytes")
        if time.monotonic() > deadline:
            raise _TooSlow("the answer trickled in", request=response.request)
        chunks.append(chunk)
    return b"".join(chunks)


def _cause(error: httpx.HTTPError) -> str:
    text = str(error).strip() or type(error).__name__
    return f"{type(error).__name__}: {text.splitlines()[0]}"
