"""What an operation is about, read from its facts: the action, the kind of item, the list key, the item its path
names and the item it nests under (computed once per operation of a spec, kept in `Spec.memo`).

An operation's shape comes from its path and its documented answer: the kind of item the answer is (the name of its
schema: `contact`, `company`, ...), or the array of items it lists (a union of item schemas too: the kind its path
collects then). Moved out of contracts.mock._resources, which re-exports its names.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from ..schema import deref_bundled
from ..spec import OperationContract, Spec, operation_contract

__all__ = ["Shape", "canonical_kind", "collection_kinds", "shape_of"]


@dataclass(frozen=True)
class Shape:
    """What an operation is about, read from its facts."""

    action: str  # create | read | update | delete | list | search | act
    kind: str | None  # the kind of item (its schema's name)
    list_field: str | None  # for lists: the property holding the items
    item_param: str | None  # the path parameter naming the item
    parent: tuple[str, str] | None  # (kind, path parameter) of the item the path nests under
    known: bool = False  # the items of the path's collection are known (read somewhere): an unknown id is a 404


def shape_of(spec: Spec, contract: OperationContract) -> Shape:
    """What the operation is about (computed once per operation)."""
    cache: dict[str, Shape] = spec.memo.setdefault("resource_shapes", {})
    operation = contract.operation
    if operation.pointer not in cache:
        cache[operation.pointer] = _shape(spec, contract)
    return cache[operation.pointer]


def _shape(spec: Spec, contract: OperationContract) -> Shape:
    operation = contract.operation
    method, path = operation.method, operation.path
    segments = [segment for segment in path.split("/") if segment]
    item_param = segments[-1][1:-1] if segments and segments[-1].startswith("{") else None
    collection = "/" + "/".join(segments[:-1] if item_param else segments)
    kinds = collection_kinds(spec)
    schema = contract.answer_schema(contract.success)
    answered, list_field = _answer_kind(schema)
    kind = kinds.get(collection) or answered
    parent = _parent(segments[:-1] if item_param else segments, kinds)
    if method == "delete" and item_param:
        action = "delete"
    elif method == "get" and item_param and list_field is None:
        action = "read"
    elif method in ("put", "patch") and item_param:
        action = "update"
    elif segments and segments[-1] == "search":
        action, kind = "search", answered
    elif list_field is not None and method in ("get", "post") and contract.body is None:
        # the kind its path collects, else the listed items' (a 2.12 GET /conversations documents news items)
        action, kind = "list", kinds.get(collection) or answered
    elif method == "post" and not item_param and _is_collection(spec, path) and answered is not None:
        action, kind = "create", answered
    else:
        action = "act"
    known = item_param is not None and collection in kinds
    if action in ("read", "update", "delete") and not known:
        action = "act"  # items of a collection read nowhere: answered as the description says, not looked up
    return Shape(action, kind, list_field, item_param, parent, known)


def collection_kinds(spec: Spec) -> dict[str, str]:
    """Collection path -> the kind of its items (`/contacts` -> `contact`), from the reads of `/.../{id}`."""
    cached: dict[str, str] | None = spec.memo.get("collection_kinds")
    if cached is not None:
        return cached
    kinds: dict[str, str] = {}
    for operation in spec.operations():
        segments = [segment for segment in operation.path.split("/") if segment]
        if operation.method != "get" or not segments or not segments[-1].startswith("{"):
            continue
        contract = operation_contract(spec, operation)
        kind, list_field = _answer_kind(contract.answer_schema(contract.success))
        if kind is not None and list_field is None:
            kinds.setdefault("/" + "/".join(segments[:-1]), kind)
    spec.memo["collection_kinds"] = kinds
    return kinds


def _is_collection(spec: Spec, path: str) -> bool:
    """A path that is listed (GET path) or whose items are read (GET path/{id}): POST to it creates."""
    prefix = path.rstrip("/")
    for operation in spec.operations():
        if operation.method != "get":
            continue
        if operation.path == prefix or re.fullmatch(re.escape(prefix) + r"/\{[^}/]+\}", operation.path):
            return True
    return False


def _parent(segments: list[str], kinds: dict[str, str]) -> tuple[str, str] | None:
    """The item a path nests under: `/contacts/{contact_id}/notes` -> (contact, contact_id)."""
    for index in range(len(segments) - 1, 0, -1):
        if segments[index].startswith("{"):
            kind = kinds.get("/" + "/".join(segments[:index]))
            return (kind, segments[index][1:-1]) if kind else None
    return None


def _answer_kind(schema: dict[str, Any] | None) -> tuple[str | None, str | None]:
    """(kind, None) for an answer that is one item; (kind, field) for a list of items in `field`."""
    if schema is None:
        return None, None
    named = _named(schema, schema)
    node = deref_bundled(schema, schema)
    properties = _properties(schema, node)
    if named is not None and "id" in properties:
        return named, None  # an item with lists of its own (a 2.16 conversation's external_references), not a list
    for field, prop in properties.items():
        prop = deref_bundled(schema, prop)
        if isinstance(prop, dict) and prop.get("type") == "array" and field != "errors":
            for member in _members(schema, prop.get("items")):
                item_kind = _named(schema, member)
                if item_kind is not None and "id" in _properties(schema, deref_bundled(schema, member)):
                    return item_kind, field
    return named, None


def _members(root: dict[str, Any], items: Any) -> list[Any]:
    """The schemas a list's items may be: the one, or each of an `anyOf`/`oneOf` (a list of news items or feeds)."""
    node = deref_bundled(root, items)
    for union in ("anyOf", "oneOf"):
        if isinstance(node, dict) and isinstance(node.get(union), list):
            return list(node[union])
    return [items]


# The same resource under several schema names: answered in different shapes, stored as one kind.
_VARIANT_SUFFIXES = ("_basic", "_with_app", "_list_item")


def canonical_kind(name: str) -> str:
    """`tag_basic` -> `tag`, `admin_with_app` -> `admin`: one kind of item, whatever shape an answer gives it."""
    for suffix in _VARIANT_SUFFIXES:
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return name


def _named(root: dict[str, Any], node: Any) -> str | None:
    """The kind named by the first `components/schemas/...` the node is (through $refs and allOf's first member)."""
    for _ in range(16):
        if not isinstance(node, dict):
            return None
        ref = node.get("$ref")
        if isinstance(ref, str):
            key = ref.removeprefix("#/$defs/").replace("~1", "/").replace("~0", "~")
            if key.startswith("components/schemas/"):
                return canonical_kind(key.rsplit("/", 1)[-1])
            node = root.get("$defs", {}).get(key)
            continue
        members = node.get("allOf")
        if isinstance(members, list) and members:
            node = members[0]
            continue
        return None
    return None


def _properties(root: dict[str, Any], node: Any) -> dict[str, Any]:
    node = deref_bundled(root, node)
    if not isinstance(node, dict):
        return {}
    found = dict(node.get("properties", {})) if isinstance(node.get("properties"), dict) else {}
    for member in node.get("allOf", []) if isinstance(node.get("allOf"), list) else []:
        found = {**_properties(root, member), **found}
    return found
