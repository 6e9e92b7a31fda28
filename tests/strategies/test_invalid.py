"""invalid_create_message_requests: every draw is refused by its contract for the rule it claims."""

from __future__ import annotations

import json
from collections import Counter

import pytest
from hypothesis import Phase, given, settings

from contracts import Contract, ContractViolation, load_spec
from strategies import InvalidRequest, invalid_create_message_requests

from ..conftest import OFFICIAL_VERSIONS, official_path


def _contract(source: str) -> Contract:
    return load_spec(source if source == "bundled" else str(official_path(source))).contract()


@pytest.mark.parametrize("source", ["bundled", *OFFICIAL_VERSIONS])
def test_every_draw_is_refused_where_it_claims(source: str) -> None:
    contract = _contract(source)

    @given(invalid_create_message_requests(contract))
    def check(invalid: InvalidRequest) -> None:
        if invalid.raw is not None:
            with pytest.raises(ValueError):  # noqa: PT011 - json raises a ValueError subclass
                json.loads(invalid.raw)
            return
        with pytest.raises(ContractViolation) as raised:
            contract.validate_create_message_request(invalid.payload)
        violation = raised.value
        # Refused at the claimed place or at an ancestor (a required field is reported on its parent).
        assert invalid.expected.path.startswith(violation.path), (violation, invalid.expected)
        if invalid.expected.rule == "required" and violation.rule == "required":
            assert invalid.expected.path.rsplit(".", 1)[-1] in violation.message

    check()


def test_documented_answers_are_attached() -> None:
    seen: Counter[tuple[str, str, int | None, str | None]] = Counter()

    @settings(max_examples=500, database=None, phases=[Phase.generate])
    @given(invalid_create_message_requests(_contract("bundled")))
    def collect(invalid: InvalidRequest) -> None:
        e = invalid.expected
        seen[(e.rule, e.path, e.status, e.code)] += 1

    collect()
    assert ("required", "$.subject", 422, "parameter_not_found") in seen
    assert ("blank", "$.body", 400, "parameter_invalid") in seen
    assert ("malformed-json", "$", 400, None) in seen
    assert any(rule == "enum" and status is None for rule, _, status, _ in seen)


def test_rejection_accepts_only_the_documented_answer() -> None:
    from strategies import Rejection

    documented = Rejection("blank", "$.body", 400, "parameter_invalid")
    assert documented.accepts(400, ["parameter_invalid"])
    assert not documented.accepts(422, ["parameter_invalid"])
    assert not documented.accepts(400, ["bad_request"])
    loose = Rejection("enum", "$.message_type")
    assert loose.accepts(404, [])
    assert not loose.accepts(500, [])
    assert not loose.accepts(200, [])
    assert loose.describe() == "enum at $.message_type -> any 4xx"
