"""Valid Create-a-message payloads, derived from a contract's request schema with the domain rules on top.

The schema says which branches exist (email, in-app), what each requires, which optional fields the version has
and the shape of `from`/`to`; the domain rules add what it leaves loose: an email always carries a subject and a
template, the sender is an admin, the recipient a user or lead, and text is hostile but never blank.
"""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from contracts.spec import Contract

from .flat import Part, dictionaries, part_of
from .shape import Schema, Variant, deref, enum_of, property_schemas, types_of, variants
from .text import hostile_text, non_blank_text, non_blank_text_part

__all__ = ["MESSAGE_TYPES", "create_message_requests", "message_variants"]

MESSAGE_TYPES = ("email", "in_app")
# Fields the domain layer draws itself; any other field a branch requires is drawn from its schema.
_EMAIL_ONLY = ("subject", "template")
_OPTIONAL = ("created_at", "create_conversation_without_contact_reply")
_TEMPLATES = ("plain", "personal")
_RECIPIENT_TYPES = ("user", "lead")
_MAX_ID = 2**31 - 1


def message_variants(contract: Contract) -> dict[str, Variant]:
    """The branch of the request schema for each message type the contract offers (email, in_app)."""
    found: dict[str, Variant] = {}
    for variant in variants(contract.request_schema):
        allowed = variant.message_types()
        for message_type in MESSAGE_TYPES:
            if message_type not in found and (allowed is None or message_type in allowed):
                found[message_type] = variant
    return found


def create_message_requests(
    contract: Contract,
    *,
    message_type: str | None = None,
    admin_id: int | None = None,
    contact_id: str | None = None,
) -> st.SearchStrategy[dict[str, Any]]:
    """Request bodies the contract accepts: email and in-app messages from an admin to a user or lead.

    `admin_id` and `contact_id` pin the sender and the recipient (live runs pass the sandbox's own).
    """
    if not isinstance(contract, Contract):
        raise InvalidArgument(f"contract must be a Contract (from spec.contract()), not {type(contract).__name__}")
    if message_type is not None and message_type not in MESSAGE_TYPES:
        raise InvalidArgument(f"message_type must be one of {MESSAGE_TYPES} or None, not {message_type!r}")
    if admin_id is not None and (isinstance(admin_id, bool) or not isinstance(admin_id, int) or admin_id < 1):
        raise InvalidArgument(f"admin_id must be a positive integer (an Intercom admin id), not {admin_id!r}")
    if contact_id is not None and (not isinstance(contact_id, str) or not contact_id.strip()):
        raise InvalidArgument(f"contact_id must be a non-empty string (an Intercom contact id), not {contact_id!r}")
    offered = message_variants(contract)
    wanted = [message_type] if message_type else [t for t in MESSAGE_TYPES if t in offered]
    missing = [t for t in wanted if t not in offered]
    if missing or not wanted:
        raise InvalidArgument(f"{contract!r} documents no {', '.join(missing) or 'email or in_app'} request")
    root = contract.request_schema
    return st.one_of([_payloads(root, t, offered[t], admin_id=admin_id, contact_id=contact_id) for t in wanted])


def _payloads(
    root: Schema, message_type: str, variant: Variant, *, admin_id: int | None, contact_id: str | None
) -> st.SearchStrategy[dict[str, Any]]:
    properties = variant.properties
    required: dict[str, Part] = {
        "body": non_blank_text_part(),
        "from": sender_part(root, properties.get("from", []), admin_id=admin_id),
        "to": recipients_part(root, properties.get("to", []), contact_id=contact_id),
    }
    if message_type == "email":
        required["subject"] = non_blank_text_part(max_size=80)
        templates = _choices(properties.get("template", []), _TEMPLATES, "template")
        required["template"] = part_of(st.sampled_from(templates))
    for name in sorted(variant.required - set(required) - {"message_type"}):
        required[name] = part_of(from_schemas(root, properties.get(name, [])))
    optional = {name: part_of(from_schemas(root, properties[name])) for name in _OPTIONAL if name in properties}
    if "created_at" in optional:
        optional["created_at"] = part_of(st.integers(1_500_000_000, 2_000_000_000))
    return dictionaries({"message_type": message_type}, required, optional)


def _choices(schemas: list[Schema], wanted: tuple[str, ...], field: str) -> list[str]:
    allowed = enum_of(schemas)
    chosen = [value for value in wanted if allowed is None or value in allowed]
    if not chosen:
        raise InvalidArgument(f"the contract allows none of {wanted} for {field} (it allows {sorted(allowed or ())})")
    return chosen


def sender_part(root: Schema, schemas: list[Schema], *, admin_id: int | None) -> Part:
    """`from`: always an admin (the only sender the API reference documents), id typed as the schema says."""
    _choices(property_schemas(root, schemas, "type"), ("admin",), "from.type")
    ids: st.SearchStrategy[int] = st.just(admin_id) if admin_id is not None else st.integers(1, _MAX_ID)
    id_types = types_of(property_schemas(root, schemas, "id"))
    as_string = id_types is not None and "integer" not in id_types and "string" in id_types
    return Part((ids,), lambda admin: {"type": "admin", "id": str(admin) if as_string else admin})


def recipients_part(root: Schema, schemas: list[Schema], *, contact_id: str | None) -> Part:
    """`to`: a user or lead; where the version allows a list (2.14+) also a list, unless the contact is pinned."""
    objects: list[Schema] = []
    arrays: list[Schema] = []
    for schema in schemas:
        for branch in _branches(root, schema):
            kinds = types_of([branch])
            (arrays if kinds == {"array"} else objects).append(branch)
    recipient_schemas = objects or [
        deref(root, a.get("items")) for a in arrays if isinstance(deref(root, a.get("items")), dict)
    ]
    types = _choices(property_schemas(root, recipient_schemas, "type"), _RECIPIENT_TYPES, "to.type")
    if contact_id is not None:
        one = Part((st.sampled_from(types),), lambda kind: {"type": kind, "id": contact_id})
    else:  # the type and a 24-hex-digit id from one integer (one choice, not two)
        one = Part((st.integers(0, len(types) * 16**24 - 1),), lambda number: _recipient(types, number))
    if not objects:
        return part_of(st.lists(one.strategy(), min_size=1, max_size=1 if contact_id is not None else 3))
    if arrays and contact_id is None:  # how many (0: one object, else a list of that many), then three recipients
        return Part((st.integers(0, 3), *one.strategies * 3), lambda count, *drawn: _some(one, count, drawn))
    return one


def _some(one: Part, count: int, drawn: tuple[Any, ...]) -> Any:
    size = len(one.strategies)
    made = [one.build(*drawn[i * size : (i + 1) * size]) for i in range(max(count, 1))]
    return made if count else made[0]


def _recipient(types: list[str], number: int) -> dict[str, Any]:
    identifier, kind = divmod(number, len(types))  # the type from the low digits: small draws reach every type
    return {"type": types[kind], "id": f"{identifier:024x}"}


def _branches(root: Schema, schema: Any) -> list[Schema]:
    schema = deref(root, schema)
    if not isinstance(schema, dict):
        return []
    for keyword in ("oneOf", "anyOf"):
        if isinstance(schema.get(keyword), list):
            return [b for branch in schema[keyword] for b in _branches(root, branch)]
    return [schema]


def from_schemas(root: Schema, schemas: list[Schema], depth: int = 0) -> st.SearchStrategy[Any]:
    """A value satisfying every schema in `schemas` (the subset of JSON Schema request bodies use)."""
    schemas = [s for s in (deref(root, s) for s in schemas) if isinstance(s, dict)]
    allowed = enum_of(schemas)
    if allowed is not None:
        return st.sampled_from(sorted(allowed, key=repr)) if allowed else st.nothing()
    for schema in schemas:
        for keyword in ("oneOf", "anyOf"):
            if isinstance(schema.get(keyword), list) and schema[keyword]:
                others = [s for s in schemas if s is not schema]
                return from_schemas(root, [*others, schema[keyword][0]], depth + 1)
    kinds = types_of(schemas) or {"string"}
    kind = next((k for k in ("object", "string", "integer", "boolean", "number", "array") if k in kinds), "null")
    if kind == "string":
        minimum = max((s.get("minLength", 0) for s in schemas), default=0)
        return non_blank_text() if minimum or any("pattern" in s for s in schemas) else hostile_text()
    if kind == "integer":
        return st.integers(max((s.get("minimum", 0) for s in schemas), default=0), _MAX_ID)
    if kind == "number":
        return st.floats(0, 1e9)
    if kind == "boolean":
        return st.booleans()
    if kind == "array":
        items = [s["items"] for s in schemas if isinstance(s.get("items"), dict)]
        return st.lists(from_schemas(root, items, depth + 1), min_size=1, max_size=2) if depth < 5 else st.just([])
    if kind == "object":
        shape = Variant()
        for schema in schemas:
            shape = shape.merged(variants(root, schema)[0])
        return st.fixed_dictionaries(
            {name: from_schemas(root, shape.properties.get(name, []), depth + 1) for name in sorted(shape.required)}
        )
    return st.none()
