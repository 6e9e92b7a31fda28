"""Subscriptions and deliveries: what Intercom would notify the team's handler of, and how the handler took it.

`Webhooks` is the fake's side of Intercom's webhook service: `subscribe` validates a subscription as Intercom
does (a known topic for the version, a client secret, a target that answers), `deliver`/`notify` send signed
notifications, and every delivery is judged (`breaches`). Intercom delivers at least once, so after the first
genuine delivery to a subscription it also probes the handler once: the same notification again (tolerated), the
same with a forged signature (refused) and an unknown topic with unknown fields (tolerated).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Final

from ..errors import UsageError
from ._delivery import HandlerAnswer, Target, as_target, post
from ._envelope import item_for, notification, notification_id
from ._signing import SIGNATURE_HEADER, USER_AGENT, sign
from ._topics import PING, topics_for

if TYPE_CHECKING:
    from ..spec import Spec

__all__ = ["DEFAULT_DEADLINE", "Delivery", "Subscription", "WebhookBreach", "Webhooks"]

DEFAULT_DEADLINE: Final = 5.0  # seconds a handler has to answer (sources say 5 s; UNCONFIRMED, so a setting)
UNKNOWN_TOPIC: Final = "intercom_contracts.unknown_topic"  # a topic no version has: the handler must not choke


@dataclass(frozen=True)
class Subscription:
    """A handler subscribed to topics at one API version, with the app's client secret."""

    target: Target
    topics: frozenset[str]
    client_secret: str = field(repr=False)
    version: str
    probe: bool = True

    def wants(self, topic: str) -> bool:
        return topic in self.topics or topic == PING.name


@dataclass(frozen=True)
class Delivery:
    """One POST to a handler: what was sent, why (`kind`), and what the handler answered."""

    subscription: Subscription
    kind: str  # notification, redelivery, forged, unknown-topic
    notification: dict[str, Any]
    answer: HandlerAnswer

    @property
    def topic(self) -> str:
        return str(self.notification.get("topic"))


@dataclass(frozen=True)
class WebhookBreach:
    """A delivery the handler did not take as an Intercom integration must (the check and both sides)."""

    check: str
    delivery: Delivery
    received: str
    documented: str

    def __str__(self) -> str:
        where = f"{self.delivery.topic} to {self.delivery.subscription.target}"
        return f"[{self.check}] {where}\n  Received: {self.received}\n  Documented: {self.documented}"


def _judge(delivery: Delivery, deadline: float) -> list[WebhookBreach]:
    """The handler checks: each states which deliveries it applies to."""
    answer, kind = delivery.answer, delivery.kind
    breaches = []
    if kind == "forged":
        if answer.accepted:
            breaches.append(
                WebhookBreach(
                    "webhook_signature_enforced",
                    delivery,
                    f"a delivery with a forged {SIGNATURE_HEADER} was accepted ({answer.describe()})",
                    f"refuse it (401/403): verify {SIGNATURE_HEADER} = sha1=HMAC-SHA1(raw body, client secret), "
                    "e.g. contracts.webhooks.verify(body, signature, secret)",
                )
            )
        return breaches
    if not answer.accepted or answer.seconds > deadline:
        check = {"redelivery": "webhook_redelivery_tolerated", "unknown-topic": "webhook_unknown_topic_tolerated"}
        breaches.append(
            WebhookBreach(
                check.get(kind, "webhook_answered_in_time"),
                delivery,
                answer.describe(),
                f"a 2xx within {deadline:g} s"
                + {
                    "redelivery": " for a notification delivered again (at-least-once delivery: deduplicate on id)",
                    "unknown-topic": " for a topic and fields the handler does not know (Intercom adds them)",
                }.get(kind, ""),
            )
        )
    return breaches


class Webhooks:
    """Signed notifications to the subscribed handlers, each delivery judged; thread-safe."""

    def __init__(
        self,
        spec_for: Callable[[str], Spec],
        *,
        default_version: str,
        app_id: str = "fake-app",
        deadline: float = DEFAULT_DEADLINE,
    ):
        self._spec_for, self.default_version, self.app_id, self.deadline = spec_for, default_version, app_id, deadline
        self._lock = threading.Lock()
        self._subscriptions: list[Subscription] = []
        self._probed: set[int] = set()
        self.deliveries: list[Delivery] = []

    def subscribe(
        self,
        target: Any,
        *,
        topics: Iterable[str],
        client_secret: str,
        version: str | None = None,
        path: str = "/",
        forged: bool = True,
    ) -> Subscription:
        """Subscribe `target` to `topics`, validated as Intercom validates a subscription.

        `target`: a WSGI or ASGI app (deliveries POST to its `path`) or an http(s) URL on loopback. `version`: the
        API version the payloads follow (default: the workspace's). `forged=False`: no probe deliveries (the same
        notification again, one with a forged signature, an unknown topic) after the first genuine one.
        """
        at = version or self.default_version
        names = [topics] if isinstance(topics, str) else list(topics)
        known = set(topics_for(at))
        unknown = sorted(set(names) - known)
        if not names or unknown:
            raise UsageError(
                f"webhook subscription at version {at}: unknown topic(s) {', '.join(unknown) or '(none given)'}; "
                f"the topics of {at} are: {', '.join(sorted(known))}"
            )
        if not client_secret:
            raise UsageError("webhook subscription: a client_secret is needed (Intercom signs every notification)")
        if isinstance(target, str) and path != "/":
            raise UsageError("webhook subscription: `path` is for an app; a URL carries its own path")
        subscription = Subscription(as_target(target, path), frozenset(names), client_secret, at, forged)
        with self._lock:
            self._subscriptions.append(subscription)
        return subscription

    def deliver(self, topic: str, item: dict[str, Any] | None = None, *, version: str | None = None) -> list[Delivery]:
        """One notification of `topic` now to each subscription that wants it (the item drawn when not given)."""
        wanted = [s for s in self._current() if s.wants(topic) and (version is None or s.version == version)]
        if not wanted and topic not in topics_for(version or self.default_version):
            raise UsageError(f"webhook topic {topic!r} is not one of version {version or self.default_version}'s")
        return [self._deliver(s, topic, item) for s in wanted]

    def notify(self, topic: str, item: dict[str, Any]) -> list[Delivery]:
        """What the workspace did, told to whoever subscribed (nothing when nobody did)."""
        return [self._deliver(s, topic, item) for s in self._current() if s.wants(topic)]

    def breaches(self) -> list[WebhookBreach]:
        """Every delivery the handler did not take as it must, in delivery order."""
        with self._lock:
            done = list(self.deliveries)
        return [breach for delivery in done for breach in _judge(delivery, self.deadline)]

    def _current(self) -> list[Subscription]:
        with self._lock:
            return list(self._subscriptions)

    def _deliver(self, subscription: Subscription, topic: str, item: dict[str, Any] | None) -> Delivery:
        offered = item_for(self._spec_for(subscription.version), topic, item) if item is None else item
        body = notification(topic, offered, app_id=self.app_id)
        delivery = self._send(subscription, "notification", body, subscription.client_secret)
        with self._lock:
            first = subscription.probe and id(subscription) not in self._probed
            self._probed.add(id(subscription))
        if first:
            self._probe(subscription, body)
        return delivery

    def _probe(self, subscription: Subscription, genuine: dict[str, Any]) -> None:
        again = {**genuine, "delivery_attempts": int(genuine.get("delivery_attempts", 1)) + 1}
        self._send(subscription, "redelivery", again, subscription.client_secret)
        forged = {**genuine, "id": notification_id()}
        self._send(subscription, "forged", forged, subscription.client_secret + "-forged")
        odd = {**genuine, "id": notification_id(), "topic": UNKNOWN_TOPIC, "intercom_contracts_extra": {"new": 1}}
        self._send(subscription, "unknown-topic", odd, subscription.client_secret)

    def _send(self, subscription: Subscription, kind: str, body: dict[str, Any], secret: str) -> Delivery:
        raw = json.dumps(body, separators=(",", ":")).encode()
        headers = {
            "Content-Type": "application/json",
            "Accept": "application/json",
            "User-Agent": USER_AGENT,
            SIGNATURE_HEADER: sign(raw, secret),
        }
        answer = post(subscription.target, raw, headers, timeout=self.deadline * 2)
        delivery = Delivery(subscription, kind, body, answer)
        with self._lock:
            self.deliveries.append(delivery)
        return delivery
