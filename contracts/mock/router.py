"""The fake as a respx router mounted on the regional base URLs; requests to other hosts pass through."""

from __future__ import annotations

from types import TracebackType
from typing import Any

import httpx
import respx

from ..regions import REGIONS
from .model import FakeIntercom, FakeRequest

__all__ = ["IntercomMock"]


class IntercomMock:
    """Intercepts httpx traffic to the three regions (or `base_urls`) and answers as the fake model does.

    Usable as a context manager without pytest, or through the `intercom_mock` fixture.
    """

    def __init__(self, fake: FakeIntercom | None = None, *, base_urls: dict[str, str] | None = None):
        self.fake = fake or FakeIntercom()
        self.base_urls = {region: url.rstrip("/") for region, url in (base_urls or REGIONS).items()}
        self.router = respx.MockRouter(assert_all_called=False, assert_all_mocked=True)
        for region, base in self.base_urls.items():
            self.router.route(url__regex=_prefix_pattern(base)).mock(side_effect=self._responder(region, base))
        self.router.route().pass_through()  # never swallow another host's traffic

    def _responder(self, region: str, base: str) -> Any:
        base_path = httpx.URL(base).path.rstrip("/")

        def respond(request: httpx.Request) -> httpx.Response:
            path = request.url.path[len(base_path) :] or "/"
            headers = {name.lower(): value for name, value in request.headers.items()}
            answer = self.fake.handle(FakeRequest(region, request.method, path, headers, request.read()))
            return httpx.Response(answer.status, headers=answer.headers, content=answer.content())

        return respond

    def __enter__(self) -> IntercomMock:
        self.router.__enter__()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.router.__exit__(kind, error, trace)


def _prefix_pattern(base: str) -> str:
    import re

    return "^" + re.escape(base) + r"(/|\?|$)"
