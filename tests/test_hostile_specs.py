"""Spec loading and lint under hostile input: only the toolkit's own errors, in bounded time and memory."""

from __future__ import annotations

import contextlib
import copy
import json
import time
import tracemalloc
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from contracts import ContractViolation, IntercomContractsError, load_spec
from contracts.analysis import lint
from contracts.run import breadth_document

# The operations under test and what they reach, from the pack's 2.11: a realistic document small enough to mutate.
BUNDLED = breadth_document(load_spec("bundled"), frozenset({"createMessage", "identifyAdmin"}))
MESSAGE = {"type": "user_message", "id": "1", "created_at": 1, "body": "b", "message_type": "inapp"}
REQUEST = {"message_type": "in_app", "body": "b", "from": {"type": "admin", "id": 1}, "to": {"type": "user", "id": "u"}}

odd_keys = st.one_of(
    st.text(max_size=6),
    st.sampled_from(
        [
            "$ref",
            "nullable",
            "allOf",
            "anyOf",
            "oneOf",
            "items",
            "properties",
            "required",
            "enum",
            "type",
            "format",
            "~1",
            "a/b",
            "\u202e",
            "🧨",
            "",
            "x-",
            "example",
            "discriminator",
        ]
    ),
)
refs = st.one_of(
    st.sampled_from(
        [
            "#",
            "#/",
            "#/components/schemas/message",
            "#/components/schemas/create_message_request",
            "#/components/schemas/nowhere",
            "#/paths/~1messages/post",
            "other.yaml#/x",
            "#/components/~0~1",
        ]
    ),
    st.text(max_size=12).map(lambda t: "#/" + t),
)
json_values = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(),
        st.floats(allow_nan=False),
        st.text(max_size=8),
        refs.map(lambda r: {"$ref": r}),
    ),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(odd_keys, inner, max_size=4),
    max_leaves=20,
)


def _pointers(node: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [path]
    if isinstance(node, dict):
        for key, value in node.items():
            found += _pointers(value, (*path, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found += _pointers(value, (*path, index))
    return found


ALL_POINTERS = _pointers(BUNDLED)


@st.composite
def mutated_documents(draw: st.DrawFn) -> Any:
    """The bundled contract with a few subtrees replaced by hostile values."""
    document = copy.deepcopy(BUNDLED)
    for _ in range(draw(st.integers(1, 4))):
        path = draw(st.sampled_from(ALL_POINTERS))
        if not path:
            continue
        parent = document
        try:
            for key in path[:-1]:
                parent = parent[key]
            parent[path[-1]] = draw(json_values)
        except (KeyError, IndexError, TypeError):
            continue
    return document


def _exercise(path: Path) -> None:
    """Everything a user may do with a spec; only the toolkit's own errors (with a message) may come out."""
    try:
        spec = load_spec(str(path))
        lint(spec)
        contract = spec.contract()
        for check, value in ((contract.validate_message, MESSAGE), (contract.validate_create_message_request, REQUEST)):
            with contextlib.suppress(ContractViolation):
                check(value)
    except IntercomContractsError as error:
        message = str(error)
    else:
        message = "loaded"
    assert message.strip()


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(document=mutated_documents())
def test_mutated_documents_give_only_spec_errors(tmp_path: Path, document: Any) -> None:
    path = tmp_path / "api.json"
    path.write_text(json.dumps(document))
    _exercise(path)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(max_size=300), cut=st.integers(0, 4000))
def test_garbled_text_gives_only_spec_errors(tmp_path: Path, text: str, cut: int) -> None:
    original = yaml.safe_dump(BUNDLED, sort_keys=False)
    path = tmp_path / "api.yaml"
    path.write_text(original[:cut] + text + original[cut:], encoding="utf-8")
    _exercise(path)


def _bomb(levels: int) -> str:
    lines = ["openapi: 3.0.0", "paths: {}", "a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, levels)]
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (_bomb(9), "expands to more than 5,000,000 nodes through YAML aliases"),
        ("openapi: 3.0.0\npaths: &p {a: *p}\n", "holds a YAML alias that contains itself"),
        ("[" * 100_000 + "]" * 100_000, "exceeded maximum nesting depth"),
        ("a:\n" + "".join("  " * i + "b:\n" for i in range(1, 3000)), "exceeded maximum nesting depth"),
        ("openapi: 3.0.0\npaths: {}\n" + "k: '" + "x" * 20_000_000 + "'\n", None),
    ],
    ids=["alias-bomb", "recursive-alias", "deep-json", "deep-yaml", "huge-document"],
)
def test_hostile_documents_are_refused_quickly_within_memory(tmp_path: Path, content: str, problem: str | None) -> None:
    path = tmp_path / "api.yaml"
    path.write_text(content)
    tracemalloc.start()
    started = time.monotonic()
    try:
        if problem is None:
            with pytest.raises(IntercomContractsError, match="createMessage"):
                load_spec(str(path)).contract()
        else:
            with pytest.raises(IntercomContractsError, match=problem):
                load_spec(str(path))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert time.monotonic() - started < 20
    assert peak < 400 * 1024 * 1024


def test_a_self_referencing_request_schema_is_a_spec_error(tmp_path: Path) -> None:
    document = copy.deepcopy(BUNDLED)
    document["components"]["schemas"]["create_message_request"] = {
        "$ref": "#/components/schemas/create_message_request"
    }
    path = tmp_path / "api.json"
    path.write_text(json.dumps(document))
    with pytest.raises(IntercomContractsError, match="create_message_request"):
        load_spec(str(path)).contract().validate_create_message_request(REQUEST)
