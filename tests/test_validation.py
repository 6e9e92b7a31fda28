"""Validators: the accelerator agrees with jsonschema, and failures are explained by the branch meant."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from contracts import ContractViolation, load_spec
from contracts.schema import Validator

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(
            st.sampled_from(["type", "id", "created_at", "body", "message_type", "subject", "conversation_id", "x"]),
            inner,
            max_size=7,
        )
    ),
    max_leaves=12,
)


@pytest.fixture(scope="module")
def message_validators() -> tuple[Validator, Validator]:
    schema = load_spec("bundled").contract().message_schema
    fast = Validator(schema, subject="Message")
    if not fast.accelerated:
        pytest.skip("jsonschema-rs is not installed")
    return fast, Validator(schema, subject="Message", fast=False)


@given(value=json_values)
def test_accelerator_and_reference_agree(message_validators: tuple[Validator, Validator], value: Any) -> None:
    fast, reference = message_validators
    assert fast.is_valid(value) is reference.is_valid(value)


def test_violation_names_path_rule_expected_and_received() -> None:
    contract = load_spec("bundled").contract()
    message = {"type": "user_message", "id": 7, "created_at": 1, "body": "b", "message_type": "inapp"}
    with pytest.raises(ContractViolation) as raised:
        contract.validate_message(message)
    violation = raised.value
    assert (violation.path, violation.rule, violation.received) == ("$.id", "type", 7)
    assert violation.expected == {"type": "string"}
    assert str(violation).splitlines()[-2:] == ["  Received: 7", '  Documented: {"type": "string"}']


def test_the_branch_meant_by_the_discriminator_explains_the_failure() -> None:
    contract = load_spec("bundled").contract()
    email = {
        "message_type": "email",
        "body": "Hi",
        "template": "plain",
        "from": {"type": "admin", "id": 1},
        "to": {"type": "user", "id": "u1"},
    }
    with pytest.raises(ContractViolation, match="'subject' is a required property"):
        contract.validate_create_message_request(email)
    with pytest.raises(ContractViolation) as raised:
        contract.validate_create_message_request({**email, "subject": "s", "from": {"type": "admin", "id": "1"}})
    assert raised.value.path == "$.from.id"


def test_violations_lists_every_failure() -> None:
    contract = load_spec("bundled").contract()
    found = list(contract.compiled.message.violations({"type": "", "created_at": "x"}))
    assert {v.path for v in found} >= {"$", "$.type", "$.created_at"}


def test_blank_body_and_non_objects_are_refused_by_every_contract() -> None:
    contract = load_spec("bundled").contract()
    with pytest.raises(ContractViolation, match=r"\$\.body"):
        contract.validate_create_message_request(
            {
                "message_type": "in_app",
                "body": " \n\t",
                "from": {"type": "admin", "id": 1},
                "to": {"type": "user", "id": "u"},
            }
        )
    with pytest.raises(ContractViolation, match="is not of type 'object'"):
        contract.validate_create_message_request(["not", "an", "object"])
