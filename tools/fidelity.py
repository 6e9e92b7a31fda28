#!/usr/bin/env python3
"""Drive every operation of Intercom's official Python SDK (python-intercom) through intercom_mock, strictly.

Each public method of each resource client of `intercom.Intercom` is called once, with values built from its own type
hints (ids of items the fake's workspace holds), against `IntercomMock` at the version the SDK is generated from
(2.14: the SDK sends no Intercom-Version; the workspace default is set to it). The SDK reads answers with an
unchecked `construct_type`; here each answer is validated by pydantic against the SDK's declared return type, as its
own models define them (their `extra` settings kept). Each operation is:

  served   answered, and the answer fits the SDK's model
  misfit   answered, but the SDK's model refuses the answer (the first error is shown)
  refused  the fake answered an error (status and code shown), or the call could not be made

    python tools/fidelity.py [--version 2.14] [--only served|misfit|refused]

Exit status 0 when every operation is served, 1 otherwise. The `unstable` namespace (Preview) is not driven.
"""

from __future__ import annotations

import argparse
import collections.abc
import contextlib
import datetime as dt
import enum
import inspect
import sys
import types
import typing
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SDK_VERSION = "2.14"  # fern/generators.yml in Intercom-OpenAPI: the SDK is generated from descriptions/2.14
# Path parameters naming an item of a kind other than their own name says.
KINDS = {
    "id": None,
    "admin_id": "admin",
    "user_id": "visitor",
    "news_item_id": "news_item",
    "job_id": "jobs",
    "subscription_id": "subscription_type",
    "ticket_type_id": "ticket_type",
    "attribute_id": "ticket_type_attribute",
    "part_id": "conversation_part",
    "help_center_id": "help_center",
    "collection_id": "collection",
    "article_id": "article",
    "segment_id": "segment",
    "team_id": "team",
    "tag_id": "tag",
    "note_id": "note",
    "company_id": "company",
    "contact_id": "contact",
    "conversation_id": "conversation",
    "ticket_id": "ticket",
    "newsfeed_id": "newsfeed",
    "data_attribute_id": "data_attribute",
    "call_id": "call",
    "away_status_reason_id": "away_status_reason",
    "source_id": "content_import_source",
    "page_id": "external_page",
    "custom_object_instance_id": "custom_object_instance",
}
# A custom object type is made in Intercom's settings, not through the API: the descriptions' examples name `Order`.
CUSTOM_OBJECT_TYPE = "Order"
BRANCHES = 4  # members of a union tried in turn (a request typed as one of several shapes)
# Optional arguments an operation needs to do anything (the SDK types them optional).
NEEDS = {"contacts.merge_lead_in_user": ("lead_id", "contact_id")}


def _query(field: str, value: Any) -> Any:
    from intercom import SingleFilterSearchRequest

    return SingleFilterSearchRequest(field=field, operator="=", value=value)


def _message(ids: Any) -> Any:
    """An email from the workspace's admin to a contact (the documented branch; the SDK's `inapp` is of undocumented
    fate: errata.yaml, message-type-inapp)."""
    from intercom.types.create_message_request import CreateMessageRequest_Email

    return CreateMessageRequest_Email(
        subject="Hello",
        body="Hello there",
        template="plain",
        from_={"type": "admin", "id": int(ids("admin_id"))},
        to={"type": "user", "id": ids("contact_id")},
    )


def _sender(ids: Any) -> Any:
    from intercom.conversations.types.create_conversation_request_from import CreateConversationRequestFrom

    return CreateConversationRequestFrom(type="user", id=ids("contact_id"))


# Arguments whose SDK types accept values Intercom refuses (an empty query, no body, an unknown sender, an event list
# about nobody): built here, from the SDK's own types, as a user's code would (ids of items the workspace holds).
ARGUMENTS: dict[str, dict[str, Callable[[Any], Any]]] = {
    "contacts.search": {"query": lambda ids: _query("id", ids("contact_id"))},
    "conversations.search": {"query": lambda ids: _query("id", ids("conversation_id"))},
    "tickets.search": {"query": lambda ids: _query("id", ids("ticket_id"))},
    "conversations.create": {"from_": _sender},
    "events.list": {"type": lambda ids: "user", "intercom_user_id": lambda ids: ids("contact_id")},
    "messages.create": {"request": _message},
}


@dataclass(frozen=True)
class Row:
    operation: str  # resource.method
    outcome: str  # served | misfit | refused
    detail: str = ""


class _Misfit(Exception):
    pass


def _strict(type_: Any, object_: Any) -> Any:
    """What the SDK's `construct_type` builds, but validated: pydantic refuses an answer its model does not fit."""
    import pydantic

    if object_ is None:
        return None
    try:
        return pydantic.TypeAdapter(type_).validate_python(object_)
    except pydantic.ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise _Misfit(f"{getattr(type_, '__name__', type_)}: {where}: {first['msg']}") from None


@contextlib.contextmanager
def _strict_sdk() -> Iterator[None]:
    """Every raw client of the SDK reads answers with the strict reader, while the drive runs."""
    import importlib
    import pkgutil

    import intercom

    patched = []
    for module_info in pkgutil.walk_packages(intercom.__path__, "intercom."):
        if ".unstable" in module_info.name or not module_info.name.endswith("raw_client"):
            continue
        module = importlib.import_module(module_info.name)
        if hasattr(module, "construct_type"):
            patched.append((module, module.construct_type))
            module.construct_type = lambda *, type_, object_: _strict(type_, object_)  # type: ignore[attr-defined]
    try:
        yield
    finally:
        for module, original in patched:
            module.construct_type = original  # type: ignore[attr-defined]


def operations(client: Any) -> Iterator[tuple[str, Any]]:
    """(resource.method, bound method) of every stable operation of the SDK."""
    resources = [name for name, value in vars(type(client)).items() if isinstance(value, property)]
    for resource in sorted(resources):
        if resource.startswith("_") or resource == "unstable":
            continue
        holder = getattr(client, resource)
        if not hasattr(holder, "with_raw_response"):
            continue
        for name, method in inspect.getmembers(holder, inspect.ismethod):
            if not name.startswith("_"):
                yield f"{resource}.{name}", method


def _value(hint: Any, name: str, ids: Any, branch: int = 0) -> Any:
    """A value of the SDK's type `hint` for a parameter called `name` (ids of items the workspace holds)."""
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin is typing.Annotated:
        return _value(args[0], name, ids, branch)
    if origin in (typing.Union, types.UnionType):
        members = [arg for arg in args if arg is not type(None)]
        return _value(members[branch % len(members)], name, ids, branch)
    if origin is typing.Literal:
        return args[0]
    if origin in (list, tuple, set, collections.abc.Sequence, collections.abc.Iterable) or hint is list:
        return [_value(args[0], name, ids, branch)] if args else []
    if origin in (dict, collections.abc.Mapping) or hint is dict:
        return {}
    if hint is typing.Any:
        return {}
    if inspect.isclass(hint):
        if issubclass(hint, bool):
            return True
        if issubclass(hint, enum.Enum):
            return next(iter(hint))
        if issubclass(hint, int):
            return int(ids(name)) if name.endswith("_id") and ids(name).isdigit() else 1
        if issubclass(hint, float):
            return 1.0
        if issubclass(hint, str):
            return ids(name) if name == "id" or name.endswith(("_id", "_identifier")) else _text(name)
        if issubclass(hint, (dt.datetime, dt.date)):
            return dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)
        if hasattr(hint, "model_fields"):
            fields = {
                key: _value(field.annotation, key, ids, branch)
                for key, field in hint.model_fields.items()
                if field.is_required() or typing.get_origin(field.annotation) is typing.Literal  # a tag: `type`
            }
            return fields  # the SDK takes a model's fields as a dict
    return _text(name)


def _text(name: str) -> str:
    return "jane@example.com" if "email" in name else "https://www.example.com/" if "url" in name else "Hello"


def drive(version: str = SDK_VERSION) -> list[Row]:
    import intercom
    from intercom.core.api_error import ApiError

    from contracts.mock import IntercomMock

    rows: list[Row] = []
    settings = {"version": version, "strict": False, "rate_limit": 10**9, "other_hosts": "refuse"}
    with _strict_sdk(), IntercomMock.from_settings(**settings) as mock:
        workspace = mock.fake.workspace
        client = intercom.Intercom(token="fidelity-token")

        def ids(parameter: str) -> str:
            if parameter == "external_id":  # a contact and a custom object known by the id the client gave them
                workspace.add("custom_object_instance", {"type": CUSTOM_OBJECT_TYPE, "external_id": "ext-fidelity"})
                return str(workspace.add("contact", {"external_id": "ext-fidelity"})["external_id"])
            if parameter == "job_identifier":  # an export made as a user makes one, known by what its creation answers
                return str(
                    client.data_export.create(created_at_after=1719474967, created_at_before=1719492967).job_identifier
                )
            if parameter == "custom_object_type_identifier":
                return CUSTOM_OBJECT_TYPE
            if parameter == "custom_object_instance_id":
                return str(workspace.add("custom_object_instance", {"type": CUSTOM_OBJECT_TYPE})["id"])
            if parameter == "lead_id":
                return str(workspace.add("contact", {"role": "lead"})["id"])
            kind = KINDS.get(parameter, parameter.removesuffix("_id"))
            if kind is None:
                return "1"
            held = workspace.items(kind)
            return held[-1].id if held else str(workspace.add(kind, {})["id"])

        for operation, method in operations(client):
            seen = len(mock.fake.exchanges)
            row = _call(operation, method, ids, ApiError)
            if row.outcome == "refused" and len(mock.fake.exchanges) > seen:
                row = Row(operation, "refused", f"{row.detail}: {_why(mock.fake.exchanges[-1], version)}")
            rows.append(row)
    return rows


def _call(operation: str, method: Any, ids: Any, api_error: type[Exception]) -> Row:
    """Called with the first member of each union its types offer; on a 400, with the next ones (a few tries)."""
    row = Row(operation, "refused")
    for branch in range(BRANCHES):
        row = _attempt(operation, method, ids, api_error, branch)
        if not row.detail.startswith("400"):
            break
    return row


def _attempt(operation: str, method: Any, ids: Any, api_error: type[Exception], branch: int) -> Row:
    try:
        hints = typing.get_type_hints(method, include_extras=True)
        kwargs: dict[str, Any] = {}
        given = ARGUMENTS.get(operation, {})
        for name, parameter in inspect.signature(method).parameters.items():
            needed = name in NEEDS.get(operation, ()) or parameter.default is inspect.Parameter.empty
            if name in given:
                kwargs[name] = given[name](ids)
            elif needed and parameter.kind is not parameter.VAR_KEYWORD:
                kwargs[name] = _value(hints.get(name, str), name, ids, branch)
        answer = method(**kwargs)
        if inspect.isgenerator(answer) or hasattr(answer, "iter_pages"):  # a pager: the first page is read
            next(iter(answer), None)
    except _Misfit as misfit:
        return Row(operation, "misfit", str(misfit))
    except api_error as error:
        body = getattr(error, "body", None)
        code = body.get("errors", [{}])[0].get("code") if isinstance(body, dict) else None
        return Row(operation, "refused", f"{getattr(error, 'status_code', '?')} {code or body!r:.80}")
    except Exception as error:  # the call could not be made: said as it is
        if "downloads.example.com" in str(error):  # the documented 302, followed by the SDK to the download host
            return Row(operation, "served", "302 to the recording's download URL (not fetched: no network)")
        return Row(operation, "refused", f"{type(error).__name__}: {str(error)[:100]}")
    return Row(operation, "served")


def _why(exchange: Any, version: str) -> str:
    """Why the fake refused: an operation its description does not have, or how the request broke the contract."""
    request, violation = exchange.request, exchange.violation
    if exchange.operation is None:
        return f"{request.method} {request.path} is no operation of the {version} description"
    if violation is not None:
        return f"the request the drive built breaks the contract at {violation.path} ({violation.message[:60]})"
    return f"{exchange.operation}: no such item in the workspace"


def summary(rows: list[Row]) -> str:
    counts = {outcome: sum(row.outcome == outcome for row in rows) for outcome in ("served", "misfit", "refused")}
    return f"{len(rows)} operations: " + ", ".join(f"{count} {outcome}" for outcome, count in counts.items())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--version", default=SDK_VERSION, help="the Intercom-Version the fake answers by default")
    parser.add_argument("--only", choices=("served", "misfit", "refused"), help="show only these rows")
    args = parser.parse_args(argv)
    try:
        import intercom  # noqa: F401
    except ImportError:
        print("python-intercom is not installed: pip install python-intercom", file=sys.stderr)
        return 2
    rows = drive(args.version)
    for row in rows:
        if args.only in (None, row.outcome):
            print(f"{row.outcome:8} {row.operation:50} {row.detail}")
    print(summary(rows))
    return 0 if all(row.outcome == "served" for row in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
