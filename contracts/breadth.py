"""Breadth: schemathesis's generated cases for any operation of the spec, sent through our transport.

The spec as loaded (errata applied unless turned off) goes to schemathesis; each case is sent by our client (the
fake in-process, or live with the region's base URL, token, version, timeouts, pacing, redaction), judged by
schemathesis's checks and ours. Live safety: an operation other than createMessage that is not a safe method
gets only negative cases unless writes are allowed; DELETE is never sent.
"""

from __future__ import annotations

import datetime
from typing import Any
from urllib.parse import urlencode

import httpx

from .checks import CheckContext, CheckFailure, judge
from .client import HttpExchange, IntercomClient
from .errors import UsageError
from .spec import CREATE_MESSAGE, Operation, Spec

__all__ = ["BREADTH_CHECKS", "is_positive", "plan", "schema_for", "select_operations", "send_case"]

BREADTH_CHECKS = ("no_server_error", "json_content_type", "error_envelope", "request_id_matches")
SAFE_METHODS = frozenset({"get", "head", "options"})


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
    """The generation modes to run for `operation`, or the reason it is not run."""
    method = operation.method.lower()
    if method == "delete":
        return "DELETE is never sent"
    if not live:
        return ("positive", "negative")
    if operation.operation_id == CREATE_MESSAGE:
        return ("positive", "negative") if has_ids else ("negative",)
    if method in SAFE_METHODS or allow_writes:
        return ("positive", "negative")
    return ("negative",)


def send_case(case: Any, client: IntercomClient, context: CheckContext) -> HttpExchange:
    """Send a schemathesis case through our client; judge it by schemathesis's checks and ours."""
    from schemathesis.core.failures import FailureGroup

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
    exchange = client.request(kwargs["method"], path, content=content, headers=headers, token=token, version=version)
    response = httpx.Response(
        exchange.status,
        headers=exchange.headers,
        content=exchange.content,
        request=httpx.Request(exchange.method, exchange.url),
    )
    response._elapsed = datetime.timedelta(0)  # schemathesis reads it; a locally built response has none
    try:
        case.validate_response(response, checks=_schemathesis_checks())
    except (AssertionError, FailureGroup) as failure:
        first = [line for line in str(failure).strip().splitlines() if line.strip()]
        raise CheckFailure(
            "schemathesis",
            context,
            exchange,
            problem=first[0] if first else type(failure).__name__,
            received=f"HTTP {exchange.status}",
            documented="\n".join(first[1:8]) or "the operation's responses",
        ) from None
    judge(context, exchange, BREADTH_CHECKS)
    return exchange


def _negative_at(case: Any, location: str) -> bool:
    meta = getattr(case, "_meta", None)
    return not is_positive(case) and meta is not None and bool(meta.is_negative_at(location))


def schema_for(spec: Spec, token: str) -> Any:
    """The spec as a schemathesis schema whose cases carry the run's token (so negative cases can drop it)."""
    import schemathesis

    schema = schemathesis.openapi.from_dict(spec.document)
    schema.config.update(headers={"Authorization": f"Bearer {token}"})
    # Strings are JSON text either way; a codec makes hypothesis build its codec tables first, ~200 MB on a
    # machine where it never ran (the suite's memory target is 150 MB).
    schema.config.generation.codec = None
    return schema


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
    import json

    if body is not None:
        return json.dumps(body, ensure_ascii=False).encode("utf-8")
    return data if isinstance(data, bytes) else str(data).encode("utf-8")
