"""The HTTP client of a run: one per region, sending to the fake (in-process) or a live server.

Every transport failure becomes a `TransportFailure` with one line naming region, version, method, URL and cause.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import httpx

from .errors import IntercomContractsError
from .redaction import as_curl

__all__ = ["HttpExchange", "IntercomClient", "TransportFailure"]

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


class IntercomClient:
    """Sends requests to one region's server with its token and an Intercom-Version header."""

    def __init__(
        self,
        *,
        region: str,
        base_url: str,
        token: str | None,
        version: str | None,
        timeout: float = 10.0,
        transport: httpx.BaseTransport | None = None,
    ):
        self.region, self.base_url, self.token, self.version = region, base_url.rstrip("/"), token, version
        self._http = httpx.Client(timeout=timeout, transport=transport, follow_redirects=False)

    def close(self) -> None:
        self._http.close()

    def with_version(self, version: str | None) -> IntercomClient:
        """The same client sending another Intercom-Version (None: no header, the app's default)."""
        clone = object.__new__(IntercomClient)
        clone.__dict__.update(self.__dict__)
        clone.version = version
        return clone

    def request(
        self,
        method: str,
        path: str,
        *,
        payload: Any = _MISSING,
        content: bytes | None = None,
        token: str | object | None = _MISSING,
        version: str | object | None = _MISSING,
    ) -> HttpExchange:
        """Send; `token`/`version` override the client's (None: send no header)."""
        headers = {"Accept": "application/json"}
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
        try:
            with self._http.stream(method, url, headers=headers, content=content) as response:
                body = _read_capped(response)
        except httpx.TimeoutException as error:
            raise self._failure(shown_version, method, url, f"timed out ({type(error).__name__})") from None
        except httpx.HTTPError as error:
            raise self._failure(shown_version, method, url, _cause(error)) from None
        return HttpExchange(
            region=self.region,
            version=shown_version,
            method=method,
            url=url,
            request_headers=headers,
            request_body=content,
            status=response.status_code,
            headers={k.lower(): v for k, v in response.headers.items()},
            content=body,
        )

    def _failure(self, version: str | None, method: str, url: str, cause: str) -> TransportFailure:
        return TransportFailure(region=self.region, version=version, method=method, url=url, cause=cause)


def _read_capped(response: httpx.Response) -> bytes:
    chunks, size = [], 0
    for chunk in response.iter_bytes():
        size += len(chunk)
        if size > MAX_RESPONSE_BYTES:
            raise httpx.DecodingError(f"response body larger than {MAX_RESPONSE_BYTES} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


def _cause(error: httpx.HTTPError) -> str:
    text = str(error).strip() or type(error).__name__
    return f"{type(error).__name__}: {text.splitlines()[0]}"
