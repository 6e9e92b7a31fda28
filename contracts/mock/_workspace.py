"""The fake's workspace: the resources a test's code creates, reads, updates, lists, searches and deletes.

Items are kept by kind (the name of their schema in the descriptions: `contact`, `company`, `tag`, ...) and id, in
the order they were made; each remembers the items it belongs to (a note to its contact) and the ones attached to
it (tags and companies on a contact). Bodies are stored as sent and shaped into each version's schema only when
answered, so one workspace serves every Intercom-Version. Seeded with what every workspace has: its admins, a team,
a contact, and the built-in data attributes (contracts.mock._builtins).
"""

from __future__ import annotations

import itertools
import threading
import time
import zoneinfo
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Final

from ._builtins import builtin_attributes

__all__ = ["DEFAULT_ADMIN_ID", "DEFAULT_CONTACT_ID", "Item", "Workspace"]

DEFAULT_ADMIN_ID: Final = 991267390
DEFAULT_CONTACT_ID: Final = "6762f0d21bb69f9f2193bb59"
DEFAULT_TEAM_ID: Final = "814865"
# Intercom's contacts, companies and visitors have 24 hexadecimal characters as ids; every other resource a number.
HEX_KINDS: Final = frozenset({"contact", "company", "visitor", "lead"})
CREATED_AT: Final = 1719492696  # when the seeded workspace was made (Unix seconds)


@dataclass
class Item:
    kind: str
    id: str
    body: dict[str, Any]
    parents: set[tuple[str, str]] = field(default_factory=set)  # (kind, id) of the items it belongs to
    links: dict[str, list[str]] = field(default_factory=dict)  # kind -> ids attached to it, in order


class Workspace:
    """Resources by kind and id; thread-safe (the loopback fake answers from several threads)."""

    def __init__(self, *, seed: bool = True, clock: Any = time.time, timezone: str = "UTC"):
        self._items: dict[str, dict[str, Item]] = {}
        self._ids = itertools.count(7_000_001)
        self._lock = threading.RLock()
        self.clock = clock
        self._revision = 0  # changes whenever items come or go or links change: the holders index is then rebuilt
        self._holders: dict[tuple[str, str], tuple[int, dict[str, list[Item]]]] = {}
        try:  # search matches dates by calendar day in the workspace's timezone
            zoneinfo.ZoneInfo(timezone)
        except (ValueError, zoneinfo.ZoneInfoNotFoundError):
            raise ValueError(f"unknown timezone {timezone!r}: an IANA name such as UTC or Europe/Dublin") from None
        self.timezone = timezone
        if seed:
            self._seed()

    def _seed(self) -> None:
        self.add(
            "admin",
            {
                "name": "Ciaran Lee",
                "email": "admin@example.com",
                "job_title": "Support",
                "away_mode_enabled": False,
                "away_mode_reassign": False,
                "has_inbox_seat": True,
                "team_ids": [int(DEFAULT_TEAM_ID)],
                "email_verified": True,
            },
            id=str(DEFAULT_ADMIN_ID),
        )
        self.add("team", {"name": "Support", "admin_ids": [DEFAULT_ADMIN_ID]}, id=DEFAULT_TEAM_ID)
        self.add(
            "contact",
            {"role": "user", "email": "contact@example.com", "name": "Seeded Contact", "external_id": "seed-1"},
            id=DEFAULT_CONTACT_ID,
        )
        for attribute in builtin_attributes():
            self.add("data_attribute", attribute)

    # -- what there is ------------------------------------------------------------------------------------------------
    def add(self, kind: str, body: dict[str, Any] | None = None, *, id: str | None = None) -> dict[str, Any]:
        """Make an item of `kind` (its `id`, `type` and `created_at` are set unless given); its body is returned."""
        with self._lock:
            identifier = str(id if id is not None else (body or {}).get("id") or self.new_id(kind))
            now = int(self.clock())
            stored = {"type": kind, "created_at": now, "updated_at": now, **(body or {}), "id": identifier}
            self._items.setdefault(kind, {})[identifier] = Item(kind, identifier, stored)
            self._revision += 1
            return stored

    def new_id(self, kind: str = "") -> str:
        number = next(self._ids)
        return f"{0x6762F0D21BB69F9F00000000 + number:024x}" if kind in HEX_KINDS else str(number)

    def item(self, kind: str, id: Any) -> Item | None:
        with self._lock:
            return self._items.get(kind, {}).get(str(id))

    def get(self, kind: str, id: Any) -> dict[str, Any] | None:
        """The body of an item, or None."""
        found = self.item(kind, id)
        return found.body if found is not None else None

    def all(self, kind: str) -> list[dict[str, Any]]:
        """The bodies of every item of `kind`, oldest first."""
        return [item.body for item in self.items(kind)]

    def items(self, kind: str, *, parent: tuple[str, str] | None = None) -> list[Item]:
        with self._lock:
            found = list(self._items.get(kind, {}).values())
        return [item for item in found if parent is None or parent in item.parents]

    def kinds(self) -> Iterator[str]:
        with self._lock:
            return iter(list(self._items))

    def update(self, kind: str, id: Any, changes: dict[str, Any]) -> Item | None:
        with self._lock:
            found = self.item(kind, id)
            if found is not None:
                found.body.update({key: value for key, value in changes.items() if key not in ("id", "type")})
                found.body["updated_at"] = int(self.clock())
            return found

    def remove(self, kind: str, id: Any) -> Item | None:
        with self._lock:
            found = self._items.get(kind, {}).pop(str(id), None)
            self._revision += 1
            for items in self._items.values():
                for item in items.values():
                    if found is not None and found.id in item.links.get(kind, []):
                        item.links[kind].remove(found.id)
            return found

    def attribute_types(self, model: str) -> dict[str, str]:
        """The data type of each custom data attribute of `model` (contact, company, conversation) by name."""
        return {
            str(item.body.get("name")): str(item.body.get("data_type"))
            for item in self.items("data_attribute")
            if item.body.get("model") == model and item.body.get("custom", True)
        }

    # -- relationships -----------------------------------------------------------------------------------------------
    def attach(self, owner: Item, kind: str, id: str) -> None:
        with self._lock:
            attached = owner.links.setdefault(kind, [])
            if id not in attached:
                attached.append(id)
                self._revision += 1

    def detach(self, owner: Item, kind: str, id: str) -> bool:
        with self._lock:
            attached = owner.links.get(kind, [])
            if id in attached:
                attached.remove(id)
                self._revision += 1
                return True
            return False

    def attached(self, owner: Item, kind: str) -> list[Item]:
        found = [self.item(kind, id) for id in owner.links.get(kind, [])]
        return [item for item in found if item is not None]

    def holders(self, kind: str, attached_kind: str, id: str) -> list[Item]:
        """The items of `kind` that have the item `attached_kind`/`id` attached (a company's contacts), oldest first.

        Read through an index kept until items or links change (a page of companies counts each one's contacts)."""
        with self._lock:
            revision, index = self._holders.get((kind, attached_kind), (-1, {}))
            if revision != self._revision:
                index = {}
                for item in self._items.get(kind, {}).values():
                    for other in item.links.get(attached_kind, []):
                        index.setdefault(other, []).append(item)
                self._holders[(kind, attached_kind)] = (self._revision, index)
            return list(index.get(str(id), []))
