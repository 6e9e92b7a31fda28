"""The live write ledger: what a live run's flows wrote, capped, and what they created, so that only that is touched.

A live run with --intercom-flows and --intercom-allow-writes writes to a real workspace, and may touch nothing it
did not create. The ledger is the run's memory of it, shared by every process (xdist workers and the controller)
through a small JSON file read and written under an exclusive lock, as the message budget is:
- `marker`: the run's id (`icc-` and 8 hex digits), the same in every process: what names the run's records (an
  email, a company_id, a tag's name carries it), so that a create-or-update request can only ever match one of them;
- `reserve`: every write (any request but a GET, a POST /messages and the POSTs that only search or list) takes one
  of --intercom-max-live-writes before it is sent, whatever its answer; once spent, the write is NotSent. The one
  exception is a record's reversal: the first DELETE of a record the run created is not counted (cleanup must be
  able to undo what the cap allowed), and there is at most one per record, so a run sends at most twice the cap;
- `created` / `deleted`: what the answers said was created (kind, id, region, version, how it is deleted) and
  what is gone; `owns(path, region)`: whether a path is one of the run's items in that region's workspace (or under
  one), until a DELETE of it went out (the server may give its id to a record of someone else's);
- `admit`: the flows' rules over a write, asked by the guard before anything is sent (see `admit`).
How each kind is deleted is `KINDS`; a kind Intercom's API deletes nowhere (notes, data events, data attributes) is
reported as left, with that reason.
The file is trusted only as this run wrote it: unreadable, inconsistent (a record whose delete path is not its own
item), not sealed with the run's key (every process of the run holds it, no file does: a record or a count written
by anything else), replaced by another run's or removed once read, it is `LedgerUnreadable` and nothing is written
or deleted from it (rather than started afresh: the cap would count from 0 again and the records be forgotten).
Each update is whole: Ctrl-C is held while the file is rewritten.
"""

from __future__ import annotations

import fcntl
import hashlib
import hmac
import json
import os
import re
import secrets
import signal
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Final, TypeVar

from .._redaction import environment_secrets, holds_secret
from ..exchange import Exchange
from ._guard import NotSent, _no_repeated_keys, _RepeatedKey

__all__ = [
    "KINDS",
    "READ_POSTS",
    "CreatedRecord",
    "Kind",
    "LedgerUnreadable",
    "WriteLedger",
    "interrupts_deferred",
    "is_write",
]

T = TypeVar("T")
LOCK_WAIT: Final = 10.0  # seconds a process waits for the ledger's lock (others hold it for one update each)

ALWAYS, DOCUMENTED, NEVER = "always", "documented", "never"


@dataclass(frozen=True)
class Kind:
    """A kind of record the flows create: where its items live and whether (and when) the API deletes one."""

    name: str
    collection: str | None  # the item's path is `collection/id`; None: the record has no path of its own
    deleted: str  # ALWAYS, DOCUMENTED (where the version documents DELETE collection/{id}) or NEVER
    left: str = ""  # why a record of this kind is left (NEVER), or left where the version documents no DELETE


KINDS: Final[dict[str, Kind]] = {
    kind.name: kind
    for kind in (
        Kind("contact", "/contacts", ALWAYS),
        Kind("company", "/companies", ALWAYS),
        Kind("tag", "/tags", ALWAYS),
        Kind("article", "/articles", ALWAYS),
        Kind("conversation", "/conversations", DOCUMENTED, "this version documents no DELETE /conversations/{id}"),
        Kind("ticket", "/tickets", DOCUMENTED, "this version documents no DELETE /tickets/{id}"),
        Kind("note", "/notes", NEVER, "Intercom's API deletes no note"),
        Kind("data_event", None, NEVER, "Intercom's API deletes no data event"),
        Kind("data_attribute", "/data_attributes", NEVER, "Intercom's API deletes no data attribute (archive it)"),
    )
}

# The POSTs that only read (a search, a list): not writes.
READ_POSTS: Final = frozenset(
    {
        "/admins/activity_logs/search",
        "/calls/search",
        "/companies/list",
        "/companies/search",
        "/contacts/search",
        "/conversations/search",
        "/tickets/search",
    }
)

# POST to a collection whose Intercom semantics are "create or update": the fields that find an existing record.
# Each one sent must carry the run's marker (and one at least must be sent), so that only a record of this run's can
# match; the answer must name the record so too, or it is not taken for the run's.
CREATE_OR_UPDATE: Final[dict[str, tuple[str, tuple[str, ...]]]] = {
    "/contacts": ("contact", ("email", "external_id")),
    "/companies": ("company", ("company_id",)),
    "/tags": ("tag", ("name",)),
    "/data_attributes": ("data_attribute", ("name",)),
}
# POST to a collection that always creates a new record (nothing existing is matched): admitted when the people it
# names are the run's (see `_admit_creation`).
CREATE_ONLY: Final[dict[str, str]] = {
    "/articles": "article",
    "/conversations": "conversation",
    "/tickets": "ticket",
    "/events": "data_event",
}
# A POST to such a collection answers the record it made: an article or a conversation is taken for the run's only
# when its words (sent, and answered) carry the marker, so that an answer naming another record (a server's fault, a
# proxy's cache) never makes it one the run writes to or deletes.
_NAMED_BY: Final = {"/articles": "title", "/conversations": "body"}
_NOTES = re.compile(r"^/contacts/([^/]+)/notes$")  # a note is created under the run's contact
_PLAIN_ID = re.compile(r"[A-Za-z0-9_-]{1,100}")  # an id that is one path segment (fullmatch), as answered
_TAG_TARGETS = ("users", "companies")  # POST /tags with these tags (or untags) existing records
_MARKER = re.compile(r"icc-[0-9a-f]{8}")
# Who a write may name besides records: an admin only as the run's (--intercom-admin-id: a teammate named is notified
# or signs the run's words), a contact only as the run's (created by it, or --intercom-contact-id).
_ADMIN_KEYS = ("admin_id", "assignee_id", "owner_id", "author_id")
_CONTACT_BY_ID = ("intercom_user_id",)
_CONTACT_BY_NAME = ("email", "user_id", "external_id")  # carry the marker: no real person's address or id
# POSTs under the run's item that reach beyond it: refused whatever their body.
_BEYOND_THE_ITEM: Final = {
    "convert": "it creates a ticket the run would not know to delete",
    "run_assignment_rules": "the workspace's rules may assign it to a teammate",
}
# A POST under the run's item that attaches another item by its `id` (/contacts/{id}/tags, /contacts/{id}/companies,
# /conversations/{id}/tags, /companies/{id}/contacts): the other item must be the run's too.
_ATTACHES: Final = {"tags": "/tags", "companies": "/companies", "contacts": "/contacts"}


def is_write(method: str, path: str) -> bool:
    """Whether a request writes: any but a GET, a POST /messages (the message budget's) and a POST that reads."""
    method = method.upper()
    if method == "GET":
        return False
    return not (method == "POST" and (path == "/messages" or path in READ_POSTS))


@dataclass(frozen=True)
class CreatedRecord:
    kind: str
    id: str
    region: str
    version: str | None
    delete_path: str | None  # None: nothing deletes it (`reason` says why)
    deleted: bool = False
    reason: str | None = None  # why it was left (or what its DELETE answered)
    delete_sent: bool = False  # a DELETE of it went out (cleanup sends none again)
    owned: bool = True  # False: the answer did not name it with the marker, so the run never touches it

    @property
    def item_path(self) -> str | None:
        kind = KINDS.get(self.kind)
        return f"{kind.collection}/{self.id}" if kind and kind.collection and self.owned else None

    def to_report(self) -> dict[str, Any]:
        """What the JSON report lists: the record and whether it was deleted or left (and why)."""
        shown: dict[str, Any] = {"kind": self.kind, "id": self.id, "region": self.region, "version": self.version}
        shown["state"] = "deleted" if self.deleted else "left"
        if self.reason:
            shown["reason"] = self.reason
        return shown


class LedgerUnreadable(NotSent):
    """The ledger file is not as this run wrote it: nothing is written, and nothing deleted, from it."""

    def __init__(self, path: Path, why: str):
        super().__init__(f"the live write ledger {path} is unreadable ({why}): nothing is written or deleted from it")


class WriteLedger:
    """At most `limit` writes for the run (every process's), and the records it created.

    `documents(version, method, path)`: whether the version's description documents an operation (what decides a
    DOCUMENTED kind's delete); without it, such kinds are left.
    """

    def __init__(
        self,
        path: Path,
        limit: int,
        *,
        documents: Callable[[str | None, str, str], bool] | None = None,
        admin_id: int | None = None,
        contact_id: str | None = None,
        key: str | None = None,
    ):
        self.path, self.limit, self.documents = path, limit, documents
        self.key = key  # the run's secret, sealing the file (None: not sealed, for a ledger used on its own)
        self.admin_id = admin_id  # the run's admin (--intercom-admin-id): the only admin a write may name
        self.contact_id = contact_id  # the run's own contact (--intercom-contact-id): it may be named as a party
        self._marker: str | None = None  # the run's marker once read: a file with another (or none) is not the run's
        path.parent.mkdir(parents=True, exist_ok=True)

    # -- the shared state ------------------------------------------------------------------------------------------
    @staticmethod
    def _initial() -> dict[str, Any]:
        return {"marker": f"icc-{secrets.token_hex(4)}", "writes": 0, "reversals": 0, "records": []}

    def _update(self, change: Callable[[dict[str, Any]], T]) -> T:
        # The lock is taken before Ctrl-C is deferred, within a bound (a wait for another process stays
        # interruptible and ends); the update itself is whole.
        with open(self.path, "a+", encoding="utf-8") as handle:
            self._lock(handle, fcntl.LOCK_EX)
            with interrupts_deferred():
                handle.seek(0)
                state = self._checked(handle.read().strip())
                result = change(state)
                state["seal"] = self._seal(state)
                text = json.dumps(state)
                handle.seek(0)
                handle.truncate()
                handle.write(text)
                handle.flush()
                os.fsync(handle.fileno())
                return result

    def _lock(self, handle: Any, mode: int) -> None:
        """Lock the file (the run's processes hold it for one update each); refuse after LOCK_WAIT seconds."""
        waited_until = time.monotonic() + LOCK_WAIT
        while True:
            try:
                fcntl.flock(handle, mode | fcntl.LOCK_NB)
                return
            except BlockingIOError:
                if time.monotonic() >= waited_until:
                    raise LedgerUnreadable(self.path, f"locked by another process for {LOCK_WAIT:g} s") from None
                time.sleep(0.005)

    def _read(self) -> dict[str, Any]:
        if not self.path.exists():
            return self._update(lambda state: state)  # the first reader fixes the marker for every process
        with open(self.path, "a+", encoding="utf-8") as handle:
            self._lock(handle, fcntl.LOCK_SH)
            handle.seek(0)
            text = handle.read().strip()
        return self._checked(text) if text else self._update(lambda state: state)

    def _checked(self, text: str) -> dict[str, Any]:
        """The file's state as this run wrote it (a new one for a file not written yet); LedgerUnreadable else."""
        if not text:
            if self._marker is not None:
                raise LedgerUnreadable(self.path, "it was removed or emptied during the run")
            state = self._initial()
        else:
            try:
                state = json.loads(text)
            except (ValueError, RecursionError):
                raise LedgerUnreadable(self.path, "not JSON") from None
            why = _inconsistent(state)
            if why:
                raise LedgerUnreadable(self.path, why)
            if not hmac.compare_digest(state["seal"], self._seal(state)):
                raise LedgerUnreadable(self.path, "not sealed with this run's key: written by something else")
        if self._marker is not None and state["marker"] != self._marker:  # (sealed alike without a key)
            raise LedgerUnreadable(self.path, f"another run's ({state['marker']}, not {self._marker})")
        self._marker = state["marker"]
        return state

    @property
    def marker(self) -> str:
        """The run's id, the same in every process: what names the records it creates (read once: a file naming
        another is refused)."""
        return self._marker if self._marker is not None else str(self._read()["marker"])

    @property
    def writes(self) -> int:
        """The writes counted against the cap so far."""
        return int(self._read()["writes"])

    @property
    def reversals(self) -> int:
        """The DELETEs of the run's own records sent outside the cap (at most one per record)."""
        return int(self._read()["reversals"])

    def records(self) -> list[CreatedRecord]:
        return [CreatedRecord(**record) for record in self._read()["records"]]

    def report(self) -> dict[str, Any]:
        """The `run.flows` part of the JSON report: the marker, the writes counted against the cap, every record."""
        state = self._read()
        return {
            "marker": state["marker"],
            "max_live_writes": self.limit,
            "writes": state["writes"],
            "reversals": state["reversals"],
            "records": [CreatedRecord(**record).to_report() for record in state["records"]],
        }

    # -- what is sent ----------------------------------------------------------------------------------------------
    def reserve(self, method: str, path: str, *, region: str | None = None) -> None:
        """Count a write about to be sent to `region`; raise NotSent once the cap is spent (a read is not counted)."""
        if not is_write(method, path):
            return

        def reserve(state: dict[str, Any]) -> str | None:
            # Judged again under the lock: another process may have sent the record's DELETE since the guard
            # admitted this write (its id may be another's by now).
            gone = next((r for r in state["records"] if _deleted_under(r, path, region)), None)
            if gone is not None:
                return f"{path} was the run's {gone['kind']}, whose DELETE already went out: nothing more is sent to it"
            if method.upper() == "DELETE":
                for record in state["records"]:
                    if _is(record, path, region) and not record["delete_sent"] and not record["deleted"]:
                        record["delete_sent"] = True  # the record's reversal: once, outside the cap
                        state["reversals"] += 1
                        return None
            if state["writes"] >= self.limit:
                return (
                    f"the live write cap (--intercom-max-live-writes {self.limit}) is spent: "
                    f"{state['writes']} writes sent"
                )
            state["writes"] += 1
            return None

        refused = self._update(reserve)
        if refused is not None:
            raise NotSent(refused)

    def created(self, kind: str, id: str, region: str, version: str | None, delete_path: str | None) -> None:
        """A record the run created (the answer named it); `delete_path` None: nothing deletes it."""
        reason = None if delete_path else self._why(kind)
        self._add(CreatedRecord(kind, id, region, version, delete_path, reason=reason))

    def _seal(self, state: dict[str, Any]) -> str:
        if self.key is None:
            return ""
        content = json.dumps({name: value for name, value in state.items() if name != "seal"}, sort_keys=True)
        return hmac.new(self.key.encode(), content.encode(), hashlib.sha256).hexdigest()

    def _why(self, kind: str) -> str:
        return KINDS[kind].left if kind in KINDS else f"a {kind} is deleted by no path the toolkit knows"

    def _add(self, record: CreatedRecord) -> None:
        def add(state: dict[str, Any]) -> None:
            key = (record.kind, record.id, record.region)
            known = [r for r in state["records"] if (r["kind"], r["id"], r["region"]) == key]
            if known and not (known[0]["deleted"] or known[0]["delete_sent"]):
                return  # created or updated again: one record
            # new, or a deleted record's id given again to what the run just created: this one is to delete too
            state["records"] = [r for r in state["records"] if r not in known] + [asdict(record)]

        self._update(add)

    def deleted(self, path: str, *, region: str) -> None:
        """A DELETE of `path` in `region` was answered 2xx: the record it names is gone."""
        self._mark(path, region, deleted=True, reason=None)

    def left(self, path: str, reason: str, *, region: str) -> None:
        """The record `path` deletes in `region` is left, and why (its DELETE's answer, a refusal, an interrupt)."""
        self._mark(path, region, deleted=False, reason=reason)

    def leave_the_rest(self, reason: str) -> None:
        """Every record still to delete is left, and why (the cleanup was interrupted)."""

        def leave(state: dict[str, Any]) -> None:
            for record in state["records"]:
                if record["delete_path"] and not record["deleted"] and not record["reason"]:
                    record["reason"] = reason

        self._update(leave)

    def _mark(self, path: str, region: str, *, deleted: bool, reason: str | None) -> None:
        def mark(state: dict[str, Any]) -> None:
            for record in state["records"]:
                if _is(record, path, region) and not record["deleted"]:
                    record["deleted"], record["reason"] = deleted, reason

        self._update(mark)

    def owns(self, path: str, region: str | None) -> bool:
        """Whether `path` is an item the run created in `region`'s workspace, or under one (e.g. /contacts/{its
        id}/tags), and no DELETE of it went out (gone or not, its id may be another's by now)."""
        for record in self.records():
            item = record.item_path
            if item is None or record.region != region or record.deleted or record.delete_sent:
                continue
            if path == item or path.startswith(item + "/"):
                return True
        return False

    # -- what the answers said -------------------------------------------------------------------------------------
    def observe(self, exchange: Exchange) -> None:
        """Record what a write's answer says: a record created (a 2xx to a creating POST), one deleted or left."""
        method, path, status = exchange.method.upper(), exchange.path or "", exchange.status
        region, version = exchange.region, exchange.version
        payload, answer = exchange.payload, exchange.json
        if method == "DELETE":
            if 200 <= status < 300:
                self.deleted(path, region=region)
            else:
                self.left(path, f"its DELETE was answered {status}", region=region)
            return
        if method != "POST" or not 200 <= status < 300:
            return
        kind = _creates(path)
        if kind is None:
            return
        if kind == "data_event":  # answered 202 and nothing: the event is named by its event_name
            name = payload.get("event_name") if isinstance(payload, dict) else None
            self.created(kind, str(name or "?"), region, version, None)
            return
        found = _created_id(kind, answer)
        if found is None:
            return
        if holds_secret(found, environment_secrets()):  # a server echoing a token as an id: never kept, never shown
            found = "[redacted]"
        if not _PLAIN_ID.fullmatch(found):
            self._add(_unowned(kind, found, region, version, "its id is not one path segment: never touched"))
            return
        marked = CREATE_OR_UPDATE[path][1] if path in CREATE_OR_UPDATE else tuple(filter(None, [_NAMED_BY.get(path)]))
        if marked and not _names_marker(answer, marked, self.marker):
            reason = f"the answer does not name it with the run's marker ({' or '.join(marked)}): not the run's"
            self._add(_unowned(kind, found, region, version, reason))
            return
        self.created(kind, found, region, version, self._delete_path(kind, found, version))

    def _delete_path(self, kind: str, id: str, version: str | None) -> str | None:
        spec = KINDS[kind]
        if spec.collection is None or spec.deleted == NEVER:
            return None
        path = f"{spec.collection}/{id}"
        if spec.deleted == DOCUMENTED and not (self.documents and self.documents(version, "DELETE", path)):
            return None
        return path

    # -- what may be written ---------------------------------------------------------------------------------------
    def admit(self, method: str, path: str, content: bytes | None, query: str = "", *, region: str | None) -> None:
        """The flows' rules over a write to `region` (the guard asks, with --intercom-flows and
        --intercom-allow-writes):
        - a body is a JSON object or nothing (what a lenient parser reads in anything else is not judged);
        - a DELETE, PUT or PATCH only of an item the run created there (or a path under one);
        - a POST under an item only when the item is the run's (/contacts/{id}/tags, /conversations/{id}/reply), and
          the tag, company or contact it attaches by `id` too; none that reaches beyond it (`_BEYOND_THE_ITEM`);
        - a POST to a create-or-update collection only when every identifying field sent carries the marker, and no
          `id` (POST /tags with one renames that tag);
        - a POST to a collection that always creates only when the people it names are the run's;
        - any write names an admin only as the run's, a contact only as the run's (see `_admit_people`);
        - nothing else (a POST to a collection the toolkit does not know as creating).
        Raise NotSent with a one-line reason otherwise."""
        method = method.upper()
        if not is_write(method, path):
            return
        if query:
            raise NotSent(f"{method} {path}: a live run's flows send no query with a write (it could name a record)")
        payload = _json_object(content)  # a key twice is refused before anything else is judged
        self._admit_people(method, path, payload, region)
        if self.owns(path, region):
            self._admit_under_item(method, path, payload, region)
            return
        if method != "POST":
            raise NotSent(f"{method} {path}: a live run's flows write only to the records they created")
        if path in CREATE_OR_UPDATE:
            self._admit_marked(path, payload)
        elif path in CREATE_ONLY:
            self._admit_creation(path, payload, region)
        else:
            raise NotSent(f"POST {path}: a live run's flows write only to the records they created, or create new ones")

    def _admit_people(self, method: str, path: str, payload: dict[str, Any], region: str | None) -> None:
        """An admin named only as the run's; a contact named (by intercom_user_id, or as a `customer`) only as the
        run's; an email, user_id or external_id only with the marker (no real person's, on the run's records)."""
        for key in _ADMIN_KEYS:
            if key in payload and (self.admin_id is None or str(payload[key]) != str(self.admin_id)):
                raise NotSent(
                    f"{method} {path}: a live run's flows name no admin but --intercom-admin-id "
                    f"{self.admin_id if self.admin_id is not None else '(none given)'} (`{key}`)"
                )
        named = {key: payload[key] for key in (*_CONTACT_BY_ID, *_CONTACT_BY_NAME) if key in payload}
        if path in CREATE_OR_UPDATE:  # what finds the record is judged as such (`_admit_marked`)
            named = {key: value for key, value in named.items() if key not in CREATE_OR_UPDATE[path][1]}
        parties = ([named] if named else []) + ([payload["customer"]] if "customer" in payload else [])
        if path != "/events" and not all(self._is_ours(party, region) for party in parties):
            raise NotSent(
                f"{method} {path}: a live run's flows name only a contact the run created (or --intercom-contact-id)"
                ", and an email, user_id or external_id only with the run's marker"
            )

    def _admit_under_item(self, method: str, path: str, payload: dict[str, Any], region: str | None) -> None:
        last = path.rsplit("/", 1)[-1]
        if method in ("PUT", "PATCH") and "id" in payload and str(payload["id"]) != last:
            raise NotSent(f"{method} {path}: a live run's flows name no other record by `id` in its body")
        if method != "POST":
            return
        if last in _BEYOND_THE_ITEM:
            raise NotSent(f"POST {path}: not sent by a live run's flows ({_BEYOND_THE_ITEM[last]})")
        collection = _ATTACHES.get(last)
        if collection is None or "id" not in payload:
            return
        other = str(payload["id"])
        if not (_PLAIN_ID.fullmatch(other) and self.owns(f"{collection}/{other}", region)):
            raise NotSent(f"POST {path}: a live run's flows attach only a {collection[1:-1]} the run created")

    def _admit_marked(self, path: str, payload: dict[str, Any]) -> None:
        marker, fields = self.marker, CREATE_OR_UPDATE[path][1]
        sent = [field for field in fields if field in payload]
        unmarked = [field for field in sent if not (isinstance(payload[field], str) and marker in payload[field])]
        if "id" in payload:
            raise NotSent(f"POST {path} with an `id` updates that record: a live run's flows send none")
        if not sent or unmarked:
            names = " or ".join(fields)
            raise NotSent(
                f"POST {path} creates or updates: a live run's flows send it only with {names} carrying the run's "
                f"marker {marker} (an existing record could match otherwise)"
            )
        if path == "/tags" and any(target in payload for target in _TAG_TARGETS):
            raise NotSent("POST /tags names no contact or company live: tag the run's records through their paths")

    def _admit_creation(self, path: str, payload: dict[str, Any], region: str | None) -> None:
        named: list[Any] = []
        if path == "/conversations":
            named = [payload.get("from")]
        elif path == "/tickets":
            contacts = payload.get("contacts")
            named = contacts if isinstance(contacts, list) and contacts else [None]
        elif path == "/events":  # the event's person, named in its own keys (its metadata names no one)
            named = [{key: payload[key] for key in ("id", *_CONTACT_BY_ID, *_CONTACT_BY_NAME) if key in payload}]
        field = _NAMED_BY.get(path)
        if field is not None and not (isinstance(payload.get(field), str) and self.marker in payload[field]):
            raise NotSent(f"POST {path}: a live run's flows send it only with its {field} carrying the run's marker")
        for party in named:
            if not self._is_ours(party, region):
                raise NotSent(
                    f"POST {path}: a live run's flows name only a contact the run created (or --intercom-contact-id)"
                )

    def _is_ours(self, party: Any, region: str | None) -> bool:
        """A contact named by id (one the run created, or the run's own) or by an email/user_id/external_id
        carrying the marker, and by nothing nested (a party inside a party is judged by no one)."""
        if not isinstance(party, dict) or any(isinstance(value, (dict, list)) for value in party.values()):
            return False
        marker = self.marker
        by_id = [str(party[key]) for key in ("id", "intercom_user_id") if key in party]
        by_name = [party[key] for key in ("email", "user_id", "external_id") if key in party]
        if not by_id and not by_name:
            return False
        ids_ours = all(
            i == self.contact_id or (_PLAIN_ID.fullmatch(i) and self.owns(f"/contacts/{i}", region)) for i in by_id
        )
        return ids_ours and all(isinstance(name, str) and marker in name for name in by_name)


def _is(record: dict[str, Any], delete_path: str, region: str | None) -> bool:
    return bool(record["delete_path"] == delete_path and record["region"] == region)


def _deleted_under(record: dict[str, Any], path: str, region: str | None) -> bool:
    """Whether `path` is `record`'s item (or under it) in `region` and the record's DELETE already went out."""
    item = record["delete_path"]
    if not item or record["region"] != region or not (record["delete_sent"] or record["deleted"]):
        return False
    return bool(path == item or path.startswith(item + "/"))


_RECORD_TYPES: Final = {
    "kind": (str,),
    "id": (str,),
    "region": (str,),
    "version": (str, type(None)),
    "delete_path": (str, type(None)),
    "deleted": (bool,),
    "reason": (str, type(None)),
    "delete_sent": (bool,),
    "owned": (bool,),
}


def _inconsistent(state: Any) -> str | None:
    """Why a ledger's state is not one the run wrote, or None."""
    if not isinstance(state, dict) or set(state) != {"marker", "writes", "reversals", "records", "seal"}:
        return "not a ledger"
    if not isinstance(state["seal"], str):
        return "no seal"
    if not (isinstance(state["marker"], str) and _MARKER.fullmatch(state["marker"])):
        return "no run's marker"
    counts = (state["writes"], state["reversals"])
    if not all(isinstance(count, int) and not isinstance(count, bool) and count >= 0 for count in counts):
        return "its counts are not counts"
    if not isinstance(state["records"], list):
        return "its records are not a list"
    for record in state["records"]:
        if not isinstance(record, dict) or set(record) != set(_RECORD_TYPES):
            return "a record is not one"
        if not all(isinstance(record[key], types) for key, types in _RECORD_TYPES.items()):
            return f"record {record['id']!r} is not one"
        kind = KINDS.get(record["kind"])
        own = (
            f"{kind.collection}/{record['id']}"
            if kind and kind.collection and _PLAIN_ID.fullmatch(record["id"])
            else None
        )
        if record["delete_path"] is not None and (record["delete_path"] != own or not record["owned"]):
            return f"record {record['id']!r} would delete {record['delete_path']!r}, not its own item"
    return None


@contextmanager
def interrupts_deferred() -> Iterator[None]:
    """SIGINT (Ctrl-C) held until the block ends, then raised as it would have been (main thread only: signals are
    delivered there)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    held: list[int] = []
    previous = signal.signal(signal.SIGINT, lambda signum, frame: held.append(signum))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
    if held and callable(previous):
        previous(signal.SIGINT, None)
    elif held and previous != signal.SIG_IGN:
        raise KeyboardInterrupt


def _creates(path: str) -> str | None:
    """The kind a POST to `path` creates, or None."""
    if path in CREATE_OR_UPDATE:
        return CREATE_OR_UPDATE[path][0]
    if path in CREATE_ONLY:
        return CREATE_ONLY[path]
    return "note" if _NOTES.match(path) else None


def _created_id(kind: str, answer: Any) -> str | None:
    if not isinstance(answer, dict):
        return None
    # POST /conversations answers the message that opened it (`user_message`): the conversation is its
    # conversation_id.
    key = "conversation_id" if kind == "conversation" and "conversation_id" in answer else "id"
    found = answer.get(key)
    return None if found is None or isinstance(found, (bool, dict, list)) else str(found)


def _names_marker(answer: Any, fields: tuple[str, ...], marker: str) -> bool:
    return isinstance(answer, dict) and any(isinstance(answer.get(f), str) and marker in answer[f] for f in fields)


def _unowned(kind: str, id: str, region: str, version: str | None, reason: str) -> CreatedRecord:
    return CreatedRecord(kind, id, region, version, None, reason=reason, owned=False)


def _json_object(content: bytes | None) -> dict[str, Any]:
    """The body's JSON object ({} for no body); NotSent for anything else (a lenient parser could read a record's id
    in it that no rule judged) and for a key twice (parsers differ on which wins)."""
    if not content:
        return {}
    try:
        payload = json.loads(content, object_pairs_hook=_no_repeated_keys)
    except _RepeatedKey as repeated:
        raise NotSent(f"a live write names no key twice (`{repeated.key}`: parsers differ on which wins)") from None
    except (ValueError, RecursionError):
        payload = None
    if not isinstance(payload, dict):
        raise NotSent("a live run's flows write with a JSON object for a body, or none")
    return payload
