"""JSON pointers (RFC 6901) and the local `$ref`s of an OpenAPI document."""

from __future__ import annotations

from typing import Any

__all__ = ["MISSING", "as_list", "escape", "join", "resolve", "resolve_ref", "unescape"]


class _Missing:
    def __repr__(self) -> str:
        return "MISSING"


MISSING: Any = _Missing()


def escape(token: object) -> str:
    return str(token).replace("~", "~0").replace("/", "~1")


def unescape(token: str) -> str:
    return token.replace("~1", "/").replace("~0", "~")


def join(pointer: str, *tokens: object) -> str:
    """`join("#/paths", "/messages", "post")` -> `#/paths/~1messages/post`."""
    return pointer + "".join("/" + escape(token) for token in tokens)


def resolve(document: Any, pointer: str) -> Any:
    """The value at a `#/a/b` pointer, or MISSING when any step is absent."""
    node = document
    body = pointer[1:] if pointer.startswith("#") else pointer
    if not body:
        return node
    for raw in body.lstrip("/").split("/"):
        token = unescape(raw)
        if isinstance(node, dict):
            if token in node:
                node = node[token]
            elif token.isascii() and token.isdigit() and int(token) in node:  # YAML turns `200:` into an int key
                node = node[int(token)]
            else:
                return MISSING
        elif isinstance(node, list) and token.isascii() and token.isdigit() and int(token) < len(node):
            node = node[int(token)]
        else:
            return MISSING
    return node


def resolve_ref(document: Any, ref: str) -> Any:
    """The target of a local `$ref`; MISSING for a dangling or non-local one."""
    if not ref.startswith("#"):
        return MISSING
    return resolve(document, ref)


def as_list(value: Any) -> list[Any]:
    """The list a document holds where it should hold one; anything else (a hostile document) as nothing."""
    return value if isinstance(value, list) else []
