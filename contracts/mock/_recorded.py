"""Recorded answers for `intercom_mock(replay="path.har")`: what the sandbox answered, served again.

A request gets a recorded answer when one was recorded for the same region, method, path, query, Intercom-Version
and body, the body compared by the fields the operation's contract declares (a field it does not declare cannot
change the answer as documented). Several answers recorded for one request are served in order, the last one
again after that. Only requests the recording made with a credential are served, and only to a request the model
authenticates: a test of its own 401 handling gets the model's 401. The model judges every request all the same.
"""

from __future__ import annotations

import json
import threading
from typing import Any
from urllib.parse import parse_qsl

from ..recordings import HarEntry, Recording
from ..spec import Contracts, declared_fields, operation_contract

__all__ = ["RecordedAnswers"]

# Recorded to provoke a refusal of the credential or version: the model answers those itself.
_NOT_SERVED_INTENTS = frozenset({"no-token", "wrong-token", "other-region-token", "unknown-version"})
_NOT_SERVED_STATUSES = frozenset({401, 403, 429})
Key = tuple[str, str, str, tuple[tuple[str, str], ...], str, str]


class RecordedAnswers:
    """The recording's answers by request, taken in recorded order."""

    def __init__(self, recording: Recording, contracts: Contracts, *, default_version: str):
        self.recording = recording
        self._contracts, self._default = contracts, default_version
        self._answers: dict[Key, list[HarEntry]] = {}
        self._lock = threading.Lock()
        for entry in recording.entries:
            if entry.has_credential and entry.meta.get("intent") not in _NOT_SERVED_INTENTS and entry.region:
                version = entry.version or entry.meta.get("tested_version") or default_version
                body = _body(entry.request_body)
                key = self._key(entry.region, entry.method, entry.path, entry.query, str(version), body)
                self._answers.setdefault(key, []).append(entry)
        self.served = 0

    def __len__(self) -> int:
        return sum(len(answers) for answers in self._answers.values())

    def take(
        self, *, region: str, method: str, path: str, query: str, version: str | None, body: bytes, status: int
    ) -> HarEntry | None:
        """The recorded answer to this request (None: the model's answer stands)."""
        if status in _NOT_SERVED_STATUSES or not self._answers:
            return None
        key = self._key(region, method.upper(), path, query, version or self._default, _body(body))
        with self._lock:
            answers = self._answers.get(key)
            if not answers:
                return None
            self.served += 1
            return answers.pop(0) if len(answers) > 1 else answers[0]

    def _key(self, region: str, method: str, path: str, query: str, version: str, body: Any) -> Key:
        pairs = tuple(sorted(parse_qsl(query, keep_blank_values=True)))
        return (
            region,
            method,
            path.rstrip("/") or "/",
            pairs,
            version,
            _canonical(self._relevant(version, method, path, body)),
        )

    def _relevant(self, version: str, method: str, path: str, body: Any) -> Any:
        """The body's fields the operation's contract declares (the whole body when it declares none)."""
        if not isinstance(body, dict):
            return body
        declared = self._declared(version, method, path)
        return {name: value for name, value in body.items() if name in declared} if declared else body

    def _declared(self, version: str, method: str, path: str) -> frozenset[str]:
        if not self._contracts.knows(version):
            return frozenset()
        spec = self._contracts.spec_for(version)
        operation = spec.operation_at(method, path)
        if operation is None:
            return frozenset()
        api = operation_contract(spec, operation)
        return declared_fields(api.body.schema) if api.body is not None else frozenset()


def _body(data: bytes | None) -> Any:
    if not data:
        return None
    try:
        return json.loads(data)
    except (ValueError, RecursionError, UnicodeDecodeError):
        return data.decode("latin-1")  # not JSON: compared as it is


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)
