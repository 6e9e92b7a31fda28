"""The handler under intercom_mock.webhooks: a reply our code posts reaches it, signed, and it takes it well."""

from __future__ import annotations

import httpx
from hooks import create_app

INTERCOM = {"Authorization": "Bearer test-token", "Intercom-Version": "2.11"}


def test_an_admin_reply_reaches_the_handler(intercom_mock):  # type: ignore[no-untyped-def]
    app = create_app("s3cret")
    intercom_mock.webhooks.subscribe(
        app, path="/intercom/webhooks", topics=["conversation.admin.replied"], client_secret="s3cret"
    )
    with httpx.Client(base_url="https://api.intercom.io", headers=INTERCOM) as intercom:
        contact = intercom.post("/contacts", json={"email": "ada@example.com"}).json()
        started = intercom.post("/conversations", json={"from": {"type": "user", "id": contact["id"]}, "body": "Hi"})
        conversation_id = started.json()["conversation_id"]
        admin_id = intercom.get("/me").json()["id"]
        reply = {"message_type": "comment", "type": "admin", "admin_id": admin_id, "body": "Hello Ada"}
        intercom.post(f"/conversations/{conversation_id}/reply", json=reply)
    assert app.config["ADMIN_REPLIES"] == [conversation_id]  # once, though Intercom may deliver it twice


def test_a_notification_of_any_topic_is_taken(intercom_mock):  # type: ignore[no-untyped-def]
    app = create_app("s3cret")
    intercom_mock.webhooks.subscribe(
        app, path="/intercom/webhooks", topics=["contact.user.created"], client_secret="s3cret"
    )
    [delivery] = intercom_mock.webhooks.deliver("contact.user.created")
    assert delivery.answer.status == 200
