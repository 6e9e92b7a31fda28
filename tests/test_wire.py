"""Trouble on the wire: each misbehaviour ends the affected test with one line, in bounded time; the rest goes on."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from contracts.live import IntercomClient, TransportFailure
from contracts.mock import DEFAULT_ADMIN_ID, DEFAULT_CONTACT_ID, FakeIntercom, FakeSettings, MockServer

from .wire import MODES, MisbehavingServer, self_signed_context

TOKEN = "tok-wire-" + os.urandom(6).hex()
# What the client makes of each misbehaviour: a one-line transport failure (its cause), or an answer the checks judge.
OUTCOMES = {
    "reset": ("Connection reset by peer", "peer closed connection"),  # which one the client sees is a race
    "drip": "the whole answer took longer than 0.5s",
    "silent": "timed out after 0.5s (ReadTimeout)",
    "truncated-json": 200,
    "non-json": 200,
    "wrong-length": "RemoteProtocolError",
    "bad-gzip": "DecodingError",
    "huge": "response body larger than",
    "redirect": 302,
}


@pytest.fixture(scope="module")
def server() -> Iterator[MisbehavingServer]:
    with MisbehavingServer() as running:
        yield running


def _client(base_url: str) -> IntercomClient:
    return IntercomClient(region="us", base_url=base_url, token=TOKEN, version="2.11", timeout=0.5)


@pytest.mark.parametrize("mode", MODES)
def test_the_client_turns_each_misbehaviour_into_one_line_or_an_answer(server: MisbehavingServer, mode: str) -> None:
    started = time.monotonic()
    outcome = OUTCOMES[mode]
    if isinstance(outcome, int):
        assert _client(server.url(mode)).request("POST", "/messages", payload={}).status == outcome
    else:
        with pytest.raises(TransportFailure) as raised:
            _client(server.url(mode)).request("POST", "/messages", payload={})
        line = str(raised.value)
        assert line.startswith(f"region us, version 2.11: POST {server.url(mode)}/messages: ")
        assert any(cause in line for cause in ((outcome,) if isinstance(outcome, str) else outcome)), line
        assert "\n" not in line
        assert TOKEN not in line
    assert time.monotonic() - started < 10


def test_a_refused_connection_is_one_line(free_port: int) -> None:
    with pytest.raises(
        TransportFailure, match=r"^region us, version 2\.11: GET http://127\.0\.0\.1:\d+/us/me: ConnectError"
    ):
        _client(f"http://127.0.0.1:{free_port}/us").request("GET", "/me")


def test_a_self_signed_certificate_is_refused(tmp_path: Path) -> None:
    context = self_signed_context(tmp_path)
    if context is None:
        pytest.skip("openssl is not available to make a self-signed certificate")
    with MisbehavingServer(tls_context=context) as tls, pytest.raises(TransportFailure) as raised:
        _client(tls.url("non-json")).request("GET", "/me")
    assert "CERTIFICATE_VERIFY_FAILED" in str(raised.value)


def test_a_redirect_to_another_host_is_not_followed(server: MisbehavingServer) -> None:
    fake = FakeIntercom(settings=FakeSettings(tokens={"us": TOKEN}))
    with MockServer(fake) as other:
        server.redirect_to = other.base_urls["us"] + "/me"
        assert _client(server.url("redirect")).request("GET", "/me").status == 302
    assert fake.exchanges == []


# Each misbehaviour's one line is proven above at the client, and a transport failure's path through the plugin
# (a failed `transport` check, shown as written) in tests/test_plugin_parts.py, whatever its cause; the suite's
# wiring with each kind of outcome: a transport failure (a timeout) and an answer the checks judge.
@pytest.mark.parametrize("mode", ["silent", "non-json"])
def test_the_suite_goes_on_when_one_region_misbehaves(
    pytester: pytest.Pytester,
    monkeypatch: pytest.MonkeyPatch,
    server: MisbehavingServer,
    tmp_path: Path,
    mode: str,
) -> None:
    monkeypatch.delenv("INTERCOM_ACCESS_TOKEN", raising=False)
    monkeypatch.setenv("INTERCOM_ACCESS_TOKEN_US", TOKEN)
    monkeypatch.setenv("INTERCOM_ACCESS_TOKEN_EU", TOKEN + "-eu")
    monkeypatch.setenv("INTERCOM_ADMIN_ID", str(DEFAULT_ADMIN_ID))
    monkeypatch.setenv("INTERCOM_CONTACT_ID", DEFAULT_CONTACT_ID)
    bad_url = server.url(mode)
    fake = FakeIntercom(settings=FakeSettings(tokens={"eu": TOKEN + "-eu", "us": "unused"}))
    report = tmp_path / "report.json"
    started = time.monotonic()
    with MockServer(fake) as healthy:
        result = pytester.runpytest(
            "--pyargs",
            "contracts.suite",
            "-p",
            "no:cacheprovider",
            "--intercom-target",
            "live",
            "--intercom-region",
            "us",
            "--intercom-region",
            "eu",
            "--intercom-timeout",
            "0.5",
            "--intercom-base-url",
            f"us={bad_url}",
            "--intercom-base-url",
            f"eu={healthy.base_urls['eu']}",
            "--intercom-max-examples",
            "5",
            "--intercom-report",
            str(report),
        )
    assert time.monotonic() - started < 90
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    results = json.loads(report.read_text())["results"]
    assert {r["outcome"] for r in results if r["region"] == "eu"} <= {"passed", "skipped"}
    failures = [r for r in results if r["outcome"] == "failed"]
    assert failures
    assert {r["region"] for r in failures} == {"us"}
    for failure in failures:  # one line: a check failure, or the transport cause with method and URL
        message = failure["message"]
        assert message.startswith("[") or message.startswith("region us, version "), failure
        assert message.startswith("[") or bad_url in message, failure
    text = result.stdout.str()
    assert "Traceback" not in text
    assert TOKEN not in text
