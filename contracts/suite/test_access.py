"""Authentication, the Intercom-Version header, regions, rate limits and GET /me.

Each request is one Intercom documents as valid but for the one thing under test (the credential, the version):
GET /me carries no body, POST /messages a valid message from the run's admin to the run's contact.
"""

from __future__ import annotations

import pytest

from ..checks import Intent, Judge
from ..live import IntercomClient
from ..run import IntercomRun
from ._support import TransportGuard, budget_part, sample_email

REFUSAL_CHECKS = ("status_code_documented", "json_content_type", "error_envelope", "request_id_matches")
# Versions no server could know (never a later real one: it may exist by the time this runs).
UNKNOWN_VERSIONS = ("9.99", "banana")


@pytest.mark.intercom_checks("auth_required", *REFUSAL_CHECKS)
@pytest.mark.parametrize("intent", [Intent.NO_TOKEN, Intent.WRONG_TOKEN], ids=str)
def test_requests_without_a_valid_token_are_refused(
    intercom_run: IntercomRun, intercom_client: IntercomClient, judge: Judge, intent: Intent
) -> None:
    token = None if intent is Intent.NO_TOKEN else "not-a-token-" + "0" * 24
    transport = TransportGuard()  # a live run without the admin and contact ids sends no message, even unauthorized
    payload = sample_email(intercom_run)
    # Both sent before either is judged: the message's part of the budget is used (or released) whatever the
    # verdict on GET /me.
    with budget_part(intercom_run, intercom_client, str(intent)) as share:  # a message, were it wrongly accepted
        me = intercom_client.request("GET", "/me", token=token)
        send = lambda: intercom_client.request("POST", "/messages", token=token, payload=payload, share=share)  # noqa: E731
        exchange = transport.attempt(send)
    try:
        judge(me, intent)
    finally:  # both judged: a GET /me accepted does not hide a message accepted
        if exchange is not None:
            judge(exchange, intent)
    transport.raise_if_failed()


@pytest.mark.intercom_checks("auth_required", *REFUSAL_CHECKS)
def test_a_token_of_another_region_is_refused(
    intercom_run: IntercomRun, intercom_client: IntercomClient, judge: Judge
) -> None:
    other = intercom_run.other_region_token(intercom_client.region)
    if other is None:
        pytest.skip("needs a token of another region too (INTERCOM_ACCESS_TOKEN_US/EU/AU)")
    judge(intercom_client.request("GET", "/me", token=other), Intent.OTHER_REGION_TOKEN)


@pytest.mark.intercom_checks("region_servers", "auth_required", *REFUSAL_CHECKS)
def test_each_region_server_answers_with_the_envelope(intercom_client: IntercomClient, judge: Judge) -> None:
    judge(intercom_client.request("GET", "/me", token=None), Intent.NO_TOKEN)


@pytest.mark.intercom_checks("version_accepted", "me_region", "rate_limit_headers", "request_id_matches")
def test_the_version_under_test_and_the_default_are_served(intercom_client: IntercomClient, judge: Judge) -> None:
    for version in (intercom_client.version, None):
        judge(intercom_client.request("GET", "/me", version=version), Intent.READ)


@pytest.mark.intercom_checks("version_refused", *REFUSAL_CHECKS)
@pytest.mark.parametrize("unknown", UNKNOWN_VERSIONS)
def test_an_unknown_version_is_refused(intercom_client: IntercomClient, judge: Judge, unknown: str) -> None:
    judge(intercom_client.request("GET", "/me", version=unknown), Intent.UNKNOWN_VERSION)


@pytest.mark.intercom_checks("rate_limit_body", "rate_limit_headers", *REFUSAL_CHECKS)
def test_beyond_the_allowance_429_says_rate_limit_exceeded(
    intercom_run: IntercomRun, intercom_client: IntercomClient, judge: Judge
) -> None:
    if intercom_run.settings.live:
        pytest.skip("live: a 429 is not provoked on a real workspace; rate_limit_body judges any 429 met")
    fake = intercom_run.fake
    allowance = fake.settings.rate_limit
    fake.configure(rate_limit=2)
    try:
        exchanges = [intercom_client.request("GET", "/me") for _ in range(3)]
    finally:
        fake.configure(rate_limit=allowance)
        fake.reset_rate_windows()
    for exchange in exchanges:
        judge(exchange, Intent.READ)
    statuses = [exchange.status for exchange in exchanges]
    assert statuses[-1] == 429, f"three requests within an allowance of 2 got {statuses}"
