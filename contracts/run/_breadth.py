"""Breadth: schemathesis's generated cases for any operation of the spec, sent through our transport.

The spec as loaded (errata applied unless turned off) goes to schemathesis; each case is sent by our client (the
fake in-process, or live with the region's base URL, token, version, timeouts, pacing, redaction), judged by
schemathesis's checks (a registered check, `schemathesis`) and ours. Live safety is the client's guard and `plan`;
a case holding an input whose fate no source documents is never sent, and a spec with a non-local `$ref` is refused
before schemathesis could fetch it.
"""

from __future__ import annotations

import copy
import datetime
import hashlib
import json
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlencode

import httpx

from ..checks import CheckContext, Intent, answer_of, check, fail
from ..errors import IntercomContractsError, SpecError, UsageError
from ..live import HttpExchange, IntercomClient
from ..schema import MISSING, join, unescape
from ..spec import (
    CREATE_MESSAGE,
    DOCUMENTED_ERRORS,
    HTTP_METHODS,
    Operation,
    Spec,
    known_undocumented,
    undocumented_inputs,
)

__all__ = [
    "BREADTH_CHECKS",
    "accepted_though_negative",
    "is_positive",
    "pin_parties",
    "plan",
    "refuse_external_refs",
    "schema_for",
    "select_operations",
    "send_case",
    "undocumented_in",
]

BREADTH_CHECKS = ("schemathesis", "no_server_error", "json_content_type", "error_envelope", "request_id_matches")
WRITE_METHODS = frozenset({"put", "patch"})


def select_operations(spec: Spec, selection: tuple[str, ...]) -> list[Operation]:
    """The operations named by operationId or tag (or `all`), in document order."""
    operations = spec.operations()
    if "all" in selection:
        return operations
    chosen = []
    for operation in operations:
        if operation.operation_id in selection or any(tag in selection for tag in _tags(operation)):
            chosen.append(operation)
    known = {op.operation_id for op in operations} | {tag for op in operations for tag in _tags(op)}
    unknown = [name for name in selection if name not in known]
    if unknown:
        raise UsageError(
            f"--intercom-operations: {', '.join(unknown)} is neither an operationId nor a tag of {spec.source}"
        )
    return chosen


def _tags(operation: Operation) -> list[str]:
    tags = operation.node.get("tags")
    return [str(tag) for tag in tags] if isinstance(tags, list) else []


def plan(operation: Operation, *, live: bool, allow_writes: bool, has_ids: bool) -> tuple[str, ...] | str:
    """The generation modes to run for `operation`, or the reason it is not run.

    The fake takes everything but DELETE. A live run sends GET and POST only (PUT and PATCH with allow-writes,
    DELETE and the rest never); a POST other than createMessage gets only negative cases unless writes are allowed,
    and createMessage's positive cases need the run's admin and contact.
    """
    method = operation.method.lower()
    if method == "delete":
        return "DELETE is never sent"
    if not live:
        return ("positive", "negative")
    if method in WRITE_METHODS:
        return (
            ("positive", "negative") if allow_writes else f"{method.upper()} is sent only with --intercom-allow-writes"
        )
    if method not in ("get", "post"):
        return f"{method.upper()} is never sent by a live run"
    if operation.operation_id == CREATE_MESSAGE:
        return ("positive", "negative") if has_ids else ("negative",)
    if method == "get" or allow_writes:
        return ("positive", "negative")
    return ("negative",)


def send_case(case: Any, client: IntercomClient) -> HttpExchange:
    """Send a schemathesis case through our client (its token, version, guard, budget and pacing)."""
    kwargs = case.as_transport_kwargs(base_url=client.base_url)
    path = kwargs["url"][len(client.base_url) :]
    if kwargs.get("params"):
        path += "?" + urlencode(kwargs["params"], doseq=True)
    body = kwargs.get("json")
    content = None if body is None and kwargs.get("data") is None else _encode(body, kwargs.get("data"))
    sent = {k.lower(): str(v) for k, v in (kwargs.get("headers") or {}).items()}
    headers = {k: v for k, v in sent.items() if k not in ("authorization", "intercom-version", "user-agent", "accept")}
    # The token is schemathesis's (configured with the run's, see `schema_for`) so that it knows when it negated
    # it; the version is the one under test unless the case was broken in its headers.
    token = sent["authorization"].partition(" ")[2] if "authorization" in sent else None
    version = sent.get("intercom-version") if _negative_at(case, "header") else client.version
    return client.request(kwargs["method"], path, content=content, headers=headers, token=token, version=version)


@check("schemathesis", intents=[Intent.BREADTH])
def schemathesis_checks(context: CheckContext, exchange: HttpExchange) -> None:
    """schemathesis's own response checks over the case the request was built from."""
    from schemathesis.core.failures import FailureGroup

    response = httpx.Response(
        exchange.status,
        headers=exchange.headers,
        content=exchange.content,
        request=httpx.Request(exchange.method, exchange.url),
    )
    response._elapsed = datetime.timedelta(0)  # schemathesis reads it; a locally built response has none
    checks = _schemathesis_checks()
    if _in_intercoms_vocabulary(exchange):
        # A documented Intercom error (status and code) that this operation's description does not list: Intercom
        # answers it on any operation (a bad version, invalid JSON, a resource not found), so it is no breach.
        checks = [check for check in checks if check.__name__ != "status_code_conformance"]
    if _breaks_a_documented_search_rule(exchange):
        # a query nested deeper or filtering more than a search operation's description allows (in prose, which
        # no schema says): Intercom refuses it, so its refusal is no schema-valid request rejected
        checks = [check for check in checks if check.__name__ != "positive_data_acceptance"]
    try:
        context.case.validate_response(response, checks=checks)
    except (AssertionError, FailureGroup) as failure:
        lines = [line for line in str(failure).strip().splitlines() if line.strip()]
        fail(
            lines[0] if lines else type(failure).__name__,
            answer_of(exchange),
            "\n".join(lines[1:8]) or "the operation's responses",
        )


def _breaks_a_documented_search_rule(exchange: HttpExchange) -> bool:
    from ..mock import documented_refusal

    if exchange.method != "POST" or not exchange.request_body:
        return False
    try:
        body = json.loads(exchange.request_body)
    except ValueError:
        return False
    return documented_refusal(exchange.path, body) is not None


def _in_intercoms_vocabulary(exchange: HttpExchange) -> bool:
    codes = DOCUMENTED_ERRORS.get(exchange.status)
    return codes is not None and bool(set(exchange.error_codes()) & set(codes))


def accepted_though_negative(case: Any, operation: Operation, spec: Spec) -> bool:
    """A negative case whose mutation the contract accepts all the same (0.0 is an integer in JSON Schema; a number
    is one of an anyOf's branches): it is neither expected to be refused nor, live, sent (it could create)."""
    if is_positive(case) or not any(_negative_at(case, where) for where in ("body", "query", "path")):
        return False
    if any(_negative_at(case, where) for where in ("header", "cookie")):
        return False  # also broken where the contract of the operation does not look
    from ..spec import operation_contract

    api = operation_contract(spec, operation)
    try:
        kwargs = case.as_transport_kwargs(base_url="http://breadth.invalid")  # what send_case would send
        body, data = kwargs.get("json"), kwargs.get("data")
        content = b"" if body is None and data is None else _encode(body, data)
        query = urlencode(kwargs.get("params") or {}, doseq=True)
        path_values = {str(k): str(v) for k, v in (getattr(case, "path_parameters", None) or {}).items()}
        headers = {str(k).lower(): str(v) for k, v in (kwargs.get("headers") or {}).items()}
        judged = api.judge_request(path_values, query, content, headers.get("content-type", "application/json"))
    except (TypeError, ValueError, AttributeError):
        return False
    return not judged.violations


def names_another_version(case: Any, served: Iterable[str]) -> bool:
    """A negative case whose Intercom-Version header (mutated out of this description's enum) names a version
    Intercom serves: the request is that version's, judged by its contract, not this one's invalid request."""
    if not _negative_at(case, "header"):
        return False
    headers = getattr(case, "headers", None) or {}
    named = next((str(v) for k, v in headers.items() if str(k).lower() == "intercom-version"), None)
    return named is not None and named in set(served)


def undocumented_in(case: Any, operation: Operation, spec: Spec) -> list[str]:
    """What in a case's body has a fate no source documents (never sent: neither valid nor surely refused)."""
    body = getattr(case, "body", None)
    found = undocumented_inputs(operation.operation_id, body, declared=_declared(spec, operation))
    return [entry.what for entry in found]


def pin_parties(case: Any, admin_id: int | None, contact_id: str | None) -> None:
    """Messages only ever go from the run's admin to the run's contact (where the case names them)."""
    body = getattr(case, "body", None)
    if not isinstance(body, dict):
        return
    if admin_id is not None and isinstance(body.get("from"), dict):
        body["from"] = {"type": "admin", "id": admin_id}
    if contact_id is not None and isinstance(body.get("to"), (dict, list)):
        body["to"] = {"type": "user", "id": contact_id}


def refuse_external_refs(spec: Spec) -> None:
    """Nothing outside the document is ever fetched: a spec with a non-local $ref is not handed to schemathesis."""
    stack: list[tuple[str, Any]] = [("#", spec.document)]
    while stack:
        pointer, node = stack.pop()
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and not ref.startswith("#"):
                raise SpecError(
                    spec.source,
                    f"external $ref {ref!r} is not followed (nothing outside the document is fetched)",
                    pointer=join(pointer, "$ref"),
                )
            stack.extend((join(pointer, key), value) for key, value in node.items())
        elif isinstance(node, list):
            stack.extend((join(pointer, index), value) for index, value in enumerate(node))


def _declared(spec: Spec, operation: Operation) -> frozenset[str] | None:
    if operation.operation_id != CREATE_MESSAGE:
        return None
    try:
        return spec.contract().declared_request_fields
    except IntercomContractsError:  # a spec whose createMessage does not compile: nothing to compare with
        return None


def _negative_at(case: Any, location: str) -> bool:
    meta = getattr(case, "_meta", None)
    return not is_positive(case) and meta is not None and bool(meta.is_negative_at(location))


def breadth_document(spec: Spec, operation_ids: frozenset[str]) -> dict[str, Any]:
    """What schemathesis gets: the chosen operations and the components they reach (a small document loads fast),
    with inputs of undocumented fate excluded from what it may draw as valid."""
    operations = [op for op in spec.operations() if op.operation_id in operation_ids]
    paths: dict[str, Any] = {}
    for operation in operations:
        item = spec.document["paths"][operation.path]
        shared = {key: value for key, value in item.items() if key not in HTTP_METHODS}
        paths.setdefault(operation.path, shared)[operation.method] = item[operation.method]
    document = {key: value for key, value in spec.document.items() if key not in ("paths", "components")}
    document["paths"] = paths
    document["components"] = _reached_components(spec, paths)
    document = copy.deepcopy(document)
    for entry in known_undocumented():
        if entry.operation in operation_ids:
            entry.exclude_from(document)
    return document


def _reached_components(spec: Spec, root: Any) -> dict[str, Any]:
    """The components reached from `root` through local $refs (and the security schemes)."""
    components: dict[str, Any] = {}
    security = spec.document.get("components", {}).get("securitySchemes")
    if security is not None:
        components["securitySchemes"] = security
    stack, seen = [root], set()
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref.startswith("#/components/") and ref not in seen:
                seen.add(ref)
                _, _, section, name = ref.split("/", 3)
                target = spec.at(ref)
                if target is not MISSING and "/" not in name:
                    components.setdefault(section, {})[unescape(name)] = target
                    stack.append(target)
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return components


_LOADED: dict[tuple[int, frozenset[str], str], tuple[Spec, Any]] = {}


def schema_for(spec: Spec, token: str, operation_ids: frozenset[str] = frozenset()) -> Any:
    """The chosen operations as a schemathesis schema whose cases carry the run's token (so negative cases can drop
    it); loaded once per description, selection and token (each version and region's test reuses it)."""
    import schemathesis

    refuse_external_refs(spec)
    chosen = operation_ids or frozenset(op.operation_id for op in spec.operations())
    key = (id(spec), chosen, hashlib.sha256(token.encode()).hexdigest())
    if key not in _LOADED:
        schema = schemathesis.openapi.from_dict(breadth_document(spec, chosen))
        schema.config.update(headers={"Authorization": f"Bearer {token}"})
        # Strings are JSON text either way; a codec makes hypothesis build its codec tables first, ~200 MB on a
        # machine where it never ran (the suite's memory target is 150 MB).
        schema.config.generation.codec = None
        _LOADED[key] = (spec, schema)  # the spec is kept alive so that its id is not reused
    return _LOADED[key][1]


def is_positive(case: Any) -> bool:
    generation = getattr(getattr(case, "_meta", None), "generation", None)
    return str(getattr(getattr(generation, "mode", None), "value", "positive")) == "positive"


def _schemathesis_checks() -> list[Any]:
    """schemathesis's response checks: its defaults but those that send requests of their own (outside our
    transport, token and safety rules: ignored_auth, use_after_free, ensure_resource_availability)."""
    from schemathesis import checks

    return [
        checks.not_a_server_error,
        checks.status_code_conformance,
        checks.content_type_conformance,
        checks.response_headers_conformance,
        checks.response_schema_conformance,
        checks.negative_data_rejection,
        checks.positive_data_acceptance,
    ]


def _encode(body: Any, data: Any) -> bytes:
    if body is not None:
        return json.dumps(body, ensure_ascii=False).encode("utf-8")
    return data if isinstance(data, bytes) else str(data).encode("utf-8")
