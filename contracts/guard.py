"""What a live run may send: the rules checked on every request before it leaves, whoever built it.

The suite's tests, breadth's schemathesis cases and a user's own tests all send through `IntercomClient`; the
client asks the guard first, so a safety rule holds by construction rather than by each caller's care:
- methods: GET and POST; PUT and PATCH only with --intercom-allow-writes; DELETE and every other method never;
- parties: a POST /messages names no sender but the run's admin and no recipient but the run's contact (nor any
  other way to reach a person: `email`, `user_id`, ...); without those ids, no request naming a party is sent.
The message budget and the no-second-send rule sit in the client, which sees the answers.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from .errors import IntercomContractsError

__all__ = ["CREATE_MESSAGE_ROUTE", "LiveGuard", "NotSent"]

CREATE_MESSAGE_ROUTE = ("POST", "/messages")
READ_METHODS = frozenset({"GET"})
WRITE_METHODS = frozenset({"PUT", "PATCH"})
_RECIPIENTS = ("to", "cc", "bcc")
_PARTY_KEYS = frozenset({"type", "id"})


class NotSent(IntercomContractsError):
    """A live request kept from being sent by a safety rule; `reason` says which (tests skip with it)."""

    def __init__(self, reason: str):
        self.reason = reason
        super().__init__(reason)


@dataclass(frozen=True)
class LiveGuard:
    admin_id: int | None = None
    contact_id: str | None = None
    allow_writes: bool = False

    def admit(self, method: str, path: str, content: bytes | None) -> None:
        """Return when the request may be sent; raise NotSent naming the rule otherwise."""
        method = method.upper()
        if method == "DELETE":
            raise NotSent("DELETE is never sent by a live run")
        if method in WRITE_METHODS and not self.allow_writes:
            raise NotSent(f"{method} is sent only with --intercom-allow-writes")
        if method not in READ_METHODS | WRITE_METHODS | {"POST"}:
            raise NotSent(f"{method} is never sent by a live run (only GET and POST, PUT/PATCH with allow-writes)")
        if (method, path) == CREATE_MESSAGE_ROUTE:
            self._admit_parties(content)

    def _admit_parties(self, content: bytes | None) -> None:
        try:
            payload = json.loads(content) if content else None
        except (ValueError, RecursionError):
            return  # not JSON: names nobody, and is refused before anything is created
        if not isinstance(payload, dict):
            return
        self._admit_party(payload.get("from"), "from", self.admin_id, "--intercom-admin-id")
        for field in _RECIPIENTS:
            self._admit_party(payload.get(field), field, self.contact_id, "--intercom-contact-id")

    def _admit_party(self, value: Any, field: str, pinned: int | str | None, option: str) -> None:
        for party in value if isinstance(value, list) else [value]:
            if party is None or isinstance(party, bool):
                continue
            if isinstance(party, (str, int, float)):
                identifier: Any = party
            elif isinstance(party, dict):
                extra = sorted(set(party) - _PARTY_KEYS)
                if extra:
                    raise NotSent(f"a live message names its {field} only by type and id, not by {', '.join(extra)}")
                if "id" not in party:
                    continue  # names nobody: refused before anything is created
                identifier = party["id"]
            else:
                continue  # a nested list or the like names nobody
            if pinned is None:
                raise NotSent(f"a live message needs {option} to name its {field}")
            if isinstance(identifier, bool) or str(identifier) != str(pinned):
                raise NotSent(f"a live message goes only {'from' if field == 'from' else 'to'} {option} {pinned}")
