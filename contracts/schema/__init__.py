"""JSON Schema: OpenAPI 3.0 translated to 2020-12, compiled validators, domain rules, valid instances, pointers."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import attach

if TYPE_CHECKING:
    from ._pointers import MISSING, as_list, join, resolve, resolve_ref, unescape
    from ._rules import CREATE_MESSAGE_RULES, with_rules
    from ._synthesis import synthesize
    from ._translate import bundle_schema, deref_bundled
    from ._validation import Validator

__all__ = [
    "CREATE_MESSAGE_RULES",
    "MISSING",
    "Validator",
    "as_list",
    "bundle_schema",
    "deref_bundled",
    "join",
    "resolve",
    "resolve_ref",
    "synthesize",
    "unescape",
    "with_rules",
]

__getattr__, __dir__ = attach(__name__, {
    "CREATE_MESSAGE_RULES": "_rules",
    "MISSING": "_pointers",
    "Validator": "_validation",
    "as_list": "_pointers",
    "bundle_schema": "_translate",
    "deref_bundled": "_translate",
    "join": "_pointers",
    "resolve": "_pointers",
    "resolve_ref": "_pointers",
    "synthesize": "_synthesis",
    "unescape": "_pointers",
    "with_rules": "_rules",
})
