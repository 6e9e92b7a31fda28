"""Keeping access tokens out of every output: failures, reports, curl lines, logs."""

from __future__ import annotations

import os
import shlex
from collections.abc import Iterable, Mapping

from .regions import REGIONS, TOKEN_ENV, token_env_for

__all__ = ["REDACTED", "as_curl", "environment_secrets", "redact", "redact_headers"]

REDACTED = "[redacted]"
_SECRET_HEADERS = frozenset({"authorization", "proxy-authorization", "cookie"})
_MIN_SECRET_LENGTH = 4  # shorter strings would blank out ordinary text


def environment_secrets() -> list[str]:
    """Every access token the environment holds (the only place tokens come from)."""
    names = [TOKEN_ENV, *(token_env_for(region) for region in REGIONS)]
    return [value for name in names if (value := os.environ.get(name, "").strip())]


def redact(text: str, secrets: Iterable[str]) -> str:
    """`text` with every secret replaced by [redacted], longest first (a token may contain another)."""
    for secret in sorted({s for s in secrets if len(s) >= _MIN_SECRET_LENGTH}, key=len, reverse=True):
        text = text.replace(secret, REDACTED)
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
