"""A request a live safety rule or cap keeps back (NotSent) skips its step and stops the flow creating."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from contracts.flows import run_flows
from contracts.live import NotSent

from .conftest import MakeTarget

CAP = 3


def test_a_write_kept_back_stops_the_creating_and_fails_nothing(fake_target: MakeTarget) -> None:
    target, _ = fake_target("2.11")
    inner, fresh = target.send, target.fresh
    sent: list[str] = []
    refused: list[list[str]] = []  # per example: the writes kept back

    def capped(method: str, path: str, body: Any, query: Mapping[str, str] | None) -> Any:
        if method != "GET" and not path.endswith("/search"):
            if len(sent) >= CAP:
                refused[-1].append(f"{method} {path}")
                raise NotSent(f"the live write cap ({CAP}) is spent")
            sent.append(f"{method} {path}")
        return inner(method, path, body, query)

    def example() -> None:
        refused.append([])
        assert fresh is not None
        fresh()

    target.send, target.fresh = capped, example
    run_flows(target, examples=10, steps=10)  # no FlowFailure: a step kept back is not a failure
    assert len(sent) == CAP
    creating = ("/contacts", "/companies", "/tags", "/conversations", "/articles", "/tickets", "/events")
    for kept in refused:
        assert sum(1 for request in kept if request.startswith("POST ") and request.endswith(creating)) <= 1, kept
