"""Rules the documented facts establish and the published descriptions leave loose.

They are layered on top of every spec's request schema (the bundled contract already states them), so a
request that Intercom documents as refused is refused by every contract:
- the payload is a JSON object (400 for anything else);
- a blank (empty or whitespace-only) `body` counts as missing (400 `parameter_invalid` "Body is required").
"""

from __future__ import annotations

from typing import Any, Final

__all__ = ["CREATE_MESSAGE_RULES", "with_rules"]

CREATE_MESSAGE_RULES: Final[dict[str, Any]] = {
    "type": "object",
    "properties": {"body": {"type": "string", "pattern": "\\S"}},
}


def with_rules(schema: dict[str, Any], rules: dict[str, Any]) -> dict[str, Any]:
    """`schema` constrained further by `rules`, keeping its `$schema` and `$defs` at the root."""
    root: dict[str, Any] = {key: schema[key] for key in ("$schema", "$defs") if key in schema}
    body = {key: value for key, value in schema.items() if key not in root}
    return {**root, "allOf": [body, rules]}
