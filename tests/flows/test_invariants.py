"""Each invariant of the flows fails on its own kind of wrong answer (a sender that bends the fake's answers)."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

import pytest
from hypothesis import settings
from hypothesis.stateful import run_state_machine_as_test

from contracts.flows import FlowFailure, flow_machine, flow_settings

from .conftest import MakeTarget

Answered = tuple[int, Mapping[str, str], Any]
Bend = Callable[[str, str, Answered, dict[str, Any]], Answered]
ONE_CONTACT = re.compile(r"^/contacts/[^/]+$")


def _renamed_on_read(method: str, path: str, answered: Answered, seen: dict[str, Any]) -> Answered:
    status, headers, body = answered
    if method == "GET" and ONE_CONTACT.match(path) and status == 200 and body.get("name"):
        return status, headers, {**body, "name": "someone else"}
    return answered


def _deleted_still_read(method: str, path: str, answered: Answered, seen: dict[str, Any]) -> Answered:
    if method == "GET" and ONE_CONTACT.match(path):
        if answered[0] == 200:
            seen[path] = answered
        elif path in seen:  # deleted, yet read as it was
            return seen[path]  # type: ignore[no-any-return]
    return answered


def _list_drops_the_newest(method: str, path: str, answered: Answered, seen: dict[str, Any]) -> Answered:
    status, headers, body = answered
    if method == "GET" and path == "/contacts" and status == 200 and len(body.get("data", [])) > 1:
        return status, headers, {**body, "data": body["data"][:-1]}
    return answered


def _counts_one_more(method: str, path: str, answered: Answered, seen: dict[str, Any]) -> Answered:
    status, headers, body = answered
    if method == "GET" and path == "/contacts" and status == 200 and isinstance(body.get("total_count"), int):
        return status, headers, {**body, "total_count": body["total_count"] + 1}
    return answered


@pytest.mark.parametrize(
    ("bend", "invariant", "problem"),
    [
        (_renamed_on_read, "written_reads_back", ""),
        (_deleted_still_read, "deleted_ids_answer_404", ""),
        (_list_drops_the_newest, "lists_hold_created_not_deleted", "what the flow made is not listed"),
        (_counts_one_more, "pages_never_repeat_or_skip", "where total_count says"),
    ],
)
def test_each_invariant_fails_on_its_wrong_answer(
    fake_target: MakeTarget, bend: Bend, invariant: str, problem: str
) -> None:
    target, _ = fake_target("2.11")
    inner, seen = target.send, {}  # type: ignore[var-annotated]

    def bent(method: str, path: str, body: Any, query: Mapping[str, str] | None) -> Answered:
        return bend(method, path, inner(method, path, body, query), seen)

    target.send = bent
    chosen = settings(flow_settings(examples=100, steps=10), derandomize=True)
    with pytest.raises(FlowFailure) as raised:
        run_state_machine_as_test(flow_machine(target), settings=chosen)
    assert raised.value.invariant == invariant, str(raised.value)
    assert problem in raised.value.problem
