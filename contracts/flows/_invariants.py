"""The invariants the flows hold the target to after each step, each a small function over the model.

- written_reads_back: what a step wrote is what a read answers;
- deleted_ids_answer_404: an id the flow deleted answers 404;
- lists_hold_created_not_deleted: lists and searches hold what the flow made, never what it deleted or detached;
- pages_never_repeat_or_skip: a list read page by page (`starting_after` cursors, or page numbers) gives each item
  once, and as many as its total_count says.
(answer_fits_contract, the fourth, judges every answer as it comes: see Requests.)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..spec import operation_contract
from ._links import Link
from ._world import Answer, Model, Requests

__all__ = [
    "Holds",
    "Text",
    "deleted_ids_answer_404",
    "lists_hold_created_not_deleted",
    "walk_pages",
    "written_reads_back",
]

# The field that tells the items of a list apart (an event summary has a name, no id).
_KEYS = {"data_event": "name"}


@dataclass(frozen=True)
class Text:
    """A text the answer holds (Intercom may wrap a body sent in HTML)."""

    value: str

    def matches(self, received: Any) -> bool:
        return isinstance(received, str) and self.value in received

    def __str__(self) -> str:
        return f"a text holding {self.value!r}"


@dataclass(frozen=True)
class Holds:
    """A list (at the pointer) with an item whose `field` holds the text."""

    field: str
    value: str

    def matches(self, received: Any) -> bool:
        items = received if isinstance(received, list) else []
        return any(isinstance(item, dict) and self.value in str(item.get(self.field)) for item in items)

    def __str__(self) -> str:
        return f"an item whose {self.field} holds {self.value!r}"


def _matches(expected: Any, received: Any) -> bool:
    if isinstance(expected, (Text, Holds)):
        return expected.matches(received)
    return received is not None and str(received) == str(expected)


def written_reads_back(requests: Requests, model: Model) -> None:
    pending, model.to_read = model.to_read, []
    for resource, id in dict.fromkeys(pending):
        fields = model.expected.get(resource, {}).get(id)
        if fields is None or not requests.links.has(resource, "read"):
            continue
        answer = requests.send(resource, "read", {resource: id})
        requests.expect(answer, (200,), "written_reads_back", f"the {resource} {id} the flow wrote cannot be read")
        for pointer, value in fields.items():
            received = answer.at(pointer)
            if not _matches(value, received):
                problem = f"the {resource} {id} does not read back {pointer} as written"
                requests.fail("written_reads_back", answer.link, problem, received, str(value))


def deleted_ids_answer_404(requests: Requests, model: Model) -> None:
    pending, model.newly_deleted = model.newly_deleted, []
    for resource, id in pending:
        if not requests.links.has(resource, "read"):
            continue
        answer = requests.send(resource, "read", {resource: id})
        problem = f"the {resource} {id} the flow deleted is still there"
        requests.expect(answer, (404,), "deleted_ids_answer_404", problem)


def lists_hold_created_not_deleted(requests: Requests, model: Model, searches: Mapping[str, Any]) -> None:
    """Each list (and search) of a resource that changed, and each list of what hangs on an item that changed."""
    changed, model.changed = model.changed, set()
    for resource in sorted(changed):
        for verb in ("list", "search"):
            if not requests.links.has(resource, verb) or (verb == "search" and resource not in searches):
                continue
            walk = walk_pages(requests, resource, verb, body=searches.get(resource) if verb == "search" else None)
            _judge_walk(requests, walk, made=model.live(resource), gone=model.deleted.get(resource, set()))
    hanging, model.changed_attached = model.changed_attached, set()
    for owner, owner_id, kind in sorted(hanging):
        if not requests.links.has(kind, "attached") or (owner, owner_id, kind) not in model.attached:
            continue
        walk = walk_pages(requests, kind, "attached", ids={owner: owner_id})
        made = set(model.attached[(owner, owner_id, kind)])
        _judge_walk(requests, walk, made=made, gone=model.gone.get((owner, owner_id, kind), set()))


@dataclass
class Walk:
    """A list read page by page: the keys of its items in order, whether every page was read, its total_count."""

    link: Link
    keys: list[str]
    complete: bool
    total: int | None
    counted: bool  # whether total_count is to be believed (not on a live workspace, which others change)


def walk_pages(
    requests: Requests,
    resource: str,
    verb: str,
    *,
    ids: Mapping[str, str] | None = None,
    body: Any = None,
) -> Walk:
    target = requests.target
    paging = _paging(requests, requests.links.link(resource, verb))
    keys: list[str] = []
    total: int | None = None
    place: tuple[str, Any] | None = None  # ("cursor", id) or ("page", number): where the next page starts
    cursors: set[str] = set()
    for _ in range(target.max_pages):
        query, sent = _page_request(verb, paging, target.per_page, place, body)
        answer = requests.send(resource, verb, ids, sent, query)
        what = f"the {verb} of {resource}s"
        requests.expect(answer, (200,), "lists_hold_created_not_deleted", f"{what} was not answered")
        key = _KEYS.get(resource, "id")
        keys += [str(item.get(key)) for item in _items(answer) if isinstance(item, dict)]
        total = total if total is not None else _integer(answer.at("/total_count"))
        place = _following(answer, paging)
        if place is None or (place[0] == "cursor" and place[1] in cursors):
            return Walk(answer.link, keys, True, total, counted=not target.live)
        if place[0] == "cursor":
            cursors.add(place[1])
    return Walk(requests.links.link(resource, verb), keys, False, total, counted=False)


def _judge_walk(requests: Requests, walk: Walk, *, made: set[str], gone: set[str]) -> None:
    listed = set(walk.keys)
    ghosts = sorted(gone & listed)
    if ghosts:
        problem = f"what the flow deleted or detached is still listed: {', '.join(ghosts)}"
        requests.fail("lists_hold_created_not_deleted", walk.link, problem, walk.keys, "none of it listed")
    missing = sorted(made - listed)
    if walk.complete and missing:
        problem = f"what the flow made is not listed: {', '.join(missing)}"
        requests.fail("lists_hold_created_not_deleted", walk.link, problem, walk.keys, f"{', '.join(missing)} listed")
    repeated = sorted({key for key in walk.keys if walk.keys.count(key) > 1})
    if repeated:
        problem = f"an item comes on two pages: {', '.join(repeated)}"
        requests.fail("pages_never_repeat_or_skip", walk.link, problem, walk.keys, "each item once")
    if walk.complete and walk.counted and walk.total is not None and walk.total != len(walk.keys):
        problem = f"the pages hold {len(walk.keys)} items where total_count says {walk.total}"
        requests.fail("pages_never_repeat_or_skip", walk.link, problem, walk.keys, f"{walk.total} items")


def _paging(requests: Requests, link: Link) -> str | None:
    """How the operation pages: `cursor` (starting_after), `page` (numbers), `either` (a search: its body's
    pagination takes the cursor the answer gives, else a page number), or None (one answer)."""
    if link.verb == "search":
        return "either"
    spec = requests.target.contract.spec
    parameters = operation_contract(spec, spec.operation(link.operation)).parameters
    if ("query", "starting_after") in parameters:
        return "cursor"
    return "page" if ("query", "page") in parameters else None


def _page_request(
    verb: str, paging: str | None, per_page: int, place: tuple[str, Any] | None, body: Any
) -> tuple[dict[str, str], Any]:
    """The query and body asking for one page."""
    if paging is None:
        return {}, body
    wanted: dict[str, Any] = {"per_page": per_page}
    if place is not None:
        wanted["starting_after" if place[0] == "cursor" else "page"] = place[1]
    if verb == "search":
        return {}, {**(body or {}), "pagination": wanted}
    return {name: str(value) for name, value in wanted.items()}, body


def _following(answer: Answer, paging: str | None) -> tuple[str, Any] | None:
    """Where the page after this one starts (None: this was the last)."""
    if paging is None:
        return None
    cursor = answer.at("/pages/next/starting_after")
    if paging != "page" and isinstance(cursor, str) and cursor:
        return ("cursor", cursor)
    page, pages = _integer(answer.at("/pages/page")), _integer(answer.at("/pages/total_pages"))
    if paging != "cursor" and page is not None and pages is not None and page < pages:
        return ("page", page + 1)
    return None


def _items(answer: Answer) -> list[Any]:
    for pointer in answer.link.items:
        found = answer.at(pointer)
        if isinstance(found, list):
            return found
    return []


def _integer(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None
