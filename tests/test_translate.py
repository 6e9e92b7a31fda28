"""OpenAPI 3.0 schemas -> JSON Schema 2020-12: nullable, refs with siblings, dropped keys, only reached refs."""

from __future__ import annotations

from typing import Any

import pytest
from jsonschema import Draft202012Validator

from contracts import SpecError
from contracts.schema import bundle_schema


def _bundle(schemas: dict[str, Any], name: str = "root") -> dict[str, Any]:
    return bundle_schema({"components": {"schemas": schemas}}, f"#/components/schemas/{name}", source="t")


def _translated(schema: dict[str, Any]) -> Any:
    """What became of the root schema itself (the bundle refers to it from `$defs`)."""
    assert schema["$ref"] == "#/$defs/components~1schemas~1root"
    return schema["$defs"]["components/schemas/root"]


def test_nullable_adds_null_to_type_and_enum() -> None:
    schema = _bundle({"root": {"type": "string", "enum": ["a"], "nullable": True}})
    validator = Draft202012Validator(schema)
    assert validator.is_valid(None)
    assert validator.is_valid("a")
    assert not validator.is_valid("b")


def test_nullable_beside_a_ref_becomes_any_of() -> None:
    schema = _bundle({"root": {"$ref": "#/components/schemas/n", "nullable": True}, "n": {"type": "integer"}})
    validator = Draft202012Validator(schema)
    assert validator.is_valid(None)
    assert validator.is_valid(3)
    assert not validator.is_valid("3")


def test_ref_siblings_apply_together_with_the_ref() -> None:
    schema = _bundle({"root": {"$ref": "#/components/schemas/n", "minimum": 5}, "n": {"type": "integer"}})
    validator = Draft202012Validator(schema)
    assert validator.is_valid(6)
    assert not validator.is_valid(4)


def test_extensions_and_structured_examples_are_dropped_formats_and_scalar_examples_kept_as_annotations() -> None:
    schema = _bundle({"root": {"type": "integer", "format": "date-time", "example": 1, "x-internal": True}})
    assert _translated(schema) == {"type": "integer", "format": "date-time", "examples": [1]}
    structured = _bundle({"root": {"type": "object", "example": {"a": 1}}, "flag": {"type": "boolean"}})
    assert _translated(structured) == {"type": "object"}
    flag = _bundle({"root": {"type": "boolean", "example": True}})
    assert _translated(flag) == {"type": "boolean"}  # a flag's example is no value to answer for a flag nobody set


def test_boolean_exclusive_bounds_become_numeric() -> None:
    schema = _bundle({"root": {"type": "number", "minimum": 0, "exclusiveMinimum": True}})
    assert _translated(schema) == {"type": "number", "exclusiveMinimum": 0}
    assert not Draft202012Validator(schema).is_valid(0)


def test_only_reached_refs_are_bundled_and_dangling_ones_elsewhere_do_not_matter() -> None:
    schema = _bundle(
        {
            "root": {"type": "object", "properties": {"a": {"$ref": "#/components/schemas/a"}}},
            "a": {"type": "string"},
            "broken": {"$ref": "#/components/schemas/nowhere"},
        }
    )
    assert set(schema["$defs"]) == {"components/schemas/root", "components/schemas/a"}


def test_a_reached_dangling_ref_names_its_pointer() -> None:
    with pytest.raises(SpecError) as raised:
        _bundle({"root": {"properties": {"a": {"$ref": "#/components/schemas/nowhere"}}}})
    assert raised.value.pointer == "#/components/schemas/root/properties/a/$ref"


def test_recursive_schemas_bundle_and_validate() -> None:
    schema = _bundle({"root": {"type": "object", "properties": {"child": {"$ref": "#/components/schemas/root"}}}})
    validator = Draft202012Validator(schema)
    assert validator.is_valid({"child": {"child": {}}})
    assert not validator.is_valid({"child": {"child": 1}})


def test_nullable_without_a_type_still_allows_null() -> None:
    """Intercom's search values: `oneOf` of types and `nullable: true`, read as "null allowed" (as generators do)."""
    schema = _bundle({"root": {"oneOf": [{"type": "string"}, {"type": "integer"}], "nullable": True}})
    validator = Draft202012Validator(schema)
    assert validator.is_valid(None)
    assert validator.is_valid("a")
    assert not validator.is_valid(1.5)


def test_nullable_beside_a_composition_allows_null_as_a_whole() -> None:
    """`customer` of POST /conversations/{id}/customers: an object, oneOf three ways to name someone, nullable."""
    branches = [{"properties": {key: {"type": "string"}}, "required": [key]} for key in ("user_id", "email", "id")]
    schema = _bundle({"root": {"type": "object", "oneOf": branches, "nullable": True}})
    validator = Draft202012Validator(schema)
    assert validator.is_valid(None)
    assert validator.is_valid({"email": "a@example.com"})
    assert not validator.is_valid({"email": "a@example.com", "user_id": "1"})
