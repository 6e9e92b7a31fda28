"""HAR 1.2 recordings: the format browsers and HTTP tools read, with what the toolkit knows in custom fields.

The HAR 1.2 specification (http://www.softwareishard.com/blog/har-12-spec/) allows custom fields whose names start
with an underscore. A recording keeps the run in `log._intercom` (target, spec, versions, regions, whether the run
completed) and each exchange's judgement in `entry._intercom` (region, version under test, intent, operation,
expected rejection, checks, verdicts, test). Bodies are stored decoded, as HAR asks; a body that is not UTF-8 is
stored in base64 (`content.encoding`, or `postData._encoding` for a request).

Credentials never reach a file: every credential header's value becomes `[redacted]`, and every token given
(the environment's) is replaced in every form, in every string of an entry, before the entry leaves the process
that made it; the whole file is redacted once more when it is written. The file is written atomically, so a reader
(or a cut run) always finds a whole file, whose `log.comment` says whether the run completed.

This module knows the format only: no client, no checks (the fake reads recordings too).
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import http
import json
import threading
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from .._redaction import REDACTED, REDACTED_WHOLE, SECRET_HEADERS, holds_secret, redact, scrub
from ..errors import UsageError
from ..exchange import Exchange
from ..regions import REGIONS
from ..reports import write_atomically

__all__ = [
    "CREDENTIAL_HEADERS",
    "HAR_SCHEMA",
    "HarEntry",
    "HarWriter",
    "Recording",
    "entry_of",
    "read_recording",
    "validate_har",
]

HAR_VERSION = "1.2"
CREDENTIAL_HEADERS = SECRET_HEADERS  # replaced whole in a recording, whatever their value
MAX_RECORDING_BYTES = 1 << 30  # a recording larger than this is not one of a contract run
_ANY_STRING = {"type": "string"}
_NAME_VALUES = {
    "type": "array",
    "items": {
        "type": "object",
        "required": ["name", "value"],
        "properties": {"name": _ANY_STRING, "value": _ANY_STRING},
    },
}
_HEADERS = {  # what HTTP can carry: a token for a name, no line break in a value
    "type": "array",
    "items": {
        "type": "object",
        "required": ["name", "value"],
        "properties": {
            "name": {"type": "string", "pattern": "^[!#$%&'*+.^_`|~0-9A-Za-z-]+$"},
            "value": {"type": "string", "pattern": "^[^\\r\\n\\x00]*$"},
        },
    },
}

# The parts of HAR 1.2 a reader relies on: the required fields and their types (comments and custom fields allowed).
HAR_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "required": ["log"],
    "properties": {
        "log": {
            "type": "object",
            "required": ["version", "creator", "entries"],
            "properties": {
                "version": _ANY_STRING,
                "creator": {
                    "type": "object",
                    "required": ["name", "version"],
                    "properties": {"name": _ANY_STRING, "version": _ANY_STRING},
                },
                "pages": {"type": "array"},
                "comment": _ANY_STRING,
                "entries": {"type": "array", "items": {"$ref": "#/$defs/entry"}},
                "_intercom": {"$ref": "#/$defs/run"},
            },
        }
    },
    "$defs": {
        "entry": {
            "type": "object",
            "required": ["startedDateTime", "time", "request", "response", "cache", "timings"],
            "properties": {
                "startedDateTime": {
                    "type": "string",
                    "pattern": r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$",
                },
                "time": {"type": "number", "minimum": 0},
                "request": {"$ref": "#/$defs/request"},
                "response": {"$ref": "#/$defs/response"},
                "cache": {"type": "object"},
                "timings": {
                    "type": "object",
                    "required": ["send", "wait", "receive"],
                    "properties": {k: {"type": "number", "minimum": -1} for k in ("send", "wait", "receive")},
                },
                "comment": _ANY_STRING,
                "_intercom": {"$ref": "#/$defs/judgement"},
            },
        },
        # Ours (custom fields): what the toolkit reads back of a recording, so a hostile file is one line, not a crash.
        "judgement": {
            "type": "object",
            "properties": {
                "path": {"type": "string", "pattern": "^/[^\\s]*$"},
                "region": {"type": "string"},
                "test": _ANY_STRING,
                "label": _ANY_STRING,
                "tested_version": {"type": ["string", "null"]},
                "judged": {"type": "boolean"},
                "intent": {"type": ["string", "null"]},
                "operation": {"type": ["string", "null"]},
                "expected": {
                    "type": ["object", "null"],
                    "required": ["rule", "path"],
                    "additionalProperties": False,
                    "properties": {
                        "rule": _ANY_STRING,
                        "path": _ANY_STRING,
                        "status": {"type": ["integer", "null"]},
                        "code": {"type": ["string", "null"]},
                    },
                },
                "checks": {"type": "array", "items": _ANY_STRING},
                "verdicts": {"type": "object", "additionalProperties": _ANY_STRING},
                "failures": {"type": "array"},
            },
        },
        "run": {
            "type": "object",
            "properties": {
                "run": {"type": "object"},
                "parties": {
                    "type": "object",
                    "properties": {
                        "admin_id": {"type": ["integer", "null"]},
                        "contact_id": {"type": ["string", "null"]},
                    },
                },
                "complete": {"type": "boolean"},
                "state": _ANY_STRING,
            },
        },
        "request": {
            "type": "object",
            "required": [
                "method",
                "url",
                "httpVersion",
                "cookies",
                "headers",
                "queryString",
                "headersSize",
                "bodySize",
            ],
            "properties": {
                "method": {"type": "string", "pattern": "^[A-Za-z]+$"},
                "url": _ANY_STRING,
                "httpVersion": _ANY_STRING,
                "cookies": {"type": "array"},
                "headers": _HEADERS,
                "queryString": _NAME_VALUES,
                "postData": {
                    "type": "object",
                    "required": ["mimeType"],
                    "properties": {"mimeType": _ANY_STRING, "text": _ANY_STRING, "params": {"type": "array"}},
                },
                "headersSize": {"type": "integer"},
                "bodySize": {"type": "integer"},
            },
        },
        "response": {
            "type": "object",
            "required": [
                "status",
                "statusText",
                "httpVersion",
                "cookies",
                "headers",
                "content",
                "redirectURL",
                "headersSize",
                "bodySize",
            ],
            "properties": {
                "status": {"type": "integer"},
                "statusText": _ANY_STRING,
                "httpVersion": _ANY_STRING,
                "cookies": {"type": "array"},
                "headers": _HEADERS,
                "content": {
                    "type": "object",
                    "required": ["size", "mimeType"],
                    "properties": {
                        "size": {"type": "integer"},
                        "mimeType": _ANY_STRING,
                        "text": _ANY_STRING,
                        "encoding": _ANY_STRING,
                    },
                },
                "redirectURL": _ANY_STRING,
                "headersSize": {"type": "integer"},
                "bodySize": {"type": "integer"},
            },
        },
    },
}


@dataclass(frozen=True)
class HarEntry:
    """One recorded exchange as the file holds it (bodies decoded, credentials redacted)."""

    number: int  # its place in the file, from 1
    method: str
    url: str
    path: str  # under the region's server, without the query (e.g. /messages)
    region: str | None  # None: not a request to one of Intercom's servers
    request_headers: dict[str, str]
    request_body: bytes | None
    status: int
    response_headers: dict[str, str]  # lower-case names
    content: bytes
    started: float
    elapsed: float
    meta: dict[str, Any] = field(default_factory=dict)  # entry._intercom ({} in another tool's recording)

    @property
    def version(self) -> str | None:
        """The Intercom-Version header sent (None: the workspace's default)."""
        return next((v for k, v in self.request_headers.items() if k.lower() == "intercom-version"), None)

    @property
    def query(self) -> str:
        return urlsplit(self.url).query

    @property
    def has_credential(self) -> bool:
        return any(name.lower() == "authorization" for name in self.request_headers)

    def exchange(self) -> Exchange:
        """The recorded exchange as the client would have made it (the credential stays redacted)."""
        return Exchange(
            region=self.region or "us",
            version=self.version,
            method=self.method,
            url=self.url,
            request_headers=dict(self.request_headers),
            request_body=self.request_body,
            status=self.status,
            headers=dict(self.response_headers),
            content=self.content,
            path=self.path,
            started=self.started,
            elapsed=self.elapsed,
        )


@dataclass(frozen=True)
class Recording:
    """A HAR file read back: the run it recorded (when the toolkit made it) and its exchanges with Intercom."""

    path: str
    run: dict[str, Any]  # log._intercom.run ({} for another tool's recording)
    parties: dict[str, Any]  # log._intercom.parties: the run's admin_id and contact_id
    complete: bool | None  # None: another tool's recording (nothing says)
    entries: tuple[HarEntry, ...]
    elsewhere: int = 0  # entries to hosts that are not Intercom's servers (a browser's HAR): left out

    @property
    def ours(self) -> bool:
        return self.complete is not None


# -- writing ----------------------------------------------------------------------------------------------------
def entry_of(exchange: Exchange, *, meta: Mapping[str, Any], secrets: Iterable[str] = ()) -> dict[str, Any]:
    """The HAR entry of an exchange, `meta` as its `_intercom`; credentials and `secrets` redacted."""
    secrets = tuple(secrets)
    started = datetime.fromtimestamp(exchange.started or time.time(), tz=timezone.utc)
    millis = round(max(exchange.elapsed, 0.0) * 1000, 3)
    url = scrub(exchange.url, secrets)
    request: dict[str, Any] = {
        "method": exchange.method,
        "url": url,
        "httpVersion": "HTTP/1.1",
        "cookies": [],
        "headers": _headers(exchange.request_headers, secrets),
        "queryString": [{"name": n, "value": v} for n, v in parse_qsl(urlsplit(url).query, True)],
        "headersSize": -1,
        "bodySize": len(exchange.request_body or b""),
    }
    if exchange.request_body is not None:
        text, encoding = _text(_scrub_body(exchange.request_body, secrets))
        mime = next((v for k, v in exchange.request_headers.items() if k.lower() == "content-type"), "")
        request["postData"] = {"mimeType": mime, "text": text, **({"_encoding": encoding} if encoding else {})}
    text, encoding = _text(_scrub_body(exchange.content, secrets))
    content: dict[str, Any] = {
        "size": len(exchange.content),
        "mimeType": exchange.headers.get("content-type", ""),
        "text": text,
    }
    if encoding:
        content["encoding"] = encoding
    entry = {
        "startedDateTime": started.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
        "time": millis,
        "request": request,
        "response": {
            "status": exchange.status,
            "statusText": _reason(exchange.status),
            "httpVersion": "HTTP/1.1",
            "cookies": [],
            "headers": _headers(exchange.headers, secrets),
            "content": content,
            "redirectURL": exchange.headers.get("location", ""),
            "headersSize": -1,
            "bodySize": -1,  # the size on the wire (compressed) is not kept: the body is read decoded
        },
        "cache": {},
        "timings": {"send": 0, "wait": millis, "receive": 0},
        "_intercom": {"path": exchange.path, "region": exchange.region, **meta},
    }
    redacted: dict[str, Any] = _redact_strings(entry, secrets)
    return redacted


_ENTRIES = "\u0000entries"  # where the entries' texts go in the document (no redaction or JSON text holds it)


class HarWriter:
    """A recording being written: entries added as tests report them, the whole file rewritten atomically.

    While the run goes on, a background thread rewrites the file at most every `interval` seconds when entries
    were added (so a test that waits, or a run killed outright, loses at most the last `interval`); `write` writes
    at once. A reader, or a run cut by a signal, always finds a whole file, which says whether the run completed.
    """

    def __init__(
        self,
        path: str | Path,
        *,
        run: dict[str, Any],
        parties: dict[str, Any] | None = None,
        secrets: Iterable[str] = (),
        interval: float = 1.0,
    ):
        self.path, self.run, self.secrets, self.interval = Path(path), run, tuple(secrets), interval
        self.parties = parties or {}  # the run's admin and contact (a replay against the fake knows them)
        self.entries: list[str] = []  # each entry as JSON text, redacted: serialised once, not at every rewrite
        self._lock = threading.Lock()
        self._unwritten = False
        self._stop = threading.Event()
        self._flusher: threading.Thread | None = None

    def start(self) -> None:
        """Write the file now (empty, still running) and keep it current from a background thread."""
        self.write(state="running")
        self._flusher = threading.Thread(target=self._flush_while_running, name="intercom-har-writer", daemon=True)
        self._flusher.start()

    def add(self, entries: Iterable[dict[str, Any]]) -> None:
        texts = [redact(json.dumps(entry, ensure_ascii=False, indent=1), self.secrets) for entry in entries]
        with self._lock:
            self.entries.extend(texts)
            self._unwritten = True

    def finish(self, *, state: str) -> None:
        """Stop the background writes and write the file a last time (state: complete or cut)."""
        self._stop.set()
        if self._flusher is not None:
            self._flusher.join(timeout=30)
        self.write(state=state)

    def write(self, *, state: str) -> None:
        """state: running (the run goes on: the file may end early), complete, or cut."""
        comments = {
            "running": "written while the run went on: if nothing rewrote it since, the run was cut here",
            "complete": "the run completed: every exchange it made is here",
            "cut": "the run was cut before it completed: the exchanges it made until then are here",
        }
        with self._lock:
            entries, self._unwritten = list(self.entries), False
        document = {
            "log": {
                "version": HAR_VERSION,
                "creator": {"name": "intercom-contracts", "version": _tool_version()},
                "pages": [],
                "entries": _ENTRIES,
                "comment": f"intercom-contracts recording: {comments[state]}",
                "_intercom": {
                    "complete": state == "complete",
                    "state": state,
                    "run": self.run,
                    "parties": self.parties,
                },
            }
        }
        head = redact(json.dumps(document, ensure_ascii=False, indent=1), self.secrets)
        listed = "[\n" + ",\n".join(entries) + "\n]" if entries else "[]"
        write_atomically(self.path, head.replace(json.dumps(_ENTRIES), listed, 1) + "\n")

    def _flush_while_running(self) -> None:
        while not self._stop.wait(self.interval):
            if self._unwritten:
                with contextlib.suppress(OSError):  # tried again in `interval`; `finish` reports a lasting failure
                    self.write(state="running")


def _headers(headers: Mapping[str, str], secrets: tuple[str, ...]) -> list[dict[str, str]]:
    return [
        {"name": name, "value": REDACTED if name.lower() in CREDENTIAL_HEADERS else scrub(value, secrets)}
        for name, value in headers.items()
    ]


def _text(data: bytes) -> tuple[str, str | None]:
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError:
        return base64.b64encode(data).decode("ascii"), "base64"


def _scrub_body(data: bytes, secrets: tuple[str, ...]) -> bytes:
    """Secrets out of a body before it is stored (base64 of a redacted body cannot be redacted afterwards).

    Each form of a secret is replaced; a secret still hiding in a decodable form (JSON escapes, lower-case
    percent-encoding, wrapped base64, UTF-16) is redacted in the parsed JSON, which is stored re-serialised; a body
    where it still hides is replaced whole.
    """
    if not secrets:
        return data
    try:
        data = redact(data.decode("utf-8"), secrets).encode("utf-8")
    except UnicodeDecodeError:
        data = redact(data.decode("latin-1"), secrets).encode("latin-1", "replace")
    if not holds_secret(data, secrets):
        return data
    try:
        parsed = json.loads(data)
    except (ValueError, RecursionError):
        return REDACTED_WHOLE.encode()
    again = json.dumps(_redact_strings(parsed, secrets, keys=True), ensure_ascii=False).encode("utf-8")
    return REDACTED_WHOLE.encode() if holds_secret(again, secrets) else again


def _redact_strings(value: Any, secrets: tuple[str, ...], *, keys: bool = False) -> Any:
    if isinstance(value, str):
        return scrub(value, secrets)
    if isinstance(value, dict):
        return {
            (scrub(key, secrets) if keys else key): _redact_strings(item, secrets, keys=keys)
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [_redact_strings(item, secrets, keys=keys) for item in value]
    return value


def _reason(status: int) -> str:
    try:
        return http.HTTPStatus(status).phrase
    except ValueError:
        return ""


def _tool_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("intercom-contracts")
    except PackageNotFoundError:  # run from a source tree that was never installed
        return "unknown"


# -- reading ----------------------------------------------------------------------------------------------------
def validate_har(document: Any) -> str | None:
    """None when `document` is a HAR 1.2 log, else the first problem with where it is (e.g. log.entries[2].request)."""
    from jsonschema import Draft202012Validator

    error = next(iter(Draft202012Validator(HAR_SCHEMA).iter_errors(document)), None)
    if error is None:
        return None
    where = "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in error.absolute_path)
    return f"{where.lstrip('.') or 'the document'}: {error.message}"


def read_recording(path: str | Path) -> Recording:
    """Read a HAR file; UsageError (one line: what is wrong, where) when it is not one."""
    file = Path(path).expanduser()
    try:
        if file.exists() and not file.is_dir() and not file.is_file():  # a FIFO or a device would never end
            raise UsageError(f"{path} is not a regular file; give a HAR file")
        with file.open("rb") as handle:
            data = handle.read(MAX_RECORDING_BYTES + 1)
        if len(data) > MAX_RECORDING_BYTES:
            raise UsageError(f"{path} is larger than a recording can be ({MAX_RECORDING_BYTES} bytes)")
        document = json.loads(data)
    except FileNotFoundError:
        raise UsageError(f"{path}: no such file (a HAR recording, e.g. from --intercom-record)") from None
    except IsADirectoryError:
        raise UsageError(f"{path} is a directory; give a HAR file") from None
    except OSError as error:
        raise UsageError(f"{path}: cannot be read ({error.strerror or error})") from None
    except (ValueError, RecursionError):
        raise UsageError(f"{path}: not a HAR file (it is not JSON)") from None
    problem = validate_har(document)
    if problem is not None:
        raise UsageError(f"{path}: not a HAR 1.2 file: {problem}")
    log = document["log"]
    ours: dict[str, Any] | None = log["_intercom"] if isinstance(log.get("_intercom"), dict) else None
    entries, elsewhere = [], 0
    for number, raw in enumerate(log["entries"], 1):
        try:
            entry = _entry(number, raw, ours is not None)
        except (ValueError, TypeError, KeyError, binascii.Error, UnicodeError) as error:
            raise UsageError(f"{path}: entry {number} cannot be read: {error}") from None
        if entry.region is None:
            elsewhere += 1
            continue
        entries.append(entry)
    return Recording(
        path=str(path),
        run=dict(ours.get("run") or {}) if ours else {},
        parties=dict(ours.get("parties") or {}) if ours else {},
        complete=bool(ours.get("complete")) if ours else None,
        entries=tuple(entries),
        elsewhere=elsewhere,
    )


def _entry(number: int, raw: dict[str, Any], ours: bool) -> HarEntry:
    request, response = raw["request"], raw["response"]
    meta: dict[str, Any] = raw["_intercom"] if ours and isinstance(raw.get("_intercom"), dict) else {}
    url = str(request["url"])
    parts = urlsplit(url)
    parts.port  # noqa: B018  (a port that is not a number is a ValueError here, not later)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"the URL {url!r} is not an http(s) URL")
    region, path = meta.get("region"), meta.get("path")
    if region not in REGIONS or not isinstance(path, str):
        region, path = _region_and_path(url)
    if path is not None and (not path.startswith("/") or any(c.isspace() or ord(c) < 32 for c in path)):
        raise ValueError(f"the path {path!r} is not a path under a server (it must start with /)")
    post = request.get("postData")
    body = None
    if isinstance(post, dict) and "text" in post:
        body = _bytes(str(post["text"]), post.get("_encoding"))
    content = response["content"]
    return HarEntry(
        number=number,
        method=str(request["method"]).upper(),
        url=url,
        path=path or "/",
        region=region,
        request_headers={h["name"]: h["value"] for h in request["headers"]},
        request_body=body,
        status=int(response["status"]),
        response_headers={h["name"].lower(): h["value"] for h in response["headers"]},
        content=_bytes(str(content.get("text", "")), content.get("encoding")),
        started=datetime.fromisoformat(str(raw["startedDateTime"]).replace("Z", "+00:00")).timestamp(),
        elapsed=float(raw["time"]) / 1000,
        meta=dict(meta),
    )


def _region_and_path(url: str) -> tuple[str | None, str | None]:
    """Another tool's entry: the region whose documented server the URL is under, and the path under it."""
    parts = urlsplit(url)
    for region, server in REGIONS.items():
        if f"{parts.scheme}://{parts.netloc}" == server:
            return region, parts.path or "/"
    return None, None


def _bytes(text: str, encoding: Any) -> bytes:
    return base64.b64decode(text, validate=True) if encoding == "base64" else text.encode("utf-8")
