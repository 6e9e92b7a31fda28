"""Valid answers of Create a message: Message objects and error envelopes, for testing response handling."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from contracts.spec import DOCUMENTED_ERRORS, MESSAGE_TYPES_IN_RESPONSE, Contract

from .text import hostile_text, non_blank_text

__all__ = ["error_lists", "messages", "request_ids"]

_MESSAGE_KINDS = ("user_message", "admin_message")


def request_ids() -> st.SearchStrategy[str]:
    """Request ids as Intercom issues them: short lowercase alphanumerics, not UUIDs."""
    return st.text("abcdefghijklmnopqrstuvwxyz0123456789", min_size=20, max_size=20)


def messages(contract: Contract, *, for_request: dict[str, Any] | None = None) -> st.SearchStrategy[dict[str, Any]]:
    """Message objects the contract accepts; with `for_request`, the Message that request should produce."""
    if not isinstance(contract, Contract):
        raise InvalidArgument(f"contract must be a Contract (from spec.contract()), not {type(contract).__name__}")
    if for_request is not None:
        if not isinstance(for_request, dict) or for_request.get("message_type") not in MESSAGE_TYPES_IN_RESPONSE:
            raise InvalidArgument(f"for_request must be a valid email or in_app request payload, not {for_request!r}")
        return _message_for(for_request)
    return st.sampled_from(sorted(MESSAGE_TYPES_IN_RESPONSE)).flatmap(
        lambda message_type: st.builds(
            lambda body, subject, opened: _message_for(
                {
                    "message_type": message_type,
                    "body": body,
                    "subject": subject,
                    "create_conversation_without_contact_reply": opened,
                }
            ),
            non_blank_text(),
            non_blank_text(max_size=80),
            st.booleans(),
        ).flatmap(lambda strategy: strategy)
    )


def _message_for(request: dict[str, Any]) -> st.SearchStrategy[dict[str, Any]]:
    message_type = MESSAGE_TYPES_IN_RESPONSE[request["message_type"]]
    fixed: dict[str, st.SearchStrategy[Any]] = {
        "type": st.sampled_from(_MESSAGE_KINDS),
        "id": st.integers(1, 2**40).map(str),
        "created_at": st.just(request["created_at"])
        if "created_at" in request
        else st.integers(1_500_000_000, 2_000_000_000),
        "body": st.just(request["body"]),
        "message_type": st.just(message_type),
    }
    if message_type == "email":
        fixed["subject"] = st.just(request["subject"])
    if request.get("create_conversation_without_contact_reply"):
        fixed["conversation_id"] = st.integers(1, 2**40).map(str)
    return st.fixed_dictionaries(fixed)


def error_lists(contract: Contract | None = None, *, status: int | None = None) -> st.SearchStrategy[dict[str, Any]]:
    """Error envelopes (`error.list`) with documented codes; for `status`, the codes documented for it.

    The contract comes first, as for every strategy; it may be left out (the envelope is the same in every version).
    """
    if contract is not None and not isinstance(contract, Contract):
        raise InvalidArgument(f"contract must be a Contract (from spec.contract()), not {type(contract).__name__}")
    if status is not None and status not in DOCUMENTED_ERRORS:
        raise InvalidArgument(f"status must be one of {sorted(DOCUMENTED_ERRORS)} or None, not {status!r}")
    codes = sorted({code for s, group in DOCUMENTED_ERRORS.items() if status in (None, s) for code in group})
    error = st.fixed_dictionaries(
        {"code": st.sampled_from(codes)},
        optional={
            "message": st.one_of(st.none(), hostile_text(max_size=60)),
            "field": st.one_of(st.none(), st.sampled_from(["body", "subject", "from", "to"])),
        },
    )
    return st.fixed_dictionaries(
        {
            "type": st.just("error.list"),
            "request_id": st.one_of(request_ids(), st.none()),
            "errors": st.lists(error, min_size=1, max_size=3),
        }
    )
