"""Live mode over real sockets against the fake on loopback: healthy, faulty, rate-limited, capped, silent."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator

import pytest

from contracts.mock import DEFAULT_ADMIN_ID, DEFAULT_CONTACT_ID, FakeIntercom, FakeSettings, MockServer
from contracts.regions import REGIONS

from .conftest import read_line
from .loopback import Loopback

SUITE = ("--pyargs", "contracts.suite", "-p", "no:cacheprovider", "--intercom-target", "live")


@pytest.fixture
def tokens(monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """Random tokens for the three regions, in the environment as a live run reads them."""
    chosen = {region: f"tok-{region}-{os.urandom(6).hex()}" for region in REGIONS}
    monkeypatch.delenv("INTERCOM_ACCESS_TOKEN", raising=False)
    for region, token in chosen.items():
        monkeypatch.setenv(f"INTERCOM_ACCESS_TOKEN_{region.upper()}", token)
    return chosen


@pytest.fixture
def ids(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INTERCOM_ADMIN_ID", str(DEFAULT_ADMIN_ID))
    monkeypatch.setenv("INTERCOM_CONTACT_ID", DEFAULT_CONTACT_ID)


def _base_urls(urls: dict[str, str], regions: tuple[str, ...] = tuple(REGIONS)) -> list[str]:
    return [arg for region in regions for arg in ("--intercom-base-url", f"{region}={urls[region]}")]


def _created(fake: FakeIntercom) -> int:
    return sum(1 for e in fake.exchanges if e.request.path == "/messages" and e.response.status == 200)


def test_healthy_run_against_the_mock_command_passes(
    pytester: pytest.Pytester, tokens: dict[str, str], ids: None
) -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "contracts.cli", "mock"], stdout=subprocess.PIPE, text=True, env=dict(os.environ)
    )
    try:
        assert process.stdout is not None
        urls = dict(part.split("=", 1) for part in read_line(process.stdout).split()[3:])
        result = pytester.runpytest(*SUITE, *_base_urls(urls), "--intercom-max-live-messages", "100")
        result.assert_outcomes(passed=33, skipped=4)  # a 429 is not provoked on a live server
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=10)


def test_a_tiny_allowance_is_paced_without_failures(
    pytester: pytest.Pytester, tokens: dict[str, str], ids: None
) -> None:
    fake = FakeIntercom(settings=FakeSettings(tokens=tokens, rate_limit=5, window_seconds=1))
    with MockServer(fake) as server:
        result = pytester.runpytest(
            *SUITE, *_base_urls(server.base_urls, ("us",)), "--intercom-region", "us", "--intercom-max-examples", "5"
        )
    result.assert_outcomes(passed=11, skipped=2)
    assert len(fake.exchanges) > 5  # more than one window's allowance: the run passed because it was paced


def _failed_checks(output: str) -> set[tuple[str, str]]:
    """(region, check) of every row of the run's check table that counts a failure."""
    rows = set()
    for line in output.split("intercom contract checks")[-1].splitlines():
        cells = line.split()
        if len(cells) == 6 and cells[3].isdigit() and int(cells[4]) > 0:
            rows.add((cells[0], cells[2]))
    return rows


def test_at_the_defaults_a_server_accepting_a_message_without_body_fails_in_every_region_within_the_cap(
    pytester: pytest.Pytester, tokens: dict[str, str], ids: None
) -> None:
    fake = FakeIntercom(settings=FakeSettings(tokens=tokens, faults=frozenset({"accept-blank-body"})))
    with MockServer(fake) as server:
        result = pytester.runpytest(*SUITE, *_base_urls(server.base_urls))  # 3 regions, 10 examples, a cap of 20
    failed = _failed_checks(result.stdout.str())
    assert {check for _, check in failed} == {"invalid_request_rejected"}, failed
    assert {region for region, _ in failed} == set(REGIONS)
    assert 0 < _created(fake) <= 20
    assert "is spent" not in result.stdout.str().split("skipped, and why:")[-1]  # no core check went unjudged


def test_three_faults_at_once_are_each_reported_at_the_defaults(
    pytester: pytest.Pytester, tokens: dict[str, str], ids: None
) -> None:
    faults = frozenset({"html-errors", "created-at-ignored", "me-wrong-region"})
    fake = FakeIntercom(settings=FakeSettings(tokens=tokens, faults=faults))
    with MockServer(fake) as server:
        result = pytester.runpytest(*SUITE, *_base_urls(server.base_urls))
    failed = _failed_checks(result.stdout.str())
    by_html = {"json_content_type", "error_envelope", "auth_required", "version_refused", "invalid_request_rejected"}
    for region in REGIONS:  # what each fault trips alone (its own run's table), all reported together
        assert {(region, check) for check in by_html} <= failed, (region, failed)
        assert (region, "message_echoes_request") in failed  # created_at ignored, judged in its first message
    assert {("eu", "me_region"), ("au", "me_region")} <= failed  # the US answer is right in the US
    assert _created(fake) <= 20


def test_without_ids_message_creation_is_skipped_and_the_rest_runs(
    pytester: pytest.Pytester, tokens: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("INTERCOM_ADMIN_ID", raising=False)
    monkeypatch.delenv("INTERCOM_CONTACT_ID", raising=False)
    fake = FakeIntercom(settings=FakeSettings(tokens=tokens))
    with MockServer(fake) as server:
        result = pytester.runpytest(*SUITE, *_base_urls(server.base_urls, ("au",)), "--intercom-region", "au", "-rs")
    outcomes = result.parseoutcomes()
    assert outcomes.get("failed", 0) == 0
    assert outcomes["passed"] + outcomes["skipped"] == 12 + 1  # the flows, off
    assert outcomes["passed"] >= 9  # the invalid-request property passes or skips, as its draws name a party or not
    result.stdout.fnmatch_lines(["*creates messages: set --intercom-admin-id and --intercom-contact-id*"])
    assert _created(fake) == 0
    for exchange in fake.exchanges:  # no request naming a sender or recipient was sent
        try:
            payload = json.loads(exchange.request.body) if exchange.request.body else None
        except ValueError:
            continue  # malformed JSON (an invalid request on purpose): names nobody
        assert not (isinstance(payload, dict) and ("from" in payload or "to" in payload)), payload


def test_regions_default_to_those_with_a_token(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, ids: None
) -> None:
    for name in list(os.environ):
        if name.startswith("INTERCOM_ACCESS_TOKEN"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("INTERCOM_ACCESS_TOKEN_EU", "tok-eu-only")
    fake = FakeIntercom(settings=FakeSettings(tokens={"eu": "tok-eu-only"}))
    with MockServer(fake) as server:
        result = pytester.runpytest(*SUITE, *_base_urls(server.base_urls, ("eu",)), "-rs")
    result.assert_outcomes(passed=10, skipped=3)  # no token of another region: the isolation test says so
    result.stdout.fnmatch_lines(["*needs a token of another region too*"])
    assert {e.request.region for e in fake.exchanges} == {"eu"}
    # A region asked for without its token: one usage line (tests/test_plugin_parts.py).


@pytest.fixture
def silent_server() -> Iterator[str]:
    """A loopback server that accepts connections and never answers."""
    with Loopback(backlog=64, poll=0.2) as server:
        yield f"http://127.0.0.1:{server.port}/us"


def test_a_server_that_never_answers_ends_in_bounded_time_naming_the_timeout(
    pytester: pytest.Pytester, tokens: dict[str, str], ids: None, silent_server: str
) -> None:
    started = time.monotonic()
    result = pytester.runpytest(
        *SUITE, "--intercom-region", "us", "--intercom-base-url", f"us={silent_server}", "--intercom-timeout", "0.5"
    )
    elapsed = time.monotonic() - started
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    assert elapsed < 30, elapsed
    result.stdout.fnmatch_lines(
        [f"region us, version 2.11: GET {silent_server}/me: timed out after 0.5s (ReadTimeout)"]
    )
    assert "Traceback" not in result.stdout.str()
    assert "httpx" not in result.stdout.str().split("short test summary")[0]


def test_a_token_the_region_refuses_is_said_once_above_the_failures(
    pytester: pytest.Pytester, tokens: dict[str, str], ids: None
) -> None:
    fake = FakeIntercom(settings=FakeSettings(tokens={"us": "tok-of-another-workspace"}))
    with MockServer(fake) as server:
        result = pytester.runpytest(
            *SUITE, "--intercom-region", "us", *_base_urls(server.base_urls, ("us",)), "--intercom-max-examples", "2"
        )
    output = result.stdout.str()
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    line = f"intercom-contracts: region us ({server.base_urls['us']}): token refused"
    assert output.count(line) == 1, output[-3000:]
    assert "INTERCOM_ACCESS_TOKEN_US" in output.split(line, 1)[1].splitlines()[0]
    assert output.index(line) < output.index("FAILURES")
    assert tokens["us"] not in output
