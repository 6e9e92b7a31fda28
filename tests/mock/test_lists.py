"""Every list lists: each list operation of every version answers the workspace's items under the key its schema
names. One test per (version, list operation): what it lists is made (through the API where an operation creates
it, else in the workspace, belonging to the item the path names), then listed; the answer is valid against the
version's schema and holds the item made."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qsl, urlencode

import pytest

from contracts.mock import FakeIntercom, FakeSettings
from contracts.mock._keyed import INSTANCE
from contracts.mock._resources import shape_of
from contracts.schema import synthesize
from contracts.spec import Operation, Spec, operation_contract

from .test_operations import CONTRACTS, SPECS, _path, _query, _references, _send

LISTS = [
    (version, operation.operation_id)
    for version, spec in SPECS.items()
    for operation in spec.operations()
    if shape_of(spec, operation_contract(spec, operation)).action == "list"
]


def _creator(spec: Spec, kind: str, parent: tuple[str, str] | None) -> Operation | None:
    """The operation that creates an item of `kind` (under the same kind of parent), if one does."""
    for operation in spec.operations():
        shape = shape_of(spec, operation_contract(spec, operation))
        if shape.action == "create" and shape.kind == kind and (shape.parent or ("",))[0] == (parent or ("",))[0]:
            return operation
    return None


def _made(fake: FakeIntercom, version: str, spec: Spec, kind: str, owner: tuple[str, str] | None) -> dict[str, Any]:
    """An item of `kind`, made through its create operation when there is one that succeeds."""
    creator = _creator(spec, kind, fake.workspace.item(*owner) and owner if owner else None)
    if creator is not None:
        contract = operation_contract(spec, creator)
        payload = synthesize(contract.body.schema, name=creator.operation_id) if contract.body is not None else None
        path = _path(spec, creator, fake, contract)
        if owner is not None:  # the owner the list names
            path = path.replace(f"/{path.split('/')[2]}", f"/{owner[1]}", 1)
        payload, path = _references(fake, creator, payload, path)
        body = b"" if payload is None else json.dumps(payload).encode()
        answer, exchange = _send(fake, version, creator.method, path, _query(contract), body)
        made = fake.workspace.items(kind)
        if answer.status == 200 and exchange.violation is None and made:
            return made[-1].body
    stored = fake.workspace.add(kind, {})
    item = fake.workspace.item(kind, stored["id"])
    assert item is not None
    if owner is not None:  # belonging to the owner, and attached to it, whichever way the list reads it
        holder = fake.workspace.item(*owner)
        assert holder is not None
        item.parents.add(owner)
        fake.workspace.attach(holder, kind, item.id)
        fake.workspace.attach(item, owner[0], holder.id)
    return stored


@pytest.mark.parametrize(("version", "operation_id"), LISTS)
def test_a_list_holds_what_the_workspace_has(version: str, operation_id: str) -> None:
    spec = SPECS[version]
    operation = spec.operation(operation_id)
    contract = operation_contract(spec, operation)
    shape = shape_of(spec, contract)
    assert shape.kind is not None
    assert shape.list_field is not None
    fake = FakeIntercom(CONTRACTS, FakeSettings(accept_any_token=True, rate_limit=10**9, admin_ids=None))
    path = _path(spec, operation, fake, contract)
    owner = None
    if shape.parent is not None:
        position = operation.path.split("/").index(f"{{{shape.parent[1]}}}")
        owner = (shape.parent[0], path.split("/")[position])
    if shape.kind == INSTANCE:  # an instance of the custom object type the path names (contracts.mock._keyed)
        made = fake.workspace.add(shape.kind, {"type": path.split("/")[2]})
    else:
        made = _made(fake, version, spec, shape.kind, owner)
    query = dict(parse_qsl(_query(contract)))
    query.update({key: str(made[key]) for key in query if key in made})  # a filter the item made passes
    body = b"{}" if contract.body is not None else b""
    answer, exchange = _send(fake, version, operation.method, path, urlencode(query), body)
    assert (answer.status, exchange.violation) == (200, None), answer.body
    validator = contract.answer_validator(200)
    assert validator is not None
    validator.validate(answer.body)
    listed = [item.get("id") for item in answer.body[shape.list_field]]
    if all(isinstance(identifier, str) for identifier in listed):
        assert made["id"] in listed, (shape, made, answer.body)
    else:  # a schema typing ids as integers: the fake's ids (digit strings) are not kept by the shaping (yet)
        assert listed, (shape, made, answer.body)
