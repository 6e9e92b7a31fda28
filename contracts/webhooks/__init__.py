"""Webhooks: Intercom's signed notifications, delivered to a team's handler and judged.

`sign(body, secret)` / `verify(body, signature, secret)`: the `X-Hub-Signature` of a delivery. `TOPICS`,
`topics_for(version)`: the documented topics and the object each carries. `notification(...)`, `item_for(...)`:
the envelope and its item as that version's API models it. `Webhooks`: subscriptions and judged deliveries
(`intercom_mock.webhooks`). Strategies for property tests of a handler: `strategies.notifications(contract)`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import attach

if TYPE_CHECKING:
    from ._delivery import HandlerAnswer
    from ._envelope import NOTIFICATION_SCHEMA, item_for, item_schema, notification, notification_id
    from ._hub import DEFAULT_DEADLINE, Delivery, Subscription, WebhookBreach, Webhooks
    from ._signing import SIGNATURE_HEADER, USER_AGENT, sign, verify
    from ._topics import TOPICS, Topic, topic, topics_for

__all__ = [
    "DEFAULT_DEADLINE",
    "NOTIFICATION_SCHEMA",
    "SIGNATURE_HEADER",
    "TOPICS",
    "USER_AGENT",
    "Delivery",
    "HandlerAnswer",
    "Subscription",
    "Topic",
    "WebhookBreach",
    "Webhooks",
    "item_for",
    "item_schema",
    "notification",
    "notification_id",
    "sign",
    "topic",
    "topics_for",
    "verify",
]

__getattr__, __dir__ = attach(
    __name__,
    {
        "DEFAULT_DEADLINE": "_hub",
        "NOTIFICATION_SCHEMA": "_envelope",
        "SIGNATURE_HEADER": "_signing",
        "TOPICS": "_topics",
        "USER_AGENT": "_signing",
        "Delivery": "_hub",
        "HandlerAnswer": "_delivery",
        "Subscription": "_hub",
        "Topic": "_topics",
        "WebhookBreach": "_hub",
        "Webhooks": "_hub",
        "item_for": "_envelope",
        "item_schema": "_envelope",
        "notification": "_envelope",
        "notification_id": "_envelope",
        "sign": "_signing",
        "topic": "_topics",
        "topics_for": "_topics",
        "verify": "_signing",
    },
)
