"""answer_fits_contract: a flow's answer is a status its operation documents, with a body its schema accepts."""

from __future__ import annotations

import json

from contracts.checks import CheckContext, ExchangeFailures, Intent, judge
from contracts.exchange import Exchange
from contracts.flows import run_flows
from contracts.spec import Contracts

from .conftest import MakeTarget

CHECK = ["answer_fits_contract"]


def _answer(status: int, body: object, path: str = "/tags/7") -> Exchange:
    return Exchange("us", "2.11", "GET", path, {}, None, status, {}, json.dumps(body).encode(), path=path)


def _judged(packed: Contracts, exchange: Exchange, operation: str = "findTag") -> list[str]:
    context = CheckContext(packed.contract("2.11"), "us", "2.11", Intent.FLOW, operation=operation)
    try:
        verdicts = judge(context, exchange, CHECK)
    except ExchangeFailures as failures:
        return [f"{failure.problem} / {failure.documented}" for failure in failures.failures]
    return [verdict.outcome for verdict in verdicts]


def test_a_documented_answer_fits(packed: Contracts) -> None:
    assert _judged(packed, _answer(200, {"type": "tag", "id": "7", "name": "icc"})) == ["passed"]


def test_a_body_the_schema_refuses_does_not_fit(packed: Contracts) -> None:
    (problem,) = _judged(packed, _answer(200, {"type": "tag", "id": 7, "name": "icc"}))
    assert "is not of type 'string'" in problem


def test_an_undocumented_success_does_not_fit(packed: Contracts) -> None:
    (problem,) = _judged(packed, _answer(201, {"type": "tag", "id": "7", "name": "icc"}))
    assert problem.startswith("findTag does not document HTTP 201 / ")


def test_an_error_the_operation_does_not_list_is_still_the_envelope(packed: Contracts) -> None:
    envelope = {"type": "error.list", "request_id": None, "errors": [{"code": "conflict", "message": "Taken"}]}
    assert _judged(packed, _answer(409, envelope)) == ["passed"]
    (problem,) = _judged(packed, _answer(409, {"message": "Taken"}))
    assert problem.startswith("Error list at $: 'type' is a required property")


def test_it_judges_flows_only(packed: Contracts) -> None:
    context = CheckContext(packed.contract("2.11"), "us", "2.11", Intent.VALID, operation="findTag")
    assert [v.outcome for v in judge(context, _answer(201, {}), CHECK)] == ["not-applicable"]


def test_each_answer_is_judged_as_the_client_exchanged_it(fake_target: MakeTarget) -> None:
    # The client's own exchange (headers, URL, the body as it came): its verdicts reach a recording by identity.
    target, _ = fake_target("2.11")
    judged: list[Exchange] = []
    target.judge = lambda exchange, operation: judged.append(exchange)
    run_flows(target, examples=2, steps=6)
    assert judged
    assert all(e.url.startswith("http") and "Intercom-Version" in e.request_headers for e in judged)
