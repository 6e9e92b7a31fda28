"""What a live run may send: the rules checked on every request before it leaves, whoever built it.

The suite's tests, breadth's schemathesis cases and a user's own tests all send through `IntercomClient`; the
client asks the guard first, so a safety rule holds by construction rather than by each caller's care:
- methods: GET and POST; PUT and PATCH only with --intercom-allow-writes; DELETE only with --intercom-flows and
  --intercom-allow-writes, of a record the run created; every other method never;
- flows (--intercom-flows with --intercom-allow-writes): every write touches only what the run created, and a
  create-or-update request names its record with the run's marker (the write ledger's rules, `WriteLedger.admit`);
- parties: a POST /messages names no sender but the run's admin and no recipient but the run's contact (nor any
  other way to reach a person: `email`, `user_id`, ...); without those ids, no request naming a party is sent;
- what a server could read otherwise: a live body is JSON or nothing (a form body is read as parameters, and
  `_method` in it as another method); no method-override header; a POST /messages carries no query (parameters
  there could name parties) and no key twice; a body that is not JSON (an invalid request on purpose) names no
  party at all, in any spelling a lenient parser could read.
The message budget and the no-second-send rule sit in the client, which sees the answers.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..errors import IntercomContractsError

if TYPE_CHECKING:
    from ._writes import WriteLedger

__all__ = ["CREATE_MESSAGE_ROUTE", "LiveGuard", "NotSent"]

CREATE_MESSAGE_ROUTE = ("POST", "/messages")
_METHOD_OVERRIDES = frozenset({"x-http-method-override", "x-http-method", "x-method-override"})
# A party key in any syntax a lenient parser reads: "to": (JSON), to: (JSON5, YAML), to[ / to= / to. (forms).
_PARTY_WORDS = re.compile(r"(?i)(?<![a-z0-9_])[\"']?(from|to|cc|bcc|email|user_id|external_id)[\"']?\s*(:|=|\[|\.)")
READ_METHODS = frozenset({"GET"})
WRITE_METHODS = frozenset({"PUT", "PATCH"})
_RECIPIENTS = ("to", "cc", "bcc")
_PARTY_KEYS = frozenset({"type", "id"})


# Spellings a client or a server rewrites before routing (a fragment dropped, dot segments resolved, slashes
# merged, `;` parameters cut, percent-encodings decoded): the route judged must be the route a server reads.
_REWRITTEN = (
    ("#", "a fragment"),
    ("//", "an empty segment"),
    (";", "a ';' parameter"),
)
_DOT_SEGMENT = re.compile(r"(^|/)\.{1,2}(/|$)")
# A lenient router's reading of a path: case folded, a format extension (`.json`) or a trailing dot dropped.
_FORMAT_SUFFIX = re.compile(r"(\.[A-Za-z0-9]*)+$")


def _spelled_otherwise(path: str) -> str | None:
    """What in `path` a client or server would rewrite before routing it, or None."""
    for mark, name in _REWRITTEN:
        if mark in path:
            return name
    if "\\" in path:
        return "a backslash (read as '/' by some servers)"
    if any(not "!" <= character <= "~" for character in path):
        return "a space, control or non-ASCII character"
    if _DOT_SEGMENT.search(path):
        return "a dot segment"
    if "%" in path:  # decoded once, twice or not at all before routing: no write path of Intercom's needs one
        return "a percent-encoded character"
    return None


def _read_leniently(path: str) -> str:
    return _FORMAT_SUFFIX.sub("", path.lower()).rstrip("/") or "/"


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
    flows: bool = False  # --intercom-flows: with allow_writes, writes go through the ledger's rules
    ledger: WriteLedger | None = None  # what the run created (flows with allow_writes need one)

    @property
    def flows_write(self) -> bool:
        """Whether the flows' writes are allowed: DELETE of the run's records, every write only to what it created."""
        return self.flows and self.allow_writes

    def admit(
        self,
        method: str,
        path: str,
        content: bytes | None,
        headers: Mapping[str, str] | None = None,
        query: str = "",
        *,
        region: str | None = None,
    ) -> None:
        """Return when the request may be sent to `region`'s server; raise NotSent naming the rule otherwise (a
        flows write without its region touches nothing: a record is the run's in the workspace that created it)."""
        method = method.upper()
        # A write's route must be the route a server reads (a read, misrouted, changes nothing).
        other_spelling = _spelled_otherwise(path) if method not in READ_METHODS else None
        if other_spelling:
            raise NotSent(f"a live request's path is sent as the server reads it: {path!r} has {other_spelling}")
        if method == "DELETE" and not self.flows_write:
            raise NotSent("DELETE is never sent by a live run (but with --intercom-flows and --intercom-allow-writes)")
        if method in WRITE_METHODS and not self.allow_writes:
            raise NotSent(f"{method} is sent only with --intercom-allow-writes")
        if method not in READ_METHODS | WRITE_METHODS | {"POST", "DELETE"}:
            raise NotSent(f"{method} is never sent by a live run (only GET and POST, PUT/PATCH with allow-writes)")
        named = {name.lower(): value for name, value in (headers or {}).items()}
        overriding = sorted(_METHOD_OVERRIDES & set(named))
        if overriding:
            raise NotSent(f"a live request carries no method-override header ({', '.join(overriding)})")
        if content and headers is not None and not _is_json_media(named.get("content-type", "")):
            raise NotSent(
                f"a live request's body is sent as application/json only, not {named.get('content-type') or 'untyped'}"
                " (a form body is read as parameters, and its _method as another method)"
            )
        if (method, path) != CREATE_MESSAGE_ROUTE and (method, _read_leniently(path)) == CREATE_MESSAGE_ROUTE:
            raise NotSent(f"{path!r} could be routed as POST /messages: a live message is sent to /messages only")
        if (method, path) == CREATE_MESSAGE_ROUTE:
            if query:
                raise NotSent("a live message carries no query string (parameters there could name parties)")
            self._admit_parties(content)
        elif self.flows_write:
            if self.ledger is None:
                raise NotSent("a live run's flows write only with the run's write ledger: nothing to check it against")
            self.ledger.admit(method, path, content, query, region=region)

    def _admit_parties(self, content: bytes | None) -> None:
        try:
            payload = json.loads(content, object_pairs_hook=_no_repeated_keys) if content else None
        except _RepeatedKey as repeated:
            raise NotSent(
                f"a live message names no key twice (`{repeated.key}`: parsers differ on which wins)"
            ) from None
        except (ValueError, RecursionError):
            # Not JSON: an invalid request sent on purpose. A lenient parser might still read parties in it, so it
            # may not name any.
            text = content.decode("utf-8", "replace") if content else ""
            if _PARTY_WORDS.search(text):
                raise NotSent(
                    "a live message that is not JSON names no party (nothing like from, to, cc or bcc)"
                ) from None
            return
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


class _RepeatedKey(ValueError):
    def __init__(self, key: str):
        self.key = key
        super().__init__(key)


def _no_repeated_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for key, value in pairs:
        if key in found:
            raise _RepeatedKey(key)
        found[key] = value
    return found


def _is_json_media(content_type: str) -> bool:
    media = content_type.split(";")[0].strip().lower()
    return media == "application/json" or (media.startswith("application/") and media.endswith("+json"))
