"""Create-a-message requests the contract refuses, each with the rejection it should get.

Only unambiguous violations: nothing the documented API may accept (see "Inputs whose fate is not documented" in
the facts: no whitespace-only subject, no email without template, no `inapp`, no `to.type: contact`, no extra
keys). The expected status and code are the documented ones where the facts give them, else any 4xx.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from contracts.spec import BODY_REQUIRED, NO_SUBJECT, Contract, Rejection

from .requests import create_message_requests
from .text import BLANKS, any_text

__all__ = ["InvalidRequest", "Rejection", "documented_rejections", "invalid_create_message_requests"]

# Values no version documents for these fields (never a real message type, sender or recipient kind).
_UNKNOWN_MESSAGE_TYPES = ("carrier_pigeon", "fax", "EMAIL", "in-app", "")
_UNKNOWN_PARTY_TYPES = ("banana", "robot", "", "ADMIN")
_NOT_A_STRING: st.SearchStrategy[Any] = st.one_of(
    st.integers(), st.booleans(), st.lists(st.integers(), max_size=2), st.dictionaries(st.just("a"), st.integers())
)
_NOT_AN_INTEGER: st.SearchStrategy[Any] = st.one_of(
    st.booleans(),
    st.lists(st.integers(), max_size=2),
    st.just({"id": 1}),
    st.just("not-an-id"),
    st.integers(0, 9).map(lambda n: n + 0.5),  # a fraction: JSON Schema counts 1.0 as an integer
)
_NOT_AN_OBJECT: st.SearchStrategy[Any] = st.one_of(st.integers(), any_text(max_size=5), st.booleans())


@dataclass(frozen=True)
class InvalidRequest:
    """A payload (or raw text, for malformed JSON) and the rejection it should get."""

    payload: Any
    expected: Rejection
    raw: str | None = None

    def content(self) -> bytes:
        """The bytes to send as the request body."""
        text = self.raw if self.raw is not None else json.dumps(self.payload, ensure_ascii=False)
        return text.encode("utf-8")


def invalid_create_message_requests(
    contract: Contract, *, admin_id: int | None = None, contact_id: str | None = None
) -> st.SearchStrategy[InvalidRequest]:
    """Invalid requests of every documented kind, each knowing the rule it breaks and the answer it should get.

    `admin_id` and `contact_id` pin the sender and the recipient of the valid requests they are made from (a live
    run's guard sends nothing that names anyone else).
    """
    if not isinstance(contract, Contract):
        raise InvalidArgument(f"contract must be a Contract (from spec.contract()), not {type(contract).__name__}")
    valid = create_message_requests(contract, admin_id=admin_id, contact_id=contact_id)
    emails = create_message_requests(contract, message_type="email", admin_id=admin_id, contact_id=contact_id)
    return st.one_of(
        st.builds(_without, valid, st.sampled_from(["message_type", "body", "from", "to"])),
        st.builds(_without_subject, emails),
        st.builds(_with_blank_body, valid, st.text(BLANKS, max_size=4)),
        st.builds(_replace, valid, st.just("body"), _NOT_A_STRING, st.just("type")),
        st.builds(_replace, valid, st.just("message_type"), st.sampled_from(_UNKNOWN_MESSAGE_TYPES), st.just("enum")),
        st.builds(_replace, valid, st.just("message_type"), _NOT_A_STRING, st.just("type")),
        st.builds(_replace, valid, st.just("from"), _NOT_AN_OBJECT, st.just("type")),
        st.builds(_replace, valid, st.just("to"), _NOT_AN_OBJECT, st.just("type")),
        st.builds(_replace_nested, valid, st.just("from"), st.just("id"), _NOT_AN_INTEGER, st.just("type")),
        st.builds(_replace_nested, valid, st.just("from"), st.just("type"), st.sampled_from(_UNKNOWN_PARTY_TYPES)),
        st.builds(_replace_nested, valid, st.just("to"), st.just("type"), st.sampled_from(_UNKNOWN_PARTY_TYPES)),
        st.builds(_drop_nested, valid, st.sampled_from(["from", "to"]), st.sampled_from(["type", "id"])),
        st.builds(_not_an_object, st.one_of(st.lists(st.integers(), max_size=3), any_text(max_size=10), st.none())),
        st.builds(_malformed_json, valid, st.integers(1, 40)),
    )


def documented_rejections(email: dict[str, Any]) -> list[InvalidRequest]:
    """From a valid email payload, the invalid requests whose answer the facts document (status and code)."""
    return [
        _without(email, "body"),
        _with_blank_body(email, " \n\t"),
        _without_subject(email),
        _not_an_object([email]),
        _malformed_json(email, 1),
    ]


def _without(payload: dict[str, Any], field: str) -> InvalidRequest:
    if field == "body":
        status, code, _ = BODY_REQUIRED
        return InvalidRequest(_dropped(payload, field), Rejection("required", "$.body", status, code))
    return InvalidRequest(_dropped(payload, field), Rejection("required", f"$.{field}"))


def _without_subject(email: dict[str, Any]) -> InvalidRequest:
    status, code, _ = NO_SUBJECT
    return InvalidRequest(_dropped(email, "subject"), Rejection("required", "$.subject", status, code))


def _with_blank_body(payload: dict[str, Any], blank: str) -> InvalidRequest:
    status, code, _ = BODY_REQUIRED
    return InvalidRequest({**payload, "body": blank}, Rejection("blank", "$.body", status, code))


def _replace(payload: dict[str, Any], field: str, value: Any, rule: str) -> InvalidRequest:
    return InvalidRequest({**payload, field: value}, Rejection(rule, f"$.{field}"))


def _party(payload: dict[str, Any], party: str) -> dict[str, Any]:
    """The first recipient object of `to` (a list from 2.14), or the sender."""
    value = payload[party]
    return dict(value[0] if isinstance(value, list) else value)


def _with_party(payload: dict[str, Any], party: str, replaced: dict[str, Any]) -> tuple[dict[str, Any], str]:
    if isinstance(payload[party], list):
        return {**payload, party: [replaced, *payload[party][1:]]}, f"$.{party}[0]"
    return {**payload, party: replaced}, f"$.{party}"


def _replace_nested(payload: dict[str, Any], party: str, field: str, value: Any, rule: str = "enum") -> InvalidRequest:
    changed, path = _with_party(payload, party, {**_party(payload, party), field: value})
    return InvalidRequest(changed, Rejection(rule, f"{path}.{field}"))


def _drop_nested(payload: dict[str, Any], party: str, field: str) -> InvalidRequest:
    changed, path = _with_party(payload, party, _dropped(_party(payload, party), field))
    return InvalidRequest(changed, Rejection("required", f"{path}.{field}"))


def _not_an_object(value: Any) -> InvalidRequest:
    return InvalidRequest(value, Rejection("type", "$", 400))


def _malformed_json(payload: dict[str, Any], cut: int) -> InvalidRequest:
    # Without its parties: what is not JSON must name nobody, whatever a lenient parser makes of it (live runs).
    text = json.dumps({key: value for key, value in payload.items() if key not in _PARTIES}, ensure_ascii=False)
    return InvalidRequest(None, Rejection("malformed-json", "$", 400), raw=text[: max(1, len(text) - cut)])


_PARTIES = ("from", "to", "cc", "bcc")


def _dropped(payload: dict[str, Any], field: str) -> dict[str, Any]:
    return {key: value for key, value in payload.items() if key != field}
