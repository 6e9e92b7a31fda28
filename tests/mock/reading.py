"""What the read-semantics tests share: a fake on a settable clock, and requests to it as a consumer sends them."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import httpx

from contracts.mock import Exchange, FakeIntercom, FakeRequest, FakeSettings, IntercomMock, MockServer

ADAPTERS = ("model", "intercom_mock", "server")

DAY = 86_400
NOON: float = 1_800_014_400.0  # 2027-01-15 12:00:00 UTC


class Clock:
    """The fake's clock: a test moves it instead of sleeping."""

    def __init__(self, now: float = NOON):
        self.now = now

    def __call__(self) -> float:
        return self.now


def fake(clock: Clock | None = None) -> FakeIntercom:
    settings = FakeSettings(accept_any_token=True, rate_limit=10**9, admin_ids=None, contact_ids=None)
    return FakeIntercom(settings=settings, clock=clock or Clock())


@dataclass
class Consumer:
    """Sends requests to a fake as an integration does (one version, JSON bodies); answers the exchange.

    Through the model itself, or over httpx through an adapter (`client`: IntercomMock's transport, the loopback
    server); the exchange is then the one the fake recorded."""

    fake: FakeIntercom
    version: str = "2.12"
    made: int = 0  # contacts made so far (their emails differ)
    client: httpx.Client | None = None

    def send(self, method: str, path: str, body: Any = None, query: str = "") -> Exchange:
        headers = {"authorization": "Bearer tok", "intercom-version": self.version, "content-type": "application/json"}
        content = json.dumps(body).encode() if body is not None else b""
        if self.client is None:
            return self.fake.handle_exchange(FakeRequest("us", method, path, headers, content, query))
        self.client.request(method, path + (f"?{query}" if query else ""), headers=headers, content=content)
        return self.fake.exchanges[-1]

    def ok(self, method: str, path: str, body: Any = None, query: str = "") -> Any:
        """The body of a 200 answer to a request that broke nothing."""
        exchange = self.send(method, path, body, query)
        assert (exchange.response.status, exchange.violation) == (200, None), exchange.response.body
        return exchange.response.body

    def search(self, path: str, query: Any, **body: Any) -> Exchange:
        return self.send("POST", path, {"query": query, **body})

    def found(self, path: str, query: Any, **body: Any) -> list[str]:
        """The ids a search finds, every page followed."""
        ids: list[str] = []
        pagination: dict[str, Any] = dict(body.pop("pagination", {}))
        while True:
            answer = self.ok("POST", path, {"query": query, "pagination": pagination, **body})
            key = "conversations" if "conversations" in answer else "tickets" if "tickets" in answer else "data"
            ids += [item["id"] for item in answer[key]]
            following = (answer.get("pages") or {}).get("next")
            if not following:
                return ids
            pagination = {**pagination, "starting_after": following["starting_after"]}

    def companies(self, count: int) -> list[str]:
        return [self.ok("POST", "/companies", {"company_id": f"co-{n}", "name": f"Co {n}"})["id"] for n in range(count)]

    def contacts(self, count: int, **fields: Any) -> list[str]:
        ids = []
        for _ in range(count):
            self.made += 1
            contact = {"email": f"person{self.made}@example.com", "role": "user", **fields}
            ids.append(self.ok("POST", "/contacts", contact)["id"])
        return ids


@contextmanager
def consumer_via(adapter: str, fake: FakeIntercom, version: str = "2.12") -> Iterator[Consumer]:
    """A consumer of `fake` through `adapter`: the model, IntercomMock (respx) or the loopback MockServer."""
    if adapter == "model":
        yield Consumer(fake, version)
    elif adapter == "intercom_mock":
        with IntercomMock(fake), httpx.Client(base_url="https://api.intercom.io") as client:
            yield Consumer(fake, version, client=client)
    else:
        with MockServer(fake) as server, httpx.Client(base_url=server.base_urls["us"], timeout=10) as client:
            yield Consumer(fake, version, client=client)
