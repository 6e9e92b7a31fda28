"""What each operation does to the workspace: a generic engine driven by the facts, and small named overrides.

An operation's shape comes from its path and its documented answer: the kind of item the answer is (the name of its
schema: `contact`, `company`, ...), or the array of items it lists. From those:
- POST to a collection (`/contacts`, `/contacts/{id}/notes`) creates; GET, PUT/PATCH and DELETE of `/.../{id}` read,
  update and delete (an unknown id gets the documented `404 not_found`); GET of a collection lists it, POST
  `.../search` searches it; lists paginate as their pages object says: a cursor (`starting_after`) or page numbers
  (a page past the end is empty, so a pager stops);
- anything else answers its documented schema with what it is about (the item its path names, the fields sent).
Where Intercom's semantics differ (attaching tags and companies, replies and parts of conversations, archiving and
merging contacts, data events, /me), a named override (`OVERRIDES`, keyed by method and path) says what happens.
Every answer is shaped into the schema of the version asked for (contracts.synthesis), keeping the fields stored.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..api import OperationContract, operation_contract
from ..facts import NOT_FOUND
from ..spec import Spec
from ..synthesis import synthesize
from ..translate import deref_bundled
from .workspace import DEFAULT_ADMIN_ID, Item, Workspace

__all__ = ["OVERRIDES", "Answer", "Call", "Resources", "Shape", "canonical_kind", "route_key", "shape_of"]

DEFAULT_PER_PAGE = 50
SEARCH_PER_PAGE = 150  # Intercom's largest page: the SDK's search pager resends the same body, so one page serves all


@dataclass(frozen=True)
class Call:
    """One request as the engine sees it: its operation, the values in its path, its query and JSON body."""

    contract: OperationContract
    path_values: dict[str, str]
    query: dict[str, str]
    body: Any
    region: str

    @property
    def spec(self) -> Spec:
        return self.contract.spec


@dataclass(frozen=True)
class Answer:
    status: int
    body: Any  # None: no body
    error: tuple[int, str, str] | None = None  # a documented error to answer instead (status, code, message)
    headers: dict[str, str] | None = None


@dataclass(frozen=True)
class Shape:
    """What an operation is about, read from its facts."""

    action: str  # create | read | update | delete | list | search | act
    kind: str | None  # the kind of item (its schema's name)
    list_field: str | None  # for lists: the property holding the items
    item_param: str | None  # the path parameter naming the item
    parent: tuple[str, str] | None  # (kind, path parameter) of the item the path nests under
    known: bool = False  # the items of the path's collection are known (read somewhere): an unknown id is a 404


Handler = Callable[["Resources", Call, Shape], Answer]
OVERRIDES: dict[str, Handler] = {}


def override(*routes: str) -> Callable[[Handler], Handler]:
    """Register a handler for routes written `METHOD /path/{}/with/{}/params`."""

    def register(handler: Handler) -> Handler:
        for route in routes:
            OVERRIDES[route] = handler
        return handler

    return register


def route_key(method: str, template: str) -> str:
    """`POST /contacts/{contact_id}/tags` -> `POST /contacts/{}/tags` (parameter names vary across versions)."""
    return f"{method.upper()} {re.sub(r'{[^}]+}', '{}', template)}"


class Resources:
    """The engine over one workspace."""

    def __init__(self, workspace: Workspace):
        self.workspace = workspace

    def answer(self, call: Call) -> Answer:
        shape = shape_of(call.spec, call.contract)
        handler = OVERRIDES.get(route_key(call.contract.operation.method, call.contract.operation.path))
        if handler is None:
            handler = GENERIC[shape.action]
        return handler(self, call, shape)

    # -- helpers for handlers -----------------------------------------------------------------------------------------
    def shaped(self, call: Call, overlay: Any, status: int | None = None) -> Answer:
        """The documented answer of `status` (default: the success one), keeping what `overlay` offers."""
        status = status or call.contract.success
        if 300 <= status < 400:  # a redirect to what is downloaded (a call's recording)
            return Answer(
                status, None, headers={"Location": "https://downloads.example.com/" + call.contract.operation_id}
            )
        schema = call.contract.answer_schema(status)
        if schema is None:
            return Answer(status, None if status in (202, 204) or overlay is None else overlay)
        return Answer(status, synthesize(schema, overlay=overlay, name=call.contract.operation_id, complete=True))

    def target(self, call: Call, shape: Shape) -> Item | None:
        """The item the path names (its last parameter), when the shape says of what kind."""
        if shape.kind is None or shape.item_param is None:
            return None
        return self.workspace.item(shape.kind, call.path_values.get(shape.item_param))

    def parent(self, call: Call, shape: Shape) -> Item | None:
        if shape.parent is None:
            return None
        kind, parameter = shape.parent
        return self.workspace.item(kind, call.path_values.get(parameter))

    def listed(self, call: Call, shape: Shape, items: list[Item], *, per_page: int = DEFAULT_PER_PAGE) -> Answer:
        """A page of `items` in the operation's list schema.

        The page is the one the request asks for: by number (`page`: past the end, an empty page, so a pager that
        counts pages stops) or after a cursor (`starting_after`: the next cursor is given while items remain, so a
        pager that follows cursors stops). The pages object is shaped by the schema (a cursor where it has one).
        """
        field = shape.list_field or "data"
        paging = {**_pagination(call.body), **call.query}
        size = _positive(paging.get("per_page"), per_page)
        total_pages = max(1, -(-len(items) // size))
        if "page" in paging and "starting_after" not in paging:
            page = _positive(paging.get("page"), 1)
            start = (page - 1) * size
        else:
            start = _after(items, paging.get("starting_after"))
            page = start // size + 1
        chunk = items[start : start + size]
        pages: dict[str, Any] = {"type": "pages", "page": page, "per_page": size, "total_pages": total_pages}
        if chunk and start + size < len(items):
            pages["next"] = {"page": page + 1, "starting_after": chunk[-1].id}
        overlay = {"type": "list", "total_count": len(items), field: [self.view(i) for i in chunk], "pages": pages}
        return self.shaped(call, overlay)

    def view(self, item: Item) -> dict[str, Any]:
        """An item's body with what is attached to it (tags, companies) in the shapes Intercom lists them."""
        body = dict(item.body)
        for kind, field in (("tag", "tags"), ("company", "companies")):
            attached = self.workspace.attached(item, kind)
            if attached or kind in item.links:
                references = [{"type": kind, "id": other.id, "url": f"/{field}/{other.id}"} for other in attached]
                body[field] = {
                    "type": "list",
                    "data": references,
                    "url": f"/{_collection(item.kind)}/{item.id}/{field}",
                    "total_count": len(references),
                    "has_more": False,
                }
        return body


def not_found(what: str | None) -> Answer:
    status, code, _ = NOT_FOUND
    return Answer(
        status, None, error=(status, code, f"{(what or 'resource').replace('_', ' ').capitalize()} Not Found")
    )


# -- the generic engine -----------------------------------------------------------------------------------------------
def _create(resources: Resources, call: Call, shape: Shape) -> Answer:
    parent = resources.parent(call, shape)
    if shape.parent is not None and parent is None:
        return not_found(shape.parent[0])
    fields = dict(call.body) if isinstance(call.body, dict) else {}
    kind = shape.kind or call.contract.operation_id
    stored = resources.workspace.add(kind, {key: value for key, value in fields.items() if key != "id"})
    stored.setdefault("type", kind)
    item = resources.workspace.item(kind, stored["id"])
    if parent is not None and item is not None:
        item.parents.add((parent.kind, parent.id))
        stored[parent.kind] = {"type": parent.kind, "id": parent.id}
    return resources.shaped(call, stored)


def _read(resources: Resources, call: Call, shape: Shape) -> Answer:
    item = resources.target(call, shape)
    if item is None:
        return not_found(shape.kind)
    return resources.shaped(call, resources.view(item))


def _update(resources: Resources, call: Call, shape: Shape) -> Answer:
    item = resources.target(call, shape)
    if item is None:
        return not_found(shape.kind)
    if isinstance(call.body, dict):
        resources.workspace.update(item.kind, item.id, call.body)
    return resources.shaped(call, resources.view(item))


def _delete(resources: Resources, call: Call, shape: Shape) -> Answer:
    item = resources.target(call, shape)
    if item is None:
        return not_found(shape.kind)
    resources.workspace.remove(item.kind, item.id)
    return resources.shaped(call, {**item.body, "deleted": True, "object": item.kind})


def _list(resources: Resources, call: Call, shape: Shape) -> Answer:
    if shape.kind is None:
        return resources.shaped(call, {})
    parent = resources.parent(call, shape)
    if shape.parent is not None and parent is None:
        return not_found(shape.parent[0])
    scope = (parent.kind, parent.id) if parent is not None else None
    items = resources.workspace.items(shape.kind, parent=scope)
    return resources.listed(call, shape, _filtered(items, call.query))


def _search(resources: Resources, call: Call, shape: Shape) -> Answer:
    if shape.kind is None:
        return resources.shaped(call, {})
    query = call.body.get("query") if isinstance(call.body, dict) else None
    items = [item for item in resources.workspace.items(shape.kind) if _matches(resources.view(item), query)]
    return resources.listed(call, shape, items, per_page=SEARCH_PER_PAGE)


def _act(resources: Resources, call: Call, shape: Shape) -> Answer:
    """An operation that is neither of the above: its documented answer, about the item its path names."""
    item = (resources.target(call, shape) if shape.known else None) or resources.parent(call, shape)
    if shape.known and shape.item_param is not None and item is None:
        return not_found(shape.kind)
    overlay: dict[str, Any] = dict(call.body) if isinstance(call.body, dict) else {}
    if item is not None:
        overlay = {**overlay, **resources.view(item)}
    for name, value in call.path_values.items():
        overlay.setdefault(name, value)
    return resources.shaped(call, overlay)


GENERIC: dict[str, Handler] = {
    "create": _create,
    "read": _read,
    "update": _update,
    "delete": _delete,
    "list": _list,
    "search": _search,
    "act": _act,
}


# -- shapes -----------------------------------------------------------------------------------------------------------
def shape_of(spec: Spec, contract: OperationContract) -> Shape:
    """What the operation is about (computed once per operation)."""
    cache: dict[str, Shape] = spec.memo.setdefault("resource_shapes", {})
    operation = contract.operation
    if operation.pointer not in cache:
        cache[operation.pointer] = _shape(spec, contract)
    return cache[operation.pointer]


def _shape(spec: Spec, contract: OperationContract) -> Shape:
    operation = contract.operation
    method, path = operation.method, operation.path
    segments = [segment for segment in path.split("/") if segment]
    item_param = segments[-1][1:-1] if segments and segments[-1].startswith("{") else None
    collection = "/" + "/".join(segments[:-1] if item_param else segments)
    kinds = collection_kinds(spec)
    schema = contract.answer_schema(contract.success)
    answered, list_field = _answer_kind(schema)
    kind = kinds.get(collection) or answered
    parent = _parent(segments[:-1] if item_param else segments, kinds)
    if method == "delete" and item_param:
        action = "delete"
    elif method == "get" and item_param and list_field is None:
        action = "read"
    elif method in ("put", "patch") and item_param:
        action = "update"
    elif segments and segments[-1] == "search":
        action, kind = "search", answered
    elif list_field is not None and method in ("get", "post") and contract.body is None:
        action, kind = "list", answered
    elif method == "post" and not item_param and _is_collection(spec, path) and answered is not None:
        action, kind = "create", answered
    else:
        action = "act"
    known = item_param is not None and collection in kinds
    if action in ("read", "update", "delete") and not known:
        action = "act"  # items of a collection read nowhere: answered as the description says, not looked up
    return Shape(action, kind, list_field, item_param, parent, known)


def collection_kinds(spec: Spec) -> dict[str, str]:
    """Collection path -> the kind of its items (`/contacts` -> `contact`), from the reads of `/.../{id}`."""
    cached: dict[str, str] | None = spec.memo.get("collection_kinds")
    if cached is not None:
        return cached
    kinds: dict[str, str] = {}
    for operation in spec.operations():
        segments = [segment for segment in operation.path.split("/") if segment]
        if operation.method != "get" or not segments or not segments[-1].startswith("{"):
            continue
        contract = operation_contract(spec, operation)
        kind, list_field = _answer_kind(contract.answer_schema(contract.success))
        if kind is not None and list_field is None:
            kinds.setdefault("/" + "/".join(segments[:-1]), kind)
    spec.memo["collection_kinds"] = kinds
    return kinds


def _is_collection(spec: Spec, path: str) -> bool:
    """A path that is listed (GET path) or whose items are read (GET path/{id}): POST to it creates."""
    prefix = path.rstrip("/")
    for operation in spec.operations():
        if operation.method != "get":
            continue
        if operation.path == prefix or re.fullmatch(re.escape(prefix) + r"/\{[^}/]+\}", operation.path):
            return True
    return False


def _parent(segments: list[str], kinds: dict[str, str]) -> tuple[str, str] | None:
    """The item a path nests under: `/contacts/{contact_id}/notes` -> (contact, contact_id)."""
    for index in range(len(segments) - 1, 0, -1):
        if segments[index].startswith("{"):
            kind = kinds.get("/" + "/".join(segments[:index]))
            return (kind, segments[index][1:-1]) if kind else None
    return None


def _answer_kind(schema: dict[str, Any] | None) -> tuple[str | None, str | None]:
    """(kind, None) for an answer that is one item; (kind, field) for a list of items in `field`."""
    if schema is None:
        return None, None
    named = _named(schema, schema)
    node = deref_bundled(schema, schema)
    properties = _properties(schema, node)
    for field, prop in properties.items():
        prop = deref_bundled(schema, prop)
        if isinstance(prop, dict) and prop.get("type") == "array" and field != "errors":
            item_kind = _named(schema, prop.get("items"))
            if item_kind is not None and "id" in _properties(schema, deref_bundled(schema, prop.get("items"))):
                return item_kind, field
    return named, None


# The same resource under several schema names: answered in different shapes, stored as one kind.
_VARIANT_SUFFIXES = ("_basic", "_with_app", "_list_item")


def canonical_kind(name: str) -> str:
    """`tag_basic` -> `tag`, `admin_with_app` -> `admin`: one kind of item, whatever shape an answer gives it."""
    for suffix in _VARIANT_SUFFIXES:
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return name


def _named(root: dict[str, Any], node: Any) -> str | None:
    """The kind named by the first `components/schemas/...` the node is (through $refs and allOf's first member)."""
    for _ in range(16):
        if not isinstance(node, dict):
            return None
        ref = node.get("$ref")
        if isinstance(ref, str):
            key = ref.removeprefix("#/$defs/").replace("~1", "/").replace("~0", "~")
            if key.startswith("components/schemas/"):
                return canonical_kind(key.rsplit("/", 1)[-1])
            node = root.get("$defs", {}).get(key)
            continue
        members = node.get("allOf")
        if isinstance(members, list) and members:
            node = members[0]
            continue
        return None
    return None


def _properties(root: dict[str, Any], node: Any) -> dict[str, Any]:
    node = deref_bundled(root, node)
    if not isinstance(node, dict):
        return {}
    found = dict(node.get("properties", {})) if isinstance(node.get("properties"), dict) else {}
    for member in node.get("allOf", []) if isinstance(node.get("allOf"), list) else []:
        found = {**_properties(root, member), **found}
    return found


def _collection(kind: str) -> str:
    return {"company": "companies"}.get(kind, kind + "s")


# -- lists and search ----------------------------------------------------------------------------------------------
def _positive(value: Any, default: int) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return default
    return number if number > 0 else default


def _pagination(body: Any) -> dict[str, Any]:
    found = body.get("pagination") if isinstance(body, dict) else None
    return found if isinstance(found, dict) else {}


def _after(items: list[Item], cursor: Any) -> int:
    if not cursor:
        return 0
    for index, item in enumerate(items):
        if item.id == str(cursor):
            return index + 1
    return len(items)  # a cursor that names nothing: past the end


def _filtered(items: list[Item], query: dict[str, str]) -> list[Item]:
    """A list's query filters that name a field of the items (`?company_id=...`, `?name=...`)."""
    paging = {"page", "per_page", "starting_after", "order", "display_as"}
    wanted = {key: value for key, value in query.items() if key not in paging}
    return [
        item
        for item in items
        if all(str(item.body.get(key)) == value for key, value in wanted.items() if key in item.body)
    ]


def _field(body: dict[str, Any], path: str) -> Any:
    node: Any = body
    for part in path.split("."):
        node = node.get(part) if isinstance(node, dict) else None
    return node


def _matches(body: dict[str, Any], query: Any) -> bool:
    """Intercom's search query: {field, operator, value}, or {operator: AND|OR, value: [queries]}."""
    if not isinstance(query, dict):
        return True
    operator = str(query.get("operator", "="))
    value = query.get("value")
    if operator in ("AND", "OR") and isinstance(value, list):
        results = [_matches(body, sub) for sub in value]
        return all(results) if operator == "AND" else any(results)
    found = _field(body, str(query.get("field", "")))
    return _compare(found, operator, value)


def _compare(found: Any, operator: str, value: Any) -> bool:
    text, wanted = "" if found is None else str(found), "" if value is None else str(value)
    comparisons: dict[str, Callable[[], bool]] = {
        "=": lambda: found == value or (found is not None and text == wanted),
        "!=": lambda: not (found == value or (found is not None and text == wanted)),
        "IN": lambda: isinstance(value, list) and (found in value or text in [str(v) for v in value]),
        "NIN": lambda: not (isinstance(value, list) and (found in value or text in [str(v) for v in value])),
        "~": lambda: wanted in text,
        "!~": lambda: wanted not in text,
        "^": lambda: text.startswith(wanted),
        "$": lambda: text.endswith(wanted),
        ">": lambda: _number(found) > _number(value),
        "<": lambda: _number(found) < _number(value),
    }
    check = comparisons.get(operator)
    return bool(check()) if check is not None else False


def _number(value: Any) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return float("nan")


# -- overrides: where Intercom's semantics differ from the generic engine ----------------------------------------------
def _contact(resources: Resources, call: Call) -> Item | None:
    return resources.workspace.item("contact", next(iter(call.path_values.values()), None))


def _body_id(call: Call, key: str = "id") -> str | None:
    value = call.body.get(key) if isinstance(call.body, dict) else None
    return None if value is None else str(value)


def _attach(owner_kind: str, kind: str) -> Handler:
    """POST /{owners}/{id}/{kinds} {"id": ...}: attach an existing item; answers it."""

    def attach(resources: Resources, call: Call, shape: Shape) -> Answer:
        owner = resources.workspace.item(owner_kind, next(iter(call.path_values.values()), None))
        if owner is None:
            return not_found(owner_kind)
        attached = resources.workspace.item(kind, _body_id(call))
        if attached is None:
            return not_found(kind)
        resources.workspace.attach(owner, kind, attached.id)
        if kind == "tag":
            attached.body["applied_at"] = int(resources.workspace.clock())
        return resources.shaped(call, resources.view(attached))

    return attach


def _detach(owner_kind: str, kind: str) -> Handler:
    """DELETE /{owners}/{id}/{kinds}/{kind_id}: detach; answers the item detached."""

    def detach(resources: Resources, call: Call, shape: Shape) -> Answer:
        owner_id, attached_id = list(call.path_values.values())[:2]
        owner = resources.workspace.item(owner_kind, owner_id)
        attached = resources.workspace.item(kind, attached_id)
        if owner is None or attached is None:
            return not_found(owner_kind if owner is None else kind)
        resources.workspace.detach(owner, kind, attached.id)
        return resources.shaped(call, resources.view(attached))

    return detach


def _attached_list(owner_kind: str, kind: str) -> Handler:
    """GET /{owners}/{id}/{kinds}: what is attached to the owner."""

    def attached(resources: Resources, call: Call, shape: Shape) -> Answer:
        owner = resources.workspace.item(owner_kind, next(iter(call.path_values.values()), None))
        if owner is None:
            return not_found(owner_kind)
        return resources.listed(call, shape, resources.workspace.attached(owner, kind))

    return attached


override("POST /contacts/{}/tags")(_attach("contact", "tag"))
override("DELETE /contacts/{}/tags/{}")(_detach("contact", "tag"))
override("GET /contacts/{}/tags")(_attached_list("contact", "tag"))
override("POST /contacts/{}/companies")(_attach("contact", "company"))
override("DELETE /contacts/{}/companies/{}")(_detach("contact", "company"))
override("GET /contacts/{}/companies")(_attached_list("contact", "company"))
override("POST /conversations/{}/tags")(_attach("conversation", "tag"))
override("DELETE /conversations/{}/tags/{}")(_detach("conversation", "tag"))
override("POST /tickets/{}/tags")(_attach("ticket", "tag"))
override("DELETE /tickets/{}/tags/{}")(_detach("ticket", "tag"))


@override("GET /companies/{}/contacts")
def company_contacts(resources: Resources, call: Call, shape: Shape) -> Answer:
    company = resources.workspace.item("company", next(iter(call.path_values.values()), None))
    if company is None:
        return not_found("company")
    return resources.listed(call, shape, resources.workspace.holders("contact", "company", company.id))


@override("POST /companies")
def create_or_update_company(resources: Resources, call: Call, shape: Shape) -> Answer:
    """Companies are created or updated by their `company_id` (the caller's own id)."""
    fields = dict(call.body) if isinstance(call.body, dict) else {}
    existing = next(
        (
            item
            for item in resources.workspace.items("company")
            if fields.get("company_id") not in (None, "") and item.body.get("company_id") == fields.get("company_id")
        ),
        None,
    )
    if existing is not None:
        resources.workspace.update("company", existing.id, fields)
        return resources.shaped(call, resources.view(existing))
    stored = resources.workspace.add("company", {key: value for key, value in fields.items() if key != "id"})
    return resources.shaped(call, stored)


@override("POST /tags")
def create_or_update_tag(resources: Resources, call: Call, shape: Shape) -> Answer:
    """A tag is created or updated by name (or id); the same request tags or untags companies and users."""
    fields = dict(call.body) if isinstance(call.body, dict) else {}
    workspace = resources.workspace
    tag = workspace.item("tag", fields.get("id")) if fields.get("id") else None
    tag = tag or next((item for item in workspace.items("tag") if item.body.get("name") == fields.get("name")), None)
    if tag is None:
        tag = workspace.item("tag", workspace.add("tag", {"name": fields.get("name", "tag")})["id"])
    elif "name" in fields:
        workspace.update("tag", tag.id, {"name": fields["name"]})
    assert tag is not None
    for kind, field in (("company", "companies"), ("contact", "users")):
        for entry in fields.get(field, []) if isinstance(fields.get(field), list) else []:
            target = workspace.item(kind, entry.get("id")) if isinstance(entry, dict) else None
            if target is not None:
                (workspace.detach if entry.get("untag") else workspace.attach)(target, "tag", tag.id)
    return resources.shaped(call, resources.view(tag))


@override("POST /contacts/{}/archive", "POST /contacts/{}/unarchive", "POST /contacts/{}/block")
def contact_flag(resources: Resources, call: Call, shape: Shape) -> Answer:
    contact = _contact(resources, call)
    if contact is None:
        return not_found("contact")
    verb = call.contract.operation.path.rstrip("/").rsplit("/", 1)[-1]
    flag = {"archive": ("archived", True), "unarchive": ("archived", False), "block": ("blocked", True)}[verb]
    contact.body[flag[0]] = flag[1]
    return resources.shaped(call, {**contact.body, flag[0]: flag[1]})


@override("POST /contacts/merge")
def merge_contacts(resources: Resources, call: Call, shape: Shape) -> Answer:
    """A lead (`from`) merged into a user (`into`): the lead is gone, the user gains what it lacked."""
    lead = resources.workspace.item("contact", _body_id(call, "from"))
    user = resources.workspace.item("contact", _body_id(call, "into"))
    if lead is None or user is None:
        return not_found("contact")
    resources.workspace.update("contact", user.id, {k: v for k, v in lead.body.items() if k not in user.body})
    for kind, ids in lead.links.items():
        for identifier in ids:
            resources.workspace.attach(user, kind, identifier)
    resources.workspace.remove("contact", lead.id)
    return resources.shaped(call, resources.view(user))


@override("GET /contacts/find_by_external_id/{}")
def contact_by_external_id(resources: Resources, call: Call, shape: Shape) -> Answer:
    wanted = next(iter(call.path_values.values()), None)
    found = next(
        (item for item in resources.workspace.items("contact") if item.body.get("external_id") == wanted), None
    )
    return not_found("contact") if found is None else resources.shaped(call, resources.view(found))


def store_conversation(
    workspace: Workspace, *, title: Any, body: Any, contact_ids: list[str], by: str
) -> dict[str, Any]:
    """An open conversation with these contacts, started by the customer or an admin; its stored body."""
    return workspace.add(
        "conversation",
        {
            "title": title,
            "state": "open",
            "open": True,
            "read": False,
            "source": {"type": "conversation", "delivered_as": f"{by}_initiated", "body": body},
            "contacts": {"type": "contact.list", "contacts": [{"type": "contact", "id": i} for i in contact_ids]},
            "conversation_parts": {"type": "conversation_part.list", "conversation_parts": [], "total_count": 0},
        },
    )


@override("POST /conversations")
def create_conversation(resources: Resources, call: Call, shape: Shape) -> Answer:
    """A contact starts a conversation: it is stored, and the answer is the message that opened it."""
    fields = dict(call.body) if isinstance(call.body, dict) else {}
    sender = fields.get("from")
    contact = resources.workspace.item("contact", sender.get("id") if isinstance(sender, dict) else None)
    if contact is None:
        return not_found("contact")
    workspace = resources.workspace
    conversation = store_conversation(
        workspace, title=fields.get("subject"), body=fields.get("body"), contact_ids=[contact.id], by="customer"
    )
    message = {
        "type": "user_message",
        "id": workspace.new_id(),
        "created_at": fields.get("created_at", conversation["created_at"]),
        "body": fields.get("body", ""),
        "message_type": "inapp",
        "conversation_id": conversation["id"],
    }
    return resources.shaped(call, message)


def _conversation_part(resources: Resources, call: Call, part_type: str) -> Answer:
    conversation = resources.workspace.item("conversation", next(iter(call.path_values.values()), None))
    if conversation is None:
        return not_found("conversation")
    fields = dict(call.body) if isinstance(call.body, dict) else {}
    message_type = str(fields.get("message_type", part_type))
    state = {"close": "closed", "open": "open", "snoozed": "snoozed"}.get(message_type)
    if state is not None:
        conversation.body.update(state=state, open=state == "open")
    if message_type == "assignment":
        conversation.body["admin_assignee_id"] = _int(fields.get("assignee_id"))
    author_type = str(fields.get("type", "admin"))
    author = {
        "type": "admin" if author_type == "admin" else "user",
        "id": str(fields.get("admin_id") or fields.get("intercom_user_id") or DEFAULT_ADMIN_ID),
    }
    parts = conversation.body.setdefault(
        "conversation_parts", {"type": "conversation_part.list", "conversation_parts": [], "total_count": 0}
    )
    now = int(resources.workspace.clock())
    parts["conversation_parts"].append(
        {
            "type": "conversation_part",
            "id": resources.workspace.new_id(),
            "part_type": message_type,
            "body": fields.get("body"),
            "created_at": now,
            "updated_at": now,
            "author": author,
        }
    )
    parts["total_count"] = len(parts["conversation_parts"])
    conversation.body["updated_at"] = now
    return resources.shaped(call, resources.view(conversation))


@override("POST /conversations/{}/reply")
def reply(resources: Resources, call: Call, shape: Shape) -> Answer:
    return _conversation_part(resources, call, "comment")


@override("POST /conversations/{}/parts")
def manage_conversation(resources: Resources, call: Call, shape: Shape) -> Answer:
    return _conversation_part(resources, call, "close")


@override("POST /events")
def create_event(resources: Resources, call: Call, shape: Shape) -> Answer:
    fields = dict(call.body) if isinstance(call.body, dict) else {}
    resources.workspace.add("data_event", {key: value for key, value in fields.items() if key != "id"})
    return resources.shaped(call, None)


@override("GET /events")
def list_events(resources: Resources, call: Call, shape: Shape) -> Answer:
    """The events of one user (`user_id`, `intercom_user_id` or `email`), as a summary."""
    who = {key: call.query[key] for key in ("user_id", "intercom_user_id", "email") if key in call.query}
    events = [
        {
            "name": item.body.get("event_name"),
            "first": item.body.get("created_at"),
            "last": item.body.get("created_at"),
            "count": 1,
        }
        for item in resources.workspace.items("data_event")
        if all(str(item.body.get("id" if key == "intercom_user_id" else key)) == value for key, value in who.items())
    ]
    return resources.shaped(call, {"type": "event.summary", **who, "events": events})


@override("PUT /admins/{}/away")
def set_away(resources: Resources, call: Call, shape: Shape) -> Answer:
    admin = resources.workspace.item("admin", next(iter(call.path_values.values()), None))
    if admin is None:
        return not_found("admin")
    if isinstance(call.body, dict):
        resources.workspace.update("admin", admin.id, call.body)
    return resources.shaped(call, admin.body)


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
