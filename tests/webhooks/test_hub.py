"""Deliveries to WSGI, ASGI and loopback handlers, and the handler checks that judge them."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from contracts import UsageError, load_spec
from contracts.webhooks import SIGNATURE_HEADER, USER_AGENT, Webhooks, verify

from .handlers import loopback_handler as loopback

SECRET = "client-secret"
WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], list[bytes]]


def _hub(**settings: Any) -> Webhooks:
    return Webhooks(lambda version: load_spec(f"official:{version}"), default_version="2.11", **settings)


def _wsgi(*, checks_signature: bool = True, seen: list[dict[str, Any]] | None = None, refuse: str = "") -> WSGIApp:
    """A handler as a team writes it: verify, deduplicate on id, tolerate what it does not know."""
    ids: set[str] = set()

    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        body = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
        if checks_signature and not verify(body, environ.get("HTTP_X_HUB_SIGNATURE"), SECRET):
            start_response("401 Unauthorized", [("Content-Type", "text/plain")])
            return [b"bad signature"]
        notification = json.loads(body)
        if refuse == "redelivery" and notification["id"] in ids:
            start_response("409 Conflict", [])
            return [b"seen"]
        if refuse == "unknown" and not notification["topic"].startswith(("conversation", "contact", "ping")):
            start_response("400 Bad Request", [])
            return [b"unknown topic"]
        ids.add(notification["id"])
        if seen is not None:
            seen.append({"notification": notification, "agent": environ.get("HTTP_USER_AGENT")})
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"ok"]

    return app


def test_a_verifying_wsgi_handler_gets_a_signed_delivery_and_no_breach() -> None:
    seen: list[dict[str, Any]] = []
    hub = _hub()
    hub.subscribe(_wsgi(seen=seen), topics=["conversation.admin.replied"], client_secret=SECRET)
    [delivery] = hub.deliver("conversation.admin.replied", {"type": "conversation", "id": "42"})
    assert delivery.answer.status == 200
    assert seen[0]["notification"]["data"]["item"] == {"type": "conversation", "id": "42"}
    assert seen[0]["agent"] == USER_AGENT
    assert [d.kind for d in hub.deliveries] == ["notification", "redelivery", "forged", "unknown-topic"]
    assert hub.breaches() == []


def test_a_handler_that_skips_the_signature_fails_with_the_check_and_the_fix() -> None:
    hub = _hub()
    hub.subscribe(_wsgi(checks_signature=False), topics=["contact.user.created"], client_secret=SECRET)
    hub.deliver("contact.user.created")
    [breach] = hub.breaches()
    assert breach.check == "webhook_signature_enforced"
    text = str(breach)
    assert "forged X-Hub-Signature was accepted (200" in text
    assert "Documented: refuse it (401/403)" in text
    assert "contracts.webhooks.verify" in text


@pytest.mark.parametrize(
    ("refuse", "check"),
    [("redelivery", "webhook_redelivery_tolerated"), ("unknown", "webhook_unknown_topic_tolerated")],
)
def test_a_handler_must_tolerate_redeliveries_and_unknown_topics(refuse: str, check: str) -> None:
    hub = _hub()
    hub.subscribe(_wsgi(refuse=refuse), topics=["contact.user.created"], client_secret=SECRET)
    hub.deliver("contact.user.created")
    assert [b.check for b in hub.breaches()] == [check]


def test_the_probes_go_once_per_subscription_and_can_be_turned_off() -> None:
    hub = _hub()
    hub.subscribe(_wsgi(), topics=["contact.user.created"], client_secret=SECRET)
    hub.subscribe(_wsgi(checks_signature=False), topics=["contact.user.created"], client_secret=SECRET, forged=False)
    hub.deliver("contact.user.created")
    hub.deliver("contact.user.created")
    assert len(hub.deliveries) == 2 + 4 + 1  # two genuine each, probes only for the first subscription
    assert hub.breaches() == []


def test_an_asgi_handler_is_served_in_and_out_of_a_running_loop() -> None:
    received: list[bytes] = []

    async def app(scope: dict[str, Any], receive: Callable[..., Any], send: Callable[..., Any]) -> None:
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        headers = dict(scope["headers"])
        ok = verify(body, headers.get(SIGNATURE_HEADER.lower().encode(), b"").decode(), SECRET)
        received.append(body)
        await send({"type": "http.response.start", "status": 204 if ok else 403, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    hub = _hub()
    hub.subscribe(app, topics=["conversation.user.replied"], client_secret=SECRET)
    [delivery] = hub.deliver("conversation.user.replied")
    assert delivery.answer.status == 204

    async def from_an_async_test() -> int | None:
        [again] = hub.deliver("conversation.user.replied")
        return again.answer.status

    assert asyncio.run(from_an_async_test()) == 204
    assert hub.breaches() == []
    assert json.loads(received[0])["topic"] == "conversation.user.replied"


@pytest.fixture
def loopback_handler() -> Iterator[tuple[str, list[dict[str, Any]]]]:
    with loopback(SECRET) as served:
        yield served


def test_a_loopback_url_handler_gets_real_http_deliveries(loopback_handler: tuple[str, list[dict[str, Any]]]) -> None:
    url, seen = loopback_handler
    hub = _hub()
    hub.subscribe(url, topics=["company.created"], client_secret=SECRET)
    hub.deliver("company.created", {"type": "company", "id": "c1"})
    assert hub.breaches() == []
    assert [n["topic"] for n in seen][:2] == ["company.created", "company.created"]  # delivered, then delivered again


def test_a_slow_handler_breaches_and_a_hanging_one_cannot_hang_the_test() -> None:
    release = threading.Event()

    def slow(environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        release.wait(5)
        start_response("200 OK", [])
        return [b""]

    hub = _hub(deadline=0.05)
    hub.subscribe(slow, topics=["contact.deleted"], client_secret=SECRET, forged=False)
    started = time.monotonic()
    [delivery] = hub.deliver("contact.deleted")
    release.set()
    assert time.monotonic() - started < 2
    assert delivery.answer.status is None
    assert "no answer within 0.1 s" in delivery.answer.describe()
    assert [b.check for b in hub.breaches()] == ["webhook_answered_in_time"]


@pytest.mark.parametrize(
    ("target", "settings", "message"),
    [
        ("https://hooks.example.com/x", {}, "deliveries go only to loopback"),
        ("ftp://127.0.0.1/x", {}, "expected an http(s) URL"),
        (42, {}, "expected an http(s) URL, a WSGI app or an ASGI app"),
        (
            "http://127.0.0.1:9/x",
            {"topics": ["conversation.admin.replyed"]},
            "unknown topic(s) conversation.admin.replyed",
        ),
        ("http://127.0.0.1:9/x", {"topics": ["ticket.created"], "version": "2.8"}, "unknown topic(s) ticket.created"),
        ("http://127.0.0.1:9/x", {"client_secret": ""}, "a client_secret is needed"),
    ],
)
def test_a_subscription_is_validated_as_intercom_validates_one(
    target: Any, settings: dict[str, Any], message: str
) -> None:
    arguments: dict[str, Any] = {"topics": ["contact.user.created"], "client_secret": SECRET, **settings}
    with pytest.raises(UsageError, match=message.replace("(", r"\(").replace(")", r"\)")):
        _hub().subscribe(target, **arguments)
