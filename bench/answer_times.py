#!/usr/bin/env python3
"""The fake's answer time per operation (median of 100, through IntercomMock and httpx), for a few operations.

    PYTHONPATH=. python bench/answer_times.py

Run it on two checkouts, alternately, to compare (the machine's load moves the figures by ~10%).
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable

import httpx

from contracts.mock import IntercomMock

HEADERS = {"Authorization": "Bearer bench-token", "Intercom-Version": "2.14"}
BASE = "https://api.intercom.io"


def operations(client: httpx.Client) -> dict[str, Callable[[], httpx.Response]]:
    contact = client.post(BASE + "/contacts", json={"email": "t@example.com"}).json()["id"]
    return {
        "POST /contacts": lambda: client.post(BASE + "/contacts", json={"email": f"{time.perf_counter_ns()}@x.io"}),
        "GET /contacts/{id}": lambda: client.get(BASE + f"/contacts/{contact}"),
        "GET /contacts": lambda: client.get(BASE + "/contacts?per_page=5"),
        "GET /admins": lambda: client.get(BASE + "/admins"),
        "POST /companies": lambda: client.post(BASE + "/companies", json={"company_id": "c1", "name": "Acme"}),
        "GET /conversations": lambda: client.get(BASE + "/conversations"),
        "GET /articles": lambda: client.get(BASE + "/articles"),
        "GET /me": lambda: client.get(BASE + "/me"),
    }


def main() -> None:
    with IntercomMock.from_settings(version="2.14", rate_limit=10**9), httpx.Client(headers=HEADERS) as client:
        for name, call in operations(client).items():
            call(), call()
            times = []
            for _ in range(100):
                started = time.perf_counter()
                answer = call()
                times.append(time.perf_counter() - started)
                assert answer.status_code < 300, (name, answer.status_code, answer.text[:200])
            print(f"{name:24} median {statistics.median(times) * 1e3:7.3f} ms")


if __name__ == "__main__":
    main()
