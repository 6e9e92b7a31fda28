"""Tests of the welcome integration with `intercom_mock`: every request it sends is judged by the contract."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from welcome import WelcomeSender

from contracts import load_spec
from strategies import messages

CONTRACT = load_spec("bundled").contract()


@pytest.fixture
def client() -> Iterator[httpx.Client]:
    with httpx.Client() as http:
        yield http


def test_welcome_email_is_created(intercom_mock, client):  # type: ignore[no-untyped-def]
    outcome = WelcomeSender(client, token="test-token", admin_id=42).welcome("c-1", "Ada", by_email=True)
    assert outcome.sent
    (message,) = intercom_mock.messages
    assert message["subject"] == "Welcome, Ada"
    assert message["id"] == outcome.message_id


@pytest.mark.intercom_mock(region="eu")
def test_in_app_in_the_eu(intercom_mock, client):  # type: ignore[no-untyped-def]
    sender = WelcomeSender(client, token="test-token", region="eu", admin_id=42)
    assert sender.welcome("c-2", "Grace", by_email=False).sent
    assert intercom_mock.messages[0]["message_type"] == "inapp"


def test_a_contact_not_yet_available_is_reported(intercom_mock, client):  # type: ignore[no-untyped-def]
    intercom_mock.respond_next_with(404, "not_found", "User Not Found")
    outcome = WelcomeSender(client, token="test-token", admin_id=42).welcome("new", "Lin", by_email=True)
    assert outcome == type(outcome)(False, reason="contact not available yet")


def test_rate_limits_are_waited_out(intercom_mock, client):  # type: ignore[no-untyped-def]
    intercom_mock.rate_limit_next(times=2, retry_after=0)
    assert WelcomeSender(client, token="test-token", admin_id=42).welcome("c-3", "Bo", by_email=False).sent
    assert [e.response.status for e in intercom_mock.requests] == [429, 429, 200]


@settings(max_examples=30, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=st.text(min_size=1, max_size=40), by_email=st.booleans())
def test_any_name_gives_a_request_intercom_accepts(intercom_mock, client, name, by_email):  # type: ignore[no-untyped-def]
    # intercom_mock fails the test at teardown if any request broke the contract, even if the code coped.
    assert WelcomeSender(client, token="test-token", admin_id=42).welcome("c-4", name, by_email=by_email).sent


@given(message=messages(CONTRACT))
def test_our_parsing_copes_with_every_valid_message(message):  # type: ignore[no-untyped-def]
    transport = httpx.MockTransport(lambda request: httpx.Response(200, json=message))
    with httpx.Client(transport=transport) as http:
        assert WelcomeSender(http, token="t", admin_id=1).welcome("c", "n", by_email=True).message_id == message["id"]
