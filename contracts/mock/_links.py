"""What an item links to, kept in step with the operations that change it: one view of an item on every path.

From the descriptions' schemas (every version) and intercom-facts.md ("Reading: Lists"): a contact carries `tags`,
`notes` and `companies` as addressable lists (`type: list`, `data` of references, `url`, `total_count`, `has_more`;
"Up to 10 will be displayed here. Use the url to get more"), always present, even empty; a company its `tags` (a
`tag.list`) and its `user_count` (the contacts it has); a conversation or a ticket its `tags` as a `tag.list`. Kinds
not named here show the tags and companies attached to them, as before.
"""

from __future__ import annotations

from typing import Any, Final

from ._workspace import Item, Workspace

__all__ = ["SHOWN", "links_of"]

SHOWN: Final = 10  # references an addressable list shows; the rest are behind its url
_ADDRESSABLE: Final[dict[str, tuple[tuple[str, str], ...]]] = {
    "contact": (("tag", "tags"), ("note", "notes"), ("company", "companies")),
}
_TAGGED: Final = frozenset({"company", "conversation", "ticket"})


def links_of(workspace: Workspace, item: Item) -> dict[str, Any]:
    """The fields of `item` that list what it links to (what the store keeps apart from its body)."""
    if item.kind in _ADDRESSABLE:
        return {field: _addressable(workspace, item, kind, field) for kind, field in _ADDRESSABLE[item.kind]}
    links: dict[str, Any] = {}
    if item.kind in _TAGGED:
        tags = workspace.attached(item, "tag")
        links["tags"] = {"type": "tag.list", "tags": [_tag(tag) for tag in tags]}
    if item.kind == "company":
        links["user_count"] = len(workspace.holders("contact", "company", item.id))
        return links
    if item.kind not in _TAGGED:
        for kind, field in (("tag", "tags"), ("company", "companies")):
            if workspace.attached(item, kind) or kind in item.links:
                links[field] = _addressable(workspace, item, kind, field)
    return links


def _addressable(workspace: Workspace, owner: Item, kind: str, field: str) -> dict[str, Any]:
    linked = workspace.items(kind, parent=(owner.kind, owner.id)) if kind == "note" else workspace.attached(owner, kind)
    return {
        "type": "list",
        "data": [{"type": kind, "id": other.id, "url": f"/{field}/{other.id}"} for other in linked[:SHOWN]],
        "url": f"/{collection(owner.kind)}/{owner.id}/{field}",
        "total_count": len(linked),
        "has_more": len(linked) > SHOWN,
    }


def _tag(tag: Item) -> dict[str, Any]:
    shown = {"type": "tag", "id": tag.id, "name": tag.body.get("name")}
    if "applied_at" in tag.body:
        shown["applied_at"] = tag.body["applied_at"]
    return shown


def collection(kind: str) -> str:
    """The path of a kind's collection: `company` -> `companies`, `contact` -> `contacts`."""
    return {"company": "companies"}.get(kind, kind + "s")
