"""Create a message: valid requests are answered with the Message they ask for; invalid ones are refused."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import example, given

from strategies import InvalidRequest, create_message_requests, documented_rejections, invalid_create_message_requests

from ..checks import RESPONSE_CHECKS, Intent, Judge
from ..live import IntercomClient
from ..run import IntercomRun
from ..spec import Contract
from ._support import TransportGuard, budget_part, echoing_example, property_settings, sample_email

VALID_CHECKS = (*RESPONSE_CHECKS, "message_echoes_request")
INVALID_CHECKS = (*RESPONSE_CHECKS, "invalid_request_rejected")


@pytest.mark.intercom_checks(*VALID_CHECKS)
def test_valid_messages_are_created(
    intercom_run: IntercomRun, intercom_contract: Contract, intercom_client: IntercomClient, judge: Judge
) -> None:
    run = intercom_run
    transport = TransportGuard()
    with budget_part(run, intercom_client, "valid") as share:  # released even when skipped
        if run.settings.live and (run.admin_id is None or run.contact_id is None):
            pytest.skip(
                "creates messages: set --intercom-admin-id and --intercom-contact-id (or INTERCOM_ADMIN_ID, "
                "INTERCOM_CONTACT_ID) to the sandbox's own admin and contact"
            )

        @property_settings(run)
        @given(create_message_requests(intercom_contract, admin_id=run.admin_id, contact_id=run.contact_id))
        def created(payload: dict[str, Any]) -> None:
            send = lambda: intercom_client.request("POST", "/messages", payload=payload, share=share)  # noqa: E731
            exchange = transport.attempt(send)
            if exchange is not None:
                judge(exchange, Intent.VALID)

        first = echoing_example(run, intercom_contract)
        (created if first is None else example(first)(created))()
    transport.conclude()


@pytest.mark.intercom_checks(*INVALID_CHECKS)
def test_invalid_requests_are_refused(
    intercom_run: IntercomRun, intercom_contract: Contract, intercom_client: IntercomClient, judge: Judge
) -> None:
    run = intercom_run
    transport = TransportGuard()
    strategy = invalid_create_message_requests(intercom_contract, admin_id=run.admin_id, contact_id=run.contact_id)

    with budget_part(run, intercom_client, "invalid") as share:

        @property_settings(run)
        @given(strategy)
        def refused(invalid: InvalidRequest) -> None:
            content = invalid.content()
            send = lambda: intercom_client.request("POST", "/messages", content=content, share=share)  # noqa: E731
            exchange = transport.attempt(send)
            if exchange is not None:
                judge(exchange, Intent.INVALID, expected=invalid.expected)

        refused()
    transport.conclude()


@pytest.mark.intercom_checks(*INVALID_CHECKS)
def test_documented_rejections_get_their_documented_answer(
    intercom_run: IntercomRun, intercom_client: IntercomClient, judge: Judge
) -> None:
    transport = TransportGuard()
    with budget_part(intercom_run, intercom_client, "documented") as share:
        for invalid in documented_rejections(sample_email(intercom_run)):
            content = invalid.content()
            send = lambda: intercom_client.request("POST", "/messages", content=content, share=share)  # noqa: B023, E731
            exchange = transport.attempt(send)
            if exchange is not None:
                judge(exchange, Intent.INVALID, expected=invalid.expected)
    transport.conclude()
