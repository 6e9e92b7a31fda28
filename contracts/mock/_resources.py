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
Every answer is shaped into the schema of the version asked for (`contracts.schema`), keeping the fields stored.
Shapes are read in contracts.mock._shapes; search, scroll and links follow Intercom's reading rules in
contracts.mock._search, .scroll and .links.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from ..errors import ContractViolation
from ..schema import synthesize
from ..spec import NOT_FOUND, OperationContract, Spec
from ._links import links_of
from ._paging import after, body_of, filtered, id_of, pagination, positive
from ._scroll import Scrolls
from ._search import Refused, plan, search_rules, sort_key
from ._shapes import Shape, collection_kinds, shape_of
from ._workspace import DEFAULT_ADMIN_ID, Item, Workspace

__all__ = ["OVERRIDES", "Answer", "Call", "Resources", "Shape", "collection_kinds", "route_key", "shape_of"]

DEFAULT_PER_PAGE = 50


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
    violation: ContractViolation | None = None  # how the request broke a documented rule the engine checks
    undocumented: tuple[str, ...] = ()  # what the request holds of undocumented fate (answered as production does)


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
        self.scrolls = Scrolls()  # the one scroll the app may have open

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

    def listed(
        self,
        call: Call,
        shape: Shape,
        items: Sequence[Item | dict[str, Any]],
        *,
        per_page: int = DEFAULT_PER_PAGE,
        largest: int | None = None,
        undocumented: tuple[str, ...] = (),
    ) -> Answer:
        """A page of `items` (or of their views) in the operation's list schema.

        The page is the one the request asks for: by number (`page`: past the end, an empty page, so a pager that
        counts pages stops) or after a cursor (`starting_after`: the next cursor is given while items remain, so a
        pager that follows cursors stops). The pages object is shaped by the schema (a cursor where it has one).
        """
        field = shape.list_field or "data"
        paging = {**pagination(call.body), **call.query}
        size = min(positive(paging.get("per_page"), per_page), largest or 10**9)
        total_pages = max(1, -(-len(items) // size))
        if "page" in paging and "starting_after" not in paging:
            page = positive(paging.get("page"), 1)
            start = (page - 1) * size
        else:
            start = after(items, paging.get("starting_after"))
            page = start // size + 1
        chunk = items[start : start + size]
        pages: dict[str, Any] = {"type": "pages", "page": page, "per_page": size, "total_pages": total_pages}
        if chunk and start + size < len(items):
            pages["next"] = {"page": page + 1, "starting_after": id_of(chunk[-1]), "per_page": size}
        views = [self.view(item) if isinstance(item, Item) else item for item in chunk]
        overlay = {"type": "list", "total_count": len(items), field: views, "pages": pages}
        answer = self.shaped(call, overlay)
        return replace(answer, undocumented=undocumented) if undocumented else answer

    def view(self, item: Item) -> dict[str, Any]:
        """An item's body with what it links to (tags, notes, companies...) in the shapes Intercom lists them."""
        return {**item.body, **links_of(self.workspace, item)}


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
    return resources.shaped(call, stored if item is None else resources.view(item))


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
    return resources.listed(call, shape, filtered(items, call.query))


def _search(resources: Resources, call: Call, shape: Shape) -> Answer:
    """The items whose complete body the query matches (contracts.mock._search), sorted if asked, paged."""
    if shape.kind is None:
        return resources.shaped(call, {})
    body = call.body if isinstance(call.body, dict) else {}
    rules = search_rules(call.contract.operation.path)
    try:
        planned = plan(
            body.get("query"),
            rules,
            timezone=resources.workspace.timezone,
            attributes=resources.workspace.attribute_types(shape.kind),
        )
    except Refused as refused:
        return _refused(call, refused)
    sort = body["sort"] if isinstance(body.get("sort"), dict) else {}
    by = str(sort.get("field") or "")
    items = resources.workspace.items(shape.kind)
    linked = planned.reads_links(by)  # complete views to test; else only the page's items are viewed
    hits = [hit for hit in (map(resources.view, items) if linked else items) if planned.test(body_of(hit))]
    if by:  # undeclared, yet honoured as production does
        key = sort_key(by)
        hits.sort(key=lambda hit: key(body_of(hit)), reverse=str(sort.get("order", "")).startswith("desc"))
    return resources.listed(
        call,
        shape,
        hits,
        per_page=rules.per_page,
        largest=rules.max_per_page,
        undocumented=tuple(planned.undocumented),
    )


def _refused(call: Call, refused: Refused) -> Answer:
    """A query Intercom refuses: its documented refusal (400, or 422 where only that is documented), a breach."""
    status = 422 if 400 not in call.contract.statuses and 422 in call.contract.statuses else 400
    violation = ContractViolation(
        subject="Request",
        path=refused.path,
        rule="search",
        expected=refused.expected,
        received=refused.received,
        message=refused.message,
    )
    return Answer(status, None, error=(status, "parameter_invalid", refused.message), violation=violation)


def _act(resources: Resources, call: Call, shape: Shape) -> Answer:
    """An operation that is neither of the above: its documented answer, about the item its path names."""
    item = (resources.target(call, shape) if shape.known else None) or resources.parent(call, shape)
    if shape.known and shape.item_param is not None and item is None:
        return not_found(shape.kind)
    if item is None and shape.parent is not None:  # an action on an item the workspace does not hold
        return not_found(shape.parent[0])
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


@override("GET /companies/scroll")
def scroll_companies(resources: Resources, call: Call, shape: Shape) -> Answer:
    """A page of the app's one scroll over its companies (contracts.mock._scroll); empty at the end."""
    companies = resources.workspace.items("company")
    page = resources.scrolls.page(call.query.get("scroll_param"), len(companies), DEFAULT_PER_PAGE, _now(resources))
    if page.error is not None:
        return Answer(page.error[0], None, error=page.error)
    chunk = companies[page.start : page.start + page.size]
    overlay = {"type": "list", "data": [resources.view(item) for item in chunk], "scroll_param": page.param}
    return resources.shaped(call, overlay)


def _now(resources: Resources) -> float:
    return float(resources.workspace.clock())


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
    company = resources.workspace.item("company", stored["id"])
    return resources.shaped(call, stored if company is None else resources.view(company))


@override("POST /data_attributes")
def create_data_attribute(resources: Resources, call: Call, shape: Shape) -> Answer:
    """A data attribute a test's code creates is a custom one, beside the built-in (contracts.mock._builtins)."""
    fields = (
        {key: value for key, value in (call.body or {}).items() if key != "id"} if isinstance(call.body, dict) else {}
    )
    name = str(fields.get("name", "attribute"))
    defaults = {"full_name": f"custom_attributes.{name}", "label": name, "custom": True, "archived": False}
    return resources.shaped(call, resources.workspace.add("data_attribute", {**defaults, **fields}))


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
    return resources.shaped(call, resources.view(contact))


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


@override("POST /contacts/{}/notes")
def create_note(resources: Resources, call: Call, shape: Shape) -> Answer:
    """A note is written by the admin it names (`admin_id`): its author is that admin, as the workspace holds it."""
    fields = dict(call.body) if isinstance(call.body, dict) else {}
    admin = resources.workspace.get("admin", fields["admin_id"]) if fields.get("admin_id") is not None else None
    if admin is not None:
        call = replace(call, body={**fields, "author": dict(admin)})
    return _create(resources, call, shape)


@override("POST /tickets")
def create_ticket(resources: Resources, call: Call, shape: Shape) -> Answer:
    """A ticket is about the contacts it names (by `id`, `external_id` or `email`): kept as its contact list."""
    fields = dict(call.body) if isinstance(call.body, dict) else {}
    sent = fields.get("contacts")
    named: list[Any] = sent if isinstance(sent, list) else []
    found = [_ticket_contact(resources.workspace, entry) for entry in named if isinstance(entry, dict)]
    contacts = [
        {"type": "contact", "id": item.id, "external_id": item.body.get("external_id")} for item in found if item
    ]
    body = {**fields, "contacts": {"type": "contact.list", "contacts": contacts}}
    return _create(resources, replace(call, body=body), shape)


def _ticket_contact(workspace: Workspace, entry: dict[str, Any]) -> Item | None:
    if entry.get("id") is not None:
        return workspace.item("contact", entry["id"])
    for field in ("external_id", "email"):
        if entry.get(field) is not None:
            return next((item for item in workspace.items("contact") if item.body.get(field) == entry[field]), None)
    return None


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
    """An event of one contact, named by its Intercom id (`id`), its `user_id` or its `email`: kept with all three
    of the contact's keys, so that it is listed whichever key the list asks by."""
    fields = dict(call.body) if isinstance(call.body, dict) else {}
    event = {key: value for key, value in fields.items() if key != "id"}
    if fields.get("id") is not None:
        event["intercom_user_id"] = str(fields["id"])
    contact = _event_contact(resources.workspace, event)
    if contact is not None:
        event.update(intercom_user_id=contact.id, user_id=contact.body.get("external_id"))
        event.setdefault("email", contact.body.get("email"))
    resources.workspace.add("data_event", event)
    return resources.shaped(call, None)


def _event_contact(workspace: Workspace, event: dict[str, Any]) -> Item | None:
    """The contact an event names: by Intercom id, by user_id (its external_id), by email."""
    if event.get("intercom_user_id") is not None:
        return workspace.item("contact", event["intercom_user_id"])
    keys = [("external_id", event.get("user_id")), ("email", event.get("email"))]
    return next(
        (
            item
            for field, value in keys
            if value is not None
            for item in workspace.items("contact")
            if item.body.get(field) == value
        ),
        None,
    )


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
        if all(str(item.body.get(key)) == value for key, value in who.items())
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
