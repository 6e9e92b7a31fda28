"""invalid_create_message_requests: every draw is refused by its contract for the rule it claims."""

from __future__ import annotations

import json

import pytest
from hypothesis import Phase, find, given, settings

from contracts import Contract, ContractViolation, load_spec
from strategies import InvalidRequest, invalid_create_message_requests

from ..conftest import PUBLISHED


def _contract(source: str) -> Contract:
    return load_spec(source if source == "bundled" else f"official:{source}").contract()


@pytest.mark.parametrize("source", ["bundled", *PUBLISHED])
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


@pytest.mark.parametrize(
    "wanted",
    [
        ("required", "$.subject", 422, "parameter_not_found"),
        ("blank", "$.body", 400, "parameter_invalid"),
        ("required", "$.body", 400, "parameter_invalid"),
        ("malformed-json", "$", 400, None),
        ("enum", "$.message_type", None, None),
    ],
)
def test_documented_answers_are_attached(wanted: tuple[str, str, int | None, str | None]) -> None:
    # `find` searches until it meets one (a fixed seed: the same search every run), where counting what a sample
    # of draws happened to hold could miss a kind by chance.
    def is_wanted(invalid: InvalidRequest) -> bool:
        e = invalid.expected
        return (e.rule, e.path, e.status, e.code) == wanted

    settings_ = settings(max_examples=5000, database=None, derandomize=True, phases=[Phase.generate])
    found = find(invalid_create_message_requests(_contract("bundled")), is_wanted, settings=settings_)
    assert is_wanted(found)


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
