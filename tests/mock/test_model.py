"""The behavioural model: documented answers, echo semantics, settings and faults."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from contracts import UsageError, load_spec
from contracts.mock import DEFAULT_ADMIN_ID, DEFAULT_CONTACT_ID, DEFAULT_TOKENS, FakeIntercom, FakeRequest, FakeSettings
from strategies import InvalidRequest, create_message_requests, invalid_create_message_requests

from ..conftest import PUBLISHED

CONTRACT = load_spec("bundled").contract()
EMAIL = {
    "message_type": "email",
    "subject": "Welcome",
    "body": "Hello",
    "template": "plain",
    "from": {"type": "admin", "id": DEFAULT_ADMIN_ID},
    "to": {"type": "user", "id": DEFAULT_CONTACT_ID},
}


class Clock:
    def __init__(self, now: float = 1_800_000_000.0):
        self.now = now

    def __call__(self) -> float:
        return self.now


def _post(fake: FakeIntercom, payload: Any, *, region: str = "us", token: str | None = None, **headers: str) -> Any:
    token = DEFAULT_TOKENS[region] if token is None else token
    body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    all_headers = {"authorization": f"Bearer {token}", **{k.lower().replace("_", "-"): v for k, v in headers.items()}}
    return fake.handle(FakeRequest(region, "POST", "/messages", all_headers, body))


def _codes(response: Any) -> list[str]:
    return [error["code"] for error in response.body["errors"]]


def test_email_is_echoed_with_subject_and_created_at() -> None:
    fake = FakeIntercom(clock=Clock())
    answer = _post(fake, {**EMAIL, "created_at": 1700000000})
    assert answer.status == 200
    assert answer.body == {
        "type": "user_message",
        "id": "1001",
        "created_at": 1700000000,
        "subject": "Welcome",
        "body": "Hello",
        "message_type": "email",
    }


def test_in_app_becomes_inapp_without_subject_and_opens_a_conversation_when_asked() -> None:
    fake = FakeIntercom(clock=Clock(1_800_000_000.7))
    in_app = {k: v for k, v in EMAIL.items() if k not in ("subject", "template")} | {"message_type": "in_app"}
    answer = _post(fake, {**in_app, "create_conversation_without_contact_reply": True})
    assert answer.body["message_type"] == "inapp"
    assert "subject" not in answer.body
    assert answer.body["created_at"] == 1_800_000_000
    assert isinstance(answer.body["conversation_id"], str)
    headers = {"authorization": f"Bearer {DEFAULT_TOKENS['us']}"}
    read = fake.handle(FakeRequest("us", "GET", f"/conversations/{answer.body['conversation_id']}", headers, b""))
    assert read.status == 200  # the conversation it opened can be read back
    assert read.body["contacts"]["contacts"] == [{"type": "contact", "id": DEFAULT_CONTACT_ID, "external_id": None}]


def test_me_is_the_workspaces_admin_as_the_api_left_it() -> None:
    fake = FakeIntercom()
    headers = {"authorization": f"Bearer {DEFAULT_TOKENS['eu']}", "content-type": "application/json"}
    away = json.dumps({"away_mode_enabled": True, "away_mode_reassign": False}).encode()
    assert fake.handle(FakeRequest("eu", "PUT", f"/admins/{DEFAULT_ADMIN_ID}/away", headers, away)).status == 200
    admin = fake.handle(FakeRequest("eu", "GET", f"/admins/{DEFAULT_ADMIN_ID}", headers, b"")).body
    me = fake.handle(FakeRequest("eu", "GET", "/me", headers, b"")).body
    assert (me["name"], me["away_mode_enabled"]) == (admin["name"], admin["away_mode_enabled"]) == (admin["name"], True)
    assert me["app"]["region"] == "EU"


@pytest.mark.parametrize(
    ("payload", "status", "code", "message"),
    [
        ({**EMAIL, "body": "  \n"}, 400, "parameter_invalid", "Body is required"),
        ({k: v for k, v in EMAIL.items() if k != "body"}, 400, "parameter_invalid", "Body is required"),
        (
            {k: v for k, v in EMAIL.items() if k != "subject"},
            422,
            "parameter_not_found",
            "No subject supplied for email message",
        ),
        ({**EMAIL, "from": {"type": "admin", "id": 1}}, 404, "not_found", "Admin Not Found"),
        ({**EMAIL, "to": {"type": "user", "id": "someone-else"}}, 404, "not_found", "User Not Found"),
        (b'{"message_type": "email",', 400, "bad_request", "Invalid JSON body"),
        ([EMAIL], 400, "bad_request", "The request body must be a JSON object, not list"),
    ],
)
def test_documented_rejections(payload: Any, status: int, code: str, message: str) -> None:
    answer = _post(FakeIntercom(), payload)
    assert (answer.status, answer.body["errors"][0]["code"], answer.body["errors"][0]["message"]) == (
        status,
        code,
        message,
    )
    assert answer.body["request_id"] == answer.headers["X-Request-Id"]
    CONTRACT.validate_error(answer.body)


@pytest.mark.parametrize(
    ("region", "token"),
    [("us", ""), ("us", "wrong"), ("eu", DEFAULT_TOKENS["us"]), ("au", DEFAULT_TOKENS["eu"])],
)
def test_missing_wrong_or_other_region_tokens_get_401_without_rate_headers(region: str, token: str) -> None:
    answer = _post(FakeIntercom(), EMAIL, region=region, token=token)
    assert (answer.status, _codes(answer)) == (401, ["unauthorized"])
    assert not any(name.startswith("X-RateLimit") for name in answer.headers)


def test_other_region_status_is_a_setting() -> None:
    fake = FakeIntercom(settings=FakeSettings(other_region_status=403))
    assert _post(fake, EMAIL, region="eu", token=DEFAULT_TOKENS["us"]).status == 403
    assert _post(fake, EMAIL, region="eu", token="wrong").status == 401


@pytest.mark.parametrize(
    ("version", "status"),
    [
        *((version, 200) for version in ("1.0", "2.3", "2.7", "2.11", "2.12", "2.14", "2.16", "Preview", "Unstable")),
        ("9.99", 400),
        ("banana", 400),
        ("2.17", 400),
    ],
)
def test_every_documented_version_is_served_others_refused(version: str, status: int) -> None:
    answer = _post(FakeIntercom(), EMAIL, intercom_version=version)
    assert answer.status == status
    if status == 400:
        assert _codes(answer) == ["intercom_version_invalid"]


def test_rate_limit_window_headers_and_429() -> None:
    clock = Clock(1_800_000_003.0)
    fake = FakeIntercom(settings=FakeSettings(rate_limit=3), clock=clock)
    answers = [_post(fake, EMAIL) for _ in range(4)]
    assert [a.status for a in answers] == [200, 200, 200, 429]
    assert [a.headers["X-RateLimit-Remaining"] for a in answers] == ["2", "1", "0", "0"]
    assert {a.headers["X-RateLimit-Limit"] for a in answers} == {"3"}
    assert {a.headers["X-RateLimit-Reset"] for a in answers} == {"1800000010"}
    assert answers[3].body["errors"][0] == {
        "code": "rate_limit_exceeded",
        "message": "Exceeded rate limit of 3 in 10_seconds",
    }
    clock.now += 10
    assert _post(fake, EMAIL).status == 200


def test_me_reports_the_region_asked() -> None:
    fake = FakeIntercom()
    for region in ("us", "eu", "au"):
        answer = fake.handle(FakeRequest(region, "GET", "/me", {"authorization": f"Bearer {DEFAULT_TOKENS[region]}"}))
        assert answer.body["app"]["region"] == region.upper()
        CONTRACT.validate_admin(answer.body)


def test_a_path_no_operation_serves_gets_404_with_an_envelope_after_the_credential() -> None:
    fake = FakeIntercom()
    authorized = {"authorization": f"Bearer {DEFAULT_TOKENS['us']}"}
    answer = fake.handle(FakeRequest("us", "GET", "/no-such-path", authorized))
    assert (answer.status, _codes(answer)) == (404, ["not_found"])
    CONTRACT.validate_error(answer.body)
    assert fake.exchanges[-1].violation is not None
    assert fake.exchanges[-1].violation.message == "no such operation"
    wrong_method = fake.handle(FakeRequest("us", "PATCH", "/messages", authorized))
    assert wrong_method.status == 404
    assert fake.exchanges[-1].violation is not None
    assert fake.exchanges[-1].violation.expected == "one of POST on this path"
    assert fake.handle(FakeRequest("us", "GET", "/no-such-path", {})).status == 401  # the credential comes first


def test_requests_are_recorded_and_ids_are_seeded() -> None:
    first, second = FakeIntercom(clock=Clock()), FakeIntercom(clock=Clock())
    answers = [_post(fake, EMAIL) for fake in (first, second)]
    assert answers[0].headers["X-Request-Id"] == answers[1].headers["X-Request-Id"]
    assert [e.request.path for e in first.exchanges] == ["/messages"]
    assert first.exchanges[0].response is answers[0]


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"tokens": {"mars": "x"}}, "unknown region(s) ['mars']; the regions are us, eu, au"),
        ({"faults": frozenset({"nope"})}, "unknown fault(s) ['nope']; known faults: message-without-id"),
        ({"rate_limit": 0}, "rate_limit must be at least 1"),
    ],
)
def test_bad_settings_are_usage_errors(settings: dict[str, Any], message: str) -> None:
    with pytest.raises(UsageError) as raised:
        FakeSettings(**settings)
    assert message in str(raised.value)


@pytest.mark.parametrize("source", ["bundled", *PUBLISHED])
def test_every_answer_validates_against_the_contracts(source: str) -> None:
    """What the fake answers (to valid and invalid requests) fits the bundled and every official contract."""
    judge = load_spec(source if source == "bundled" else f"official:{source}").contract()
    fake = FakeIntercom()
    valid = create_message_requests(CONTRACT, admin_id=DEFAULT_ADMIN_ID, contact_id=DEFAULT_CONTACT_ID)

    @given(st.one_of(valid, invalid_create_message_requests(CONTRACT)))
    def check(request: dict[str, Any] | InvalidRequest) -> None:
        body = request.content() if isinstance(request, InvalidRequest) else json.dumps(request).encode()
        answer = _post(fake, body)
        assert answer.status in CONTRACT.statuses
        if isinstance(request, InvalidRequest):
            assert request.expected.accepts(answer.status, _codes(answer)), (request.expected, answer.body)
            judge.validate_error(answer.body)
        else:
            assert answer.status == 200, answer.body
            judge.validate_message(answer.body)

    fake.configure(rate_limit=10**9)
    check()


@pytest.mark.parametrize("source", PUBLISHED)
def test_me_validates_against_every_official_admin_schema(source: str) -> None:
    judge = load_spec(f"official:{source}").contract()
    answer = FakeIntercom().handle(FakeRequest("eu", "GET", "/me", {"authorization": f"Bearer {DEFAULT_TOKENS['eu']}"}))
    judge.validate_admin(answer.body)
