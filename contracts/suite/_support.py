"""What the suite's property tests share."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from contracts.client import TransportFailure

__all__ = ["TransportGuard"]

T = TypeVar("T")


class TransportGuard:
    """The first transport failure stops a property: later examples return at once, nothing is shrunk.

    A server that cannot be reached would otherwise make hypothesis replay (and shrink) one timeout after another.
    """

    def __init__(self) -> None:
        self.failure: TransportFailure | None = None

    def attempt(self, send: Callable[[], T]) -> T | None:
        if self.failure is not None:
            return None
        try:
            return send()
        except TransportFailure as failure:
            self.failure = failure
            return None

    def raise_if_failed(self) -> None:
        if self.failure is not None:
            raise self.failure
