"""Keeping access tokens out of every output: failures, reports, curl lines, recordings and logs.

A token can leak in more shapes than its own: JSON-escaped, percent-encoded, hex, or base64 (inside a Basic
credential, or an echoed header) at any alignment. `secret_forms` lists them; `redact` replaces every one.
`redacting_logs` rewrites every log record created while it is active, whichever library logs it (httpcore's
debug lines print headers raw), before any handler sees it: terminal, captured sections, --log-file alike.
"""

from __future__ import annotations

import base64
import json
import logging
import os
import re
import shlex
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from functools import lru_cache
from urllib.parse import quote, quote_plus, unquote

from .regions import REGIONS, TOKEN_ENV, token_env_for

__all__ = [
    "REDACTED",
    "REDACTED_WHOLE",
    "SECRET_HEADERS",
    "as_curl",
    "environment_secrets",
    "holds_secret",
    "redact",
    "redact_headers",
    "redacting_logs",
    "scrub",
    "scrub_lines",
    "secret_forms",
]

REDACTED = "[redacted]"
REDACTED_WHOLE = "[redacted: it held an access token]"
SECRET_HEADERS = frozenset({"authorization", "proxy-authorization", "cookie", "set-cookie"})
_MIN_SECRET_LENGTH = 4  # shorter strings would blank out ordinary text
_MIN_FORM_LENGTH = 8  # an encoded fragment shorter than this could match ordinary text by chance


def environment_secrets() -> list[str]:
    """Every access token the environment holds (the only place tokens come from)."""
    names = [TOKEN_ENV, *(token_env_for(region) for region in REGIONS)]
    return [value for name in names if (value := os.environ.get(name, "").strip())]


@lru_cache(maxsize=64)
def secret_forms(secret: str) -> tuple[str, ...]:
    """The secret and the shapes it takes once encoded, longest first."""
    escaped = json.dumps(secret)[1:-1]
    forms = {secret, escaped, escaped.replace("/", "\\/"), quote(secret, safe=""), quote(secret), quote_plus(secret)}
    forms |= {form.lower() for form in (quote(secret, safe=""), quote_plus(secret)) if "%" in form}
    raw = secret.encode("utf-8")
    forms |= {raw.hex(), raw.hex().upper()}
    for offset in range(3):  # base64 of the secret inside a longer text: each alignment has a stable middle
        padded = b"\0" * offset + raw
        for encode in (base64.b64encode, base64.urlsafe_b64encode):
            text = encode(padded).decode("ascii")
            start = 4 if offset else 0  # the first group mixes the secret with what precedes it
            end = len(text) - (4 if len(padded) % 3 else 0)  # the last, with what follows
            middle = text[start:end].rstrip("=")
            if len(middle) >= _MIN_FORM_LENGTH:
                forms.add(middle)
    usable = {form for form in forms if len(form) >= _MIN_SECRET_LENGTH}
    return tuple(sorted(usable, key=len, reverse=True))


def redact(text: str, secrets: Iterable[str]) -> str:
    """`text` with every secret, in every form, replaced by [redacted] (longest first: one may contain another)."""
    chosen = {s for s in secrets if len(s) >= _MIN_SECRET_LENGTH}
    if not chosen:
        return text
    forms = sorted({form for secret in chosen for form in secret_forms(secret)}, key=len, reverse=True)
    for form in forms:
        if form in text:
            text = text.replace(form, REDACTED)
    return text


def holds_secret(text: str | bytes, secrets: Iterable[str]) -> bool:
    """Whether a secret hides in `text` in a form a reader could decode: percent-encoded (any case), JSON-escaped
    (`\\u0041`, `\\/`), base64 wrapped over lines, or a body in UTF-16/32."""
    chosen = [s for s in secrets if len(s) >= _MIN_SECRET_LENGTH]
    if not chosen:
        return False
    forms = {form for secret in chosen for form in secret_forms(secret)}
    return any(form in view for view in _views(text) for form in forms)


def scrub(text: str, secrets: Iterable[str]) -> str:
    """`text` redacted; when a secret still hides in it in a decodable form, the whole text is replaced."""
    secrets = tuple(secrets)
    cleaned = redact(text, secrets)
    return REDACTED_WHOLE if holds_secret(cleaned, secrets) else cleaned


def scrub_lines(text: str, secrets: Iterable[str]) -> str:
    """`text` redacted line by line: a line where a secret still hides in a decodable form is replaced whole."""
    secrets = tuple(secrets)
    if not any(len(s) >= _MIN_SECRET_LENGTH for s in secrets):
        return text
    cleaned = "\n".join(scrub(line, secrets) for line in text.split("\n"))
    # A form wrapped over lines (MIME base64) is in no single line: the whole is looked into too.
    return REDACTED_WHOLE if holds_secret(cleaned, secrets) else cleaned


def _views(text: str | bytes) -> Iterator[str]:
    """`text` and what it decodes into, one view at a time (a caller stops at the first that holds a secret)."""
    for reading in _readings(text):
        yield from _joined(reading)
        yield from _joined(unquote(reading))  # %3d and %3D alike
        unescaped = reading
        for _ in range(3):  # JSON in a JSON string, escaped once per level
            if "\\" not in unescaped:
                break
            again = _JSON_ESCAPE.sub(_unescape, unescaped)
            if again == unescaped:
                break
            unescaped = again
            yield from _joined(unescaped)


def _readings(text: str | bytes) -> Iterator[str]:
    if not isinstance(text, bytes):
        yield text
        return
    yield text.decode("latin-1")
    try:
        encoding = json.detect_encoding(text)
    except (LookupError, UnicodeError):
        return
    if encoding != "utf-8":  # UTF-8 text reads the same in latin-1 for every ASCII form of a secret
        yield text.decode(encoding, "replace")


def _joined(view: str) -> Iterator[str]:
    yield view
    yield "".join(view.split())  # base64 wrapped at 76 columns (MIME), in any reading


_JSON_ESCAPE = re.compile(r"\\(u[0-9a-fA-F]{4}|[\\/\"bfnrt])")
_SIMPLE_ESCAPES = {"/": "/", "\\": "\\", '"': '"', "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t"}


def _unescape(match: re.Match[str]) -> str:
    code = match.group(1)
    return chr(int(code[1:], 16)) if code.startswith("u") else _SIMPLE_ESCAPES[code]


def redact_headers(headers: Mapping[str, str]) -> dict[str, str]:
    """Headers fit to show: credentials keep their scheme, never their value."""
    shown = {}
    for name, value in headers.items():
        if name.lower() in SECRET_HEADERS:
            scheme = value.split(" ", 1)[0] if " " in value else ""
            shown[name] = f"{scheme} {REDACTED}".strip()
        else:
            shown[name] = value
    return shown


def as_curl(method: str, url: str, headers: Mapping[str, str], body: bytes | None) -> str:
    """A curl command reproducing the request, with credentials redacted."""
    parts = ["curl", "-X", method.upper(), shlex.quote(url)]
    for name, value in redact_headers(headers).items():
        if name.lower() in ("content-length", "host", "accept-encoding", "connection", "user-agent"):
            continue
        parts += ["-H", shlex.quote(f"{name}: {value}")]
    if body:
        text = body.decode("utf-8", errors="replace")
        parts += ["--data-raw", shlex.quote(text if len(text) <= 2000 else text[:2000] + "...")]
    return " ".join(parts)


@contextmanager
def redacting_logs(secrets: Iterable[str]) -> Iterator[None]:
    """While active, every log record is created with its message already redacted."""
    chosen = tuple(s for s in secrets if len(s) >= _MIN_SECRET_LENGTH)
    if not chosen:
        yield
        return
    previous = logging.getLogRecordFactory()

    def factory(*args: object, **kwargs: object) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        try:
            message = record.getMessage()
        except Exception:  # a record that cannot format itself: what logging would print of it, scrubbed
            message = f"{record.msg!r} % {record.args!r}"
        cleaned = scrub_lines(message, chosen)
        if cleaned != message or record.args:
            record.msg, record.args = cleaned, ()
        # A traceback or stack is formatted by the handler after this; formatters use the text set here.
        if record.exc_info:
            record.exc_text = scrub_lines(logging.Formatter().formatException(record.exc_info), chosen)
        if record.stack_info:
            record.stack_info = scrub_lines(record.stack_info, chosen)
        return record

    logging.setLogRecordFactory(factory)
    try:
        yield
    finally:
        if logging.getLogRecordFactory() is factory:
            logging.setLogRecordFactory(previous)
