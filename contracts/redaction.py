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
import shlex
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from functools import lru_cache
from urllib.parse import quote, quote_plus

from .regions import REGIONS, TOKEN_ENV, token_env_for

__all__ = [
    "REDACTED",
    "as_curl",
    "environment_secrets",
    "redact",
    "redact_headers",
    "redacting_logs",
    "secret_forms",
]

REDACTED = "[redacted]"
_SECRET_HEADERS = frozenset({"authorization", "proxy-authorization", "cookie", "set-cookie"})
_MIN_SECRET_LENGTH = 4  # shorter strings would blank out ordinary text
_MIN_FORM_LENGTH = 8  # an encoded fragment shorter than this could match ordinary text by chance


def environment_secrets() -> list[str]:
    """Every access token the environment holds (the only place tokens come from)."""
    names = [TOKEN_ENV, *(token_env_for(region) for region in REGIONS)]
    return [value for name in names if (value := os.environ.get(name, "").strip())]


@lru_cache(maxsize=64)
def secret_forms(secret: str) -> tuple[str, ...]:
    """The secret and the shapes it takes once encoded, longest first."""
    forms = {secret, json.dumps(secret)[1:-1], quote(secret, safe=""), quote_plus(secret)}
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


def redact_headers(headers: Mapping[str, str]) -> dict[str, str]:
    """Headers fit to show: credentials keep their scheme, never their value."""
    shown = {}
    for name, value in headers.items():
        if name.lower() in _SECRET_HEADERS:
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
        except Exception:  # a record that cannot format itself is left to fail as it would
            return record
        cleaned = redact(message, chosen)
        if cleaned != message or record.args:
            record.msg, record.args = cleaned, ()
        return record

    logging.setLogRecordFactory(factory)
    try:
        yield
    finally:
        if logging.getLogRecordFactory() is factory:
            logging.setLogRecordFactory(previous)
