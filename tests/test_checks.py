"""The checks at unit level: fake -> exchange -> check, in milliseconds.

A probe sends the fake a fixed set of requests (valid and invalid messages, the documented rejections, missing,
wrong and foreign tokens, unknown and documented versions, a request beyond the allowance) and judges each by every
check that applies. The healthy fake fails none; each named fault fails its check, with its wording, and the checks
it also breaks are pinned so that a change in what a fault disturbs is noticed.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace

import httpx
import pytest

from contracts import load_spec
from contracts.checks._registry import CHECKS, RESPONSE_CHECKS, CheckFailure, ExchangeFailures, Intent, Judge, judge
from contracts.live import HttpExchange, IntercomClient, Pacing
from contracts.mock import DEFAULT_ADMIN_ID, DEFAULT_CONTACT_ID, FAULTS, FakeIntercom, FakeSettings, IntercomMock
from contracts.spec import Contract, Rejection
from strategies import documented_rejections

REGION = "eu"  # not the US: a fake that reports the US whatever the region is caught too
EMAIL = {
    "message_type": "email",
    "subject": "Welcome",
    "body": "<p>Hello 👋</p>",
    "template": "plain",
    "created_at": 1_700_000_000,
    "from": {"type": "admin", "id": DEFAULT_ADMIN_ID},
    "to": {"type": "user", "id": DEFAULT_CONTACT_ID},
}
IN_APP = {
    "message_type": "in_app",
    "body": "Hi there",
    "create_conversation_without_contact_reply": True,
    "from": {"type": "admin", "id": DEFAULT_ADMIN_ID},
    "to": {"type": "user", "id": DEFAULT_CONTACT_ID},
}
# Fault -> (the check that must catch it, words of its problem, every check the probe sees failing).
CAUGHT_BY: dict[str, tuple[str, str, set[str]]] = {
    "message-without-id": ("message_schema", "'id' is a required property", {"message_schema"}),
    "message-id-integer": ("message_schema", "is not of type 'string'", {"message_schema"}),
    "in-app-type-unmapped": ("message_schema", "is not one of", {"message_schema", "message_echoes_request"}),
    "subject-on-in-app": ("message_echoes_request", "does not echo subject", {"message_echoes_request"}),
    "email-without-subject": ("message_echoes_request", "does not echo subject", {"message_echoes_request"}),
    "body-not-echoed": ("message_echoes_request", "does not echo body", {"message_echoes_request"}),
    "created-at-ignored": ("message_echoes_request", "does not echo created_at", {"message_echoes_request"}),
    "accept-blank-body": ("invalid_request_rejected", "was accepted", {"invalid_request_rejected"}),
    "accept-email-without-subject": ("invalid_request_rejected", "was accepted", {"invalid_request_rejected"}),
    "no-subject-is-400": ("invalid_request_rejected", "answered HTTP 400, not 422", {"invalid_request_rejected"}),
    "ignore-auth": ("auth_required", "without a token was accepted", {"auth_required"}),
    "accept-other-region-token": ("auth_required", "another region's token was accepted", {"auth_required"}),
    "ignore-version": ("version_refused", "(9.99) was accepted", {"version_refused"}),
    "refuse-preview": ("version_accepted", "(Preview) was not served", {"version_accepted"}),
    "no-rate-limit-headers": ("rate_limit_headers", "missing or not integers", {"rate_limit_headers"}),
    "incoherent-rate-limit": ("rate_limit_headers", "outside 0..X-RateLimit-Limit", {"rate_limit_headers"}),
    "rate-limit-wrong-code": ("rate_limit_body", "a 429 without the documented code", {"rate_limit_body"}),
    "request-id-mismatch": ("request_id_matches", "differs from X-Request-Id", {"request_id_matches"}),
    "error-without-type": ("error_envelope", "'type' is a required property", {"error_envelope"}),
    "error-request-id-uuid-only": ("error_envelope", "is not of type", {"error_envelope", "request_id_matches"}),
    "server-error": (
        "no_server_error",
        "the server failed",
        {"no_server_error", "status_code_documented", "message_echoes_request", "invalid_request_rejected"},
    ),
    "html-errors": (
        "json_content_type",
        "the answer is not JSON",
        {
            "json_content_type",
            "error_envelope",
            "auth_required",
            "invalid_request_rejected",
            "version_refused",
            "rate_limit_body",
        },
    ),
    "me-wrong-region": ("me_region", "reports another region", {"me_region"}),
    "undocumented-status": ("status_code_documented", "undocumented status", {"status_code_documented"}),
}


@dataclass
class Probe:
    """What the probe saw: every failure, by check."""

    failures: list[CheckFailure]

    @property
    def failed(self) -> set[str]:
        return {failure.check for failure in self.failures}

    def of(self, check: str) -> list[CheckFailure]:
        return [failure for failure in self.failures if failure.check == check]


@pytest.fixture(scope="module")
def contract() -> Contract:
    return load_spec("bundled").contract()


def _client(fake: FakeIntercom, region: str = REGION) -> IntercomClient:
    mock = IntercomMock(fake)
    return IntercomClient(
        region=region,
        base_url=mock.base_urls[region],
        token=fake.settings.tokens[region],
        version="2.11",
        transport=httpx.MockTransport(mock.router.handler),
        pacing=Pacing(max_wait=0.0),  # the fake's 429 is to be seen, not waited out
    )


def _requests(fake: FakeIntercom, client: IntercomClient) -> Iterator[tuple[HttpExchange, Intent, Rejection | None]]:
    yield client.request("POST", "/messages", payload=EMAIL), Intent.VALID, None
    yield client.request("POST", "/messages", payload=IN_APP), Intent.VALID, None
    for invalid in documented_rejections(EMAIL):
        yield client.request("POST", "/messages", content=invalid.content()), Intent.INVALID, invalid.expected
    unknown_type = Rejection("enum", "$.message_type")
    yield client.request("POST", "/messages", payload={**IN_APP, "message_type": "fax"}), Intent.INVALID, unknown_type
    yield client.request("GET", "/me", token=None), Intent.NO_TOKEN, None
    yield client.request("POST", "/messages", token=None, payload=EMAIL), Intent.NO_TOKEN, None
    yield client.request("GET", "/me", token="not-a-token-" + "0" * 24), Intent.WRONG_TOKEN, None
    yield client.request("GET", "/me", token=fake.settings.tokens["us"]), Intent.OTHER_REGION_TOKEN, None
    yield client.request("GET", "/me", version="9.99"), Intent.UNKNOWN_VERSION, None
    for version in ("2.11", None, "Preview"):
        yield client.request("GET", "/me", version=version), Intent.READ, None
    fake.configure(rate_limit=1)
    fake.reset_rate_windows()
    for _ in range(2):
        yield client.request("GET", "/me"), Intent.READ, None


def probe(contract: Contract, *faults: str) -> Probe:
    # A fixed clock: the two requests beyond the allowance fall in one rate-limit window, whenever the probe runs.
    fake = FakeIntercom(contract, FakeSettings(faults=frozenset(faults)), clock=lambda: 1_800_000_003.0)
    client = _client(fake)
    failures: list[CheckFailure] = []
    for exchange, intent, expected in _requests(fake, client):
        try:
            Judge(contract, REGION, CHECKS)(exchange, intent, expected=expected)
        except ExchangeFailures as group:
            failures += group.failures
    return Probe(failures)


# Faults of the workspace's state: no single exchange shows them; the stateful flows find them (tests/flows).
FOUND_BY_FLOWS = {"deleted-still-listed", "page-repeats-item"}


def test_every_fault_has_its_check() -> None:
    assert set(CAUGHT_BY) == set(FAULTS) - FOUND_BY_FLOWS


def test_the_healthy_fake_fails_no_check(contract: Contract) -> None:
    assert probe(contract).failures == []


@pytest.mark.parametrize("fault", sorted(CAUGHT_BY))
def test_each_fault_fails_its_check_with_its_wording(contract: Contract, fault: str) -> None:
    check, words, failing = CAUGHT_BY[fault]
    seen = probe(contract, fault)
    assert seen.failed == failing, fault
    problems = [f"{failure.problem} / {failure.received}" for failure in seen.of(check)]
    assert any(words in problem for problem in problems), problems
    for failure in seen.failures:
        assert failure.headline.startswith(f"[{failure.check}] region {REGION}, version ")
        assert "Bearer [redacted]" in failure.curl or "Authorization" not in failure.curl


def test_three_broken_promises_of_one_exchange_are_all_shown(contract: Contract) -> None:
    faults = frozenset({"no-rate-limit-headers", "body-not-echoed", "message-id-integer"})
    client = _client(FakeIntercom(contract, FakeSettings(faults=faults)))
    exchange = client.request("POST", "/messages", payload=EMAIL)
    with pytest.raises(ExchangeFailures) as raised:
        judge(_context(contract), exchange, (*RESPONSE_CHECKS, "message_echoes_request"))
    group = raised.value
    assert set(group.checks) == {"rate_limit_headers", "message_echoes_request", "message_schema"}
    text = str(group)
    assert text.count("Received:") == 3
    assert text.count("Documented:") == 3
    assert text.count("Reproduce:") == 1
    assert {verdict.check for verdict in group.verdicts if verdict.outcome == "passed"} >= {"no_server_error"}


def test_a_json_body_under_a_wrong_content_type_is_judged_all_the_same(contract: Contract) -> None:
    client = _client(FakeIntercom(contract, FakeSettings(faults=frozenset({"created-at-ignored"}))))
    created = client.request("POST", "/messages", payload=EMAIL)
    mislabelled = replace(created, headers={**created.headers, "content-type": "text/html; charset=utf-8"})
    with pytest.raises(ExchangeFailures) as raised:
        judge(_context(contract), mislabelled, (*RESPONSE_CHECKS, "message_echoes_request"))
    failed = {failure.check: failure.problem for failure in raised.value.failures}
    # The content type fails on its own; the body it mislabels is still read, so the ignored created_at is caught.
    assert failed == {
        "json_content_type": "the answer is not JSON",
        "message_echoes_request": "the Message does not echo created_at",
    }


def _context(contract: Contract, intent: Intent = Intent.VALID):  # type: ignore[no-untyped-def]
    from contracts.checks import CheckContext

    return CheckContext(contract, REGION, "2.11", intent)


def test_an_html_401_is_named_for_what_it_is(contract: Contract) -> None:
    client = _client(FakeIntercom(contract, FakeSettings(faults=frozenset({"html-errors"}))))
    exchange = client.request("GET", "/me", token=None)
    with pytest.raises(ExchangeFailures) as raised:
        judge(_context(contract, Intent.NO_TOKEN), exchange, ("auth_required",))
    (failure,) = raised.value.failures
    assert failure.problem == "a request without a token was refused with 401 but without a JSON error envelope"
    assert str(failure.received).startswith("HTTP 401 (text/html): <html>")
    assert failure.documented == "401 unauthorized in an error.list envelope"


def test_a_check_that_does_not_apply_has_no_verdict(contract: Contract) -> None:
    client = _client(FakeIntercom(contract))
    verdicts = judge(_context(contract, Intent.READ), client.request("GET", "/me"), CHECKS)
    outcome = {verdict.check: verdict.outcome for verdict in verdicts}
    assert outcome["me_region"] == "passed"
    assert (
        outcome["message_schema"] == outcome["message_echoes_request"] == outcome["auth_required"] == ("not-applicable")
    )


def test_an_answer_nested_too_deeply_is_named_not_raised(contract: Contract) -> None:
    deep = b"[" * 100_000 + b"]" * 100_000
    exchange = HttpExchange(
        "us",
        "2.11",
        "GET",
        "https://api.intercom.io/me",
        {},
        None,
        200,
        {"content-type": "application/json"},
        deep,
        path="/me",
    )
    with pytest.raises(ExchangeFailures) as raised:
        judge(_context(contract, Intent.READ), exchange, ("json_content_type", "me_region", "request_id_matches"))
    problems = {failure.check: failure.problem for failure in raised.value.failures}
    assert problems == {
        "json_content_type": "the body is nested more than 200 levels deep",
        "me_region": "the body is nested more than 200 levels deep, so it cannot be judged",
    }


def test_the_judge_sums_up_each_check_over_the_exchanges(contract: Contract) -> None:
    client = _client(FakeIntercom(contract, FakeSettings(faults=frozenset({"body-not-echoed"}))))
    bound = Judge(contract, REGION, ("message_echoes_request", "message_schema", "auth_required"))
    with pytest.raises(ExchangeFailures):
        bound(client.request("POST", "/messages", payload=IN_APP), Intent.VALID)
    assert bound.outcomes == {"message_echoes_request": "failed", "message_schema": "passed"}
    with pytest.raises(ValueError, match="unknown checks"):
        Judge(contract, REGION, ("no_such_check",))


def test_an_answer_documented_without_a_body_needs_no_json(contract: Contract) -> None:
    """POST /events documents 202 with no content: an empty 202 is no failure of json_content_type."""
    accepted = HttpExchange(
        "us", "2.11", "POST", "https://api.intercom.io/events", {}, b"{}", 202, {}, b"", path="/events"
    )
    judge(_context(contract, Intent.BREADTH), accepted, ("json_content_type",))
    empty_200 = HttpExchange("us", "2.11", "GET", "https://api.intercom.io/me", {}, None, 200, {}, b"", path="/me")
    with pytest.raises(ExchangeFailures, match="json_content_type"):
        judge(_context(contract, Intent.READ), empty_200, ("json_content_type",))


MESSAGE = {"type": "user_message", "id": "1", "created_at": 1_700_000_000, "body": "Hi there", "message_type": "inapp"}


@pytest.mark.parametrize(
    ("status", "content_type", "body", "check"),
    [
        (200, "application/json", {**MESSAGE, "conversation_id": 512}, "message_schema"),
        (200, "application/json", {**MESSAGE, "message_type": "in_app"}, "message_schema"),
        (200, "text/html", MESSAGE, "json_content_type"),
        (500, "application/json", {"type": "error.list", "errors": [{"code": "server_error"}]}, "no_server_error"),
    ],
)
def test_what_a_third_party_mock_got_wrong_is_caught_by_our_own_checks(
    contract: Contract, status: int, content_type: str, body: object, check: str
) -> None:
    import json

    answer = httpx.Response(status, headers={"Content-Type": content_type}, content=json.dumps(body).encode())
    client = IntercomClient(
        region=REGION,
        base_url="https://api.eu.intercom.io",
        token="tok-third-party-0123456789",
        version="2.11",
        transport=httpx.MockTransport(lambda request: answer),
    )
    sent = {**IN_APP, "body": "Grüße, 世界 👋"}  # non-ASCII text: the 500 came on such text
    exchange = client.request("POST", "/messages", payload=sent)
    with pytest.raises(ExchangeFailures) as raised:
        judge(_context(contract), exchange, (*RESPONSE_CHECKS, "message_echoes_request"))
    assert check in raised.value.checks


# -- the checks API ---------------------------------------------------------------------------------------------------
def test_a_check_is_named_by_its_registration_and_its_failure_by_the_registry(contract: Contract) -> None:
    from contracts.checks import check, fail

    @check(statuses=lambda status: status == 200)
    def sample_check_of_the_api(context: object, exchange: HttpExchange) -> None:
        fail("a problem", exchange.status, "not 200")

    try:
        assert CHECKS["sample_check_of_the_api"].function is sample_check_of_the_api
        exchange = HttpExchange("us", "2.11", "GET", "https://api.intercom.io/me", {}, None, 200, {}, b"{}", path="/me")
        with pytest.raises(ExchangeFailures) as raised:
            judge(_context(contract, Intent.READ), exchange, ("sample_check_of_the_api",))
        (failure,) = raised.value.exceptions  # an exception group of CheckFailure
        assert isinstance(raised.value, ExceptionGroup)
        assert (failure.check, failure.problem, failure.received, failure.documented) == (
            "sample_check_of_the_api",
            "a problem",
            200,
            "not 200",
        )
        assert failure.curl.startswith("curl ")
        assert failure.region == REGION
    finally:
        del CHECKS["sample_check_of_the_api"]


def test_not_applicable_is_recorded_as_such_never_as_a_pass(contract: Contract) -> None:
    """request_id_matches without an X-Request-Id has nothing to compare: not applicable, not passed."""
    without = HttpExchange("us", "2.11", "GET", "https://api.intercom.io/me", {}, None, 200, {}, b"{}", path="/me")
    (verdict,) = judge(_context(contract, Intent.READ), without, ("request_id_matches",))
    assert verdict.outcome == "not-applicable"
    headers = {"x-request-id": "r1"}
    matching = HttpExchange(
        "us", "2.11", "GET", "https://api.intercom.io/me", {}, None, 200, headers, b'{"request_id": "r1"}', path="/me"
    )
    (verdict,) = judge(_context(contract, Intent.READ), matching, ("request_id_matches",))
    assert verdict.outcome == "passed"
    bound = Judge(contract, REGION, ("request_id_matches",))
    bound(without, Intent.READ)
    assert bound.outcomes == {}  # never applied: no row in the run's table


def test_a_groups_parts_split_as_an_exception_group_does(contract: Contract) -> None:
    exchange = HttpExchange("us", "2.11", "GET", "https://api.intercom.io/me", {}, None, 500, {}, b"x", path="/me")
    with pytest.raises(ExchangeFailures) as raised:
        judge(_context(contract, Intent.READ), exchange, ("no_server_error", "json_content_type"))
    group = raised.value
    part = group.subgroup(lambda failure: getattr(failure, "check", "") == "no_server_error")
    assert isinstance(part, ExchangeFailures)
    assert part.checks == ("no_server_error",)
    assert part.verdicts == group.verdicts
    with pytest.raises(ValueError, match="at least one failure"):
        ExchangeFailures([])
