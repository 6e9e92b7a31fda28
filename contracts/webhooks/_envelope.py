"""The notification Intercom delivers: the envelope, and its `data.item` drawn from that version's API model.

Envelope (Intercom's webhook model pages and signed-notifications example): `{"type": "notification_event", "id":
"notif_...", "topic": ..., "app_id": <workspace id>, "created_at": <unix seconds>, "data": {"type":
"notification_event_data", "item": <the API object>}}`; `delivery_status`, `delivery_attempts`, `delivered_at`,
`first_sent_at`, `links` and `self` are seen too, so a handler must tolerate fields it does not know.
"""

from __future__ import annotations

import time
import uuid
from typing import TYPE_CHECKING, Any, Final

from ..schema import bundle_schema, synthesize
from ._topics import Topic, topic

if TYPE_CHECKING:
    from ..spec import Spec

__all__ = ["NOTIFICATION_SCHEMA", "item_for", "item_schema", "notification", "notification_id"]

NOTIFICATION_SCHEMA: Final[dict[str, Any]] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "required": ["type", "id", "topic", "app_id", "created_at", "data"],
    "properties": {
        "type": {"const": "notification_event"},
        "id": {"type": "string", "minLength": 1},
        "topic": {"type": "string", "minLength": 1},
        "app_id": {"type": "string", "minLength": 1},
        "created_at": {"type": "integer"},
        "delivery_attempts": {"type": "integer", "minimum": 1},
        "data": {
            "type": "object",
            "required": ["type", "item"],
            "properties": {"type": {"const": "notification_event_data"}, "item": {"type": "object"}},
        },
    },
}


def notification_id() -> str:
    """A fresh notification id, as Intercom forms them (`notif_` and a UUID)."""
    return f"notif_{uuid.uuid4()}"


def item_schema(spec: Spec, name: str) -> dict[str, Any] | None:
    """The bundled JSON Schema of topic `name`'s item in `spec` (None: no schema describes it there)."""
    found = topic(name)
    if found is None or found.schema is None or found.minimal:
        return None
    kept: dict[str, dict[str, Any] | None] = spec.memo.setdefault("webhook_item_schemas", {})  # lives with the spec
    if found.schema not in kept:
        schemas = spec.document.get("components", {}).get("schemas", {})
        pointer = f"#/components/schemas/{found.schema}"
        kept[found.schema] = (
            bundle_schema(spec.document, pointer, source=spec.source) if found.schema in schemas else None
        )
    return kept[found.schema]


def item_for(spec: Spec, name: str, overlay: dict[str, Any] | None = None) -> dict[str, Any]:
    """The `data.item` of a `name` notification: that version's API object, keeping what `overlay` offers."""
    found = topic(name) or Topic(name, name.split(".")[0], None)
    schema = item_schema(spec, name)
    offered = dict(overlay or {})
    if schema is None:  # minimal payloads and objects no description models: identifying fields only
        return {"type": found.item_type, "id": str(offered.get("id") or uuid.uuid4().hex[:24]), **offered}
    # the object's own `type` (contact, conversation...) where the schema leaves it open, as Intercom sends it
    item = synthesize(schema, overlay={"type": found.item_type, **offered}, name=f"{name} item")
    return item if isinstance(item, dict) else {"type": found.item_type, **offered}


def notification(
    name: str,
    item: dict[str, Any],
    *,
    app_id: str,
    notification_id_: str | None = None,
    created_at: int | None = None,
    delivery_attempts: int = 1,
) -> dict[str, Any]:
    """The envelope Intercom sends for `item` under topic `name`."""
    now = int(time.time()) if created_at is None else created_at
    return {
        "type": "notification_event",
        "app_id": app_id,
        "data": {"type": "notification_event_data", "item": item},
        "links": {},
        "id": notification_id_ or notification_id(),
        "topic": name,
        "delivery_status": "pending",
        "delivery_attempts": delivery_attempts,
        "delivered_at": 0,
        "first_sent_at": now,
        "created_at": now,
        "self": None,
    }
