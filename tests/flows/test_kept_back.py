"""A request a live safety rule or cap keeps back (NotSent) skips its step and stops the flow creating."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest

from contracts.flows import FlowFailure, run_flows
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


def test_live_the_first_failure_is_reported_and_nothing_is_sent_after_it(fake_target: MakeTarget) -> None:
    # A live workspace is not fresh for each example, and hypothesis replays a failing example to report it: the
    # replay would write again and meet other answers (hypothesis's "inconsistent data generation" hid the failure).
    target, _ = fake_target("2.11", "deleted-still-listed")
    target.live, target.fresh = True, None
    inner = target.send
    after_failure: list[str] = []

    def watched(method: str, path: str, body: Any, query: Mapping[str, str] | None) -> Any:
        if target.failure is not None:
            after_failure.append(f"{method} {path}")
        return inner(method, path, body, query)

    target.send = watched
    with pytest.raises(FlowFailure) as failed:
        run_flows(target, examples=40, steps=15, live=True)  # a deletion among the steps is a matter of draws
    assert failed.value.invariant == "lists_hold_created_not_deleted"
    assert failed.value is target.failure
    assert after_failure == []
