"""The loopback fake's webhooks: `--webhook-url` subscribes a handler; what the command does is delivered, signed;
a handler that takes a delivery wrongly fails the job; `POST /__intercom/webhooks` delivers one now."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from contracts.mock import MockServer

from ..webhooks.handlers import loopback_handler

SECRET = "s3cret"

# A client under test: creates a contact (Intercom notifies contact.user.created).
CLIENT = """
import json, os, urllib.request
base, token = os.environ["INTERCOM_BASE_URL"], os.environ["INTERCOM_ACCESS_TOKEN"]
request = urllib.request.Request(base + "/contacts", method="POST", data=json.dumps(
    {"email": "ada@example.com", "role": "user"}).encode(),
    headers={"Authorization": "Bearer " + token, "Content-Type": "application/json"})
print(urllib.request.urlopen(request).status)
"""


@pytest.fixture(params=[True, False], ids=["verifying", "trusting"])
def handler(request: pytest.FixtureRequest) -> Iterator[tuple[str, list[dict[str, Any]], bool]]:
    """A loopback webhook handler: one that verifies the signature, or one that trusts any body."""
    with loopback_handler(SECRET, verifies=request.param) as (url, seen):
        yield url, seen, request.param


def test_a_command_under_the_fake_notifies_the_handler_and_a_trusting_handler_fails_the_job(
    handler: tuple[str, list[dict[str, Any]], bool], monkeypatch: pytest.MonkeyPatch
) -> None:
    url, seen, verifies = handler
    monkeypatch.setenv("HOOKS_SECRET", SECRET)
    command = [
        sys.executable,
        "-m",
        "contracts.cli",
        "mock",
        "--webhook-url",
        url,
        "--webhook-secret-env",
        "HOOKS_SECRET",
        "--webhook-topic",
        "contact.user.created",
        "--",
        sys.executable,
        "-c",
        CLIENT,
    ]
    done = subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)
    assert seen
    assert seen[0]["topic"] == "contact.user.created"
    if not verifies:  # it took the forged delivery too: the job fails
        assert done.returncode == 1, done.stderr
        assert "webhook_signature_enforced" in done.stderr
        assert "forged" in done.stderr
    else:
        assert done.returncode == 0, done.stderr
    assert SECRET not in done.stdout + done.stderr


def test_a_missing_client_secret_is_one_usage_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("INTERCOM_CLIENT_SECRET", raising=False)
    command = [sys.executable, "-m", "contracts.cli", "mock", "--webhook-url", "http://127.0.0.1:9/x", "--", "true"]
    done = subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 2
    assert "$INTERCOM_CLIENT_SECRET" in done.stderr
    assert "Traceback" not in done.stderr


def test_the_control_endpoint_delivers_one_notification_now(handler: tuple[str, list[dict[str, Any]], bool]) -> None:
    url, seen, _ = handler
    with MockServer() as server:
        server.webhooks.subscribe(url, topics=["conversation.user.replied"], client_secret=SECRET, forged=False)
        base = f"http://127.0.0.1:{server.port}/__intercom/webhooks"
        answer = httpx.post(
            base, json={"topic": "conversation.user.replied", "item": {"type": "conversation", "id": "7"}}
        )
        assert answer.status_code == 200, answer.text
        assert [d["status"] for d in answer.json()] == [200]
        assert seen[0]["data"]["item"] == {"type": "conversation", "id": "7"}
        refused = httpx.post(base, json={"item": {}})
        assert refused.status_code == 400
        assert "topic" in refused.text
