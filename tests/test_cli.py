"""The console script: exit codes, one-line errors without tracebacks, lint output."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from contracts.cli import main

from .conftest import read_line, rest_of


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "contracts.cli", *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _bad_inputs(tmp_path: Path) -> dict[str, tuple[str, str]]:
    (tmp_path / "bad.yaml").write_text("openapi: 3.0.1\npaths: {\n")
    (tmp_path / "swagger.yaml").write_text("swagger: '2.0'\npaths: {}\n")
    (tmp_path / "other.yaml").write_text("openapi: 3.0.3\ninfo: {title: x, version: '1'}\npaths:\n  /me: {}\n")
    return {
        "missing file": (str(tmp_path / "absent.yaml"), "no such file"),
        "unparsable YAML": (str(tmp_path / "bad.yaml"), "is not valid YAML or JSON"),
        "not OpenAPI 3": (str(tmp_path / "swagger.yaml"), "is not an OpenAPI 3 document"),
        "unknown official version": ("official:banana", "unknown official version 'banana'"),
        "unreachable URL": ("http://127.0.0.1:9/api.yaml", "could not download http://127.0.0.1:9/api.yaml"),
        "no createMessage": (str(tmp_path / "other.yaml"), "has no createMessage operation (POST /messages)"),
    }


@pytest.mark.parametrize(
    "case",
    [
        "missing file",
        "unparsable YAML",
        "not OpenAPI 3",
        "unknown official version",
        "unreachable URL",
        "no createMessage",
    ],
)
def test_bad_spec_is_one_line_and_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str], case: str) -> None:
    source, problem = _bad_inputs(tmp_path)[case]
    assert main(["lint", source]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"intercom-contracts lint: error: spec {source}")
    assert problem in err
    assert err.count("\n") == 1


def test_no_traceback_from_the_console_script(tmp_path: Path) -> None:
    result = _cli("lint", str(tmp_path / "absent.yaml"))
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert result.stderr.strip() == (
        f"intercom-contracts lint: error: spec {tmp_path / 'absent.yaml'}: no such file. Pass `bundled`, "
        "a path to a YAML or JSON file, an https:// URL, or official:VERSION."
    )


def test_lint_official_strict_exits_1_with_json_counts(capsys: pytest.CaptureFixture[str]) -> None:
    path = "official:2.11"
    assert main(["lint", path]) == 0
    capsys.readouterr()
    assert main(["lint", path, "--strict", "--format", "json"]) == 1
    payload = json.loads(capsys.readouterr().out)
    assert payload["source"] == path
    assert payload["counts"]["dangling-ref"] == 4
    assert "facts pack" in payload["note"]


def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as raised:
        main(["lint", "bundled", "--format", "xml"])
    assert raised.value.code == 2
    assert "invalid choice: 'xml'" in capsys.readouterr().err


@pytest.mark.parametrize("port", ["70000", "-1", "http"])
def test_a_port_out_of_range_is_a_usage_error(capsys: pytest.CaptureFixture[str], port: str) -> None:
    with pytest.raises(SystemExit) as raised:
        main(["mock", "--port", port])
    assert raised.value.code == 2
    assert "is not a port number (0 to 65535)" in capsys.readouterr().err


def test_a_usage_error_never_shows_the_token(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    token = "tok-cli-secret-4242"
    monkeypatch.setenv("INTERCOM_ACCESS_TOKEN", token)
    har = tmp_path / "empty.har"
    har.write_text(json.dumps({"log": {"version": "1.2", "creator": {"name": "t", "version": "1"}, "entries": []}}))
    assert main(["replay", str(har), "--against", f"https://user:{token}@host.example"]) == 2
    error = capsys.readouterr().err
    assert "--against" in error
    assert token not in error


def test_diff_prints_a_summary_by_default_and_every_change_with_all(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["diff", "official:2.11", "official:2.12"]) == 1
    summary = capsys.readouterr().out.splitlines()
    assert len(summary) < 40
    assert summary[0].startswith("breaking (")
    totals = re.fullmatch(r"official:2\.11 -> official:2\.12: (\d+) change\(s\), (\d+) breaking", summary[-1])
    assert totals is not None, summary[-1]
    changes, breaking = int(totals.group(1)), int(totals.group(2))
    assert 0 < breaking <= changes
    assert main(["diff", "official:2.11", "official:2.12", "--all"]) == 1
    listed = capsys.readouterr().out.splitlines()
    assert sum(1 for line in listed if line.startswith(("BREAKING", "ok"))) == changes  # the summary counts them all
    assert sum(1 for line in listed if line.startswith("BREAKING")) == breaking


def test_output_into_a_closed_pipe_ends_quietly() -> None:
    shell = f"{sys.executable} -m contracts.cli diff official:2.11 official:2.12 --all | head -n 1"
    done = subprocess.run(shell, shell=True, capture_output=True, text=True, timeout=120, check=False)
    assert done.stdout.count("\n") == 1
    assert "Traceback" not in done.stderr
    assert "BrokenPipeError" not in done.stderr


def test_run_help_names_the_command(capsys: pytest.CaptureFixture[str]) -> None:
    done = _cli("run", "--help")
    assert done.returncode == 0
    assert done.stdout.startswith("usage: intercom-contracts run [pytest options]")
    assert "usage: intercom-contracts run [options]" in done.stdout
    assert "pytest.main()" not in done.stdout
    assert "--intercom-report-html=PATH" in done.stdout


def test_workers_without_xdist_is_one_line_with_the_fix(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "xdist" else real(name, *a))
    assert main(["run", "-n", "2"]) == 4
    error = capsys.readouterr().err.strip()
    assert error == "intercom-contracts run: error: -n needs pytest-xdist: pip install pytest-xdist (or run without -n)"


def test_mock_prints_one_line_and_logs_exchanges_when_asked() -> None:
    import httpx

    process = subprocess.Popen(
        [sys.executable, "-m", "contracts.cli", "mock", "--log"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        assert process.stderr is not None
        first = read_line(process.stdout)
        assert first.startswith("Fake Intercom serving us=http://127.0.0.1:")
        us = first.split()[3].split("=", 1)[1]
        httpx.get(us + "/contacts?per_page=1", headers={"Authorization": "Bearer fake-intercom-token-us"})
        httpx.get(us + "/nope", headers={"Authorization": "Bearer secret-never-logged"})
        logged = [read_line(process.stderr).strip() for _ in range(2)]
    finally:
        process.terminate()
        process.wait(timeout=10)
        rest = (rest_of(process.stdout), rest_of(process.stderr))
    assert logged[0] == "us GET /contacts?per_page=1 -> 200 (ListContacts, version 2.11)"
    assert logged[1].startswith("us GET /nope -> 401 (no operation, version -) BREACH header Authorization")
    assert rest[0] == ""  # nothing more on stdout: one line, as the README shows
    assert "secret-never-logged" not in "".join(logged) + rest[1]


def test_judge_names_the_command_and_the_file_the_user_typed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "BAD.har"
    bad.write_text("not json")
    assert main(["judge", str(bad)]) == 4
    err = capsys.readouterr().err
    assert err == f"intercom-contracts judge: error: {bad}: not a HAR file (it is not JSON)\n"
    assert "--intercom-recording" not in err


def test_a_version_intercom_never_published_is_refused_offline_naming_the_published_ones(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import socket

    def no_network(*args: object, **kwargs: object) -> None:
        raise AssertionError("the network was touched")

    monkeypatch.setattr(socket, "getaddrinfo", no_network)
    monkeypatch.setattr(socket.socket, "connect", no_network)
    assert main(["diff", "official:9.99", "official:2.14"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("intercom-contracts diff: error: spec official:9.99: Intercom never published version 9.99.")
    assert "Published: 1.0-1.4, 2.0-2.16, Preview; described (what official:V loads): 2.7-2.16, Preview." in err
    assert err.count("\n") == 1
    assert main(["diff", "official:2.6", "official:2.14"]) == 2
    assert "Intercom published version 2.6 but no description of it (the oldest is 2.7)" in capsys.readouterr().err


def test_a_version_published_after_the_pack_may_be_downloaded() -> None:
    from contracts.spec._sources import unpublished

    assert [unpublished(v) for v in ("2.17", "2.40", "3.0", "Preview", "2.11")] == [None] * 5
    assert unpublished("4.1") == "Intercom never published version 4.1"
    assert unpublished("2.05") == "Intercom never published version 2.05"
