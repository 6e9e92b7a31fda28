"""A small Intercom integration: greet a new contact by email or in-app message.

It is what a team's own code looks like; `test_welcome.py` tests it with intercom-contracts' `intercom_mock`.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import httpx

REGION_URLS = {"us": "https://api.intercom.io", "eu": "https://api.eu.intercom.io", "au": "https://api.au.intercom.io"}
API_VERSION = "2.11"


@dataclass(frozen=True)
class Outcome:
    sent: bool
    message_id: str | None = None
    reason: str | None = None


class WelcomeSender:
    def __init__(self, client: httpx.Client, *, token: str, region: str = "us", admin_id: int, max_retries: int = 2):
        self.client, self.token, self.base_url, self.admin_id = client, token, REGION_URLS[region], admin_id
        self.max_retries = max_retries

    def welcome(self, contact_id: str, name: str, *, by_email: bool) -> Outcome:
        payload: dict[str, Any] = {
            "message_type": "email" if by_email else "in_app",
            "body": f"<p>Welcome aboard, {name}!</p>",
            "from": {"type": "admin", "id": self.admin_id},
            "to": {"type": "user", "id": contact_id},
        }
        if by_email:
            payload["subject"] = f"Welcome, {name}"
            payload["template"] = "personal"
        for _attempt in range(self.max_retries + 1):
            response = self.client.post(
                self.base_url + "/messages",
                json=payload,
                headers={"Authorization": f"Bearer {self.token}", "Intercom-Version": API_VERSION},
            )
            if response.status_code == 429:  # not acted on: safe to send again after the wait asked for
                time.sleep(min(float(response.headers.get("Retry-After", "1")), 5.0))
                continue
            if response.status_code == 200:
                return Outcome(True, message_id=response.json()["id"])
            if response.status_code == 404:  # a new contact is not yet available for messaging
                return Outcome(False, reason="contact not available yet")
            errors = response.json().get("errors", [])
            return Outcome(False, reason=errors[0]["code"] if errors else f"HTTP {response.status_code}")
        return Outcome(False, reason="rate limited")
