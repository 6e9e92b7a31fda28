"""messages and error_lists: valid answers, and the Message a request should produce."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from contracts import load_spec
from contracts.spec import DOCUMENTED_ERRORS
from strategies import create_message_requests, error_lists, messages

CONTRACT = load_spec("bundled").contract()


@given(messages(CONTRACT))
def test_messages_validate(message: dict[str, Any]) -> None:
    CONTRACT.validate_message(message)
    assert ("subject" in message) is (message["message_type"] == "email")


@given(data=st.data())
def test_the_message_for_a_request_echoes_it(data: st.DataObject) -> None:
    request = data.draw(create_message_requests(CONTRACT))
    message = data.draw(messages(CONTRACT, for_request=request))
    CONTRACT.validate_message(message)
    assert message["body"] == request["body"]
    assert message["message_type"] == {"email": "email", "in_app": "inapp"}[request["message_type"]]
    assert message.get("subject") == (request["subject"] if request["message_type"] == "email" else None)
    if "created_at" in request:
        assert message["created_at"] == request["created_at"]


@given(status=st.sampled_from(sorted(DOCUMENTED_ERRORS)), data=st.data())
def test_error_lists_validate_with_codes_of_their_status(status: int, data: st.DataObject) -> None:
    envelope = data.draw(error_lists(status=status))
    CONTRACT.validate_error(envelope)
    assert {e["code"] for e in envelope["errors"]} <= set(DOCUMENTED_ERRORS[status])


def test_bad_arguments_fail_at_once() -> None:
    with pytest.raises(InvalidArgument, match="status must be one of"):
        error_lists(status=418)
    with pytest.raises(InvalidArgument, match="for_request must be a valid email or in_app request"):
        messages(CONTRACT, for_request={"message_type": "sms"})


def test_error_lists_take_the_contract_first_like_every_strategy() -> None:
    from hypothesis import find

    from contracts import load_spec
    from strategies import error_lists

    contract = load_spec("official:2.14").contract()
    found = find(error_lists(contract, status=429), lambda body: True)
    contract.validate_error(found)
    assert found["errors"][0]["code"] == "rate_limit_exceeded"
    with pytest.raises(InvalidArgument):
        error_lists("not a contract").example()  # type: ignore[arg-type]
