"""Instances of a schema: small, deterministic, valid; values offered by the caller are kept where they fit.

`synthesize(schema, overlay=...)` builds a value of a bundled JSON Schema (the fake's answers, the generated requests
of the project's tests): objects get their required properties, `type` and `id` when declared, and every property
the overlay offers whose value the property's schema accepts (fields sent are the fields read back); enums take
their first value; strings follow their format; `anyOf`/`oneOf` take the first branch whose instance validates. The
result is checked against the whole schema; `SynthesisError` says where no valid value was found.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from .translate import deref_bundled
from .validation import fast_check

__all__ = ["SynthesisError", "synthesize"]

Schema = dict[str, Any]
_MAX_DEPTH = 12
_ALWAYS = ("type", "id")  # shown whenever declared: clients dispatch on `type` and look things up by `id`
_FORMATS = {
    "date-time": "2024-07-01T12:00:00Z",
    "date": "2024-07-01",
    "email": "contact@example.com",
    "uri": "https://example.com/",
    "url": "https://example.com/",
    "uuid": "123e4567-e89b-42d3-a456-426614174000",
    "byte": "aGVsbG8=",
}


class SynthesisError(ValueError):
    """No valid instance was found for a schema (the JSON path and the reason are in the message)."""


def synthesize(
    schema: Schema,
    *,
    overlay: Any = None,
    name: str = "value",
    check: Callable[[Schema, Any], bool] | None = None,
) -> Any:
    """A valid instance of the bundled `schema`, keeping what `overlay` offers where the schema accepts it."""
    validate = check or _is_valid
    value = _Synthesizer(schema, validate).value(schema, overlay, name, 0)
    if not validate(schema, value):
        raise SynthesisError(f"no valid instance of {name} was found (tried {value!r:.200})")
    return value


_CHECKS: dict[int, tuple[Schema, Callable[[Any], bool]]] = {}


def _is_valid(schema: Schema, value: Any) -> bool:
    """Compiled once per schema object (the bundled schemas of a spec live as long as it does)."""
    found = _CHECKS.get(id(schema))
    if found is None or found[0] is not schema:
        if len(_CHECKS) > 20_000:
            _CHECKS.clear()
        found = (schema, fast_check(schema))
        _CHECKS[id(schema)] = found
    return bool(found[1](value))


# A part of a schema with its root's $defs, by (root, part): built once per process (schemas live as long).
_PARTS: dict[tuple[int, int], tuple[Schema, Any, Schema]] = {}


class _Synthesizer:
    def __init__(self, root: Schema, validate: Callable[[Schema, Any], bool]):
        self.root, self.validate = root, validate
        self._fill = 0  # > 0: objects get every property (to tell apart branches a minimal value satisfies alike)

    def fits(self, node: Any, value: Any) -> bool:
        """Whether `value` satisfies `node`, a part of the root (checked with the root's $defs)."""
        if not isinstance(node, dict):
            return node is not False
        key = (id(self.root), id(node))
        found = _PARTS.get(key)
        if found is None or found[0] is not self.root or found[1] is not node:
            if len(_PARTS) > 20_000:
                _PARTS.clear()
            # The same dict for the same part every time: its compiled validator is found again (by identity).
            found = (self.root, node, {**_defs(self.root), **node})
            _PARTS[key] = found
        return self.validate(found[2], value)

    def value(self, node: Any, overlay: Any, name: str, depth: int) -> Any:
        node = deref_bundled(self.root, node)
        if node is True or node is None:
            return overlay if overlay is not None else name
        if node is False or not isinstance(node, dict):
            return None
        if overlay is not None and not isinstance(overlay, (dict, list)) and self.fits(node, overlay):
            return overlay
        if depth > _MAX_DEPTH:
            return None
        if "const" in node:
            return node["const"]
        if isinstance(node.get("enum"), list) and node["enum"]:
            return overlay if overlay in node["enum"] else next((v for v in node["enum"] if v is not None), None)
        if "allOf" in node:
            return self.value(_merged(self.root, node), overlay, name, depth + 1)
        for keyword in ("oneOf", "anyOf"):
            branches = node.get(keyword)
            if isinstance(branches, list) and branches:
                return self._branch(node, keyword, branches, overlay, name, depth)
        kind = _kind(node, overlay)
        if kind == "object":
            return self._object(node, overlay if isinstance(overlay, dict) else None, depth)
        if kind == "array":
            return self._array(node, overlay if isinstance(overlay, list) else None, name, depth)
        return _scalar(node, kind, name)

    def _branch(self, node: Schema, keyword: str, branches: list[Any], overlay: Any, name: str, depth: int) -> Any:
        siblings = {key: value for key, value in node.items() if key != keyword}
        candidates = []
        for fill in (0, 1):
            for branch in branches:
                merged = {"allOf": [siblings, branch]} if siblings else branch
                self._fill += fill
                try:
                    candidate = self.value(merged, overlay, name, depth + 1)
                finally:
                    self._fill -= fill
                if self.fits(node, candidate):
                    return candidate
                candidates.append(candidate)
        return candidates[0]

    def _object(self, node: Schema, overlay: Mapping[str, Any] | None, depth: int) -> dict[str, Any]:
        properties: dict[str, Any] = node.get("properties", {}) if isinstance(node.get("properties"), dict) else {}
        extra = node.get("additionalProperties", True)
        if not properties and extra is not False and overlay:  # a free-form map: what was offered, where it fits
            return {
                key: value
                for key, value in overlay.items()
                if self.fits(extra if isinstance(extra, dict) else {}, value)
            }
        required = [name for name in node.get("required", []) if isinstance(name, str)]
        # Required properties, `type` and `id`, and every property pinned to one value: such a property is what tells
        # the branches of a oneOf apart (a `data_type`, an `allowed: true`).
        pinned = [name for name, schema in properties.items() if _pinned(_resolved(self.root, schema))]
        chosen = dict.fromkeys([*required, *(name for name in _ALWAYS if name in properties), *pinned])
        result: dict[str, Any] = {}
        for key, offered in (overlay or {}).items():
            schema = properties.get(key)
            if schema is None:
                continue
            if isinstance(offered, (dict, list)):
                shaped = self.value(schema, offered, key, depth + 1)
                if self.fits(schema, shaped):
                    result[key] = shaped
            elif self.fits(schema, offered):
                result[key] = offered
        for key in chosen:
            if key not in result:
                result[key] = self.value(properties.get(key, True), None, key, depth + 1)
        minimum = len(properties) if self._fill else node.get("minProperties", 0)
        for key in properties:
            if len(result) >= minimum:
                break
            result.setdefault(key, self.value(properties[key], None, key, depth + 1))
        return result

    def _array(self, node: Schema, overlay: list[Any] | None, name: str, depth: int) -> list[Any]:
        items = node.get("items", True)
        if overlay is not None:
            shaped = [self.value(items, entry, name, depth + 1) for entry in overlay]
            if all(self.fits(items, entry) for entry in shaped):
                return shaped
        count = int(node.get("minItems", 0) or 0)
        return [self.value(items, None, name, depth + 1) for _ in range(count)]


def _pinned(schema: Any) -> bool:
    if not isinstance(schema, dict):
        return False
    if isinstance(schema.get("allOf"), list):
        return any(_pinned(member) for member in schema["allOf"])
    return "const" in schema or (isinstance(schema.get("enum"), list) and len(schema["enum"]) == 1)


def _resolved(root: Schema, schema: Any) -> Any:
    """`schema` with its $refs followed, down into an allOf's members."""
    schema = deref_bundled(root, schema)
    if isinstance(schema, dict) and isinstance(schema.get("allOf"), list):
        return {**schema, "allOf": [deref_bundled(root, member) for member in schema["allOf"]]}
    return schema


def _defs(root: Schema) -> Schema:
    return {key: root[key] for key in ("$schema", "$defs") if key in root}


def _merged(root: Schema, node: Schema) -> Schema:
    """allOf members (and the node's own keywords) merged into one schema; what cannot be merged stays an allOf."""
    merged: Schema = {key: value for key, value in node.items() if key != "allOf"}
    for member in node["allOf"]:
        member = deref_bundled(root, member)
        if not isinstance(member, dict):
            continue
        if "allOf" in member:
            member = _merged(root, member)
        for key, value in member.items():
            if key == "properties" and isinstance(value, dict):
                properties = dict(merged.get("properties", {}))
                for name, schema in value.items():  # a property constrained by two members satisfies both
                    properties[name] = {"allOf": [properties[name], schema]} if name in properties else schema
                merged["properties"] = properties
            elif key == "enum" and isinstance(value, list) and isinstance(merged.get("enum"), list):
                merged["enum"] = [item for item in merged["enum"] if item in value]
            elif key == "required" and isinstance(value, list):
                merged["required"] = list(dict.fromkeys([*merged.get("required", []), *value]))
            elif key not in merged:  # (rare) a second choice of the same kind: the result is checked whole anyway
                merged[key] = value
    return merged


def _kind(node: Schema, overlay: Any) -> str | None:
    declared = node.get("type")
    kinds = [declared] if isinstance(declared, str) else list(declared) if isinstance(declared, list) else []
    kinds = [kind for kind in kinds if kind != "null"] or kinds
    if not kinds:
        if "properties" in node or "required" in node:
            return "object"
        if "items" in node:
            return "array"
        return "string"
    if len(kinds) > 1 and overlay is not None:
        actual = _json_type(overlay)
        if actual in kinds:
            return actual
    return str(kinds[0])


def _json_type(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    return "null"


def _scalar(node: Schema, kind: str | None, name: str) -> Any:
    if kind == "integer":
        return _number(node, 1)
    if kind == "number":
        return float(_number(node, 1))
    if kind == "boolean":
        return False
    if kind == "null":
        return None
    text = _FORMATS.get(str(node.get("format")), name if name else "text")
    if "pattern" in node and str(node["pattern"]) == "\\S" and not text.strip():
        text = "text"
    minimum, maximum = int(node.get("minLength", 0) or 0), node.get("maxLength")
    if len(text) < minimum:
        text = text + "x" * (minimum - len(text))
    if isinstance(maximum, int) and len(text) > maximum:
        text = text[:maximum]
    return text


def _number(node: Schema, preferred: int) -> int:
    low = node.get("minimum", node.get("exclusiveMinimum"))
    high = node.get("maximum", node.get("exclusiveMaximum"))
    value = preferred
    if isinstance(low, (int, float)):
        value = max(value, int(low) + (1 if "exclusiveMinimum" in node else 0))
    if isinstance(high, (int, float)):
        value = min(value, int(high) - (1 if "exclusiveMaximum" in node else 0))
    return value
