"""Paging of the fake's lists: a page's size, where it starts (a page number or a `starting_after` cursor), and a
list's query filters."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ._workspace import Item

__all__ = ["after", "body_of", "filtered", "id_of", "pagination", "positive"]


def positive(value: Any, default: int) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return default
    return number if number > 0 else default


def pagination(body: Any) -> dict[str, Any]:
    found = body.get("pagination") if isinstance(body, dict) else None
    return found if isinstance(found, dict) else {}


def after(items: Sequence[Item | dict[str, Any]], cursor: Any) -> int:
    if not cursor:
        return 0
    for index, item in enumerate(items):
        if id_of(item) == str(cursor):
            return index + 1
    return len(items)  # a cursor that names nothing: past the end


def body_of(item: Item | dict[str, Any]) -> dict[str, Any]:
    return item.body if isinstance(item, Item) else item


def id_of(item: Item | dict[str, Any]) -> str:
    return item.id if isinstance(item, Item) else str(item.get("id"))


def filtered(items: list[Item], query: dict[str, str]) -> list[Item]:
    """A list's query filters that name a field of the items (`?company_id=...`, `?name=...`)."""
    paging = {"page", "per_page", "starting_after", "order", "display_as"}
    wanted = {key: value for key, value in query.items() if key not in paging}
    return [
        item
        for item in items
        if all(str(item.body.get(key)) == value for key, value in wanted.items() if key in item.body)
    ]
