"""Breadth: schemathesis's cases for the chosen operations (--intercom-operations), through our transport."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, given, settings

from contracts.breadth import BREADTH_CHECKS, is_positive, plan, schema_for, send_case
from contracts.checks import CheckContext, judged_by
from contracts.client import IntercomClient
from contracts.contract import Contract
from contracts.run import IntercomRun
from contracts.spec import CREATE_MESSAGE, Operation
from contracts.suite._support import TransportGuard


@judged_by(*BREADTH_CHECKS)
def test_schemathesis_cases(
    intercom_run: IntercomRun,
    intercom_contract: Contract,
    intercom_client: IntercomClient,
    intercom_region: str,
    intercom_operation: Operation,
) -> None:
    schemathesis = pytest.importorskip(
        "schemathesis", reason="breadth needs schemathesis: pip install 'intercom-contracts[fuzz]'"
    )
    run = intercom_run
    has_ids = run.admin_id is not None and run.contact_id is not None
    modes = plan(intercom_operation, live=run.settings.live, allow_writes=run.settings.allow_writes, has_ids=has_ids)
    if isinstance(modes, str):
        pytest.skip(modes)
    schema = schema_for(run.spec, run.token(intercom_region))
    api_operation = schema.find_operation_by_id(intercom_operation.operation_id)
    context = CheckContext(intercom_contract, intercom_region, intercom_client.version, intent="breadth")
    strategies = [api_operation.as_strategy(generation_mode=schemathesis.GenerationMode(mode)) for mode in modes]

    @settings(
        max_examples=run.settings.max_examples,
        deadline=None,
        database=None,
        print_blob=True,
        phases=[phase for phase in settings().phases if phase is not Phase.explain],
        suppress_health_check=list(HealthCheck),  # schemathesis's strategies filter; that is theirs to tune
    )
    @given(case=_one_of(strategies))
    def breadth(case: Any) -> None:
        if intercom_operation.operation_id == CREATE_MESSAGE and is_positive(case) and has_ids:
            _pin_parties(case, run)  # messages only ever go from the run's admin to the run's contact
            if run.settings.live and not run.budget.take():
                return
        transport.attempt(lambda: send_case(case, intercom_client, context))

    transport = TransportGuard()
    breadth()
    transport.raise_if_failed()


def _one_of(strategies: list[Any]) -> Any:
    from hypothesis import strategies as st

    return st.one_of(strategies)


def _pin_parties(case: Any, run: IntercomRun) -> None:
    """A live positive case only ever goes from the run's admin to the run's contact."""
    if isinstance(case.body, dict):
        case.body["from"] = {"type": "admin", "id": run.admin_id}
        case.body["to"] = {"type": "user", "id": run.contact_id}
