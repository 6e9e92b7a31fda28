"""The named faults of the fake, as rules: each breaks one documented promise (contracts.mock._fault_names names them).

Each fault is data applied at the model's hook points (contracts.mock._rules), never a branch of its domain code:
a request transform where the fault changes a decision (the model sees a request it accepts, or one it refuses),
an answer transform where it changes what is said. tests/test_checks.py proves each is caught by its check. The
faults apply in the order of `FAULT_RULES`: first those that change the answer's status, then the Message, then
the error envelope and the headers (so an error a fault makes carries the envelope faults too).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING, Any, Final
from urllib.parse import parse_qsl

from ..spec import BODY_REQUIRED, CREATE_MESSAGE, IDENTIFY_ADMIN, NO_SUBJECT, RATE_LIMITED
from ._rules import Rule

if TYPE_CHECKING:
    from ._model import Exchange, FakeIntercom, FakeRequest, FakeResponse

__all__ = ["FAULT_RULES", "fault_rules"]

# A fault is a rule, or a rule made for one fake (what it accepts: its tokens, its versions).
Fault = Rule | Callable[["FakeIntercom"], Rule]
_RATE_HEADERS: Final = ("X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset", "Retry-After")
_BLANK_STAND_IN: Final = "(a blank body, let through)"  # what the model sees instead of a blank body


def fault_rules(names: frozenset[str], fake: FakeIntercom) -> tuple[Rule, ...]:
    """The rules of the named faults, in the order they apply."""
    return tuple(
        fault if isinstance(fault, Rule) else fault(fake) for name, fault in FAULT_RULES.items() if name in names
    )


# -- what a rule looks at ----------------------------------------------------------------------------------------
def _posts_message(request: FakeRequest) -> bool:
    return request.method.upper() == "POST" and request.path.rstrip("/") == "/messages"


def _created_message(exchange: Exchange) -> bool:
    """The exchange reached Create a message (authorized, within the allowance, a served version)."""
    operation = exchange.operation
    return operation == CREATE_MESSAGE or (operation is not None and _posts_message(exchange.request))


def _payload(request: FakeRequest) -> dict[str, Any] | None:
    try:
        payload = json.loads(request.body)
    except (ValueError, RecursionError, UnicodeDecodeError):
        return None
    return payload if isinstance(payload, dict) else None


def _with_payload(request: FakeRequest, payload: dict[str, Any]) -> FakeRequest:
    return replace(request, body=json.dumps(payload).encode())


def _with_header(request: FakeRequest, name: str, value: str | None) -> FakeRequest:
    headers = {key: item for key, item in request.headers.items() if key != name}
    return replace(request, headers=headers if value is None else {**headers, name: value})


def _errors(answer: FakeResponse) -> list[Any]:
    errors = answer.body.get("errors") if isinstance(answer.body, dict) else None
    return errors if isinstance(errors, list) else []


def _error_code(answer: FakeResponse) -> tuple[Any, Any]:
    first = _errors(answer)[0] if _errors(answer) else {}
    return (first.get("code"), first.get("message")) if isinstance(first, dict) else (None, None)


# -- rules made of a change ----------------------------------------------------------------------------------------
def _on_message(change: Callable[[dict[str, Any]], None]) -> Rule:
    """A rule changing the Message of a 200 answer of Create a message."""

    def after(exchange: Exchange) -> FakeResponse:
        answer = exchange.response
        if answer.status != 200 or not isinstance(answer.body, dict) or not _created_message(exchange):
            return answer
        message = dict(answer.body)
        change(message)
        return replace(answer, body=message)

    return Rule(after=after)


def _on_error(change: Callable[[dict[str, Any]], None]) -> Rule:
    """A rule changing every error envelope the model answers."""

    def after(exchange: Exchange) -> FakeResponse:
        answer = exchange.response
        if not _errors(answer):
            return answer
        body = dict(answer.body)
        change(body)
        return replace(answer, body=body)

    return Rule(after=after)


def _on_headers(change: Callable[[FakeResponse], dict[str, str]]) -> Rule:
    return Rule(after=lambda exchange: replace(exchange.response, headers=change(exchange.response)))


def _status(new: int, applies: Callable[[Exchange], bool]) -> Rule:
    """A rule answering another status where `applies`."""
    return Rule(
        after=lambda exchange: replace(exchange.response, status=new) if applies(exchange) else exchange.response
    )


def _error_envelope(exchange: Exchange, status: int, code: str, message: str) -> FakeResponse:
    answer = exchange.response
    error = {"code": code, "message": message}
    body = {"type": "error.list", "request_id": answer.headers.get("X-Request-Id"), "errors": [error]}
    return replace(answer, status=status, body=body)


# -- decisions: what the model is shown, what its refusal becomes ---------------------------------------------------
def _ignore_auth(fake: FakeIntercom) -> Rule:
    """The model sees the workspace's token wherever the request's does not open the door."""
    return Rule(
        before=lambda request: (
            request
            if fake.accepts(request)
            else _with_header(request, "authorization", f"Bearer {fake.token_for(request.region)}")
        )
    )


def _accept_other_region_token(fake: FakeIntercom) -> Rule:
    """The model sees this region's token where the request holds another region's."""

    def before(request: FakeRequest) -> FakeRequest:
        token = (request.header("Authorization") or "").partition(" ")[2].strip()
        if fake.accepts(request) or token not in fake.settings.tokens.values():
            return request
        return _with_header(request, "authorization", f"Bearer {fake.token_for(request.region)}")

    return Rule(before=before)


def _ignore_version(fake: FakeIntercom) -> Rule:
    """An unknown Intercom-Version is not shown to the model: the workspace's default serves the request."""

    def before(request: FakeRequest) -> FakeRequest:
        version = request.header("Intercom-Version")
        if version is None or fake.contracts.serves(version):
            return request
        return _with_header(request, "intercom-version", None)

    return Rule(before=before)


def _refuse_preview(request: FakeRequest) -> FakeRequest:
    """The model is shown a version it does not know where the request names Preview (or Unstable)."""
    version = request.header("Intercom-Version")
    if version not in ("Preview", "Unstable"):
        return request
    return _with_header(request, "intercom-version", f"{version} (refused by the fault refuse-preview)")


def _blank_body_let_through(request: FakeRequest) -> FakeRequest:
    """The model sees a body where Create a message's is blank (the Message echoes the blank one: see below)."""
    payload = _payload(request)
    if payload is None or (isinstance(payload.get("body"), str) and payload["body"].strip()):
        return request
    return _with_payload(request, {**payload, "body": _BLANK_STAND_IN})


def _blank_body_echoed(exchange: Exchange) -> FakeResponse:
    answer = exchange.response
    if answer.status != 200 or not isinstance(answer.body, dict) or answer.body.get("body") != _BLANK_STAND_IN:
        return answer
    sent = (_payload(exchange.request) or {}).get("body")
    return replace(answer, body={**answer.body, "body": sent if isinstance(sent, str) else ""})


def _email_subject_let_through(request: FakeRequest) -> FakeRequest:
    """The model sees an empty subject where an email has none (the Message's subject is empty either way)."""
    payload = _payload(request)
    if payload is None or payload.get("message_type") != "email" or "subject" in payload:
        return request
    return _with_payload(request, {**payload, "subject": ""})


def _created_at_ignored(request: FakeRequest) -> FakeRequest:
    """The model is not shown the created_at sent (an integer: an invalid one is still refused): it stamps its
    own clock."""
    payload = _payload(request)
    sent = None if payload is None else payload.get("created_at")
    if payload is None or not isinstance(sent, int) or isinstance(sent, bool):
        return request
    return _with_payload(request, {name: value for name, value in payload.items() if name != "created_at"})


def _contract_refusal(exchange: Exchange) -> bool:
    """A 400 of Create a message for breaking its contract (not the documented blank body)."""
    code, message = _error_code(exchange.response)
    return (
        _created_message(exchange)
        and exchange.response.status == 400
        and code == "parameter_invalid"
        and message != BODY_REQUIRED[2]
    )


def _server_error(exchange: Exchange) -> FakeResponse:
    if not _created_message(exchange):
        return exchange.response
    return _error_envelope(exchange, 500, "server_error", "Something went wrong")


# -- answers: what is said -------------------------------------------------------------------------------------------
def _id_integer(message: dict[str, Any]) -> None:
    if str(message.get("id", "")).isdigit():
        message["id"] = int(message["id"])


def _in_app_unmapped(message: dict[str, Any]) -> None:
    if message.get("message_type") == "inapp":
        message["message_type"] = "in_app"


def _subject_on_in_app(message: dict[str, Any]) -> None:
    if message.get("message_type") in ("inapp", "in_app"):
        message["subject"] = ""


def _email_without_subject(message: dict[str, Any]) -> None:
    if message.get("message_type") == "email":
        message.pop("subject", None)


def _body_signed(message: dict[str, Any]) -> None:
    message["body"] = f"{message.get('body', '')}\n-- sent by Fake Intercom"


def _me_in_the_us(exchange: Exchange) -> FakeResponse:
    answer = exchange.response
    request, operation = exchange.request, exchange.operation
    me = operation == IDENTIFY_ADMIN or (
        operation is not None and request.method.upper() == "GET" and request.path == "/me"
    )
    if not me or answer.status != 200 or not isinstance(answer.body, dict):
        return answer
    app = answer.body.get("app")
    if not isinstance(app, dict):
        return answer
    return replace(answer, body={**answer.body, "app": {**app, "id_code": "fakeus", "region": "US"}})


def _rate_limit_wrong_code(exchange: Exchange) -> FakeResponse:
    answer = exchange.response
    if answer.status != 429 or _error_code(answer)[0] != RATE_LIMITED[1]:
        return answer
    error = {**_errors(answer)[0], "code": "too_many_requests"}
    return replace(answer, body={**answer.body, "errors": [error]})


def _without_rate_headers(answer: FakeResponse) -> dict[str, str]:
    return {name: value for name, value in answer.headers.items() if name not in _RATE_HEADERS}


def _incoherent_remaining(answer: FakeResponse) -> dict[str, str]:
    limit, remaining = answer.headers.get("X-RateLimit-Limit", ""), answer.headers.get("X-RateLimit-Remaining", "")
    if not (limit.isdigit() and remaining.isdigit()):
        return answer.headers
    return {**answer.headers, "X-RateLimit-Remaining": str(int(remaining) + 2 * int(limit))}


def _reversed_request_id(body: dict[str, Any]) -> None:
    body["request_id"] = str(body.get("request_id"))[::-1]


def _integer_request_id(body: dict[str, Any]) -> None:
    body["request_id"] = 12345


def _untyped(body: dict[str, Any]) -> None:
    body.pop("type", None)


def _as_html(answer: FakeResponse) -> dict[str, str]:
    if not _errors(answer):
        return answer.headers
    return {**answer.headers, "Content-Type": "text/html; charset=utf-8"}


# -- the workspace's state: what a list answers against what was done before ---------------------------------------
_CONTACT_ITEM: Final = re.compile(r"/contacts/[^/]+")
_CONTACT_LISTS: Final = frozenset({("GET", "/contacts"), ("POST", "/contacts/search")})


def _route(request: FakeRequest) -> tuple[str, str]:
    return request.method.upper(), request.path.rstrip("/") or "/"


def _cursor(request: FakeRequest) -> str | None:
    """The `starting_after` a list request carries (its query, or a search's body pagination)."""
    asked = dict(parse_qsl(request.query)).get("starting_after")
    paging = (_payload(request) or {}).get("pagination")
    return asked or (
        str(paging["starting_after"]) if isinstance(paging, dict) and paging.get("starting_after") else None
    )


def _listed(body: Any) -> str | None:
    """The field of an answer holding its list of items (objects with an id), if it has one."""
    if not isinstance(body, dict):
        return None
    return next(
        (
            name
            for name, value in body.items()
            if isinstance(value, list) and value and all(isinstance(item, dict) and "id" in item for item in value)
        ),
        None,
    )


def _deleted_still_listed(fake: FakeIntercom) -> Rule:
    """Contacts deleted go on being listed: each as last answered under the version asked, after the first page's
    items (the rule remembers the contacts answered; a fresh workspace forgets them)."""
    answered: dict[tuple[str, str], dict[str, Any]] = {}  # (version, id) -> the contact as answered
    deleted: list[str] = []

    def after(exchange: Exchange) -> FakeResponse:
        answer, (method, path) = exchange.response, _route(exchange.request)
        if answer.status != 200 or not isinstance(answer.body, dict):
            return answer
        if (method, path) in _CONTACT_LISTS:
            return _ghosts_listed(exchange, answered, deleted)
        if method == "DELETE" and _CONTACT_ITEM.fullmatch(path):
            deleted.append(path.rsplit("/", 1)[1])
        elif answer.body.get("type") == "contact" and "deleted" not in answer.body:
            answered[(exchange.version or "", str(answer.body.get("id")))] = answer.body
        return answer

    return Rule(after=after)


def _ghosts_listed(
    exchange: Exchange, answered: dict[tuple[str, str], dict[str, Any]], deleted: list[str]
) -> FakeResponse:
    answer = exchange.response
    field = "data" if isinstance(answer.body, dict) and isinstance(answer.body.get("data"), list) else None
    if answer.status != 200 or field is None:
        return answer
    version = exchange.version or ""
    for item in answer.body[field]:
        if isinstance(item, dict) and item.get("type") == "contact":
            answered[(version, str(item.get("id")))] = item
    if _cursor(exchange.request) is not None:
        return answer  # the first page carries them
    ghosts = [answered[(version, id)] for id in deleted if (version, id) in answered]
    return replace(answer, body={**answer.body, field: [*answer.body[field], *ghosts]})


def _page_repeats_item(fake: FakeIntercom) -> Rule:
    """A page asked after a cursor starts with the item the cursor names (the last item of the page before)."""
    last: dict[tuple[str, str, str, str], dict[str, Any]] = {}  # (region, version, method, path) -> last item

    def after(exchange: Exchange) -> FakeResponse:
        answer, request = exchange.response, exchange.request
        field = _listed(answer.body) if answer.status == 200 else None
        if field is None:
            return answer
        key = (request.region, exchange.version or "", *_route(request))
        before, items = last.get(key), answer.body[field]
        last[key] = items[-1]
        cursor = _cursor(request)
        if cursor is None or before is None or str(before.get("id")) != cursor:
            return answer
        return replace(answer, body={**answer.body, field: [before, *items]})

    return Rule(after=after)


FAULT_RULES: Final[dict[str, Fault]] = {
    # decisions: the model is shown another request, or its answer's status changes
    "ignore-auth": _ignore_auth,
    "accept-other-region-token": _accept_other_region_token,
    "ignore-version": _ignore_version,
    "refuse-preview": Rule(before=_refuse_preview),
    "accept-blank-body": Rule(when=_posts_message, before=_blank_body_let_through, after=_blank_body_echoed),
    "accept-email-without-subject": Rule(when=_posts_message, before=_email_subject_let_through),
    "created-at-ignored": Rule(when=_posts_message, before=_created_at_ignored),
    "no-subject-is-400": _status(400, lambda exchange: _error_code(exchange.response) == NO_SUBJECT[1:]),
    "undocumented-status": _status(418, _contract_refusal),
    "server-error": Rule(when=_posts_message, after=_server_error),
    "rate-limit-wrong-code": Rule(after=_rate_limit_wrong_code),
    # the Message
    "message-without-id": _on_message(lambda message: message.pop("id", None)),
    "message-id-integer": _on_message(_id_integer),
    "in-app-type-unmapped": _on_message(_in_app_unmapped),
    "subject-on-in-app": _on_message(_subject_on_in_app),
    "email-without-subject": _on_message(_email_without_subject),
    "body-not-echoed": _on_message(_body_signed),
    "me-wrong-region": Rule(after=_me_in_the_us),
    # the error envelope and the headers
    "request-id-mismatch": _on_error(_reversed_request_id),
    "error-request-id-uuid-only": _on_error(_integer_request_id),
    "error-without-type": _on_error(_untyped),
    "html-errors": _on_headers(_as_html),
    "no-rate-limit-headers": _on_headers(_without_rate_headers),
    "incoherent-rate-limit": _on_headers(_incoherent_remaining),
    # the workspace's state (found by the stateful flows)
    "deleted-still-listed": _deleted_still_listed,
    "page-repeats-item": _page_repeats_item,
}
