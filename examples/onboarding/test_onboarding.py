"""Tests of the onboarding integration (Intercom's Python SDK) with `intercom_mock`: every request the SDK sends is
judged by the 2.11 contract, and `--intercom-usage usage.json` records what the integration uses of the API."""

from __future__ import annotations

import pytest
from onboarding import API_VERSION, Onboarding, SignUp, client

ADA = SignUp(user_id="u-1", email="ada@example.com", name="Ada", plan="pro")


@pytest.fixture
def onboarding() -> Onboarding:
    return Onboarding(client("test-token"), admin_id=42)


def test_a_sign_up_becomes_a_tagged_contact_with_a_note_and_a_welcome(intercom_mock, onboarding):  # type: ignore[no-untyped-def]
    done = onboarding.onboard(ADA)
    contact = intercom_mock.workspace.get("contact", done.contact_id)
    assert (contact["external_id"], contact["email"], contact["name"]) == ("u-1", "ada@example.com", "Ada")
    assert intercom_mock.workspace.get("tag", done.tag_id)["name"] == "plan:pro"
    (message,) = intercom_mock.messages
    assert (message["id"], message["subject"]) == (done.message_id, "Welcome, Ada")
    assert {exchange.version for exchange in intercom_mock.requests} == {API_VERSION}


def test_a_contact_not_yet_available_for_messaging_is_welcomed_later(intercom_mock, onboarding):  # type: ignore[no-untyped-def]
    intercom_mock.respond_with(404, "not_found", "User Not Found", when=lambda r: r.path == "/messages", times=1)
    done = onboarding.onboard(ADA)
    assert done.message_id is None
    assert intercom_mock.workspace.get("contact", done.contact_id) is not None
    assert not intercom_mock.messages


def test_the_open_conversations_are_listed_from_every_page(intercom_mock, onboarding):  # type: ignore[no-untyped-def]
    opened = [intercom_mock.workspace.add("conversation", {"state": "open", "open": True})["id"] for _ in range(3)]
    intercom_mock.workspace.add("conversation", {"state": "closed", "open": False})
    assert sorted(onboarding.open_conversations(per_page=2)) == sorted(opened)
