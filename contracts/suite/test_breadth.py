"""Breadth: schemathesis's cases for the chosen operations (--intercom-operations), through our transport."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, reject, settings

from ..checks import Intent, Judge
from ..errors import IntercomContractsError
from ..live import IntercomClient
from ..run import (
    BREADTH_CHECKS,
    IntercomRun,
    accepted_though_negative,
    is_positive,
    names_another_version,
    pin_parties,
    plan,
    schema_for,
    send_case,
    undocumented_in,
)
from ..spec import CREATE_MESSAGE, Operation
from ._support import TransportGuard, property_settings


@pytest.mark.intercom_checks(*BREADTH_CHECKS)
def test_schemathesis_cases(
    intercom_run: IntercomRun, intercom_client: IntercomClient, judge: Judge, intercom_operation: Operation
) -> None:
    schemathesis = pytest.importorskip(
        "schemathesis", reason="breadth needs schemathesis: pip install 'intercom-contracts[fuzz]'"
    )
    run = intercom_run
    live = run.settings.live
    has_ids = run.admin_id is not None and run.contact_id is not None
    modes = plan(intercom_operation, live=live, allow_writes=run.settings.allow_writes, has_ids=has_ids)
    if isinstance(modes, str):
        pytest.skip(modes)
    spec = run.spec_for(intercom_client.version)
    if not spec.has_operation(intercom_operation.operation_id):
        pytest.skip(f"{intercom_operation.operation_id} is not in {spec.source}")
    operation = spec.operation(intercom_operation.operation_id)  # this version's (its path may be spelt otherwise)
    try:
        schema = schema_for(spec, run.token(intercom_client.region), frozenset({intercom_operation.operation_id}))
    except IntercomContractsError as error:
        pytest.fail(str(error), pytrace=False)
    api_operation = schema.find_operation_by_id(intercom_operation.operation_id)
    strategies = [api_operation.as_strategy(generation_mode=schemathesis.GenerationMode(mode)) for mode in modes]
    creates = intercom_operation.operation_id == CREATE_MESSAGE
    transport = TransportGuard()
    served = run.contracts.documented  # every Intercom-Version value Intercom serves

    @settings(
        property_settings(run),  # live: generation only; never the explain phase
        database=None,  # schemathesis's cases are not ours to keep
        suppress_health_check=list(HealthCheck),  # schemathesis's strategies filter; that is theirs to tune
    )
    @given(case=_one_of(strategies))
    def breadth(case: Any) -> None:
        if creates and (live or is_positive(case)):
            pin_parties(case, run.admin_id, run.contact_id)  # messages only from the run's admin to its contact
        if (
            undocumented_in(case, operation, spec)
            or accepted_though_negative(case, operation, spec)
            or names_another_version(case, served)
        ):
            reject()  # neither sent as valid nor expected to be refused
        exchange = transport.attempt(lambda: send_case(case, intercom_client))
        if exchange is not None:
            judge(exchange, Intent.BREADTH, case=case, operation=intercom_operation.operation_id)

    breadth()
    transport.conclude()


def _one_of(strategies: list[Any]) -> Any:
    from hypothesis import strategies as st

    return st.one_of(strategies)
