#!/usr/bin/env python3
"""The fake's answer time per request: CPU milliseconds in the model (auth, version, contract, workspace, answer,
verdict), best of 5 rounds of 50 after a warm-up, for the operations a consumer's sync and a contract run send.

    PYTHONPATH=. python bench/answer_times.py [--json]

It measures whichever `contracts` is importable: `bench/run.py --only answers` runs it on this checkout and on the
revision before complete objects and read semantics (#27, #33) and compares them. It uses only the model's API that
both have (FakeIntercom, FakeRequest, FakeSettings from contracts.mock).
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable
from typing import Any

from contracts.mock import FakeIntercom, FakeRequest, FakeSettings

HEADERS = {"authorization": "Bearer bench-token", "intercom-version": "2.12", "content-type": "application/json"}
ROUNDS, CALLS = 5, 50


def _client() -> Callable[..., Any]:
    fake = FakeIntercom(settings=FakeSettings(accept_any_token=True, rate_limit=10**9))

    def send(method: str, path: str, body: Any = None, query: str = "") -> Any:
        data = b"" if body is None else json.dumps(body).encode()
        return fake.handle(FakeRequest("us", method, path, HEADERS, data, query))

    return send


def cases() -> dict[str, Callable[[], Any]]:
    send = _client()
    seeded = ({"email": f"u{n}@example.com", "name": f"U {n}"} for n in range(45))
    contacts = [send("POST", "/contacts", body).body["id"] for body in seeded]
    for number in range(20):
        send("POST", "/companies", {"company_id": f"c{number}", "name": f"C{number}"})
    admin = send("GET", "/me").body["id"]
    message = {
        "message_type": "email",
        "subject": "Hi",
        "body": "Hello",
        "template": "plain",
        "from": {"type": "admin", "id": admin},
        "to": {"type": "user", "id": contacts[0]},
    }
    search = {"query": {"field": "email", "operator": "~", "value": "example"}}  # all 45: one page, then and now
    return {
        "GET /contacts/{id}": lambda: send("GET", f"/contacts/{contacts[0]}"),
        "GET /contacts (45)": lambda: send("GET", "/contacts"),
        "POST /contacts/search (45)": lambda: send("POST", "/contacts/search", search),
        "GET /companies (20)": lambda: send("GET", "/companies"),
        "GET /me": lambda: send("GET", "/me"),
        "POST /messages": lambda: send("POST", "/messages", message),
        "POST /contacts": lambda: send("POST", "/contacts", {"email": "x@example.com"}),  # last: it adds contacts
    }


def best_milliseconds(call: Callable[[], Any]) -> float:
    for _ in range(20):
        call()
    best = float("inf")
    for _ in range(ROUNDS):
        started = time.process_time()
        for _ in range(CALLS):
            call()
        best = min(best, (time.process_time() - started) / CALLS)
    return best * 1e3


def main(argv: list[str]) -> None:
    measured = {name: best_milliseconds(call) for name, call in cases().items()}
    if "--json" in argv:
        print(json.dumps(measured))
        return
    for name, milliseconds in measured.items():
        print(f"{name:24} {milliseconds:7.3f} ms")


if __name__ == "__main__":
    main(sys.argv[1:])
