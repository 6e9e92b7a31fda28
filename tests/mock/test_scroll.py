"""GET /companies/scroll as its description documents it (contracts.mock._scroll), on the fake's clock."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from .reading import ADAPTERS, Clock, Consumer, consumer_via, fake


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture(params=ADAPTERS)
def consumer(clock: Clock, request: pytest.FixtureRequest) -> Iterator[Consumer]:
    with consumer_via(request.param, fake(clock)) as through:
        yield through


def _scroll(consumer: Consumer, param: str | None = None) -> tuple[int, Any]:
    exchange = consumer.send("GET", "/companies/scroll", query=f"scroll_param={param}" if param else "")
    return exchange.response.status, exchange.response.body


def test_a_scroll_pages_every_company_once_then_ends_empty_and_its_param_expires(consumer: Consumer) -> None:
    made = consumer.companies(80)
    status, page = _scroll(consumer)
    seen, params = [c["id"] for c in page["data"]], [page["scroll_param"]]
    while page["data"]:
        status, page = _scroll(consumer, page["scroll_param"])
        assert status == 200
        seen += [c["id"] for c in page["data"]]
        params.append(page["scroll_param"])
    assert (seen, len(params)) == (made, 3)  # 50, 30, then the empty page, each with its param
    status, gone = _scroll(consumer, params[-1])
    assert (status, gone["errors"][0]["code"]) == (404, "not_found")


def test_one_scroll_open_per_app(consumer: Consumer) -> None:
    consumer.companies(3)
    status, first = _scroll(consumer)
    assert status == 200
    status, second = _scroll(consumer)
    assert (status, second["errors"][0]["code"]) == (400, "scroll_exists")
    status, end = _scroll(consumer, first["scroll_param"])
    assert (status, end["data"]) == (200, [])  # 3 companies on the first page: the next is the end
    assert _scroll(consumer)[0] == 200  # the ended scroll is closed: a new one opens


def test_an_unknown_param_is_not_found(consumer: Consumer) -> None:
    status, body = _scroll(consumer, "no-such-scroll")
    assert (status, body["errors"][0]["code"]) == (404, "not_found")


def test_a_scroll_unused_for_a_minute_expires(consumer: Consumer, clock: Clock) -> None:
    consumer.companies(60)
    _, first = _scroll(consumer)
    clock.now += 59
    status, page = _scroll(consumer, first["scroll_param"])
    assert (status, len(page["data"])) == (200, 10)  # used within the minute: alive, and the minute starts again
    clock.now += 60
    status, body = _scroll(consumer, first["scroll_param"])
    assert (status, body["errors"][0]["code"]) == (404, "not_found")
    assert _scroll(consumer)[0] == 200  # and a new scroll may be opened
