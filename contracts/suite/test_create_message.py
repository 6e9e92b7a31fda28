"""Create a message: valid requests are answered with the Message they ask for; invalid ones are refused."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, given, settings

from contracts.checks import RESPONSE_CHECKS, CheckContext, judge, judged_by
from contracts.client import IntercomClient
from contracts.contract import Contract
from contracts.run import IntercomRun
from contracts.suite._support import TransportGuard
from strategies import InvalidRequest, create_message_requests, documented_rejections, invalid_create_message_requests

VALID_CHECKS = (*RESPONSE_CHECKS, "message_echoes_request")
INVALID_CHECKS = (*RESPONSE_CHECKS, "invalid_request_rejected")


def _settings(run: IntercomRun) -> settings:
    return settings(
        max_examples=run.settings.max_examples,
        deadline=None,
        print_blob=True,  # the way to replay a failure exactly: @reproduce_failure(...)
        # No explain phase: it replays variations of a failing request, which a live workspace would receive too.
        phases=[phase for phase in settings().phases if phase is not Phase.explain],
        suppress_health_check=[HealthCheck.function_scoped_fixture],
    )


@judged_by(*VALID_CHECKS)
def test_valid_messages_are_created(
    intercom_run: IntercomRun, intercom_contract: Contract, intercom_client: IntercomClient, intercom_region: str
) -> None:
    run = intercom_run
    if run.settings.live and (run.admin_id is None or run.contact_id is None):
        pytest.skip(
            "creates messages: set --intercom-admin-id and --intercom-contact-id (or INTERCOM_ADMIN_ID, "
            "INTERCOM_CONTACT_ID) to the sandbox's own admin and contact"
        )
    context = CheckContext(intercom_contract, intercom_region, intercom_client.version, intent="valid")
    transport = TransportGuard()
    capped: list[bool] = []

    @_settings(run)
    @given(create_message_requests(intercom_contract, admin_id=run.admin_id, contact_id=run.contact_id))
    def created(payload: dict[str, Any]) -> None:
        if run.settings.live and not run.budget.take():
            capped.append(True)
            return
        exchange = transport.attempt(lambda: intercom_client.request("POST", "/messages", payload=payload))
        if exchange is not None:
            judge(context, exchange, VALID_CHECKS)

    created()
    transport.raise_if_failed()
    if capped and run.budget.used >= run.settings.max_live_messages and len(capped) == run.settings.max_examples:
        pytest.skip(f"the live message cap (--intercom-max-live-messages {run.settings.max_live_messages}) is reached")


@judged_by(*INVALID_CHECKS)
def test_invalid_requests_are_refused(
    intercom_run: IntercomRun, intercom_contract: Contract, intercom_client: IntercomClient, intercom_region: str
) -> None:
    transport = TransportGuard()

    @_settings(intercom_run)
    @given(invalid_create_message_requests(intercom_contract))
    def refused(invalid: InvalidRequest) -> None:
        context = CheckContext(
            intercom_contract, intercom_region, intercom_client.version, intent="invalid", expected=invalid.expected
        )
        exchange = transport.attempt(lambda: intercom_client.request("POST", "/messages", content=invalid.content()))
        if exchange is not None:
            judge(context, exchange, INVALID_CHECKS)

    refused()
    transport.raise_if_failed()


@judged_by(*INVALID_CHECKS)
def test_documented_rejections_get_their_documented_answer(
    intercom_run: IntercomRun, intercom_contract: Contract, intercom_client: IntercomClient, intercom_region: str
) -> None:
    email = {
        "message_type": "email",
        "subject": "Contract check",
        "body": "Hello from intercom-contracts",
        "template": "plain",
        "from": {"type": "admin", "id": intercom_run.admin_id or 1},
        "to": {"type": "user", "id": intercom_run.contact_id or "0"},
    }
    for invalid in documented_rejections(email):
        context = CheckContext(
            intercom_contract, intercom_region, intercom_client.version, intent="invalid", expected=invalid.expected
        )
        judge(context, intercom_client.request("POST", "/messages", content=invalid.content()), INVALID_CHECKS)
