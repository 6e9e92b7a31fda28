"""The shape of a request schema: its variants (branches) with their required fields and property schemas.

A bundled JSON Schema (`$defs` at the root) is read, not validated: `allOf` members merge, each `anyOf`/`oneOf`
branch gives a variant. A property may carry several schemas (one per place that constrains it); a value drawn for
it must satisfy them all, so strategies read them together (`enum_of`, `types_of`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import product
from typing import Any

from contracts.schema import deref_bundled

__all__ = ["Variant", "deref", "enum_of", "property_schemas", "types_of", "variants"]

Schema = dict[str, Any]


@dataclass(frozen=True)
class Variant:
    required: frozenset[str] = frozenset()
    properties: dict[str, list[Schema]] = field(default_factory=dict)

    def merged(self, other: Variant) -> Variant:
        properties = {name: list(schemas) for name, schemas in self.properties.items()}
        for name, schemas in other.properties.items():
            properties.setdefault(name, []).extend(schemas)
        return Variant(self.required | other.required, properties)

    def message_types(self) -> frozenset[Any] | None:
        return enum_of(self.properties.get("message_type", []))


def deref(root: Schema, node: Any) -> Any:
    """Follow `$ref`s into the root's `$defs` (a bundled schema refers to nothing else)."""
    return deref_bundled(root, node)


def variants(root: Schema, node: Any = None) -> list[Variant]:
    """Every combination of branches of `node` (default: the root), as merged variants."""
    node = deref(root, root if node is None else node)
    if not isinstance(node, dict):
        return [Variant()]
    declared = node.get("properties")
    own_properties: dict[str, Any] = declared if isinstance(declared, dict) else {}
    own = Variant(
        frozenset(n for n in node.get("required", []) if isinstance(n, str)),
        {name: [deref(root, schema)] for name, schema in own_properties.items()},
    )
    choices: list[list[Variant]] = [[own]]
    for member in node.get("allOf", []):
        choices.append(variants(root, member))
    for keyword in ("anyOf", "oneOf"):
        branches = node.get(keyword)
        if isinstance(branches, list) and branches:
            choices.append([variant for branch in branches for variant in variants(root, branch)])
    combined = []
    for combination in product(*choices):
        merged = Variant()
        for part in combination:
            merged = merged.merged(part)
        combined.append(merged)
    return combined


def property_schemas(root: Schema, schemas: list[Schema], name: str) -> list[Schema]:
    """The schemas a nested property `name` must satisfy, across every schema of its parent."""
    found: list[Schema] = []
    for schema in schemas:
        for variant in variants(root, schema):
            found.extend(variant.properties.get(name, []))
    return found


def enum_of(schemas: list[Schema]) -> frozenset[Any] | None:
    """The values allowed by every enum/const among `schemas` (None: no enum constrains them)."""
    allowed: frozenset[Any] | None = None
    for schema in schemas:
        values: list[Any] | None = None
        if isinstance(schema, dict) and "const" in schema:
            values = [schema["const"]]
        elif isinstance(schema, dict) and isinstance(schema.get("enum"), list):
            values = schema["enum"]
        if values is not None:
            hashable = frozenset(v for v in values if isinstance(v, (str, int, bool)) or v is None)
            allowed = hashable if allowed is None else allowed & hashable
    return allowed


def types_of(schemas: list[Schema]) -> set[str] | None:
    """The JSON types allowed by every `type` among `schemas` (None: unconstrained)."""
    allowed: set[str] | None = None
    for schema in schemas:
        declared = schema.get("type") if isinstance(schema, dict) else None
        if declared is None:
            continue
        kinds = {declared} if isinstance(declared, str) else set(declared)
        allowed = kinds if allowed is None else allowed & kinds
    return allowed
