"""Recordings of real runs over loopback: record, judge again (same verdicts), judge under another version, replay.

The live target is our own fake on 127.0.0.1 (healthy, then with faults), with random tokens in the environment:
the recording must hold every exchange the server received and none of the tokens, in any form.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from contracts._redaction import secret_forms
from contracts.mock import DEFAULT_ADMIN_ID, DEFAULT_CONTACT_ID, FakeIntercom, FakeSettings, MockServer
from contracts.recordings._har import read_recording, validate_har
from contracts.regions import REGIONS
from contracts.run import mock_target, replay

from .conftest import token_forms
from .test_recording import exchange, judged_entry, write_har

LIVE = ("-p", "no:cacheprovider", "--intercom-target", "live", "--intercom-max-examples", "5")
JUDGE = ("--pyargs", "contracts.judging", "-p", "no:cacheprovider")


@pytest.fixture
def tokens(monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    chosen = {region: f"tok-{region}-{os.urandom(8).hex()}" for region in REGIONS}
    monkeypatch.delenv("INTERCOM_ACCESS_TOKEN", raising=False)
    for region, token in chosen.items():
        monkeypatch.setenv(f"INTERCOM_ACCESS_TOKEN_{region.upper()}", token)
    monkeypatch.setenv("INTERCOM_ADMIN_ID", str(DEFAULT_ADMIN_ID))
    monkeypatch.setenv("INTERCOM_CONTACT_ID", DEFAULT_CONTACT_ID)
    return chosen


def _record(
    pytester: pytest.Pytester, tokens: dict[str, str], faults: frozenset[str] = frozenset(), *extra: str
) -> tuple[FakeIntercom, Path, Path, pytest.RunResult]:
    """A live run of the suite against the fake on loopback (region us), recorded."""
    fake = FakeIntercom(settings=FakeSettings(tokens=dict(tokens), rate_limit=10**6, faults=faults))
    har, report = pytester.path / "run.har", pytester.path / "run.json"
    with MockServer(fake) as server:
        result = pytester.runpytest(
            "--pyargs",
            "contracts.suite",
            *LIVE,
            "--intercom-region",
            "us",
            "--intercom-base-url",
            f"us={server.base_urls['us']}",
            "--intercom-max-live-messages",
            "200",
            "--intercom-record",
            str(har),
            "--intercom-report",
            str(report),
            *extra,
        )
    return fake, har, report, result


def _rows(report: Path, *, without: str = "schemathesis") -> dict[tuple[str, str, str], Counter[str]]:
    """The run's table: (region, version, check) -> outcome counts (schemathesis's own check is not re-judged)."""
    table: dict[tuple[str, str, str], Counter[str]] = {}
    for result in json.loads(report.read_text())["results"]:
        if result["outcome"] != "skipped" and not result["check"].startswith(without):
            key = (result["region"], result["version"], result["check"])
            table.setdefault(key, Counter())[result["outcome"]] += 1
    return table


def _judge(pytester: pytest.Pytester, har: Path, name: str, *extra: str) -> tuple[Path, pytest.RunResult]:
    report = pytester.path / name
    result = pytester.runpytest(*JUDGE, "--intercom-recording", str(har), "--intercom-report", str(report), *extra)
    return report, result


def test_a_recorded_live_run_is_judged_again_offline_with_the_same_verdicts(
    pytester: pytest.Pytester, tokens: dict[str, str]
) -> None:
    fake, har, report, run = _record(pytester, tokens, frozenset(), "-n", "2", "--junitxml", "junit.xml")
    run.assert_outcomes(passed=11, skipped=2)
    data = har.read_bytes()
    document = json.loads(data)
    assert validate_har(document) is None
    assert document["log"]["_intercom"]["complete"] is True
    # Every exchange the server received, none it did not (xdist workers' included), in no token form.
    assert len(document["log"]["entries"]) == len(fake.exchanges) > 20
    for token in tokens.values():
        for form in (*token_forms(token), *secret_forms(token)):
            assert form.encode() not in data, form
    assert b"intercom_har" not in (pytester.path / "junit.xml").read_bytes()  # the recording is no report property

    judged, result = _judge(pytester, har, "judged.json")
    assert result.ret == 0, result.stdout.str()
    assert _rows(judged) == _rows(report)
    result.stdout.fnmatch_lines(["*intercom recording*", "*judged * recorded exchange(s) in 11 test(s)*"])

    other, result = _judge(pytester, har, "other.json", "--intercom-version", "2.14")
    assert {version for _, version, _ in _rows(other)} == {"2.14"}
    assert {check for *_, check in _rows(other)} == {check for *_, check in _rows(report)}

    replayed = replay(read_recording(har), mock_target())
    assert [str(d) for item in replayed.items for d in item.differences] == []
    assert not replayed.not_sent
    assert not replayed.failed


def test_a_faulty_server_is_judged_alike_and_replay_names_each_difference(
    pytester: pytest.Pytester, tokens: dict[str, str]
) -> None:
    faults = frozenset({"body-not-echoed", "no-rate-limit-headers"})
    _, har, report, run = _record(pytester, tokens, faults)
    assert run.ret == 1
    judged, result = _judge(pytester, har, "judged.json")
    assert result.ret == 1
    assert _rows(judged) == _rows(report)
    assert any(counts["failed"] for counts in _rows(judged).values())

    replayed = replay(read_recording(har), mock_target())
    for item in replayed.items:  # the healthy fake answers otherwise exactly where the faults were
        entry, aspects = item.entry, {d.aspect for d in item.differences}
        expected = set()
        if entry.status != 401:
            expected |= {"header x-ratelimit-limit", "header x-ratelimit-remaining", "header x-ratelimit-reset"}
        if (entry.method, entry.path, entry.status) == ("POST", "/messages", 200):
            expected.add("echoed body")
        assert aspects == expected, item.title


def test_a_run_cut_short_leaves_a_whole_file_that_says_so(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_cut="""
        def test_fails(intercom_client):
            assert intercom_client.request("GET", "/me").status == 500

        def test_never_run():
            pass
        """
    )
    har = pytester.path / "cut.har"
    run = pytester.runpytest("-p", "no:cacheprovider", "-x", "--intercom-record", str(har))
    assert run.ret == 1
    run.assert_outcomes(failed=1)  # -x: the tests after were never run
    log = json.loads(har.read_text())["log"]
    assert (log["_intercom"]["state"], log["_intercom"]["complete"]) == ("cut", False)
    assert log["entries"]
    assert read_recording(har).complete is False


def test_a_killed_run_leaves_the_last_whole_file(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_waits="""
        import time

        def test_sends(intercom_client):
            assert intercom_client.request("GET", "/me").status == 200

        def test_waits_forever():
            time.sleep(120)
        """
    )
    har = pytester.path / "killed.har"
    command = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", "--intercom-record", str(har)]
    process = subprocess.Popen(command, cwd=pytester.path, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if har.exists() and len(json.loads(har.read_text())["log"]["entries"]) == 3:
                break  # test_sends ran for the three regions, test_waits_forever is waiting
            time.sleep(0.1)
        else:
            pytest.fail("the recording never held the three exchanges of test_sends")
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)
    recording = read_recording(har)  # whole, though nothing finished it
    assert len(recording.entries) == 3
    assert recording.complete is False
    assert json.loads(har.read_text())["log"]["_intercom"]["state"] == "running"


def test_the_judge_command_reports_like_a_run(pytester: pytest.Pytester) -> None:
    har = write_har(pytester.path / "small.har", [judged_entry(exchange())])
    html = pytester.path / "judged.html"
    process = subprocess.run(
        [sys.executable, "-m", "contracts.cli", "judge", str(har), "-q", "--intercom-report-html", str(html)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=pytester.path,
    )
    assert process.returncode == 0, process.stdout + process.stderr
    assert "us      2.11     message_echoes_request  1" in process.stdout
    assert "intercom-contracts judge" not in process.stderr
    assert "recording" in html.read_text()


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ([], "usage: intercom-contracts judge HAR"),
        (["-q"], "the HAR file comes first"),
        (["missing.har"], "intercom-contracts judge: error: missing.har: no such file"),
    ],
)
def test_the_judge_command_refuses_bad_input_in_one_line(
    pytester: pytest.Pytester, arguments: list[str], message: str
) -> None:
    process = subprocess.run(
        [sys.executable, "-m", "contracts.cli", "judge", *arguments],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=pytester.path,
    )
    assert process.returncode == 4
    assert message in process.stderr
    assert "Traceback" not in process.stderr


def test_a_run_that_crashes_leaves_a_recording_that_says_it_was_cut(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(
        """
        def pytest_runtest_logreport(report):
            if report.when == "call" and report.nodeid.endswith("[eu-2.11]"):
                raise RuntimeError("a plugin crashed")
        """
    )
    pytester.makepyfile(test_sends="def test_sends(intercom_client):\n    intercom_client.request('GET', '/me')\n")
    har = pytester.path / "crash.har"
    result = pytester.runpytest("-p", "no:cacheprovider", "--intercom-record", str(har))
    assert result.ret == pytest.ExitCode.INTERNAL_ERROR
    log = json.loads(har.read_text())["log"]
    assert (log["_intercom"]["state"], log["_intercom"]["complete"]) == ("cut", False)


def test_a_recording_under_a_version_no_description_documents_is_one_usage_line(pytester: pytest.Pytester) -> None:
    har = write_har(pytester.path / "future.har", [judged_entry(exchange(version="2.99"))])
    document = json.loads(har.read_text())
    document["log"]["entries"][0]["_intercom"]["tested_version"] = "2.99"
    har.write_text(json.dumps(document))
    process = subprocess.run(
        [sys.executable, "-m", "contracts.cli", "judge", str(har)],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=pytester.path,
    )
    assert process.returncode == 4
    errors = [line for line in process.stderr.splitlines() if line.strip()]
    assert len(errors) == 1
    assert "recorded under version 2.99" in errors[0]
    assert "--intercom-version V" in errors[0]
