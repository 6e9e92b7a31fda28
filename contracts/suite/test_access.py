"""Authentication, the Intercom-Version header, regions, rate limits and GET /me."""

from __future__ import annotations

import pytest

from contracts.checks import CheckContext, judge, judged_by
from contracts.client import IntercomClient
from contracts.contract import Contract
from contracts.run import IntercomRun

REFUSAL_CHECKS = ("status_code_documented", "json_content_type", "error_envelope", "request_id_matches")
# Versions no server could know (never a later real one: it may exist by the time this runs).
UNKNOWN_VERSIONS = ("9.99", "banana")


@judged_by("auth_required", *REFUSAL_CHECKS)
@pytest.mark.parametrize("intent", ["no-token", "wrong-token"])
def test_requests_without_a_valid_token_are_refused(
    intercom_contract: Contract, intercom_client: IntercomClient, intercom_region: str, intent: str
) -> None:
    token = None if intent == "no-token" else "not-a-token-" + "0" * 24
    context = CheckContext(intercom_contract, intercom_region, intercom_client.version, intent=intent)
    for method, path in (("GET", "/me"), ("POST", "/messages")):
        exchange = intercom_client.request(method, path, token=token, payload={"message_type": "in_app"})
        judge(context, exchange, ("auth_required", *REFUSAL_CHECKS))


@judged_by("auth_required", *REFUSAL_CHECKS)
def test_a_token_of_another_region_is_refused(
    intercom_run: IntercomRun, intercom_contract: Contract, intercom_client: IntercomClient, intercom_region: str
) -> None:
    other = intercom_run.other_region_token(intercom_region)
    if other is None:
        pytest.skip("needs a token of another region too (INTERCOM_ACCESS_TOKEN_US/EU/AU)")
    context = CheckContext(intercom_contract, intercom_region, intercom_client.version, intent="other-region-token")
    judge(context, intercom_client.request("GET", "/me", token=other), ("auth_required", *REFUSAL_CHECKS))


@judged_by("region_servers", "auth_required", *REFUSAL_CHECKS)
def test_each_region_server_answers_with_the_envelope(
    intercom_contract: Contract, intercom_client: IntercomClient, intercom_region: str
) -> None:
    context = CheckContext(intercom_contract, intercom_region, intercom_client.version, intent="no-token")
    judge(
        context, intercom_client.request("GET", "/me", token=None), ("region_servers", "auth_required", *REFUSAL_CHECKS)
    )


@judged_by("version_accepted", "me_region", "rate_limit_headers", "request_id_matches")
def test_the_version_under_test_and_the_default_are_served(
    intercom_contract: Contract, intercom_client: IntercomClient, intercom_region: str
) -> None:
    for version in (intercom_client.version, None):
        context = CheckContext(intercom_contract, intercom_region, version, intent="read")
        exchange = intercom_client.request("GET", "/me", version=version)
        judge(context, exchange, ("version_accepted", "me_region", "rate_limit_headers", "request_id_matches"))


@judged_by("version_refused", *REFUSAL_CHECKS)
@pytest.mark.parametrize("unknown", UNKNOWN_VERSIONS)
def test_an_unknown_version_is_refused(
    intercom_contract: Contract, intercom_client: IntercomClient, intercom_region: str, unknown: str
) -> None:
    context = CheckContext(intercom_contract, intercom_region, intercom_client.version, intent="unknown-version")
    judge(context, intercom_client.request("GET", "/me", version=unknown), ("version_refused", *REFUSAL_CHECKS))


@judged_by("rate_limit_body", "rate_limit_headers", *REFUSAL_CHECKS)
def test_beyond_the_allowance_429_says_rate_limit_exceeded(
    intercom_run: IntercomRun, intercom_contract: Contract, intercom_client: IntercomClient, intercom_region: str
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
    context = CheckContext(intercom_contract, intercom_region, intercom_client.version, intent="read")
    statuses = [exchange.status for exchange in exchanges]
    for exchange in exchanges:
        judge(context, exchange, ("rate_limit_body", "rate_limit_headers", "request_id_matches"))
    limited = exchanges[-1]
    judge(context, limited, REFUSAL_CHECKS)
    assert limited.status == 429, f"region {intercom_region}: three requests within an allowance of 2 got {statuses}"
