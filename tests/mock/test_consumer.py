"""intercom_mock judges a team's own integration code: pytester runs of tests that use it."""

from __future__ import annotations

import pytest

from contracts.mock import FakeIntercom, MockServer

EMAIL_CODE = """
import httpx
import pytest

def send(client, payload, region_url="https://api.intercom.io"):
    response = client.post(region_url + "/messages", json=payload,
                           headers={"Authorization": "Bearer dummy-token-123", "Intercom-Version": "2.11"})
    return response

EMAIL = {"message_type": "email", "subject": "Hi", "body": "Hello", "template": "plain",
         "from": {"type": "admin", "id": 7}, "to": {"type": "user", "id": "abc"}}
"""


def test_a_bad_request_fails_at_teardown_even_when_the_code_swallowed_the_422(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        EMAIL_CODE
        + """
def test_sends_without_subject(intercom_mock):
    payload = {k: v for k, v in EMAIL.items() if k != "subject"}
    with httpx.Client() as client:
        response = send(client, payload)
    assert response.status_code == 422   # the code under test "handles" it
"""
    )
    result = pytester.runpytest()
    result.assert_outcomes(passed=1, errors=1)
    result.stdout.fnmatch_lines(
        [
            "*ERROR at teardown of test_sends_without_subject*",
            "1 request(s) broke the Intercom contract (Intercom would refuse them):",
            "1. POST https://api.intercom.io/messages (createMessage, version 2.11)",
            "   Rule: required at $: 'subject' is a required property",
            '   Received: {*"message_type": "email"*}',
            '   Documented: {"required": [[]*"subject"*]}',
            "   Intercom would answer: 422 parameter_not_found",
            "   Request: curl -X POST https://api.intercom.io/messages*uthorization: Bearer [[]redacted[]]*",
            '   Body: {*"template":"plain"*}',
        ]
    )
    assert "dummy-token-123" not in result.stdout.str()


def test_a_conforming_test_passes_and_sees_the_message(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        EMAIL_CODE
        + """
def test_sends_welcome(intercom_mock):
    with httpx.Client() as client:
        assert send(client, EMAIL).status_code == 200
    (message,) = intercom_mock.messages
    assert message["subject"] == "Hi" and message["message_type"] == "email"
    assert [e.request.path for e in intercom_mock.requests] == ["/messages"]
"""
    )
    pytester.runpytest().assert_outcomes(passed=1)


def test_a_missing_authorization_header_is_a_breach(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
import httpx

def test_no_token(intercom_mock):
    assert httpx.get("https://api.eu.intercom.io/me").status_code == 401
"""
    )
    result = pytester.runpytest()
    result.assert_outcomes(passed=1, errors=1)
    result.stdout.fnmatch_lines(["   Rule: bearerAuth at header Authorization: no Authorization header"])


def test_marker_settings_apply_and_the_closest_wins(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        EMAIL_CODE
        + """
pytestmark = pytest.mark.intercom_mock(region="au")

def test_module_region(intercom_mock):
    with httpx.Client() as client:
        assert send(client, EMAIL, "https://api.intercom.io").status_code == 401
        assert send(client, EMAIL, "https://api.au.intercom.io").status_code == 200

@pytest.mark.intercom_mock(region="eu", strict=False)
def test_closest_marker(intercom_mock):
    with httpx.Client() as client:
        assert send(client, EMAIL, "https://api.au.intercom.io").status_code == 401
        assert send(client, {**EMAIL, "body": " "}, "https://api.eu.intercom.io").status_code == 400

@pytest.mark.intercom_mock(tokens={"us": "pinned-token"})
def test_pinned_token(intercom_mock):
    with httpx.Client() as client:
        assert send(client, EMAIL).status_code == 401
        ok = client.get("https://api.intercom.io/me", headers={"Authorization": "Bearer pinned-token"})
        assert ok.status_code == 200

@pytest.mark.intercom_mock(version="Preview")
def test_version(intercom_mock):
    assert intercom_mock.fake.contract.version == "Preview"
"""
    )
    result = pytester.runpytest()
    # Another region's server, or another token than the pinned one: refused (401), and a breach at teardown even
    # though the code under test swallowed the 401.
    result.assert_outcomes(passed=4, errors=2)
    result.stdout.fnmatch_lines(
        [
            "*ERROR at teardown of test_module_region*",
            "   Rule: region at server: the workspace lives in au: another region's server refuses its token",
            "*ERROR at teardown of test_pinned_token*",
            "   Rule: token at header Authorization: not the access token of this workspace in this region",
        ]
    )


def test_unknown_marker_keys_fail_listing_the_allowed_ones(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
import pytest

@pytest.mark.intercom_mock(regoin="eu")
def test_typo(intercom_mock):
    pass
"""
    )
    result = pytester.runpytest()
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(
        [
            "*@pytest.mark.intercom_mock: unknown intercom_mock setting(s) [[]'regoin'[]]; "
            "allowed: strict, region, version, spec, tokens, faults, rate_limit, other_hosts, replay"
        ]
    )


def test_unhappy_paths_on_demand(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        EMAIL_CODE
        + """
def test_errors(intercom_mock):
    intercom_mock.respond_next_with(404, "not_found", "User Not Found")
    intercom_mock.rate_limit_next()
    intercom_mock.respond_with(403, "api_plan_restricted", when=lambda r: r.path == "/me")
    with httpx.Client() as client:
        first, second, third = (send(client, EMAIL) for _ in range(3))
        me = client.get("https://api.intercom.io/me", headers={"Authorization": "Bearer x1"})
    assert [first.status_code, second.status_code, third.status_code, me.status_code] == [404, 429, 200, 403]
    assert first.json()["errors"][0] == {"code": "not_found", "message": "User Not Found"}
    assert second.headers["Retry-After"] == "1" and second.json()["errors"][0]["code"] == "rate_limit_exceeded"
    assert len(intercom_mock.messages) == 1

def test_slow(intercom_mock):
    intercom_mock.slow_next(0.3)
    with httpx.Client(timeout=0.1) as client, pytest.raises(httpx.ReadTimeout):
        send(client, EMAIL)
"""
    )
    pytester.runpytest().assert_outcomes(passed=2)


def test_other_hosts_pass_through_or_are_refused(pytester: pytest.Pytester) -> None:
    with MockServer(FakeIntercom()) as other:
        pytester.makepyfile(
            f"""
import httpx
import pytest
import respx

def test_passes(intercom_mock):
    assert httpx.get("{other.base_urls["us"]}/me").status_code == 401

@pytest.mark.intercom_mock(other_hosts="refuse")
def test_refused_off_loopback(intercom_mock):
    from contracts.mock._interceptors import NotIntercepted

    assert httpx.get("{other.base_urls["us"]}/me").status_code == 401  # loopback stays open
    with pytest.raises(NotIntercepted, match="refused: a request by httpx to example.com/x"):
        httpx.get("https://example.com/x")
    intercom_mock.escaped.clear()  # refused as asked: not a failure of this test
"""
        )
        pytester.runpytest().assert_outcomes(passed=2)
        assert len(other.fake.exchanges) == 2


def test_a_request_the_client_gave_up_on_is_judged_all_the_same() -> None:
    import httpx as client_library

    from contracts.mock import IntercomMock

    with IntercomMock.from_settings() as mock:
        mock.slow_next(0.3)
        with client_library.Client(timeout=0.05) as client, pytest.raises(client_library.ReadTimeout):
            client.post(
                "https://api.intercom.io/messages", json={"body": "no type"}, headers={"Authorization": "Bearer t"}
            )
    (exchange,) = mock.requests
    assert exchange.violation is not None  # judged, though its answer never reached the code under test
    assert "message_type" in exchange.violation.message


def test_rate_limiting_is_one_model_forced_429s_included() -> None:
    import httpx as client_library

    from contracts.mock import IntercomMock

    with IntercomMock.from_settings(rate_limit=5) as mock:
        mock.fake.clock = lambda: 1_800_000_003.0  # one window for the four requests (no boundary crossed)
        mock.rate_limit_next(times=2)
        answers = [
            client_library.get("https://api.intercom.io/me", headers={"Authorization": "Bearer t"}) for _ in range(4)
        ]
    assert [a.status_code for a in answers] == [429, 429, 200, 200]
    assert {a.headers["X-RateLimit-Limit"] for a in answers} == {"5"}  # the same limit on every answer of the window
    assert {a.headers["X-RateLimit-Reset"] for a in answers} == {answers[0].headers["X-RateLimit-Reset"]}
    assert [a.headers["X-RateLimit-Remaining"] for a in answers] == ["0", "0", "2", "1"]
    assert answers[0].json()["errors"][0]["code"] == "rate_limit_exceeded"


def test_a_forced_429_is_spent_by_the_next_request_and_never_leaks_to_a_later_one() -> None:
    import httpx as client_library

    from contracts.mock import IntercomMock

    with IntercomMock.from_settings() as mock:
        mock.rate_limit_next()
        statuses = [
            client_library.get("https://api.intercom.io/me", headers=headers).status_code
            for headers in ({}, {"Authorization": "Bearer t"}, {"Authorization": "Bearer t"})
        ]
    assert statuses == [401, 200, 200]  # the unauthorized request keeps its 401; the forced 429 went with it


def test_a_forced_answer_is_kept_on_its_own_exchange_when_another_request_came_in_between() -> None:
    import threading
    import time

    import httpx as client_library

    from contracts.mock import IntercomMock

    headers = {"Authorization": "Bearer t"}
    with IntercomMock.from_settings() as mock, client_library.Client() as client:
        mock.respond_with(404, when=lambda r: r.path == "/contacts/x", times=1, delay=1.0)
        slow = threading.Thread(target=lambda: client.get("https://api.intercom.io/contacts/x", headers=headers))
        slow.start()
        deadline = time.monotonic() + 5
        while not mock.requests and time.monotonic() < deadline:  # the slow request is judged before its delay
            time.sleep(0.01)
        assert client.get("https://api.intercom.io/me", headers=headers).status_code == 200
        assert slow.is_alive()  # /me came in while the slow answer was still being forced
        slow.join(timeout=10)
        assert not slow.is_alive()
    assert {e.request.path: e.response.status for e in mock.requests} == {"/contacts/x": 404, "/me": 200}


def test_the_workspace_can_be_extended_before_the_code_under_test_runs() -> None:
    import httpx as client_library

    from contracts.mock import IntercomMock

    with IntercomMock.from_settings(version="2.14") as mock:
        contact = mock.workspace.add("contact", {"email": "known@example.com", "role": "user"})
        found = client_library.get(
            f"https://api.intercom.io/contacts/{contact['id']}", headers={"Authorization": "Bearer t"}
        )
    assert found.json()["email"] == "known@example.com"
    assert mock.workspace.get("contact", contact["id"]) is contact


def test_undocumented_inputs_warn_at_teardown_and_fail_only_when_asked(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        EMAIL_CODE
        + """
def test_warned(intercom_mock):
    with httpx.Client() as client:
        assert send(client, {**EMAIL, "subject": "   "}).status_code == 200  # a blank subject: fate undocumented

@pytest.mark.intercom_mock(strict="undocumented")
def test_strict(intercom_mock):
    with httpx.Client() as client:
        send(client, {**EMAIL, "template": "fancy"})
"""
    )
    result = pytester.runpytest("-W", "default")
    result.assert_outcomes(passed=2, errors=1)
    result.stdout.fnmatch_lines(
        [
            "*ERROR at teardown of test_strict*",
            "1 request(s) hold inputs of undocumented fate (strict='undocumented'):",
            "*Intercom's answer to this is undocumented: a template other than plain or personal*",
            "*UndocumentedInputWarning: Intercom's answer to 1 request(s) is undocumented*",
            "*an email whose subject is empty or whitespace only*",
        ]
    )


def test_a_recording_beside_the_test_seeds_the_mock(pytester: pytest.Pytester) -> None:
    """The recorded answer for the same request (by its declared fields), the model's for any other."""
    import json

    from contracts.live import HttpExchange
    from contracts.recordings._har import HarWriter, entry_of

    email = {
        "message_type": "email",
        "subject": "Hi",
        "body": "Hello",
        "template": "plain",
        "from": {"type": "admin", "id": 7},
        "to": {"type": "user", "id": "abc"},
    }
    answer = {
        "type": "user_message",
        "id": "recorded-77",
        "created_at": 1,
        "body": "Hello",
        "message_type": "email",
        "subject": "Hi",
        "conversation_id": "9",
    }
    recorded = HttpExchange(
        region="us",
        version="2.11",
        method="POST",
        url="https://api.intercom.io/messages",
        request_headers={"Authorization": "Bearer sandbox-token", "Intercom-Version": "2.11"},
        request_body=json.dumps(email).encode(),
        status=200,
        headers={"content-type": "application/json", "x-request-id": "from-the-sandbox"},
        content=json.dumps(answer).encode(),
        path="/messages",
    )
    (pytester.path / "cassettes").mkdir()
    writer = HarWriter(pytester.path / "cassettes" / "sandbox.har", run={})
    writer.add([entry_of(recorded, meta={"judged": True, "intent": "valid", "test": "t"})])
    writer.write(state="complete")
    pytester.makepyfile(
        EMAIL_CODE
        + """
@pytest.mark.intercom_mock(replay="cassettes/sandbox.har")
def test_replayed(intercom_mock):
    with httpx.Client() as client:
        first = send(client, EMAIL)
        other = send(client, {**EMAIL, "subject": "Other"})
    assert first.json()["id"] == "recorded-77" and first.headers["x-request-id"] == "from-the-sandbox"
    assert other.status_code == 200 and other.json()["id"] != "recorded-77"

@pytest.mark.intercom_mock(replay="cassettes/missing.har")
def test_missing(intercom_mock):
    pass
"""
    )
    result = pytester.runpytest()
    result.assert_outcomes(passed=1, errors=1)
    result.stdout.fnmatch_lines(["*@pytest.mark.intercom_mock: *cassettes/missing.har: no such file*"])
