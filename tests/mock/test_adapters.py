"""The respx router and the loopback HTTP server answer one shared table of requests identically."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from typing import Any

import httpx
import pytest

from contracts.mock import DEFAULT_ADMIN_ID, DEFAULT_CONTACT_ID, DEFAULT_TOKENS, FakeIntercom, IntercomMock, MockServer
from contracts.regions import REGIONS

from ..conftest import read_line, rest_of

EMAIL = {
    "message_type": "email",
    "subject": "Hi",
    "body": "Hello",
    "template": "personal",
    "from": {"type": "admin", "id": DEFAULT_ADMIN_ID},
    "to": {"type": "lead", "id": DEFAULT_CONTACT_ID},
}
# (region, method, path, headers, body)
TABLE: list[tuple[str, str, str, dict[str, str], Any]] = [
    ("us", "POST", "/messages", {"Authorization": f"Bearer {DEFAULT_TOKENS['us']}"}, EMAIL),
    (
        "eu",
        "POST",
        "/messages",
        {"Authorization": f"Bearer {DEFAULT_TOKENS['eu']}", "Intercom-Version": "2.11"},
        {**EMAIL, "body": "👩‍👩‍👧 مرحبا"},
    ),
    ("au", "POST", "/messages", {"Authorization": f"Bearer {DEFAULT_TOKENS['us']}"}, EMAIL),
    ("us", "POST", "/messages", {}, EMAIL),
    ("us", "POST", "/messages", {"Authorization": f"Bearer {DEFAULT_TOKENS['us']}"}, {**EMAIL, "body": " "}),
    ("us", "POST", "/messages", {"Authorization": f"Bearer {DEFAULT_TOKENS['us']}", "Intercom-Version": "9.99"}, EMAIL),
    ("eu", "GET", "/me", {"Authorization": f"Bearer {DEFAULT_TOKENS['eu']}"}, None),
    ("au", "GET", "/contacts", {"Authorization": f"Bearer {DEFAULT_TOKENS['au']}"}, None),
    ("au", "GET", "/no-such-path", {"Authorization": f"Bearer {DEFAULT_TOKENS['au']}"}, None),
    ("us", "TRACE", "/me", {"Authorization": f"Bearer {DEFAULT_TOKENS['us']}"}, None),  # JSON, never an HTML page
    ("us", "OPTIONS", "/messages", {"Authorization": f"Bearer {DEFAULT_TOKENS['us']}"}, None),
]


def _send(client: httpx.Client, base_urls: dict[str, str]) -> list[tuple[int, dict[str, str], Any]]:
    answers = []
    for region, method, path, headers, body in TABLE:
        content = None if body is None else json.dumps(body).encode()
        response = client.request(method, base_urls[region] + path, headers=headers, content=content)
        kept = {k.lower(): v for k, v in response.headers.items() if k.lower().startswith(("x-", "content-type"))}
        answers.append((response.status_code, kept, response.json()))
    return answers


def _fake() -> FakeIntercom:
    return FakeIntercom(clock=lambda: 1_800_000_000.0)


def test_router_and_server_answer_alike() -> None:
    with IntercomMock(_fake()), httpx.Client() as client:
        through_router = _send(client, dict(REGIONS))
    with MockServer(_fake()) as server, httpx.Client() as client:
        through_server = _send(client, server.base_urls)
    assert through_router == through_server
    assert [status for status, _, _ in through_router] == [200, 200, 401, 401, 400, 400, 200, 200, 404, 404, 404]
    for _, headers, body in through_server[-2:]:  # methods no operation has: Intercom's envelope all the same
        assert headers["content-type"].startswith("application/json")
        assert body["type"] == "error.list"


def test_router_does_not_swallow_other_hosts() -> None:
    with MockServer(_fake()) as server, IntercomMock(_fake()) as mock, httpx.Client() as client:
        # A loopback server stands in for "another host": its answer must come from it, not from the router.
        response = client.get(
            server.base_urls["eu"] + "/me", headers={"Authorization": f"Bearer {DEFAULT_TOKENS['eu']}"}
        )
        assert response.json()["app"]["region"] == "EU"
        assert mock.fake.exchanges == []
        assert len(server.fake.exchanges) == 1


def test_router_matches_hosts_exactly() -> None:
    with IntercomMock(_fake()) as mock, httpx.Client() as client:
        with pytest.raises(httpx.ConnectError):
            client.get("http://api.intercom.io.invalid/me")
        assert mock.fake.exchanges == []


def test_cli_mock_prints_base_urls_first_and_stops_on_sigterm() -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "contracts.cli", "mock", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={k: v for k, v in os.environ.items() if not k.startswith("INTERCOM_ACCESS_TOKEN")},
    )
    try:
        assert process.stdout is not None
        first = read_line(process.stdout)
        assert first.startswith("Fake Intercom serving us=http://127.0.0.1:")
        urls = dict(part.split("=", 1) for part in first.split()[3:])
        assert set(urls) == {"us", "eu", "au"}
        response = httpx.get(urls["au"] + "/me", headers={"Authorization": f"Bearer {DEFAULT_TOKENS['au']}"})
        assert response.json()["app"]["region"] == "AU"
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=10) == 0
    finally:
        process.kill()
        process.wait()


def test_cli_mock_port_in_use_is_one_line_and_exit_2() -> None:
    with MockServer(_fake()) as server:
        result = subprocess.run(
            [sys.executable, "-m", "contracts.cli", "mock", "--port", str(server.port)],
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
    assert result.returncode == 2
    assert result.stderr.startswith(f"intercom-contracts mock: error: cannot listen on 127.0.0.1:{server.port}: ")
    assert result.stderr.count("\n") == 1


def test_cli_mock_uses_tokens_from_the_environment_without_printing_them() -> None:
    secret = "tok-" + os.urandom(8).hex()
    process = subprocess.Popen(
        [sys.executable, "-m", "contracts.cli", "mock"],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "INTERCOM_ACCESS_TOKEN_EU": secret},
    )
    try:
        assert process.stdout is not None
        first = read_line(process.stdout)
        urls = dict(part.split("=", 1) for part in first.split()[3:])
        assert httpx.get(urls["eu"] + "/me", headers={"Authorization": f"Bearer {secret}"}).status_code == 200
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=10) == 0
        output = first + rest_of(process.stdout)
        assert secret not in output
        assert output.count("\n") == 1  # one line, as the README shows
    finally:
        process.kill()
        process.wait()


def test_an_encoded_question_mark_in_a_path_is_a_path_value_not_a_query() -> None:
    """POST /contacts/%3F/archive archives contact "?" (not found), it does not reach POST /contacts."""
    headers = {"Authorization": f"Bearer {DEFAULT_TOKENS['us']}", "Intercom-Version": "2.11"}
    with IntercomMock() as mock:
        answer = httpx.post("https://api.intercom.io/contacts/%3F/archive", headers=headers)
    assert answer.status_code == 404
    assert answer.json()["errors"][0]["code"] == "not_found"
    assert [exchange.operation for exchange in mock.requests] == ["ArchiveContact"]
    with MockServer(FakeIntercom()) as server:
        served = httpx.post(server.base_urls["us"] + "/contacts/%3F/archive", headers=headers)
    assert served.status_code == 404
