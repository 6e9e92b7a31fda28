"""The webhook topics Intercom documents, the object each one carries, and the versions that have them.

No published OpenAPI description covers webhooks. Sources (Intercom's developer documentation):
- "Webhook topics" / "Webhook models" pages per API version
  (developers.intercom.com/docs/references/<version>/webhooks/webhook-models; 1.0, 1.1, 2.5, 2.9, 2.16, 2.17,
  Preview read): each topic with the object it sends;
- the 2.9 changelog (developers.intercom.com/docs/references/2.9/changelog): company deleted/updated,
  contact subscribed and the ticket topics were added in 2.9;
- the current topics page: audience and content import source topics are "available on the Preview API version
  only"; "*.deleted topics send a minimal identification payload containing only identifying fields".
What no source settles is said so: for a topic only the current pages list, the first version that sends it is
UNCONFIRMED, so it is offered in every 2.x version and never refused there (`Topic.since is None`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

__all__ = ["PING", "TOPICS", "Topic", "topic", "topics_for"]


@dataclass(frozen=True)
class Topic:
    """One topic: the object its `data.item` is (`schema`: the components/schemas name; None: not described)."""

    name: str
    item_type: str
    schema: str | None
    since: str | None = None  # first version documented to send it; None: not settled (every 2.x version)
    preview_only: bool = False

    @property
    def minimal(self) -> bool:
        """Deletion topics carry only identifying fields, not the whole object (current topics page)."""
        return self.name.endswith(".deleted")


def _topics(
    item_type: str, schema: str | None, names: str, *, since: str | None = None, preview_only: bool = False
) -> list[Topic]:
    return [Topic(name, item_type, schema, since, preview_only) for name in names.split()]


_ALL: Final[list[Topic]] = [
    *_topics(
        "admin",
        "admin",
        "admin.added_to_workspace admin.away_mode_updated admin.removed_from_workspace admin.logged_in "
        "admin.logged_out admin.activity_log_event.created",
    ),
    *_topics(
        "article", "article", "article.created article.updated article.published article.unpublished article.deleted"
    ),
    *_topics("audience", "audience", "audience.created audience.updated audience.deleted", preview_only=True),
    *_topics("audience_membership", None, "audience.member_added audience.member_removed", preview_only=True),
    *_topics("call", "call", "call.started call.ended call.transcription_available call.recording_available"),
    *_topics(
        "content_import_source",
        None,
        "content_import_source.created content_import_source.updated content_import_source.deleted",
        preview_only=True,
    ),
    *_topics(
        "content_snippet", "content_snippet", "content_snippet.created content_snippet.updated content_snippet.deleted"
    ),
    *_topics("company", "company", "company.created company.contact.attached company.contact.detached"),
    *_topics("company", "company", "company.deleted company.updated", since="2.9"),
    *_topics(
        "contact",
        "contact",
        "contact.archived contact.deleted contact.email.updated contact.lead.added_email contact.lead.created "
        "contact.lead.signed_up contact.lead.updated contact.merged contact.unarchive contact.user.created "
        "contact.user.updated",
    ),
    *_topics(
        "contact_tag",
        None,
        "contact.lead.tag.created contact.lead.tag.deleted contact.user.tag.created contact.user.tag.deleted",
    ),
    *_topics("subscription", None, "contact.unsubscribed granular.unsubscribe granular.subscribe"),
    *_topics("subscription", None, "contact.subscribed", since="2.9"),
    *_topics(
        "conversation",
        "conversation",
        "conversation.admin.assigned conversation.admin.closed conversation.admin.noted "
        "conversation.admin.open.assigned conversation.admin.opened conversation.admin.replied "
        "conversation.admin.single.created conversation.admin.snoozed conversation.admin.unsnoozed "
        "conversation.operator.replied conversation.deleted conversation.priority.updated conversation.rating.added "
        "conversation.read conversation.user.created conversation.user.replied conversation.contact.attached "
        "conversation.contact.detached conversation.company.updated",
    ),
    *_topics("conversation_part", "conversation_part", "conversation_part.redacted conversation_part.tag.created"),
    *_topics("event", "data_event", "event.created"),
    *_topics("job", "jobs", "job.completed"),
    *_topics("api_request", None, "api.request.completed"),
    *_topics(
        "ticket",
        "ticket",
        "ticket.created ticket.state.updated ticket.note.created ticket.admin.assigned ticket.team.assigned "
        "ticket.contact.attached ticket.contact.detached ticket.attribute.updated ticket.admin.replied "
        "ticket.contact.replied ticket.closed ticket.rating.provided ticket.resolved",
        since="2.9",
    ),
]
PING: Final = Topic("ping", "ping", None)  # always subscribed (topics page): sent when a subscription is saved
TOPICS: Final[dict[str, Topic]] = {t.name: t for t in [*_ALL, PING]}


def _key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split(".")) if version[:1].isdigit() else (99,)


def topics_for(version: str) -> tuple[str, ...]:
    """The topics a subscription at `version` may name (Preview and Unstable: all; numbered: as documented)."""
    preview = not version[:1].isdigit()
    return tuple(
        name
        for name, found in TOPICS.items()
        if (preview or not found.preview_only) and (found.since is None or _key(version) >= _key(found.since))
    )


def topic(name: str) -> Topic | None:
    """The documented topic of that name, or None (a topic Intercom does not document)."""
    return TOPICS.get(name)
