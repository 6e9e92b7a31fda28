"""OpenAPI 3.0 Schema Objects -> self-contained JSON Schema (draft 2020-12).

Only what a schema reaches is resolved: the `$ref`s met while walking it are copied, translated, into `$defs`. So a
dangling ref elsewhere in a document (official 2.7-2.11 hold some) does not stop the operation under test, while a
dangling ref that the schema does reach is a SpecError naming its JSON pointer.

Translation: `nullable` becomes a `null` type (or an `anyOf` beside a `$ref`, or where no `type` is given);
boolean `exclusiveMinimum` / `exclusiveMaximum` become their numeric form; a scalar `example` becomes the annotation
`examples: [value]` (what the fake answers for a field not set); other examples, `x-` extensions, `discriminator`,
`xml` and `externalDocs` are dropped; `format` stays an annotation (a 2020-12 validator does not
assert it).
"""

from __future__ import annotations

from typing import Any

from ..errors import SpecError
from ._pointers import MISSING, escape, join, resolve_ref

__all__ = ["DIALECT", "bundle_schema", "deref_bundled", "referenced_pointers"]

DIALECT = "https://json-schema.org/draft/2020-12/schema"
# Keys beside a `$ref` that constrain nothing (the bundle's own root keys, annotations).
_NOT_CONSTRAINTS = frozenset({"$ref", "$schema", "$defs", "title", "description"})
_DROPPED = frozenset({"example", "examples", "discriminator", "xml", "externalDocs", "nullable"})
_SCHEMA_MAPS = ("properties", "patternProperties", "dependentSchemas")
_SCHEMA_LISTS = ("allOf", "anyOf", "oneOf", "prefixItems")
_SCHEMA_SINGLES = ("not", "additionalProperties", "items", "contains", "if", "then", "else", "propertyNames")


def bundle_schema(document: Any, pointer: str, *, source: str) -> dict[str, Any]:
    """The schema at `pointer` (itself possibly a `$ref`) as one JSON Schema with its own `$defs`."""
    translator = _Translator(document, source)
    root = translator.schema({"$ref": pointer}, pointer)
    bundled: dict[str, Any] = {"$schema": DIALECT, **root}
    if translator.defs:
        bundled["$defs"] = translator.defs
    return bundled


def deref_bundled(root: dict[str, Any], node: Any) -> Any:
    """Follow `$ref`s of a bundled schema into its root's `$defs` (siblings of a `$ref` kept in an allOf)."""
    for _ in range(64):  # a bare-$ref cycle is refused when bundling; this bounds anything else
        if not (isinstance(node, dict) and isinstance(node.get("$ref"), str)):
            break
        key = node["$ref"].removeprefix("#/$defs/").replace("~1", "/").replace("~0", "~")
        target = root.get("$defs", {}).get(key)
        siblings = {k: v for k, v in node.items() if k not in _NOT_CONSTRAINTS}
        node = {"allOf": [target, siblings]} if siblings and isinstance(target, dict) else target
    return node


def referenced_pointers(schema: dict[str, Any]) -> list[str]:
    """The document pointers a bundled schema was built from (its `$defs` keys as `#/...`)."""
    return ["#/" + key for key in schema.get("$defs", {})]


class _Translator:
    def __init__(self, document: Any, source: str):
        self.document = document
        self.source = source
        self.defs: dict[str, Any] = {}

    def schema(self, node: Any, here: str) -> Any:
        if isinstance(node, bool):
            return node
        if not isinstance(node, dict):
            raise SpecError(self.source, f"expected a Schema Object, found {type(node).__name__}", pointer=here)
        try:
            return self._object(node, here)
        except RecursionError:
            raise SpecError(self.source, "schema is nested too deeply", pointer=here) from None

    def _object(self, node: dict[str, Any], here: str) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, value in node.items():
            if key == "example" and isinstance(value, (str, int, float)) and not isinstance(value, bool):  # annotation
                out["examples"] = [value]
                continue
            if not isinstance(key, str) or key in _DROPPED or key.startswith("x-"):
                continue
            if key == "$ref":
                out["$ref"] = self._ref(value, join(here, "$ref"))
            elif key in _SCHEMA_MAPS and isinstance(value, dict):
                out[key] = {str(name): self.schema(sub, join(here, key, name)) for name, sub in value.items()}
            elif key in _SCHEMA_LISTS and isinstance(value, list):
                out[key] = [self.schema(sub, join(here, key, index)) for index, sub in enumerate(value)]
            elif key == "items" and isinstance(value, list):
                out["prefixItems"] = [self.schema(sub, join(here, key, index)) for index, sub in enumerate(value)]
            elif key in _SCHEMA_SINGLES and isinstance(value, (dict, bool)):
                out[key] = self.schema(value, join(here, key))
            elif key in ("exclusiveMinimum", "exclusiveMaximum") and isinstance(value, bool):
                bound = "minimum" if key == "exclusiveMinimum" else "maximum"
                if value and bound in node:
                    out[key] = node[bound]
            else:
                out[key] = value
        for key in ("exclusiveMinimum", "exclusiveMaximum"):
            bound = "minimum" if key == "exclusiveMinimum" else "maximum"
            if node.get(key) is True and bound in out:
                del out[bound]
        if node.get("nullable") is True:
            out = _nullable(out)
        return out

    def _ref(self, ref: Any, here: str) -> str:
        if not isinstance(ref, str):
            raise SpecError(self.source, "$ref must be a string", pointer=here)
        if not ref.startswith("#"):
            raise SpecError(self.source, f"external $ref {ref!r} is not supported", pointer=here)
        key = ref[1:].lstrip("/")
        if key not in self.defs:
            target = resolve_ref(self.document, ref)
            if target is MISSING:
                raise SpecError(self.source, f"$ref {ref!r} points to nothing", pointer=here)
            self._refuse_ref_cycle(ref, target, here)
            self.defs[key] = True  # placeholder: a schema that reaches itself refers to the entry being built
            self.defs[key] = self.schema(target, ref)
        return "#/$defs/" + escape(key)

    def _refuse_ref_cycle(self, ref: str, target: Any, here: str) -> None:
        """A chain of bare `$ref`s that comes back to its start describes no value: no validator could end."""
        seen = {ref}
        while isinstance(target, dict) and isinstance(target.get("$ref"), str):
            if set(target) - {"$ref", "description", "summary", "title", "example", "nullable"}:
                return  # siblings constrain the value: recursion through them ends on data
            following = target["$ref"]
            if following in seen:
                raise SpecError(self.source, f"$ref {ref!r} refers to itself through {following!r}", pointer=here)
            seen.add(following)
            target = resolve_ref(self.document, following)


def _nullable(schema: dict[str, Any]) -> dict[str, Any]:
    # OpenAPI 3.0.3 gives `nullable` effect only beside `type`; its authors (Intercom's `oneOf` + nullable search
    # values) and the generators (schemathesis) read it as "null is allowed" everywhere: so does this translation,
    # or a null the description meant to allow would be a breach.
    # Beside a composition (oneOf...), null must pass the composition as a whole: the type alone would not do (null
    # is valid under every branch that constrains only an object's keys, and oneOf then fails).
    if "$ref" in schema or "type" not in schema or any(key in schema for key in ("oneOf", "anyOf", "allOf", "not")):
        return {"anyOf": [schema, {"type": "null"}]}
    kind = schema.get("type")
    if isinstance(kind, str):
        schema["type"] = [kind, "null"]
    elif isinstance(kind, list) and "null" not in kind:
        schema["type"] = [*kind, "null"]
    if isinstance(schema.get("enum"), list) and None not in schema["enum"]:
        schema["enum"] = [*schema["enum"], None]
    return schema
