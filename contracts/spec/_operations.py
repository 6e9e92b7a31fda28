"""The contract of every operation of a description: its parameters, request body and answers, compiled lazily.

`operation_contract(spec, operation)` compiles one operation once (validators for each parameter, the JSON request
body and each documented answer) and judges a request (`judge_request`): every way it breaks the contract, and the
inputs whose fate no source documents (an undeclared query parameter or body key: answered as the description
allows, reported as undocumented, never as a breach).

Query and path values arrive as text; they are read as the type their schema declares before they are validated.
A list whose answer carries cursor pages (`pages.next.starting_after`) takes `per_page` and `starting_after` in its
query, one with numbered pages `page` and `per_page`, whether or not the description lists them (Intercom's SDKs
send them; the pages object documents them).
"""

from __future__ import annotations

import json
import re
import threading
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any
from urllib.parse import parse_qsl

from jsonschema.exceptions import SchemaError

from ..errors import ContractViolation, SpecError
from ..schema import CREATE_MESSAGE_RULES, MISSING, Validator, as_list, bundle_schema, deref_bundled, join, with_rules
from ._contract import declared_fields, json_schema_pointer
from ._errata import undocumented_inputs
from ._facts import CREATE_MESSAGE
from ._spec import Operation, Spec

__all__ = ["Judged", "OperationContract", "Parameter", "operation_contract"]

_LOCK = threading.RLock()
_CURSOR_QUERY = {"per_page": {"type": "integer"}, "starting_after": {"type": "string"}}
_PAGE_QUERY = {"page": {"type": "integer"}, "per_page": {"type": "integer"}}


@dataclass(frozen=True)
class Parameter:
    name: str
    location: str  # path | query | header
    required: bool
    validator: Validator
    kind: str | None  # the JSON type the schema declares (what a text value is read as)
    members: frozenset[str] = frozenset()  # an object sent form-exploded: its properties are query keys of their own


@dataclass
class Judged:
    """What a request is, measured against its operation: the breaches and the undocumented inputs."""

    violations: list[ContractViolation] = field(default_factory=list)
    undocumented: list[str] = field(default_factory=list)
    body: Any = None  # the JSON body, when there is one and it parsed
    query: dict[str, str] = field(default_factory=dict)
    path_values: dict[str, str] = field(default_factory=dict)

    @property
    def violation(self) -> ContractViolation | None:
        return self.violations[0] if self.violations else None


@dataclass
class OperationContract:
    """One operation of one description, compiled: parameters, request body, documented answers."""

    spec: Spec
    operation: Operation
    parameters: dict[tuple[str, str], Parameter]
    body: Validator | None
    body_required: bool
    answers: dict[int, str | None]  # status -> JSON schema pointer (None: no JSON body)
    _answer_validators: dict[int, Validator | None] = field(default_factory=dict, repr=False)

    @property
    def operation_id(self) -> str:
        return self.operation.operation_id

    @property
    def statuses(self) -> frozenset[int]:
        return frozenset(self.answers)

    @property
    def success(self) -> int:
        """The documented success status: the first 2xx (else 3xx: a redirect to a download); 200 when none is."""
        ordered = sorted(self.answers)
        return next((s for s in ordered if 200 <= s < 300), next((s for s in ordered if 300 <= s < 400), 200))

    def answer_schema(self, status: int) -> dict[str, Any] | None:
        """The JSON schema of the answer documented for `status` (bundled), or None."""
        validator = self.answer_validator(status)
        return validator.schema if validator is not None else None

    def answer_validator(self, status: int) -> Validator | None:
        with _LOCK:
            if status not in self._answer_validators:
                pointer = self.answers.get(status)
                self._answer_validators[status] = None if pointer is None else _validator(self.spec, pointer, "Answer")
            return self._answer_validators[status]

    @cached_property
    def declared_body_keys(self) -> frozenset[str] | None:
        """The top-level keys the request body's schema declares (None: a free-form body, or no body)."""
        return _declared_keys(self.body.schema) if self.body is not None else None

    def judge_request(self, path_values: dict[str, str], query: str, body: bytes, content_type: str) -> Judged:
        """Every way the request breaks this operation's contract, and its inputs of undocumented fate."""
        judged = Judged(path_values=dict(path_values))
        for name, value in path_values.items():
            parameter = self.parameters.get(("path", name))
            if parameter is not None:
                _check_parameter(judged, parameter, value)
        pairs = parse_qsl(query, keep_blank_values=True)
        judged.query = dict(pairs)
        objects: dict[str, dict[str, str]] = {}
        exploded = {member: p.name for p in self.parameters.values() for member in p.members if p.location == "query"}
        for name, value in pairs:
            outer, bracket, inner = name.partition("[")
            if bracket and ("query", outer) in self.parameters:  # deepObject: filter[user_id]=...
                objects.setdefault(outer, {})[inner.rstrip("]")] = value
                continue
            if name in exploded and ("query", name) not in self.parameters:  # form, exploded: user_id=...
                objects.setdefault(exploded[name], {})[name] = value
                continue
            parameter = self.parameters.get(("query", name))
            if parameter is None:
                judged.undocumented.append(f"query parameter {name!r} is not declared by {self.operation_id}")
            else:
                _check_parameter(judged, parameter, value)
        for name, members in objects.items():
            judged.query[name] = json.dumps(members)
            _check_value(judged, self.parameters[("query", name)], members, json.dumps(members))
        for (location, name), parameter in self.parameters.items():
            if location == "query" and parameter.required and name not in judged.query:
                judged.violations.append(
                    ContractViolation(
                        subject="Request",
                        path=f"query {name}",
                        rule="required",
                        expected={"required": True},
                        received=None,
                        message=f"the query parameter {name!r} is required",
                    )
                )
        self._judge_body(judged, body, content_type)
        return judged

    def _judge_body(self, judged: Judged, body: bytes, content_type: str) -> None:
        if self.body is None:
            return
        if not body.strip():
            if self.body_required:
                judged.violations.append(_violation("$", "required", {"requestBody": "required"}, None, "no body"))
            return
        try:
            judged.body = json.loads(body)
        except (ValueError, RecursionError, UnicodeDecodeError):
            text = body[:200].decode("utf-8", "replace")
            judged.violations.append(_violation("$", "json", "a JSON body", text, "the body is not JSON"))
            return
        violation = next(iter(self.body.violations(judged.body)), None)
        if violation is not None:
            judged.violations.append(violation)
        declared = self.declared_body_keys
        if isinstance(judged.body, dict) and declared is not None:
            extra = sorted(set(judged.body) - declared)
            if extra and self.operation_id != CREATE_MESSAGE:
                judged.undocumented.append(f"keys the request schema does not declare: {', '.join(extra)}")
        for entry in undocumented_inputs(self.operation_id, judged.body, declared=declared):
            judged.undocumented.append(entry.what)


def operation_contract(spec: Spec, operation: Operation) -> OperationContract:
    """The compiled contract of `operation` (once per spec and operation)."""
    with _LOCK:
        cache: dict[str, OperationContract] = spec.memo.setdefault("operation_contracts", {})
        if operation.pointer not in cache:
            try:
                cache[operation.pointer] = _compile(spec, operation)
            except SchemaError as error:
                raise SpecError(
                    spec.source, f"holds an invalid schema: {error.message}", pointer=operation.pointer
                ) from None
            except RecursionError:
                raise SpecError(spec.source, "holds schemas nested too deeply", pointer=operation.pointer) from None
        return cache[operation.pointer]


def _compile(spec: Spec, operation: Operation) -> OperationContract:
    parameters: dict[tuple[str, str], Parameter] = {}
    item_pointer = join("#/paths", operation.path)
    item = spec.at(item_pointer)
    shared = item.get("parameters") if isinstance(item, dict) else None
    declared = [
        *((raw, join(item_pointer, "parameters", index)) for index, raw in enumerate(as_list(shared))),
        *(
            (raw, join(operation.pointer, "parameters", index))
            for index, raw in enumerate(as_list(operation.node.get("parameters")))
        ),
    ]
    template = set(re.findall(r"{([^}/]+)}", operation.path))
    for raw, at in declared:
        node, pointer = spec.deref(raw, at)
        if not isinstance(node, dict) or node.get("in") not in ("path", "query"):
            continue
        schema_node = node.get("schema")
        if not isinstance(schema_node, dict):
            continue
        schema = bundle_schema(spec.document, join(pointer, "schema"), source=spec.source)
        name, location = str(node.get("name")), str(node["in"])
        if name in template:
            location = (
                "path"  # 2.14+ declare `job_identifier` `in: query` while the path holds it (lint: parameter-location)
            )
        kind = _kind(schema)
        exploded = kind == "object" and node.get("style", "form") == "form" and node.get("explode", True)
        parameters[(location, name)] = Parameter(
            name,
            location,
            bool(node.get("required")) or location == "path",
            Validator(schema, subject="Request"),
            kind,
            declared_fields(schema) if exploded else frozenset(),
        )
    answers = _answers(spec, operation)
    for name, schema in _paging_query(spec, operation, answers).items():
        parameters.setdefault(
            ("query", name), Parameter(name, "query", False, Validator(schema, subject="Request"), schema["type"])
        )
    body, required = None, False
    request_body = operation.node.get("requestBody")
    if request_body is not None:
        node, pointer = spec.deref(request_body, join(operation.pointer, "requestBody"))
        required = bool(node.get("required")) if isinstance(node, dict) else False
        schema_pointer = json_schema_pointer(spec, join(operation.pointer, "requestBody"))
        if schema_pointer is not None and spec.at(schema_pointer) is not MISSING:
            schema = bundle_schema(spec.document, schema_pointer, source=spec.source)
            if operation.operation_id == CREATE_MESSAGE:
                schema = with_rules(schema, CREATE_MESSAGE_RULES)
            body = Validator(schema, subject="Request")
    return OperationContract(spec, operation, parameters, body, required, answers)


def _answers(spec: Spec, operation: Operation) -> dict[int, str | None]:
    responses = operation.node.get("responses")
    answers: dict[int, str | None] = {}
    for status in responses if isinstance(responses, dict) else ():
        if str(status).isdigit():
            try:
                answers[int(status)] = json_schema_pointer(spec, join(operation.pointer, "responses", status))
            except SpecError:  # JSON content without a schema: any JSON is as documented as any other
                answers[int(status)] = None
    return answers


def _paging_query(spec: Spec, operation: Operation, answers: dict[int, str | None]) -> dict[str, dict[str, Any]]:
    """The paging parameters a list takes, read from the pages object of its answer."""
    pointer = next((answers[s] for s in sorted(answers) if 200 <= s < 300 and answers[s]), None)
    if pointer is None or operation.method not in ("get", "post"):
        return {}
    schema = bundle_schema(spec.document, pointer, source=spec.source)
    node = deref_bundled(schema, schema)
    pages = node.get("properties", {}).get("pages") if isinstance(node, dict) else None
    pages = deref_bundled(schema, pages)
    if not isinstance(pages, dict):
        return {}
    following = deref_bundled(schema, pages.get("properties", {}).get("next"))
    if isinstance(following, dict) and "starting_after" in following.get("properties", {}):
        return dict(_CURSOR_QUERY)
    if "page" in pages.get("properties", {}):
        return dict(_PAGE_QUERY)
    return {}


def _validator(spec: Spec, pointer: str, subject: str) -> Validator:
    return Validator(bundle_schema(spec.document, pointer, source=spec.source), subject=subject)


def _kind(schema: dict[str, Any]) -> str | None:
    node = deref_bundled(schema, schema)
    declared = node.get("type") if isinstance(node, dict) else None
    if isinstance(declared, list):
        declared = next((kind for kind in declared if kind != "null"), None)
    return declared if isinstance(declared, str) else None


def _check_parameter(judged: Judged, parameter: Parameter, text: str) -> None:
    _check_value(judged, parameter, _read(text, parameter.kind), text)


def _check_value(judged: Judged, parameter: Parameter, value: Any, text: str) -> None:
    violation = next(iter(parameter.validator.violations(value)), None)
    if violation is not None:
        where = f"{parameter.location} {parameter.name}"
        judged.violations.append(
            ContractViolation(
                subject="Request",
                path=where,
                rule=violation.rule,
                expected=violation.expected,
                received=text,
                message=f"the {where} parameter: {violation.message}",
            )
        )


def _read(text: str, kind: str | None) -> Any:
    """A text parameter as the type its schema declares (left as text when it is not one)."""
    try:
        if kind == "integer":
            return int(text)
        if kind == "number":
            return float(text)
    except ValueError:
        return text
    if kind == "boolean" and text in ("true", "false"):
        return text == "true"
    if kind == "array":
        return text.split(",")
    return text


def _declared_keys(schema: dict[str, Any]) -> frozenset[str] | None:
    node = deref_bundled(schema, schema)
    if not isinstance(node, dict):
        return None
    names = declared_fields(schema)
    if not names or node.get("additionalProperties") not in (None, False):
        return None  # a free-form object: every key is as documented as any other
    return names


def _violation(path: str, rule: str, expected: Any, received: Any, message: str) -> ContractViolation:
    return ContractViolation(
        subject="Request", path=path, rule=rule, expected=expected, received=received, message=message
    )
