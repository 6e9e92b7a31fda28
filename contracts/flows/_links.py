"""Our links between operations (`links.yaml`), resolved for one description: what exists in that version.

`links_for(spec)` reads each resource's creating operation and the operations that take its id, keeps those the
description has (an operation a version lacks is dropped, with the resource when it is the creating one) and picks
each path parameter's name as the version spells it. `Links.request(verb, ids, body, query)` places the ids where
the operation takes them; `Links.creator_of(operationId, parameter)` says which operation makes the id a path
parameter takes (for breadth: a case that needs an existing item can create it first).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any
from urllib.parse import quote

from ..errors import SpecError
from ..spec import Spec

__all__ = ["Link", "Links", "links_data", "links_for"]


@dataclass(frozen=True)
class Link:
    """One operation of a resource as a version has it, and where each resource's id goes in its request."""

    resource: str
    verb: str  # create, read, update, delete, list, search, attach, attached, detach, reply, manage
    operation: str  # operationId
    method: str  # upper case
    path: str  # the version's path template
    path_ids: Mapping[str, str] = field(default_factory=dict)  # resource -> the path parameter taking its id
    body_ids: Mapping[str, str] = field(default_factory=dict)  # resource -> JSON pointer in the body
    query_ids: Mapping[str, str] = field(default_factory=dict)  # resource -> query parameter
    id_pointer: str | None = None  # create: where the new id is in the answer
    items: tuple[str, ...] = ()  # lists: JSON pointers of the list of items, the first one present
    query: Mapping[str, str] = field(default_factory=dict)  # query values the operation always needs


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    body: Any
    query: dict[str, str]


@dataclass(frozen=True)
class Links:
    """The links of one version: resource -> verb -> Link (only what the version has)."""

    version: str
    by_resource: Mapping[str, Mapping[str, Link]]
    dropped: tuple[str, ...] = ()  # what the version lacks, said as `resource.verb: operationId`

    def has(self, resource: str, verb: str = "create") -> bool:
        return resource in self.by_resource and verb in self.by_resource[resource]

    def link(self, resource: str, verb: str) -> Link:
        return self.by_resource[resource][verb]

    def request(
        self,
        resource: str,
        verb: str,
        ids: Mapping[str, str],
        body: Any = None,
        query: Mapping[str, str] | None = None,
    ) -> Request:
        """The request of `resource`'s `verb` with each id where the operation takes it."""
        link = self.link(resource, verb)
        path = link.path
        for owner, name in link.path_ids.items():
            path = path.replace("{" + name + "}", quote(str(ids[owner]), safe=""))
        placed = _copy(body)
        for owner, pointer in link.body_ids.items():
            placed = _put(placed if placed is not None else {}, pointer, ids[owner])
        asked = {**link.query, **(query or {}), **{name: str(ids[owner]) for owner, name in link.query_ids.items()}}
        return Request(link.method, path, placed, asked)

    def creator_of(self, operation: str, parameter: str) -> Link | None:
        """The operation creating what `operation`'s path parameter `parameter` takes (None: no link says)."""
        for verbs in self.by_resource.values():
            for link in verbs.values():
                if link.operation != operation:
                    continue
                owner = next((r for r, name in link.path_ids.items() if name == parameter), None)
                if owner is not None and self.has(owner):
                    return self.link(owner, "create")
        return None


@cache
def links_data() -> dict[str, Any]:
    """links.yaml as shipped."""
    import yaml

    text = resources.files("contracts.flows").joinpath("links.yaml").read_text(encoding="utf-8")
    return dict(yaml.safe_load(text))


def links_for(spec: Spec, data: Mapping[str, Any] | None = None) -> Links:
    """The links `spec`'s version has (from links.yaml unless `data` is given)."""
    found: dict[str, dict[str, Link]] = {}
    dropped: list[str] = []
    for resource, verbs in (data if data is not None else links_data()).items():
        resolved = {verb: _resolve(spec, resource, verb, entry) for verb, entry in verbs.items()}
        dropped += [f"{resource}.{verb}: {verbs[verb]['operation']}" for verb, link in resolved.items() if link is None]
        if resolved.get("create") is not None:
            found[resource] = {verb: link for verb, link in resolved.items() if link is not None}
        else:  # nothing can be made to use: the whole resource goes
            dropped += [f"{resource}.{verb}: {verbs[verb]['operation']}" for verb, link in resolved.items() if link]
    return Links(spec.version, found, tuple(dropped))


def _resolve(spec: Spec, resource: str, verb: str, entry: Mapping[str, Any]) -> Link | None:
    """The link as `spec` has it, or None when the operation, or a parameter it takes an id in, is missing."""
    try:
        operation = spec.operation(str(entry["operation"]))
    except SpecError:
        return None
    takes = entry.get("takes") or {}
    names = set(re.findall(r"{([^}/]+)}", operation.path))
    path_ids: dict[str, str] = {}
    for owner, candidates in (takes.get("path") or {}).items():
        chosen = next((name for name in candidates if name in names and name not in path_ids.values()), None)
        if chosen is None:
            return None
        path_ids[owner] = chosen
    return Link(
        resource=resource,
        verb=verb,
        operation=operation.operation_id,
        method=operation.method.upper(),
        path=operation.path,
        path_ids=path_ids,
        body_ids=dict(takes.get("body") or {}),
        query_ids=dict(takes.get("query") or {}),
        id_pointer=entry.get("id"),
        items=tuple(entry.get("items") or ()),
        query={str(name): str(value) for name, value in (entry.get("query") or {}).items()},
    )


def _copy(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _copy(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_copy(item) for item in value]
    return value


def _put(body: Any, pointer: str, value: Any) -> Any:
    """`body` with `value` at the JSON pointer (objects and arrays made on the way; `/contacts/0/id`)."""
    parts = pointer.strip("/").split("/")
    node = body
    for part, following in zip(parts, [*parts[1:], None], strict=True):
        if following is None:
            _set(node, part, value)
            break
        child = _get(node, part)
        if child is None:
            child = [] if following.isdigit() else {}
            _set(node, part, child)
        node = child
    return body


def _get(node: Any, part: str) -> Any:
    if isinstance(node, list):
        index = int(part)
        return node[index] if index < len(node) else None
    return node.get(part)


def _set(node: Any, part: str, value: Any) -> None:
    if isinstance(node, list):
        index = int(part)
        while len(node) <= index:
            node.append({})
        node[index] = value
    else:
        node[part] = value


def pointed(document: Any, pointer: str) -> Any:
    """The value at a JSON pointer, or None."""
    node = document
    for part in pointer.strip("/").split("/") if pointer.strip("/") else []:
        if isinstance(node, dict):
            node = node.get(part)
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            return None
    return node
