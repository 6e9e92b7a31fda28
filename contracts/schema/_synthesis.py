"""Instances of a schema: small, deterministic, valid; values offered by the caller are kept where they fit.

`synthesize(schema, overlay=...)` builds a value of a bundled JSON Schema (the fake's answers, the generated requests
of the project's tests): objects get their required properties, `type` and `id` when declared, and every property
the overlay offers whose value the property's schema accepts (fields sent are the fields read back); enums take
their first value; strings follow their format; `anyOf`/`oneOf` take the first branch whose instance validates. The
result is checked against the whole schema; `SynthesisError` says where no valid value was found.

`complete=True` (the fake's answers) answers as Intercom does: every property the schema declares; one the overlay
does not set is `null` where the schema allows it (an empty list where it is a list), else its `const`, its one-value
enum, its `default`, its description's `example` (kept as `examples` by translation), or a value of Intercom's shape
for the field (timestamps now, emails, URLs, ids, ISO codes...), never the field's name; the `type` of an object is
the one its schema shows. Where such a complete value does not validate (a recursion cut short), the minimal one is
answered, with the same values.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Mapping
from datetime import datetime, timezone
from typing import Any

from ._translate import deref_bundled
from ._validation import fast_check

__all__ = ["SynthesisError", "synthesize"]

Schema = dict[str, Any]
_MAX_DEPTH = 12
_ITEM_DEPTH = 2  # the answer (0) and the items of a list it holds (property 1, item 2)
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
# A string field whose schema shows no example: a value of Intercom's shape, by the field's name (suffix, then name).
_BY_SUFFIX = (
    ("email", "jane@example.com"),
    ("url", "https://www.example.com/"),
    ("country_code", "US"),
    ("currency", "USD"),
    ("locale", "en"),
    ("language", "en"),
    ("timezone", "Europe/Dublin"),
    ("domain", "example.com"),
    ("phone", "+15555550100"),
)
_BY_NAME = {"country": "United States", "city": "Dublin", "region": "Dublin", "ip": "192.0.2.1", "name": "Jane Doe"}


class SynthesisError(ValueError):
    """No valid instance was found for a schema (the JSON path and the reason are in the message)."""


def synthesize(
    schema: Schema,
    *,
    overlay: Any = None,
    name: str = "value",
    check: Callable[[Schema, Any], bool] | None = None,
    complete: bool = False,
    realistic: bool = False,
) -> Any:
    """A valid instance of the bundled `schema`, keeping what `overlay` offers where the schema accepts it.

    `complete`: every property, as Intercom answers (see the module's text); `realistic`: the same values, in a
    minimal instance (what a client sends)."""
    synthesizer = _Synthesizer(schema, check or _is_valid, realistic=realistic or complete, every=complete)
    value = synthesizer.value(schema, overlay, name, 0)
    # Checked against what the root refers to, with its $defs: the same schema, and the fast validator compiles it
    # (the root's $ref names a path's schema, `{`s and all, that it cannot read as a URI).
    whole = deref_bundled(schema, schema)
    valid = synthesizer.fits(whole, value)
    if complete and not valid:  # a complete value cut short by the depth bound: the minimal one
        value = _Synthesizer(schema, synthesizer.validate, realistic=True).value(schema, overlay, name, 0)
        valid = synthesizer.fits(whole, value)
    if not valid:
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


# The unset value of a field, by (root, field schema, name, filled): (root, schema, value, the second it holds or
# None).
_UNSET: dict[tuple[int, int, str, bool], tuple[Schema, Any, Any, int | None]] = {}

# A part of a schema with its root's $defs, by (root, part): built once per process (schemas live as long).
_PARTS: dict[tuple[int, int], tuple[Schema, Any, Schema]] = {}

# The same, with its compiled check (the default validator): one lookup per check, the hottest path of an answer.
_PART_CHECKS: dict[tuple[int, int], tuple[Schema, Any, Callable[[Any], bool]]] = {}

# A schema derived from a part, by (root, part, how): see _Synthesizer._derived.
_DERIVED: dict[tuple[int, int, Any], tuple[Schema, Any, Any]] = {}

# The unset values of an object's properties in an answer (filled), by (root, object schema): (root, schema,
# template). The template holds every property in the schema's order: its unset value where that is a fixed scalar,
# else _WORKED_OUT (an object, a list, the time now: worked out for each answer).
_Template = tuple[dict[str, Any], dict[str, Callable[[Any], bool]], tuple[str, ...]]
_TEMPLATES: dict[tuple[int, int], tuple[Schema, Any, _Template]] = {}
_WORKED_OUT: Any = object()

# The checks of an object's properties, by (root, object schema): (root, schema, {name: check}).
_PROPERTY_CHECKS: dict[tuple[int, int], tuple[Schema, Any, dict[str, Callable[[Any], bool]]]] = {}


def _accepts_all(value: Any) -> bool:
    return True


def _accepts_none(value: Any) -> bool:
    return False


class _Synthesizer:
    def __init__(
        self, root: Schema, validate: Callable[[Schema, Any], bool], *, realistic: bool = False, every: bool = False
    ):
        self.root, self.validate = root, validate
        self.realistic = realistic  # Intercom's values: null where allowed, examples, shapes; never a field's name
        # > 0: objects get every property (an answer, as Intercom's are complete; and to tell apart branches a
        # minimal value satisfies alike)
        self._fill = 1 if every else 0
        self._timed = False  # a value worked out holds the time now (not to be kept for the next answer)
        # The time an unset timestamp holds: the object's own `created_at` where it has one (an item reads the same on
        # every path, whenever it is read), else the time now.
        self._moment: int | None = None

    def fits(self, node: Any, value: Any) -> bool:
        """Whether `value` satisfies `node`, a part of the root (checked with the root's $defs)."""
        return self.checker(node)(value)

    def checker(self, node: Any) -> Callable[[Any], bool]:
        """The check of `node`, a part of the root (with the root's $defs): compiled once per part."""
        if not isinstance(node, dict):
            return _accepts_all if node is not False else _accepts_none
        key = (id(self.root), id(node))
        if self.validate is _is_valid:  # one lookup per check: the hottest path of an answer
            checked = _PART_CHECKS.get(key)
            if checked is None or checked[0] is not self.root or checked[1] is not node:
                if len(_PART_CHECKS) > 20_000:
                    _PART_CHECKS.clear()
                checked = (self.root, node, fast_check({**_defs(self.root), **node}))
                _PART_CHECKS[key] = checked
            return checked[2]
        found = _PARTS.get(key)
        if found is None or found[0] is not self.root or found[1] is not node:
            if len(_PARTS) > 20_000:
                _PARTS.clear()
            # The same dict for the same part every time: its compiled validator is found again (by identity).
            found = (self.root, node, {**_defs(self.root), **node})
            _PARTS[key] = found
        part, validate = found[2], self.validate
        return lambda value: validate(part, value)

    def property_checks(self, node: Schema) -> dict[str, Callable[[Any], bool]]:
        """The checks of an object's properties, by name (filled as they are needed; kept per node)."""
        if self.validate is not _is_valid:
            return {}
        key = (id(self.root), id(node))
        found = _PROPERTY_CHECKS.get(key)
        if found is None or found[0] is not self.root or found[1] is not node:
            if len(_PROPERTY_CHECKS) > 20_000:
                _PROPERTY_CHECKS.clear()
            found = (self.root, node, {})
            _PROPERTY_CHECKS[key] = found
        return found[2]

    def deref(self, node: Any) -> Any:
        """`node` with its `$ref`s followed."""
        if not (isinstance(node, dict) and "$ref" in node):
            return node
        return self._derived(node, "$ref", lambda: deref_bundled(self.root, node))

    def _derived(self, node: Schema, how: Any, derive: Callable[[], Any]) -> Any:
        """A schema derived from `node` (`how`: $ref followed, allOf merged, a branch with its siblings): the same
        dict every time, so that what is kept by a part's identity (its check, its template) is found again."""
        key = (id(self.root), id(node), how)
        found = _DERIVED.get(key)
        if found is None or found[0] is not self.root or found[1] is not node:
            if len(_DERIVED) > 20_000:
                _DERIVED.clear()
            found = (self.root, node, derive())
            _DERIVED[key] = found
        return found[2]

    def value(self, node: Any, overlay: Any, name: str, depth: int) -> Any:
        node = self.deref(node)
        if node is True or node is None:
            return overlay if overlay is not None else None if self.realistic else name
        if node is False or not isinstance(node, dict):
            return None
        if overlay is not None and not isinstance(overlay, (dict, list)) and self.fits(node, overlay):
            return overlay
        if depth > _MAX_DEPTH:
            return None
        if overlay is not None:  # an object or a list offered (the items of a page): straight to its builder
            plain = self._derived(node, "plain", lambda: _plain_container(node))
            if plain == "object" and isinstance(overlay, dict):
                return self._object(node, overlay, depth)
            if plain == "array" and isinstance(overlay, list):
                return self._array(node, overlay, name, depth)
        if self.realistic and overlay is None and "default" in node and self.fits(node, node["default"]):
            return node["default"]
        if "const" in node:
            return node["const"]
        if isinstance(node.get("enum"), list) and node["enum"]:
            if overlay in node["enum"]:
                return overlay
            values = [v for v in node["enum"] if v is not None]
            if self.realistic:  # never a field's name (a conversation's `priority` is `not_priority` until set)
                values = [v for v in values if v != name] or values
            return values[0] if values else None
        if "allOf" in node:
            merged = self._derived(node, "allOf", lambda: _merged(self.root, node))
            return self.value(merged, overlay, name, depth + 1)
        for keyword in ("oneOf", "anyOf"):
            branches = node.get(keyword)
            if isinstance(branches, list) and branches:
                return self._branch(node, keyword, branches, overlay, name, depth)
        kind = _kind(node, overlay)
        if kind == "object":
            return self._object(node, overlay if isinstance(overlay, dict) else None, depth)
        if kind == "array":
            return self._array(node, overlay if isinstance(overlay, list) else None, name, depth)
        if self.realistic:
            self._timed = self._timed or _is_timestamp(name, node)
            return _realistic(node, kind, name, self._now())
        return _scalar(node, kind, name)

    def _branch(self, node: Schema, keyword: str, branches: list[Any], overlay: Any, name: str, depth: int) -> Any:
        siblings = {key: value for key, value in node.items() if key != keyword}
        candidates = []
        for fill in (0, 1):
            for index, branch in enumerate(branches):
                merged = self._branch_with(node, index, siblings, branch) if siblings else branch
                self._fill += fill
                try:
                    candidate = self.value(merged, overlay, name, depth + 1)
                finally:
                    self._fill -= fill
                if self.fits(node, candidate):
                    return candidate
                candidates.append(candidate)
        return candidates[0]

    def _branch_with(self, node: Schema, index: int, siblings: Schema, branch: Any) -> Any:
        return self._derived(node, index, lambda: {"allOf": [siblings, branch]})

    def _object(self, node: Schema, overlay: Mapping[str, Any] | None, depth: int) -> dict[str, Any]:
        created = overlay.get("created_at") if overlay else None
        if not isinstance(created, int) or isinstance(created, bool):
            return self._object_at(node, overlay, depth)
        moment, self._moment = self._moment, created
        try:
            return self._object_at(node, overlay, depth)
        finally:
            self._moment = moment

    def _now(self) -> int:
        return self._moment if self._moment is not None else int(time.time())

    def _object_at(self, node: Schema, overlay: Mapping[str, Any] | None, depth: int) -> dict[str, Any]:
        properties: dict[str, Any] = node.get("properties", {}) if isinstance(node.get("properties"), dict) else {}
        extra = node.get("additionalProperties", True)
        if not properties and extra is not False and overlay:  # a free-form map: what was offered, where it fits
            return {
                key: value
                for key, value in overlay.items()
                if self.fits(extra if isinstance(extra, dict) else {}, value)
            }
        templated = self.realistic and self._fill > 0 and depth + 1 < _MAX_DEPTH and self.validate is _is_valid
        if templated:  # an answer's object: every property, in the schema's order, unset ones as Intercom shows them
            return self._filled(node, properties, overlay, depth)
        required = [name for name in node.get("required", []) if isinstance(name, str)]
        # Required properties, `type` and `id`, and every property pinned to one value: such a property is what tells
        # the branches of a oneOf apart (a `data_type`, an `allowed: true`).
        # (Filled, an object gets every property anyway.)
        pinned = [] if self._fill else [n for n, schema in properties.items() if _pinned(_resolved(self.root, schema))]
        chosen = dict.fromkeys([*required, *(name for name in _ALWAYS if name in properties), *pinned])
        result: dict[str, Any] = {}
        self._offered(result, self.property_checks(node), properties, overlay, depth)
        self._shown_type(result, properties, depth)
        for key in chosen:
            if key not in result:
                result[key] = self._unset(properties.get(key, True), key, depth)
        if self._fill:
            for key, schema in properties.items():
                if key not in result:
                    result[key] = self._unset(schema, key, depth)
            return result
        minimum = node.get("minProperties", 0)
        for key in properties:
            if len(result) >= minimum:
                break
            if key not in result:
                result[key] = self._unset(properties[key], key, depth)
        return result

    def _filled(
        self, node: Schema, properties: dict[str, Any], overlay: Mapping[str, Any] | None, depth: int
    ) -> dict[str, Any]:
        """Every property: what the overlay offers where it fits, else its unset value (from the node's template)."""
        template, checks, undeclared = self._template(node, properties, depth)
        result = dict(template)
        self._offered(result, checks, properties, overlay, depth)
        self._shown_type(result, properties, depth)
        for key, value in result.items():
            if value is _WORKED_OUT:
                result[key] = self._unset(properties[key], key, depth)
        for key in undeclared:  # a required property the schema does not declare
            if key not in result:
                result[key] = self._unset(True, key, depth)
        return result

    def _template(self, node: Schema, properties: dict[str, Any], depth: int) -> _Template:
        """The node's properties with their unset values where those are fixed scalars (worked out once), the checks
        of its properties (filled as needed), and the required properties it does not declare."""
        key = (id(self.root), id(node))
        found = _TEMPLATES.get(key)
        if found is not None and found[0] is self.root and found[1] is node:
            return found[2]
        template: dict[str, Any] = {}
        timed = self._timed
        for name, schema in properties.items():
            self._timed = False
            value = self._unset(schema, name, depth)
            fixed = not self._timed and not isinstance(value, (dict, list))
            template[name] = value if fixed else _WORKED_OUT
        self._timed = timed
        required = node.get("required", [])
        undeclared = tuple(name for name in required if isinstance(name, str) and name not in properties)
        built: _Template = (template, self.property_checks(node), undeclared)
        if len(_TEMPLATES) > 20_000:
            _TEMPLATES.clear()
        _TEMPLATES[key] = (self.root, node, built)
        return built

    def _offered(
        self,
        result: dict[str, Any],
        checks: dict[str, Callable[[Any], bool]],
        properties: dict[str, Any],
        overlay: Mapping[str, Any] | None,
        depth: int,
    ) -> None:
        """The overlay's values for declared properties, where the property's schema accepts them (`checks`: the
        properties' checks, filled here as they are needed)."""
        for key, offered in (overlay or {}).items():
            schema = properties.get(key)
            if schema is None:
                continue
            check = checks.get(key)
            if check is None:
                check = checks[key] = self.checker(schema)
            if isinstance(offered, (dict, list)):
                shaped = self.value(schema, offered, key, depth + 1)
                if check(shaped):
                    result[key] = shaped
            elif check(offered):
                result[key] = offered

    def _shown_type(self, result: dict[str, Any], properties: dict[str, Any], depth: int) -> None:
        if self.realistic and depth <= _ITEM_DEPTH and "type" in properties:
            shown = self._derived(properties, "type shown", lambda: self._type_shown(properties["type"]))
            if shown is not None:
                result["type"] = shown

    def _type_shown(self, schema: Any) -> str | None:
        """The type of the answer's item (or of the items it lists) is the one its schema shows, whatever was stored
        (a kind's name: `subscription_type` for a `subscription`; a visitor merged into a `contact`). Deeper objects
        (authors, references) and a type of several documented values keep what was stored."""
        declared = _resolved(self.root, schema)
        shown = _example(declared)
        several = isinstance(declared, dict) and len(declared.get("enum") or ()) > 1
        return shown if isinstance(shown, str) and not several and self.fits(schema, shown) else None

    def _unset(self, schema: Any, key: str, depth: int) -> Any:
        """The value of a property nobody set: Intercom's null where the schema allows it (never for `type`)."""
        if not self.realistic:
            return self.value(schema, None, key, depth + 1)
        # Answers show the same unset fields again and again: each is worked out once per field schema (a copy is
        # answered); one that holds the time now is kept for the second it was worked out in.
        cache_key = (id(self.root), id(schema), key, self._fill > 0)
        known = _UNSET.get(cache_key)
        if known is not None and known[0] is self.root and known[1] is schema:
            second = known[3]
            if second is None or second == self._now():
                self._timed = self._timed or second is not None
                kept = known[2]
                return _copied(kept) if isinstance(kept, (dict, list)) else kept
        timed, self._timed = self._timed, False
        value = self._worked_out(schema, key, depth)
        if len(_UNSET) > 50_000:
            _UNSET.clear()
        _UNSET[cache_key] = (self.root, schema, _copied(value), self._now() if self._timed else None)
        self._timed = self._timed or timed
        return value

    def _worked_out(self, schema: Any, key: str, depth: int) -> Any:
        if key != "type":
            resolved = _resolved(self.root, schema)
            if _allows_null(resolved) and not (
                isinstance(resolved, dict) and (_pinned(resolved) or "default" in resolved)
            ):
                return None
        return self.value(schema, None, key, depth + 1)

    def _array(self, node: Schema, overlay: list[Any] | None, name: str, depth: int) -> list[Any]:
        items = node.get("items", True)
        if overlay is not None:
            shaped = [self.value(items, entry, name, depth + 1) for entry in overlay]
            check = self.checker(items)
            if all(check(entry) for entry in shaped):
                return shaped
        count = int(node.get("minItems", 0) or 0)
        return [self.value(items, None, name, depth + 1) for _ in range(count)]


def _copied(value: Any) -> Any:
    """A fresh copy of a JSON value (what is kept for the next answer is never handed out itself)."""
    if isinstance(value, dict):
        return {key: _copied(inner) for key, inner in value.items()}
    if isinstance(value, list):
        return [_copied(inner) for inner in value]
    return value


def _is_timestamp(key: str, schema: Any) -> bool:
    """A field whose unset value is the time now (not cached)."""
    return key.endswith("_at") or (isinstance(schema, dict) and schema.get("format") in ("date-time", "date"))


def _allows_null(schema: Any) -> bool:
    """Whether a (resolved) schema says null is allowed, as translation writes `nullable`."""
    if not isinstance(schema, dict):
        return schema is True
    kind = schema.get("type")
    if kind == "null" or (isinstance(kind, list) and "null" in kind):
        return True
    branches = schema.get("anyOf")
    return isinstance(branches, list) and any(isinstance(b, dict) and b.get("type") == "null" for b in branches)


def _example(schema: Any) -> Any:
    """The first example a schema shows (translation keeps a description's scalar `example` as `examples`)."""
    if not isinstance(schema, dict):
        return None
    examples = schema.get("examples")
    if isinstance(examples, list) and examples:
        return examples[0]
    for member in schema.get("allOf", ()) if isinstance(schema.get("allOf"), list) else ():
        found = _example(member)
        if found is not None:
            return found
    return None


def _realistic(node: Schema, kind: str | None, name: str, now: int) -> Any:
    """A scalar as Intercom sends it for a field nobody set: its example, or a value of its shape (never its name)."""
    if kind == "null":
        return None
    if kind == "boolean":
        return False
    timestamp = name.endswith("_at") or node.get("format") in ("date-time", "date")
    example = _example(node)
    if kind in ("integer", "number"):
        if timestamp and (node.get("format") == "date-time" or name.endswith("_at")):
            value: float = _number(node, now)
        elif name.endswith("count"):  # nothing counted yet (an example's 100 beside an empty list misleads)
            value = _number(node, 0)
        elif isinstance(example, (int, float)) and not isinstance(example, bool):
            value = example
        else:
            value = _number(node, 1 if name == "id" or name.endswith("_id") else 0)
        return int(value) if kind == "integer" else float(value)
    if timestamp:
        moment = datetime.fromtimestamp(now, timezone.utc)
        text = moment.date().isoformat() if node.get("format") == "date" else moment.strftime("%Y-%m-%dT%H:%M:%SZ")
    elif isinstance(example, str):
        text = example
    elif str(node.get("format")) in _FORMATS:
        text = _FORMATS[str(node.get("format"))]
    else:
        text = _shaped_text(name)
    return _fitted(node, text)


def _shaped_text(name: str) -> str:
    lowered = name.lower()
    if lowered in _BY_NAME:
        return _BY_NAME[lowered]
    for suffix, text in _BY_SUFFIX:
        if lowered.endswith(suffix):
            return text
    if lowered == "id" or lowered.endswith("_id"):  # Intercom's ids: 24 hex digits (stable per field name)
        return hashlib.sha1(lowered.encode()).hexdigest()[:24]
    return ""


def _fitted(node: Schema, text: str) -> str:
    minimum, maximum = int(node.get("minLength", 0) or 0), node.get("maxLength")
    if len(text) < minimum:
        text = text + "x" * (minimum - len(text))
    if isinstance(maximum, int) and len(text) > maximum:
        text = text[:maximum]
    return text


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


def _plain_container(node: Schema) -> str | None:
    """`object` or `array` for a node built as such whatever is offered (no choice, no fixed value), else None."""
    if any(keyword in node for keyword in ("default", "const", "enum", "allOf", "oneOf", "anyOf")):
        return None
    declared = node.get("type")
    if declared in ("object", "array"):
        return str(declared)
    if declared is None:
        kind = _kind(node, None)
        return kind if kind in ("object", "array") else None
    return None


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
