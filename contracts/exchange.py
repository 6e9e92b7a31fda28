"""One exchange type for the whole toolkit: a request sent and the answer received.

The client makes it (`contracts.live._client.HttpExchange` is this type), a recording reads it back from a HAR entry
(`HarEntry.exchange()`), and the checks judge it. It holds bytes as they went over the wire; JSON is parsed
when first asked for, and an answer nested deeper than MAX_JSON_DEPTH is said to be so, never parsed into a
RecursionError. Nothing heavy is imported here: the checks, the HAR format and the plugin's types all name it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from ._redaction import as_curl

__all__ = ["MAX_JSON_DEPTH", "Exchange", "parse_json"]

_MISSING: Any = object()
MAX_JSON_DEPTH = 200  # deeper answers are reported as such, never parsed into a RecursionError
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")


@dataclass
class Exchange:
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
    path: str = ""  # the API path under the region's base URL, without the query (e.g. /messages)
    started: float = 0.0  # Unix time the request was sent
    elapsed: float = 0.0  # seconds until the whole answer was read
    replayed: bool = False  # answered from the run's record, not sent again
    _json: Any = field(default=_MISSING, repr=False)
    json_problem: str | None = field(default=None, repr=False)

    @property
    def json(self) -> Any:
        """The response body as JSON, or None when it is not JSON (`json_problem` then says why)."""
        if self._json is _MISSING:
            self._json, self.json_problem = parse_json(self.content)
        return self._json

    @property
    def payload(self) -> Any:
        """The request body as JSON, or None."""
        return parse_json(self.request_body)[0] if self.request_body else None

    def curl(self) -> str:
        return as_curl(self.method, self.url, self.request_headers, self.request_body)

    def error_codes(self) -> list[str]:
        body = self.json
        errors = body.get("errors") if isinstance(body, dict) else None
        return [str(e.get("code")) for e in errors if isinstance(e, dict)] if isinstance(errors, list) else []


def parse_json(data: bytes | None) -> tuple[Any, str | None]:
    """(value, None), or (None, why not): not JSON, or nested beyond MAX_JSON_DEPTH."""
    if not data:
        return None, "the body is empty"
    if _nesting(data) > MAX_JSON_DEPTH:
        return None, f"the body is nested more than {MAX_JSON_DEPTH} levels deep"
    try:
        return json.loads(data), None
    except (ValueError, RecursionError):
        return None, "the body is not JSON"


def _nesting(data: bytes) -> int:
    """An upper bound of the JSON nesting depth (brackets in strings count too: it only ever over-counts)."""
    if data.count(b"[") + data.count(b"{") <= MAX_JSON_DEPTH:
        return 0
    depth = deepest = 0
    for byte in data.translate(None, _NOT_BRACKETS):
        if byte in (0x5B, 0x7B):
            depth += 1
            deepest = max(deepest, depth)
        elif byte in (0x5D, 0x7D):
            depth -= 1
    return deepest
