"""A recorded request judged again under another version: its shape (JSON paths and JSON types, never a value)
against that version's request schema.

The profile keeps no value, so only what a shape decides is judged: a required member the request lacks, a member
the schema does not allow (`additionalProperties: false`), a JSON type the schema refuses. Values (enums, formats,
lengths) are not judged: the recorded request was valid under its own version, which is all a profile can prove
about them (an enum that loses values is the diff's finding). Where the schema offers a choice (oneOf, anyOf), the
request is judged by the branch it fits best: the recorded request was accepted, so no branch is assumed that it
did not fit. A problem is reported only when the version the request was recorded under had no such problem.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..errors import IntercomContractsError
from ..schema import deref_bundled

if TYPE_CHECKING:
    from ..spec import Spec

__all__ = ["ShapeProblem", "documented_enums", "shape_problems"]

Schema = dict[str, Any]
_MAX_DEPTH = 40


@dataclass(frozen=True, order=True)
class ShapeProblem:
    path: str  # the JSON path of the member ("$.from.type"), or of the object a required member is missing from
    kind: str  # "required field missing" | "field not allowed" | "type not allowed"
    sent: str  # the JSON type sent at `path` ("absent" for a missing member)


def shape_problems(shape: Mapping[str, str], root: Schema | None) -> set[ShapeProblem]:
    """What `root` (a bundled request schema) refuses in a request of `shape` (`{"$": "object", "$.a": "string"}`)."""
    if root is None or "$" not in shape:
        return set()
    children: dict[str, list[tuple[str, str]]] = {}
    for path in shape:
        parent, member = _parent(path)
        if parent is not None:
            children.setdefault(parent, []).append((member, path))
    return _Judge(root, shape, children).judge(root, "$", 0)


def _parent(path: str) -> tuple[str | None, str]:
    """`$.a.b` -> (`$.a`, `b`); `$.a[*]` -> (`$.a`, `[*]`); `$` -> (None, "")."""
    if path.endswith("[*]"):
        return path[:-3], "[*]"
    if path == "$":
        return None, ""
    parent, _, member = path.rpartition(".")
    return parent, member


class _Judge:
    def __init__(self, root: Schema, shape: Mapping[str, str], children: dict[str, list[tuple[str, str]]]):
        self.root, self.shape, self.children = root, shape, children

    def judge(self, schema: Any, path: str, depth: int) -> set[ShapeProblem]:
        schema = deref_bundled(self.root, schema)
        if not isinstance(schema, dict) or depth > _MAX_DEPTH or path not in self.shape:
            return set()
        problems = self._own(schema, path, depth)
        for branch in schema.get("allOf") or []:
            problems |= self.judge(branch, path, depth + 1)
        for keyword in ("oneOf", "anyOf"):
            branches = schema.get(keyword)
            if isinstance(branches, list) and branches:
                judged = [self.judge(branch, path, depth + 1) for branch in branches]
                problems |= min(judged, key=lambda found: (len(found), sorted(found)))
        return problems

    def _own(self, schema: Schema, path: str, depth: int) -> set[ShapeProblem]:
        problems: set[ShapeProblem] = set()
        sent = self.shape[path].split("|")
        allowed = _types(schema)
        if allowed is not None:
            problems |= {ShapeProblem(path, "type not allowed", kind) for kind in sent if not _fits(kind, allowed)}
        members = dict(self.children.get(path, ()))
        if "object" in sent:
            problems |= self._object(schema, path, members, depth)
        if "array" in sent and "[*]" in members and isinstance(schema.get("items"), dict):
            problems |= self.judge(schema["items"], members["[*]"], depth + 1)
        return problems

    def _object(self, schema: Schema, path: str, members: dict[str, str], depth: int) -> set[ShapeProblem]:
        problems: set[ShapeProblem] = set()
        found, listed = schema.get("properties"), schema.get("required")
        properties: dict[str, Any] = found if isinstance(found, dict) else {}
        required: list[Any] = listed if isinstance(listed, list) else []
        for name in required:
            if isinstance(name, str) and name not in members:
                problems.add(ShapeProblem(_member(path, name), "required field missing", "absent"))
        extra = schema.get("additionalProperties")
        for name, member_path in members.items():
            if name == "[*]":
                continue
            if name in properties:
                problems |= self.judge(properties[name], member_path, depth + 1)
            elif extra is False and not _patterned(schema, name):
                problems.add(ShapeProblem(member_path, "field not allowed", self.shape[member_path]))
            elif isinstance(extra, dict):
                problems |= self.judge(extra, member_path, depth + 1)
        return problems


def _member(path: str, name: str) -> str:
    return f"{path}.{name}"


def _patterned(schema: Schema, name: str) -> bool:
    patterns = schema.get("patternProperties")
    return isinstance(patterns, dict) and any(re.search(pattern, name) for pattern in patterns)


def _types(schema: Schema) -> set[str] | None:
    declared = schema.get("type")
    if isinstance(declared, str):
        return {declared}
    if isinstance(declared, list):
        return {str(kind) for kind in declared}
    return None


def _fits(sent: str, allowed: set[str]) -> bool:
    return sent in allowed or (sent == "integer" and "number" in allowed)


def documented_enums(spec: Spec, operation: str) -> dict[str, frozenset[str]]:
    """The request's string members whose documented values are listed (an enum), by JSON path: the values of every
    branch at that path. A value sent there that is one of them is a documented constant, never user data: the usage
    profile may keep it (to tell whether an enum that loses values loses one the code sends)."""
    from ..schema import join
    from ._diff import _schema

    try:
        root = _schema(spec, join(spec.operation(operation).pointer, "requestBody"))
    except (IntercomContractsError, KeyError):  # an operation or body it cannot read: no enum known, no value kept
        return {}
    found: dict[str, set[str]] = {}
    if root is not None:
        _enums(root, root, "$", found, 0)
    return {path: frozenset(values) for path, values in found.items()}


def _enums(root: Schema, schema: Any, path: str, into: dict[str, set[str]], depth: int) -> None:
    schema = deref_bundled(root, schema)
    if not isinstance(schema, dict) or depth > _MAX_DEPTH:
        return
    values = schema.get("enum")
    if isinstance(values, list):
        into.setdefault(path, set()).update(value for value in values if isinstance(value, str))
    for keyword in ("allOf", "oneOf", "anyOf"):
        for branch in schema.get(keyword) or []:
            _enums(root, branch, path, into, depth + 1)
    properties = schema.get("properties")
    if isinstance(properties, dict):
        for name, member in properties.items():
            _enums(root, member, _member(path, name), into, depth + 1)
    if isinstance(schema.get("items"), dict):
        _enums(root, schema["items"], path + "[*]", into, depth + 1)
