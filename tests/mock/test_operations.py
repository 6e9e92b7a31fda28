"""Every operation of every published version is served: a valid request gets a documented status and an answer
valid against that version's schema; an invalid one is flagged.

One generated test per (version, operation): the request is built from the operation's own facts (its parameters'
and body's schemas, contracts.schema._synthesis), the items its path names exist in the workspace.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from contracts import load_spec
from contracts.mock import FakeIntercom, FakeRequest, FakeSettings
from contracts.mock._resources import collection_kinds
from contracts.schema import deref_bundled, synthesize
from contracts.spec import Contracts, Operation, OperationContract, Spec, operation_contract

from ..conftest import PUBLISHED

SPECS: dict[str, Spec] = {version: load_spec(f"official:{version}") for version in PUBLISHED}
CASES = [(version, op.operation_id) for version, spec in SPECS.items() for op in spec.operations()]
CONTRACTS = Contracts()
TOKEN = "tok-operations"
_FAKES: dict[str, FakeIntercom] = {}


def _fake(version: str) -> FakeIntercom:
    """One fake per version for the module (a workspace that grows as the operations run, as a real one does)."""
    if version not in _FAKES:
        settings = FakeSettings(accept_any_token=True, rate_limit=10**9, admin_ids=None, contact_ids=None)
        _FAKES[version] = FakeIntercom(CONTRACTS, settings)
    return _FAKES[version]


def _operation(version: str, operation_id: str) -> tuple[Spec, Operation, OperationContract]:
    spec = SPECS[version]
    operation = spec.operation(operation_id)
    return spec, operation, operation_contract(spec, operation)


def _path(spec: Spec, operation: Operation, fake: FakeIntercom, contract: OperationContract) -> str:
    """The operation's path with each parameter naming an item that exists (made when there is none)."""
    segments = [segment for segment in operation.path.split("/") if segment]
    kinds = collection_kinds(spec)
    values = []
    for index, segment in enumerate(segments):
        if not segment.startswith("{"):
            values.append(segment)
            continue
        kind = kinds.get("/" + "/".join(segments[:index]))
        parameter = contract.parameters[("path", segment[1:-1])]
        if kind is not None:  # an item of that kind whose id the parameter's schema accepts (made when none is)
            fitting = [
                item.id
                for item in fake.workspace.items(kind)
                if parameter.validator.is_valid(_read(item.id, parameter.kind))
            ]
            values.append(fitting[-1] if fitting else fake.workspace.add(kind, {})["id"])
        else:
            values.append(str(synthesize(parameter.validator.schema, name="1")))
    return "/" + "/".join(values)


def _references(fake: FakeIntercom, operation: Operation, payload: Any, path: str) -> tuple[Any, str]:
    """What a valid request must name that its schema cannot say: items that exist (the two contacts to merge, the
    contact of an external id)."""
    contacts = fake.workspace
    if operation.path == "/contacts/merge" and isinstance(payload, dict):
        lead = contacts.add("contact", {"role": "lead"})["id"]
        user = contacts.add("contact", {"role": "user"})["id"]
        payload = {**payload, "from": lead, "into": user}
    if operation.path.startswith("/contacts/find_by_external_id/"):
        path = "/contacts/find_by_external_id/" + str(contacts.add("contact", {"external_id": "ext-7"})["external_id"])
    return payload, path


def _read(text: str, kind: str | None) -> Any:
    return int(text) if kind == "integer" and text.isdigit() else text


def _query(contract: OperationContract) -> str:
    from urllib.parse import urlencode

    required = [p for (location, _), p in contract.parameters.items() if location == "query" and p.required]
    pairs: dict[str, str] = {}
    for parameter in required:
        value = synthesize(parameter.validator.schema, name=parameter.name)
        if parameter.members and isinstance(value, dict):  # an object sent form-exploded: a key per property
            pairs.update({key: _text(inner) for key, inner in value.items()})
        else:
            pairs.update(_encode(parameter.name, value))
    return urlencode(pairs)


def _encode(name: str, value: Any) -> dict[str, str]:
    if isinstance(value, dict):  # deepObject: filter[user_id]=...
        return {f"{name}[{key}]": _text(inner) for key, inner in value.items()}
    return {name: _text(value)}


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ",".join(map(str, value))
    return str(value)


def _send(fake: FakeIntercom, version: str, method: str, path: str, query: str, body: bytes, **headers: str) -> Any:
    all_headers = {"authorization": f"Bearer {TOKEN}", "intercom-version": version, **headers}
    if body:
        all_headers["content-type"] = "application/json"
    answer = fake.handle(FakeRequest("us", method.upper(), path, all_headers, body, query))
    return answer, fake.exchanges[-1]


@pytest.mark.parametrize(("version", "operation_id"), CASES)
def test_a_valid_request_gets_a_documented_answer(version: str, operation_id: str) -> None:
    spec, operation, contract = _operation(version, operation_id)
    fake = _fake(version)
    payload = synthesize(contract.body.schema, name=operation_id) if contract.body is not None else None
    path = _path(spec, operation, fake, contract)
    payload, path = _references(fake, operation, payload, path)
    body = b"" if payload is None else json.dumps(payload).encode()
    answer, exchange = _send(fake, version, operation.method, path, _query(contract), body)
    assert exchange.violation is None, exchange.violation
    assert exchange.operation == operation.operation_id
    documented = set(contract.statuses)
    if not any(200 <= status < 400 for status in documented):
        documented.add(200)  # a description that documents no success at all (2.16's collectFinVoiceCallByPhoneNumber)
    assert answer.status in documented, (answer.status, answer.body, sorted(contract.statuses))
    validator = contract.answer_validator(answer.status)
    if validator is not None:
        validator.validate(answer.body)


@pytest.mark.parametrize(("version", "operation_id"), CASES)
def test_an_invalid_request_is_flagged(version: str, operation_id: str) -> None:
    spec, operation, contract = _operation(version, operation_id)
    fake = _fake(version)
    path, query, body, headers = _path(spec, operation, fake, contract), _query(contract), b"", {}
    required_query = [p for (location, _), p in contract.parameters.items() if location == "query" and p.required]
    typed_path = [
        p.name for (location, _), p in contract.parameters.items() if location == "path" and p.kind == "integer"
    ]
    if contract.body is not None and not _accepts_arrays(contract.body.schema):
        body = b"[1, 2]"  # a JSON array where the body is an object
    elif required_query:  # the first required parameter left out (each of its keys, when it is sent exploded)
        keys = required_query[0].members | {required_query[0].name}
        query = "&".join(part for part in query.split("&") if part.split("=", 1)[0].split("[", 1)[0] not in keys)
    elif typed_path:
        path = path.replace(f"/{_path_value(spec, operation, fake, contract, typed_path[0])}", "/not-a-number", 1)
    else:
        headers = {"authorization": "Basic bm90LWEtYmVhcmVy"}  # not a bearer token
    _, exchange = _send(fake, version, operation.method, path, query, body, **headers)
    assert exchange.violation is not None, (operation.method, path, query, body)


def _accepts_arrays(schema: dict[str, Any]) -> bool:
    from contracts.schema._validation import fast_check

    return bool(fast_check(schema)([1, 2]))


def _path_value(spec: Spec, operation: Operation, fake: FakeIntercom, contract: OperationContract, name: str) -> str:
    template = [segment for segment in operation.path.split("/") if segment]
    actual = [segment for segment in _path(spec, operation, fake, contract).split("/") if segment]
    return actual[template.index("{" + name + "}")]


def test_every_answer_schema_of_every_version_has_an_instance() -> None:
    """The engine answers each documented status of each operation with an instance of its schema."""
    count = 0
    for spec in SPECS.values():
        for operation in spec.operations():
            contract = operation_contract(spec, operation)
            for status in contract.statuses:
                schema = contract.answer_schema(status)
                if schema is not None:
                    assert contract.answer_validator(status).is_valid(synthesize(schema))  # type: ignore[union-attr]
                    count += 1
    assert count > 4000
    assert deref_bundled({}, {"type": "object"}) == {"type": "object"}
