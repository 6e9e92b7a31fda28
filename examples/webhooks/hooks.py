"""An Intercom webhook handler in Flask: check the signature, take each notification once, act on it."""

from __future__ import annotations

import hashlib
import hmac
import json

from flask import Flask, abort, request


def create_app(client_secret: str) -> Flask:
    app = Flask(__name__)
    seen: set[str] = set()  # Intercom delivers at least once: the same notification id may come again
    app.config["ADMIN_REPLIES"] = replies = []

    @app.post("/intercom/webhooks")
    def intercom_webhook() -> tuple[str, int]:
        body = request.get_data()
        expected = "sha1=" + hmac.new(client_secret.encode(), body, hashlib.sha1).hexdigest()
        if not hmac.compare_digest(expected, request.headers.get("X-Hub-Signature", "")):
            abort(401)
        notification = json.loads(body)
        if notification["id"] not in seen:
            seen.add(notification["id"])
            if notification["topic"] == "conversation.admin.replied":
                replies.append(notification["data"]["item"]["id"])
        return "", 200  # unknown topics and fields too: Intercom adds them

    return app
