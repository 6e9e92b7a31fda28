"""What the workspace did, as webhook topics: each answered request the code under test sent, told to the hooks.

A listener on the fake model (it hears the exchange actually sent): a successful write becomes the notification
Intercom sends for it, its `data.item` the object as the API answered it (an admin reply's item is the conversation
the reply answered; a deleted contact's a minimal `{type, id}` as the topics page says deletions are). Only what the
topics pages tie to an API operation is mapped; everything else notifies nothing.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..webhooks import Webhooks
    from ._model import Exchange, FakeIntercom

__all__ = ["EVENTS", "attach_webhooks", "topics_of", "webhook_breach_lines"]

Item = dict[str, Any]
Event = Callable[[dict[str, Any], Item], tuple[str, Item] | None]


def _same(topic: str) -> Event:
    return lambda sent, item: (topic, item)


def _by_role(action: str) -> Event:
    """contact.user.created / contact.lead.created: the role decides (the answer says which it is)."""
    return lambda sent, item: (f"contact.{'lead' if item.get('role') == 'lead' else 'user'}.{action}", item)


def _minimal(topic: str, item_type: str) -> Event:
    return lambda sent, item: (topic, {"type": item_type, "id": str(item.get("id", ""))})


def _contact_tag(action: str) -> Event:
    return lambda sent, item: (f"contact.user.tag.{action}", {"type": "contact_tag", "tag": item})


def _reply(sent: dict[str, Any], item: Item) -> tuple[str, Item] | None:
    """An admin's comment or note, or a contact's reply (replyConversation's `type` and `message_type`)."""
    if sent.get("type") == "admin":
        return (
            "conversation.admin.noted" if sent.get("message_type") == "note" else "conversation.admin.replied"
        ), item
    if sent.get("type") == "user":
        return "conversation.user.replied", item
    return None


_MANAGED = {
    "close": "conversation.admin.closed",
    "open": "conversation.admin.opened",
    "snoozed": "conversation.admin.snoozed",
    "assignment": "conversation.admin.assigned",
}


def _manage(sent: dict[str, Any], item: Item) -> tuple[str, Item] | None:
    topic = _MANAGED.get(str(sent.get("message_type")))
    return (topic, item) if topic else None


EVENTS: dict[str, Event] = {
    "CreateContact": _by_role("created"),
    "UpdateContact": _by_role("updated"),
    "DeleteContact": _minimal("contact.deleted", "contact"),
    "ArchiveContact": _minimal("contact.archived", "contact"),
    "UnarchiveContact": _minimal("contact.unarchive", "contact"),
    "attachTagToContact": _contact_tag("created"),
    "detachTagFromContact": _contact_tag("deleted"),
    "deleteCompany": _minimal("company.deleted", "company"),
    "replyConversation": _reply,
    "manageConversation": _manage,
    "createConversation": _same("conversation.user.created"),
    "deleteConversation": _minimal("conversation.deleted", "conversation"),
    "createTicket": _same("ticket.created"),
    "replyTicket": lambda sent, item: (
        "ticket.admin.replied" if sent.get("type") == "admin" else "ticket.contact.replied",
        item,
    ),
    "createDataEvent": _same("event.created"),
}


def topics_of(exchange: Exchange) -> list[tuple[str, Item]]:
    """The notifications the exchange makes Intercom send (none for a refusal or an operation no topic follows)."""
    event = EVENTS.get(exchange.operation or "")
    if event is None or not 200 <= exchange.response.status < 300:
        return []
    answered = exchange.response.body if isinstance(exchange.response.body, dict) else {}
    try:
        sent = json.loads(exchange.request.body or b"{}")
    except ValueError:
        return []
    found = event(sent if isinstance(sent, dict) else {}, answered)
    return [found] if found else []


def attach_webhooks(fake: FakeIntercom) -> tuple[Webhooks, Callable[[Exchange], None]]:
    """Intercom's webhook service over `fake`'s workspace: the hub, and the listener (added to the fake) that tells
    it what each exchange did."""
    from ..webhooks import Webhooks

    hub = Webhooks(fake.contracts.spec_for, default_version=fake.default_version)

    def notify(exchange: Exchange) -> None:
        for topic, item in topics_of(exchange):
            hub.notify(topic, item)

    fake.listeners.append(notify)
    return hub, notify


def webhook_breach_lines(hub: Webhooks | None) -> list[str]:
    """The deliveries a subscribed handler took as it must not, for a breach report (none without a hub)."""
    breaches = hub.breaches() if hub is not None else []
    if not breaches:
        return []
    heading = f"{len(breaches)} webhook deliver{'y' if len(breaches) == 1 else 'ies'} taken wrongly by the handler:"
    return [heading, *(str(breach) for breach in breaches)]
