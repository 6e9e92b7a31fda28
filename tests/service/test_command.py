"""`intercom-contracts mock -- CMD`, and a long-running `mock` stopped by a signal: statuses, breach text, reports."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from pathlib import Path

import httpx

from ..conftest import read_line

# A client under test: what it sends comes from argv; it reads the fake's base URL and token from its environment.
CLIENT = """
import json, os, sys, urllib.request, urllib.error
base, token = os.environ["INTERCOM_BASE_URL"], os.environ["INTERCOM_ACCESS_TOKEN"]
assert os.environ["INTERCOM_BASE_URL_EU"].endswith("/eu")
def send(method, path, body=None):
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(base + path, data=data, method=method, headers={
        "Authorization": "Bearer " + token, "Content-Type": "application/json", "Accept": "application/json"})
    try:
        return urllib.request.urlopen(request).status
    except urllib.error.HTTPError as error:
        return error.code
contact = json.load(urllib.request.urlopen(urllib.request.Request(base + "/contacts", method="POST",
    data=json.dumps({"email": "ada@example.com"}).encode(),
    headers={"Authorization": "Bearer " + token, "Content-Type": "application/json"})))
print("sent", send("GET", "/contacts/" + contact["id"]))
if "refused" in sys.argv:
    print("sent", send("POST", "/messages", {"message_type": "inapp", "body": "no sender"}))
sys.exit(int(sys.argv[1]))
"""


def _mock(*arguments: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "contracts.cli", "mock", *arguments]
    return subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False)


def test_a_clean_command_exits_0() -> None:
    done = _mock("--", sys.executable, "-c", CLIENT, "0")
    assert (done.returncode, done.stdout) == (0, "sent 200\n")
    assert "none broke the contract" in done.stderr


def test_a_refused_request_makes_a_passing_command_exit_1_with_the_breach_text(tmp_path: Path) -> None:
    report, har, html = tmp_path / "report.json", tmp_path / "run.har", tmp_path / "report.html"
    done = _mock(
        f"--report={report}",
        f"--record={har}",
        f"--report-html={html}",
        "--",
        sys.executable,
        "-c",
        CLIENT,
        "0",
        "refused",
    )
    assert (done.returncode, done.stdout) == (1, "sent 200\nsent 400\n")
    assert "1 request(s) broke the Intercom contract (Intercom would refuse them):" in done.stderr
    assert "Rule: required at $: 'from' is a required property" in done.stderr
    written = json.loads(report.read_text())
    assert written["summary"] == {"passed": 2, "failed": 1, "skipped": 0}
    [failure] = written["failures"]
    assert failure["received"] == '{"body": "no sender", "message_type": "in_app"}'
    assert failure["documented"] == '{"required": ["message_type", "body", "from", "to"]}'
    assert failure["curl"].startswith("curl -X POST http://127.0.0.1:")
    assert "Bearer [redacted]" in failure["curl"]
    assert [e["status"] for e in written["exchanges"]] == [200, 200, 400]
    recorded = har.read_text()
    assert len(json.loads(recorded)["log"]["entries"]) == 3
    for text in (report.read_text(), recorded, html.read_text(), done.stderr):
        assert "fake-intercom-token-us" not in text


def test_the_command_s_own_failure_is_its_status() -> None:
    assert _mock("--", sys.executable, "-c", CLIENT, "3").returncode == 3
    missing = _mock("--", "no-such-command-here")
    assert missing.returncode == 127
    assert "cannot run no-such-command-here" in missing.stderr


def test_sigterm_is_passed_on_to_the_command() -> None:
    waits = "import signal, sys, time; print('ready', flush=True); time.sleep(30)"
    process = subprocess.Popen(
        [sys.executable, "-m", "contracts.cli", "mock", "--", sys.executable, "-c", waits],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    assert read_line(process.stdout) == "ready\n"
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=20) == 128 + signal.SIGTERM


def test_sigterm_to_a_long_running_mock_writes_the_reports_and_exits_1_after_a_breach(tmp_path: Path) -> None:
    report, har = tmp_path / "report.json", tmp_path / "run.har"
    process = subprocess.Popen(
        [sys.executable, "-m", "contracts.cli", "mock", f"--report={report}", f"--record={har}"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        us = read_line(process.stdout).split()[3].split("=", 1)[1]
        headers = {"Authorization": "Bearer fake-intercom-token-us"}
        assert httpx.post(us + "/messages", json={"body": "x"}, headers=headers).status_code == 400
    finally:
        process.send_signal(signal.SIGTERM)
        status = process.wait(timeout=20)
    assert status == 1
    assert json.loads(report.read_text())["failures"][0]["problem"] == "'message_type' is a required property"
    assert json.loads(har.read_text())["log"]["_intercom"]["complete"] is True


def test_a_remote_host_needs_an_explicit_flag() -> None:
    refused = _mock("--host", "0.0.0.0", "--", sys.executable, "-c", "pass")
    assert refused.returncode == 2
    assert "pass --allow-remote to mean it" in refused.stderr
    allowed = _mock("--host", "0.0.0.0", "--allow-remote", "--", sys.executable, "-c", "pass")
    assert allowed.returncode == 0
    assert "warning: the fake listens on 0.0.0.0: other hosts can reach it" in allowed.stderr


def test_a_report_that_cannot_be_written_is_one_line_and_exit_2(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    done = _mock(f"--report={blocker}/report.json", "--", sys.executable, "-c", "pass")
    assert done.returncode == 2
    assert f"intercom-contracts mock: {blocker}/report.json could not be written: Not a directory\n" in done.stderr
    assert "Traceback" not in done.stderr
